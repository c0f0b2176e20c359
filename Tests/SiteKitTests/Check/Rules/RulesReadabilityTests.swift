import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The readability rule (`readability.grade`): Flesch-Kincaid grades of a page's prose and of its
/// very long sentences, against the limits of `_readability.yaml`, on passages written to fail.
@Suite struct RulesReadabilityTests {
    static let rules = """
        max_grade: 8
        long_sentence:
          words: 25
          max_grade: 12
        severity: error
        types:
          providers:
            max_grade: 30
            long_sentence: {words: 25, max_grade: 80}

        """

    static let schema = """
        types:
          page:
            required: {title: text}
            optional: {description: text}
          providers: {}
          faq: {}
          clinical:
            extends: faq

        """

    /// Short words, short sentences: about grade 1.
    static let easy = "We are glad you are here. You can ask us what you like. We will go at your pace. There is no rush to decide. Take the time you need."

    /// Long words in one long sentence: far above grade 8 (about grade 50).
    static let hard = "Comprehensive psychiatric evaluations systematically characterize contraindications, pharmacological considerations and psychotherapeutic integration methodologies, facilitating individualized therapeutic determinations regarding ketamine administration alongside concurrent psychotherapeutic interventions and longitudinal monitoring responsibilities."

    func page(_ body: String, type: String? = nil, extra: String = "") -> String {
        "---\ntitle: A page\n" + (type.map { "type: \($0)\n" } ?? "") + extra + "---\n\n" + body + "\n"
    }

    func build(_ pages: [String: String], rules: String? = RulesReadabilityTests.rules) throws -> BuildResult {
        var files = pages
        files["content/_schemas.yaml"] = Self.schema
        if let rules { files["content/_readability.yaml"] = rules }
        return try buildRulesSite(files)
    }

    func readability(_ result: BuildResult) -> [Diagnostic] { result.diagnostics.filter { $0.code.hasPrefix("readability.") || $0.code.hasPrefix("rules.") } }

    @Test func theHyphenationPatternsAreInstalledAndCountSyllables() {
        #expect(Hyphenation.shared.dictionary != nil, "hyph_en_US.dic not found: bash scripts/install-deps.sh")
        // The patterns' counts, as pyphen (and so textstat) gives them.
        #expect(Readability.syllables("cat") == 1)
        #expect(Readability.syllables("Ketamine") == Readability.syllables("ketamine"))
        #expect(Readability.syllables("psychotherapy") >= 4)
        #expect(Readability.syllables("hyperthyroidism") >= 4)
        #expect(Readability.syllables("500") == 1)
    }

    @Test func countsFollowTextstat() {
        // self-harm is one word, $500 is "500", a decimal point ends no sentence, "Dr." joins its sentence.
        let c = Readability.counts(ofBlock: "Dr. Anderson sees people who self-harm. In one study, 58.3% had responded. It costs $500.")
        #expect(c.words == 15)
        #expect(c.sentences == 3)
        let none = Readability.counts(ofBlock: "")
        #expect(none.words == 0 && none.grade == 0)
    }

    @Test func anEasyPagePasses() throws {
        let result = try build(["content/easy.md": page(Self.easy)])
        #expect(readability(result).map(\.compactLine) == [])
    }

    @Test func aHardPageFailsAtItsHardestParagraphWithItsGrade() throws {
        let body = Self.easy + "\n\n" + Self.hard + "\n\n" + Self.easy
        let result = try build(["content/hard.md": page(body)])
        // The page (line 7, the hard paragraph) and its one long sentence (same place).
        #expect(readability(result).map(\.compactLine) == ["content/hard.md:7:1 error readability.grade", "content/hard.md:7:1 error readability.grade"])
        let pageDiagnostic = try #require(readability(result).first { $0.message.hasPrefix("this page reads at grade") })
        #expect(pageDiagnostic.message.contains("above the limit of 8.0 for pages of type 'page'"))
        #expect(pageDiagnostic.message.contains("its hardest paragraph, here, reads at grade"))
        #expect(pageDiagnostic.suggestion?.contains("shorter sentences") == true)
        let grade = try #require(Double(pageDiagnostic.message.split(separator: " ")[5]))
        #expect(grade > 8)
    }

    @Test func aVeryLongSentenceFailsAtItsStartOnAnEasyPage() throws {
        // An easy page overall, but its second sentence runs on for 50 words.
        let long = "When you come in for the evaluation the psychiatrist will want to understand the complicated circumstances surrounding your previous experiences with antidepressant medications and psychotherapy, including difficulties, unexpected reactions, and the considerations that influenced your decisions about continuing or discontinuing particular treatments over many years."
        let body = "Thank you for coming. " + long + "\n\n" + Self.easy + "\n\n" + Self.easy + "\n\n" + Self.easy + "\n\n" + Self.easy
        let result = try build(["content/long.md": page(body)])
        let found = readability(result)
        #expect(found.map(\.compactLine) == ["content/long.md:5:23 error readability.grade"])
        let d = try #require(found.first)
        #expect(d.message.hasPrefix("this sentence of "))
        #expect(d.message.contains("above the limit of 12.0 for a long sentence"))
        #expect(d.suggestion?.hasPrefix("split it into two or three sentences") == true)
    }

    @Test func aTypeWithItsOwnLimitsAcceptsHarderProse() throws {
        let result = try build([
            "content/for-providers.md": page(Self.hard + " " + Self.easy, type: "providers"),
            "content/patients.md": page(Self.hard + " " + Self.easy, type: "faq"),
        ])
        #expect(readability(result).map(\.compactLine) == ["content/patients.md:6:1 error readability.grade", "content/patients.md:6:1 error readability.grade"])
    }

    @Test func aTypeTakesTheLimitsOfTheTypeItExtends() throws {
        let rules = Self.rules + "  faq:\n    max_grade: 80\n    long_sentence: {words: 25, max_grade: 80}\n"
        let result = try build(["content/c.md": page(Self.hard, type: "clinical")], rules: rules)
        #expect(readability(result).map(\.compactLine) == [])
    }

    @Test func withoutTheFileThereIsNoReadabilityCheck() throws {
        #expect(readability(try build(["content/hard.md": page(Self.hard)], rules: nil)).isEmpty)
    }

    @Test func aLineExemptionSilencesIt() throws {
        let result = try build(["content/hard.md": page(Self.hard + " <!-- ignore: readability.grade -->")])
        #expect(readability(result).map(\.compactLine) == [])
    }

    @Test func badLimitsAreReportedInTheFile() throws {
        let rules = "max_grade: lots\nlong_sentence: {words: 0}\nseverity: loud\ntypes:\n  provders: {max_grade: 12}\nmax_grad: 3\n"
        let result = try build(["content/easy.md": page(Self.easy)], rules: rules)
        #expect(
            readability(result).map(\.compactLine) == [
                "content/_readability.yaml:1:12 error rules.invalid", "content/_readability.yaml:2:24 error rules.invalid",
                "content/_readability.yaml:3:11 error rules.invalid", "content/_readability.yaml:5:3 error rules.invalid",
                "content/_readability.yaml:6:1 warning rules.unknown-key",
            ])
        #expect(result.diagnostics.contains { $0.message == "there is no page type 'provders' in _schemas.yaml" && $0.suggestion == "did you mean 'providers'?" })
    }

    /// The clinic's own pages read within their limits (the FAQ's grade-18.7 sentence is gone).
    @Test func theClinicsPagesReadWithinTheirLimits() throws {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        #expect(result.diagnostics.filter { $0.code.hasPrefix("readability.") }.map(\.compactLine) == [])
        // And the rule is on for them: the clinic's file is read.
        #expect(sources.dataFiles["_readability.yaml"] != nil)
    }
}
