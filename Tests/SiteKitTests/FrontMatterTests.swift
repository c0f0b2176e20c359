import Foundation
import Testing

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
                "content/questions.md:1:1: error: page.duplicate-url",
            ])
    }
}

@Suite struct YAMLScalarTests {
    @Test(arguments: [
        ("", YAMLValue.Kind.null), ("~", .null), ("true", .bool(true)), ("False", .bool(false)), ("no", .string("no")),
        ("12", .int(12)), ("-3", .int(-3)), ("49.50", .double(49.5)), ("1e3", .string("1e3")), ("2026-11-24", .date("2026-11-24")),
        ("Ketamine", .string("Ketamine")), ("1970s", .string("1970s")), ("3.", .double(3)), (".5", .double(0.5)), ("-", .string("-")),
    ])
    func plainScalarsAreTypedByTheCoreSchema(text: String, kind: YAMLValue.Kind) {
        #expect(YAMLReader.plainScalar(text) == kind)
    }
}
