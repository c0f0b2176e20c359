import Foundation
import Testing

@testable import SiteKit

/// The words a wording pattern needs, read from the pattern to skip text quickly.
@Suite struct RulesLiteralFilterTests {
    func words(_ pattern: String) -> [String]? {
        LiteralFilter(pattern: pattern)?.words.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func takesTheLongestRequiredWordOfEachAlternative() {
        #expect(words(#"\bFDA[-‐‑– ]?(?:approved|approval)\b|\bapproved\s+by\s+the\s+FDA\b"#) == ["fda", "approved"])
        #expect(words(#"\bcur(?:e|es|ed|ing)\b|\bcurative\b"#) == ["cur", "curative"])
        #expect(words(#"\bcommit(?:s|ted|ting)?\s+suicide\b"#) == ["suicide"])
    }

    @Test func leavesOutOptionalAndRepeatedParts() {
        #expect(words(#"\bmiracles?\b"#) == ["miracle"])
        #expect(words(#"\bguarantee(?:s|d)?\b"#) == ["guarantee"])
        #expect(words(#"colou*r"#) == ["colo"])
        #expect(words(#"abcd{0,2}"#) == ["abc"])
        #expect(words(#"abcx+yz"#) == ["abcx"])
    }

    @Test func givesUpWhenAnAlternativeHasNoWord() {
        #expect(words(#"\b(?:successful|failed)\s+attempts?"#) == ["attempt"])
        #expect(words(#"\b(?:successful|failed)\b"#) == nil)
        #expect(words(#"\bno\b|\bguarantee\b"#) == nil)
        #expect(words(#"(?i)cure"#) == nil)
        #expect(words(#"\p{L}{3}"#) == nil)
        #expect(words(#"[cure]+"#) == nil)
        #expect(words(#"\x41BC"#) == nil)
    }

    @Test func classesWithBracketsDoNotConfuseIt() {
        #expect(words(#"[]x]miracle|[^]]wonder"#) == ["miracle", "wonder"])
        #expect(words(#"[a|b]cure"#) == ["cure"])
    }

    @Test func findsWordsInLowercasedText() {
        let filter = LiteralFilter(pattern: #"\bguarantee(?:s|d)?\b"#)!
        let yes = LiteralFilter.lowercasedBytes("Results GUARANTEED.")
        let no = LiteralFilter.lowercasedBytes("Results vary.")
        #expect(yes.withUnsafeBufferPointer { filter.mayMatch($0) })
        #expect(!no.withUnsafeBufferPointer { filter.mayMatch($0) })
        #expect(!LiteralFilter.lowercasedBytes("gu").withUnsafeBufferPointer { filter.mayMatch($0) })
    }

    @Test func keepsTheWordEdgesThePatternAsksFor() {
        let cure = LiteralFilter(pattern: #"\bcur(?:e|es)\b|\bcurative\b"#)!
        #expect(cure.words.map(\.boundaryBefore) == [true, true])
        #expect(cure.words.map(\.boundaryAfter) == [false, true])
        func may(_ filter: LiteralFilter, _ text: String) -> Bool {
            LiteralFilter.lowercasedBytes(text).withUnsafeBufferPointer { filter.mayMatch($0) }
        }
        #expect(!may(cure, "Your records are secure, and the visits recurring."))
        #expect(may(cure, "Secure. Cures."))
        #expect(may(cure, "—cure"))
        let safe = LiteralFilter(pattern: #"\b(?:completely|totally)\s+safe\b"#)!
        #expect(!may(safe, "Safety first, safer care."))
        #expect(may(safe, "totally safe."))
        #expect(may(safe, "It is completely safe"))
        #expect(!may(safe, "safe_word"))
    }

    @Test func aRuleWithoutWordsStillMatches() throws {
        let rules = """
            rules:
              - id: anything-but-words
                pattern: '\\b(?:successful|failed)\\b'
                severity: warning
                message: m
                source: s

            """
        let result = try buildRulesSite(["content/_wording.yaml": rules, "content/a.md": "---\ntitle: A\n---\n\nA failed plan.\n"])
        #expect(result.ruleLines == ["content/a.md:5:3 warning wording.anything-but-words"])
    }
}
