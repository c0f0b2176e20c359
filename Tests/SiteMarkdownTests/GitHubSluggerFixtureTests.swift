import Foundation
import Testing
import TestSupport

@testable import SiteMarkdown

/// github-slugger's own fixtures (../shared/data/github-slugger-fixtures.json, see its README):
/// every case, made as the headings of one document in the file's order, as the fixtures were.
@Suite struct GitHubSluggerFixtureTests {
    struct Case: Decodable {
        var name: String
        var input: String
        var expected: String
        var markdownOverwrite: String?
    }

    static let fixturesFile = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/github-slugger-fixtures.json")

    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: fixturesFile)
        return try JSONDecoder().decode([Case].self, from: data)
    }

    /// Scalars whose class differs between github-slugger's tables (Unicode 13.0, from which its
    /// fixtures were made on github.com) and this platform's newer Unicode: unassigned in 13.0,
    /// so GitHub dropped them; letters since, so we keep them. All are in the `Unassigned` case.
    /// The test checks that each is newer than 13.0 here, then leaves exactly these out of the
    /// input; every other scalar of every case must give GitHub's id.
    static let unicodeDrift: [(scalar: Unicode.Scalar, note: String)] = [
        ("\u{105CB}", "Todhri letter, Unicode 16.0"),
        ("\u{13486}", "Egyptian hieroglyph, Unicode 16.0"),
        ("\u{13CB1}", "Egyptian Hieroglyphs Extended-A, Unicode 16.0"),
        ("\u{2EC58}", "CJK Unified Ideographs Extension I, Unicode 15.1"),
        ("\u{3174F}", "CJK Unified Ideographs Extension H, Unicode 15.0"),
        ("\u{31F7B}", "CJK Unified Ideographs Extension H, Unicode 15.0"),
        ("\u{327A6}", "CJK Unified Ideographs Extension J, Unicode 17.0"),
        ("\u{32FD2}", "CJK Unified Ideographs Extension J, Unicode 17.0"),
    ]

    /// The heading as mdast-util-to-markdown wrote it for github-slugger's fixture script: its
    /// text with Markdown's ASCII punctuation escaped (`\_\_proto\_\_`), unless the case says how.
    static func markdown(_ fixture: Case) -> String {
        if let given = fixture.markdownOverwrite { return given }
        var text = ""
        for scalar in fixture.input.unicodeScalars {
            if scalar.isASCII, scalar.value > 32, !scalar.properties.isAlphabetic, scalar.properties.generalCategory != .decimalNumber {
                text.unicodeScalars.append("\\")
            }
            text.unicodeScalars.append(scalar)
        }
        return "# " + text
    }

    static func withoutDrift(_ text: String) -> String {
        let drift = Set(unicodeDrift.map(\.scalar))
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { !drift.contains($0) }))
    }

    static func hex(_ scalar: Unicode.Scalar) -> String { "U+" + String(scalar.value, radix: 16, uppercase: true) }

    @Test func theDriftIsRealOnThisPlatform() {
        for (scalar, note) in Self.unicodeDrift {
            let age = scalar.properties.age
            #expect(age.map { $0.major > 13 || ($0.major == 13 && $0.minor > 0) } == true, "\(Self.hex(scalar)) (\(note)): \(String(describing: age))")
            #expect(Slugger.isKept(scalar), "\(Self.hex(scalar)) (\(note)) is a letter here")
        }
    }

    @Test func everyFixtureGivesGitHubsID() throws {
        let cases = try Self.cases()
        #expect(cases.count == 78)
        // One document, the headings written as the fixture script wrote them, so de-duplication
        // runs across the whole list.
        let markdown = cases.map { Self.withoutDrift(Self.markdown($0)) + "\n\n" }.joined()
        let rendered = MarkdownRenderer.render(markdown)
        #expect(rendered.headings.count == cases.count)
        for (heading, fixture) in zip(rendered.headings, cases) {
            #expect(heading.id == fixture.expected, "\(fixture.name)")
        }
        // The slugger alone, on the inputs as given, agrees too.
        var slugger = Slugger()
        for fixture in cases {
            #expect(slugger.unique(Self.withoutDrift(fixture.input)) == fixture.expected, "\(fixture.name) (Slugger alone)")
        }
    }

    @Test(arguments: [
        ("Café", "café"),  // precomposed
        ("Cafe\u{301}", "cafe\u{301}"),  // decomposed: the combining mark stays
        ("नमस्ते", "नमस्ते"),  // the virama (a mark) stays
        ("ℍ and 𝐀", "ℍ-and-𝐀"),  // letters with the Math property stay
        ("x² growth", "x-growth"),  // an Other_Number is dropped
        ("a‿b", "a‿b"),  // connector punctuation stays
        (" intro", "-intro"), ("a ", "a-"),  // nothing is trimmed
        ("tab\there", "tabhere"),  // a control character is dropped, not a space
        ("Ⓖ circled", "ⓖ-circled"),  // Other_Symbol but Alphabetic: kept
        ("İstanbul", "i̇stanbul"),  // full lowercase mapping
    ])
    func classByClass(text: String, id: String) {
        #expect(Slugger.slug(text) == id)
    }

    @Test func repeatedHeadingsAreLinearInProbes() {
        var slugger = Slugger()
        for _ in 0..<8_000 { _ = slugger.unique("Same") }
        #expect(slugger.unique("Same") == "same-8000")
        // One lookup per heading, plus one per suffix taken already: not 1 + 2 + … + 8,000.
        #expect(slugger.probes <= 2 * 8_001)
    }

    @Test func reservedIDsAreSkipped() {
        var slugger = Slugger()
        slugger.reserve("main")
        slugger.reserve("faq-1")
        #expect(slugger.unique("Main") == "main-1")
        #expect(["FAQ", "FAQ", "FAQ"].map { slugger.unique($0) } == ["faq", "faq-2", "faq-3"])
    }
}
