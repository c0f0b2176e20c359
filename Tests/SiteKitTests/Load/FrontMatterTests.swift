import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct FrontMatterTests {
    func diagnostics(_ text: String) throws -> [Diagnostic] {
        let site = try TestSite(["content/page.md": text])
        defer { site.remove() }
        return site.build().diagnostics
    }

    @Test func unclosedFrontMatter() throws {
        let d = try diagnostics("---\ntitle: Hello\n\nBody.\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:1:1: frontmatter.unclosed"])
        #expect(d[0].suggestion == "add a line with only '---' after the last front-matter key")
    }

    @Test func anUnquotedColonGetsAHintToQuote() throws {
        let d = try diagnostics("---\ntitle: Ketamine: what to expect\n---\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:2:16: frontmatter.invalid"])
        #expect(d[0].suggestion == "the value contains ': ', which YAML reads as a new key; put the value in quotes: title: \"Ketamine: what to expect\"")
    }

    @Test func aTabIsExplained() throws {
        let d = try diagnostics("---\ntitle: A\nlists:\n\t- x\n---\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:4:1: frontmatter.invalid"])
        #expect(d[0].suggestion == "YAML indents with spaces, not tabs: replace the tab with spaces")
    }

    @Test func duplicateKeysPointAtTheSecond() throws {
        let d = try diagnostics("---\ntitle: A\ndescription: x\ntitle: B\n---\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:4:1: frontmatter.invalid"])
        #expect(d[0].message == "invalid YAML: the key 'title' appears more than once in the same mapping")
    }

    @Test func wrongTypesAndMissingTitle() throws {
        let d = try diagnostics("---\ndescription: x\ndraft: maybe\nweight: heavy\n---\n")
        #expect(
            d.map { "\($0.position): \($0.code)" } == [
                "content/page.md:1:1: schema.missing-key", "content/page.md:3:8: schema.type", "content/page.md:4:9: schema.type",
            ])
    }

    @Test func notUTF8IsReportedAtTheByte() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        try FileManager.default.createDirectory(at: site.url("content"), withIntermediateDirectories: true)
        try Data("---\ntitle: Caf".utf8 + [0xE9] + Data("\n---\n".utf8)).write(to: site.url("content/page.md"))
        let d = site.build().diagnostics
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:2:11: source.encoding"])
        #expect(d[0].message == "this file is not valid UTF-8 (byte 0xE9)")
    }

    @Test func anEmptyFileHasNoTitle() throws {
        #expect(try diagnostics("").map(\.code) == ["schema.missing-key"])
    }

    @Test(arguments: ["slug: ../etc", "slug: a/b", "slug: \"\"", "url: /../x/"])
    func slugsAndURLsCannotEscape(line: String) throws {
        let d = try diagnostics("---\ntitle: A\n\(line)\n---\n")
        #expect(d.map { "\($0.position.line): \($0.code)" } == [line.hasPrefix("url") ? "3: page.bad-url" : "3: page.bad-slug"])
    }

    @Test func twoPagesCannotClaimOneURL() throws {
        let site = try TestSite([
            "content/faq.md": page("FAQ"),
            "content/FAQ/index.md": page("FAQ again"),
            "content/questions.md": page("Q", extra: "slug: faq\n"),
            "content/other.md": page("Other", extra: "aliases: [/Faq/]\n"),
        ])
        defer { site.remove() }
        #expect(
            site.build().lines == [
                "content/faq.md:1:1: error: page.duplicate-url",
                "content/other.md:3:11: error: page.duplicate-url",
                "content/questions.md:3:7: error: page.duplicate-url",
            ])
    }

    /// Both from Bug 3: `{[a]: b}: c` killed the build (SIGILL) inside Yams.
    @Test(arguments: [
        ("{[a]: b}: c\n", 2, 1, "a set of keys"),
        ("title: A\n? [a, ? [a, b]]\n: x\n", 3, 3, "a list"),
        ("items:\n  - [x, y]: z\n", 3, 5, "a list"),
    ])
    func aKeyThatIsNotTextIsRefusedAtTheKey(yaml: String, line: Int, column: Int, what: String) throws {
        let d = try diagnostics("---\n\(yaml)---\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:\(line):\(column): frontmatter.invalid"])
        #expect(d.first?.message == "invalid YAML: a key must be text, not \(what)")
    }

    /// Aliases of aliases ("a billion laughs"): eight lines that expand to 10^8 values ran out of
    /// memory (a crash) while the front matter was copied into YAMLValues.
    @Test func aliasesThatExpandToTooManyValuesAreRefused() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...7 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let started = Date()
        let d = try diagnostics("---\ntitle: A\n\(yaml)---\n")
        #expect(d.map(\.code) == ["frontmatter.invalid"])
        #expect(d.first?.message == "invalid YAML: its aliases ('*name') expand to too many values")
        #expect(Date().timeIntervalSince(started) < 20)
        // A few aliases are fine.
        let few = try diagnostics("---\ntitle: A\nbase: &b [x, y]\nother: *b\n---\n")
        #expect(few.filter { $0.severity == .error }.isEmpty, "\(few)")
    }

    @Test func theFuzzersComplexKeyIsRefused() throws {
        let found = try String(contentsOf: repositoryRoot.appendingPathComponent("Fuzz/corpus/frontmatter/yaml-complex-key-crash-as-found"), encoding: .utf8)
        let d = try diagnostics(found)
        #expect(d.map(\.code) == ["frontmatter.invalid"])
        #expect(d.first?.message.hasPrefix("invalid YAML: a key must be text") == true)
    }

    @Test(arguments: [
        // A list item's key: the second 'id' (6:5), not the first (3:5).
        ("prices:\n  - id: a\n    name: A\n    amount: 5\n    id: b\n", "6:5"),
        // The first item's 'name' is fine; the second item repeats it on line 7.
        ("prices:\n  - id: a\n    name: A\n  - id: b\n    name: B\n    name: C\n", "7:5"),
        // Quoted first, plain second.
        ("\"title\": A\ntitle: B\n", "3:1"),
        ("'title': A\n# a comment\n\n\"title\": B\n", "5:1"),
        // A nested mapping's key, with the same key in an earlier sibling mapping.
        ("a:\n  x: 1\nb:\n  x: 2\n  y: 3\n  x: 4\n", "7:3"),
        // A flow mapping on one line.
        ("title: A\nbundle: {session: 1, other: 2, session: 3}\n", "3:32"),
    ])
    func aDuplicateKeyIsReportedAtItsSecondOccurrence(yaml: String, position: String) throws {
        let d = try diagnostics("---\n\(yaml)---\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:\(position): frontmatter.invalid"])
    }

    @Test func aKeyIndentedByMistakeIsExplained() throws {
        let d = try diagnostics("---\ntitle: A\nprices:\n  - id: a\n    name: Session\n      amount: 5\n---\n")
        #expect(d.map { "\($0.position): \($0.code)" } == ["content/page.md:6:13: frontmatter.invalid"])
        #expect(
            d.first?.suggestion
                == "this line is indented more than 'name' above it (line 5), so YAML reads it as more of that value; start 'amount' in the same column as 'name' (column 5)")
        // A colon in a value on its own line still gets the advice to quote it.
        let colon = try diagnostics("---\ntitle: A\nclinic:\n  name: Holo: care\n---\n")
        #expect(colon.first?.suggestion?.contains("put the value in quotes") == true)
    }

    @Test(arguments: [
        "url: //evil.example/", "url: \"/a//b/\"", "url: \"/a\\tb/\"", "url: \"/a\\u200Eb/\"", "url: /50%/",
        "url: https://evil.example/", "url: \"mailto:a@b.org\"", "url: \"/\\u0301/../..\\u0301/x/\"",
        "aliases: [\"//evil.example/\"]", "aliases: [\"/a\\u0000b/\"]",
    ])
    func urlsThatLeadElsewhereAreRefused(line: String) throws {
        let d = try diagnostics("---\ntitle: A\n\(line)\n---\n")
        #expect(d.map { "\($0.position.line): \($0.code)" } == ["3: page.bad-url"])
    }

    @Test(arguments: ["slug: \"a?b\"", "slug: \"a#b\"", "slug: \"50%\"", "slug: \"a b\"", "slug: \"a\\tb\"", "slug: \"\\u200Bx\"", "slug: \"a:b\"", "slug: [a]"])
    func slugsThatAreNoPlainURLSegmentAreRefused(line: String) throws {
        let d = try diagnostics("---\ntitle: A\n\(line)\n---\n")
        #expect(d.map { "\($0.position.line): \($0.code)" } == ["3: page.bad-slug"])
    }

    /// `content/a?b.md` gave the URL `/a?b/`, which a browser asks for as `/a`: the only message
    /// was a broken link at the menu template.
    @Test func aFileNameThatNoLinkCanReachIsReportedAtTheFile() throws {
        let site = try TestSite([
            "content/index.md": page("Home"), "content/a?b.md": page("Q"), "content/50%.md": page("P"),
            "content/c?d.md": page("Renamed", extra: "slug: c-d\n"), "content/x#y/e.md": page("E", extra: "slug: e\n"),
        ])
        defer { site.remove() }
        let d = site.build().diagnostics.filter { $0.code == "page.bad-url" }
        #expect(d.map { "\($0.position)" } == ["content/50%.md:1:1", "content/a?b.md:1:1", "content/x#y/e.md:1:1"])
        #expect(d.first?.message == "the file's path gives the URL '/50%/', and '%' cannot be in a URL as written")
    }

    @Test(arguments: [
        ("Caf\u{E9}~v1.2_x-Y", "/Caf\u{E9}~v1.2_x-Y/"), ("na\u{EF}ve", "/na\u{EF}ve/"), ("nai\u{308}ve", "/nai\u{308}ve/"),
        ("\u{43F}\u{440}\u{438}\u{451}\u{43C}", "/\u{43F}\u{440}\u{438}\u{451}\u{43C}/"), ("2026", "/2026/"),
        ("\u{939}\u{93F}\u{928}\u{94D}\u{926}\u{940}", "/\u{939}\u{93F}\u{928}\u{94D}\u{926}\u{940}/"),
    ])
    func slugsOfLettersDigitsAndMarksAreAccepted(slug: String, url: String) throws {
        let (loaded, d) = PageLoader.load(SourceFile(relativePath: "a.md", displayPath: "content/a.md", text: "---\ntitle: A\nslug: \"\(slug)\"\n---\n"))
        #expect(d.isEmpty)
        #expect(loaded?.url == url)
        #expect(loaded?.urlPosition.map { "\($0)" } == "content/a.md:3:7")
    }
}
