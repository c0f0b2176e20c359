import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// What comparing with lychee on three public documentation folders found (issue 14's closing
/// figures): each disagreement made into a case of our own.
@Suite struct LycheeComparisonCases {
    /// Homebrew's docs: footnote links `[1](#1)` to `<a name="1">` anchors in raw HTML. With raw
    /// HTML allowed the anchors are ids like any other; without, they are left out (with a
    /// warning) and the links are really broken on the built page.
    @Test func anchorsInRawHTMLCountWhenRawHTMLIsAllowed() throws {
        let body = "A CPU <sup>[1](#1)</sup>.\n\n<a name=\"1\"><sup>1</sup></a> For 32-bit see elsewhere.\n"
        let on = try TestSite([
            "content/_site.yaml": "name: T\nbase_url: https://example.org\nallow_raw_html: true\n",
            "content/index.md": page("Home", body),
        ])
        defer { on.remove() }
        #expect(on.build().errors.isEmpty)
        let off = try TestSite(["content/index.md": page("Home", body)])
        defer { off.remove() }
        let result = off.build()
        #expect(result.lines == [
            "content/index.md:5:7: warning: markdown.raw-html-dropped", "content/index.md:5:12: error: link.missing-fragment",
            "content/index.md:7:1: warning: markdown.raw-html-dropped", "content/index.md:7:13: warning: markdown.raw-html-dropped",
        ])
    }

    /// MkDocs' docs: `configuration.md/#enabled-option`, a Markdown file's name with a slash after
    /// it. lychee drops the slash; a browser asks for a folder that is not there. An error that
    /// suggests the page's URL.
    @Test func aSlashAfterAMarkdownFileNameIsAnErrorThatSuggestsThePage() throws {
        let site = try TestSite([
            "content/about/notes.md": page("Notes", "See [it](../guide/configuration.md/#enabled).\n"),
            "content/guide/configuration.md": page("Configuration", "## Enabled\n"),
        ])
        defer { site.remove() }
        let error = try #require(site.build().errors.first)
        #expect(error.code == "link.missing-page")
        #expect(error.suggestion == "did you mean '/guide/configuration/#enabled'?")
    }

    /// A file linked twice with the same broken fragment is reported at both links (lychee
    /// reports each URL once per file).
    @Test func everyBrokenLinkIsReportedWhereItIs() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "[a](other.md#nope) and\n\n[b](other.md#nope)\n"),
            "content/other.md": page("Other"),
        ])
        defer { site.remove() }
        #expect(site.build().lines == ["content/index.md:5:1: error: link.missing-fragment", "content/index.md:7:1: error: link.missing-fragment"])
    }
}
