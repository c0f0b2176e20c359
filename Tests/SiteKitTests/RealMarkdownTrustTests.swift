import Foundation
import Testing

@testable import SiteKit

/// Issue 14: what real documentation folders showed. Each case is a small fixture of our own,
/// made after what the comparison with GitHub and lychee found.
@Suite struct FileRelativeLinkTests {
    @Test func imagesBesideAPageAreResolvedFromItsFolderAndRewritten() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "![The logo](guide/images/logo.svg)"),
            "content/guide/format.md": page(
                "Format", "![The logo](images/logo.svg) [the form](files/intake%20form.pdf#page=2) ![Up](../top.svg) [faq](../../faq/)"),
            "content/guide/images/logo.svg": "<svg/>",
            "content/guide/files/intake form.pdf": "%PDF",
            "content/top.svg": "<svg/>",
            "content/faq.md": page("FAQ"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty, "\(result.lines)")
        let html = try #require(site.html(result, "guide/format/index.html"))
        #expect(html.contains(#"<img src="/guide/images/logo.svg" alt="The logo" />"#))
        #expect(html.contains(#"<a href="/guide/files/intake%20form.pdf#page=2">the form</a>"#))
        #expect(html.contains(#"<img src="/top.svg" alt="Up" />"#))
        // A URL-style link keeps working as written.
        #expect(html.contains(#"<a href="../../faq/">faq</a>"#))
        #expect(site.html(result, "index.html")?.contains(#"<img src="/guide/images/logo.svg""#) == true)
    }

    @Test func theFileBesideThePageWinsOverTheURLReading() throws {
        let site = try TestSite([
            "content/guide/format.md": page("Format", "![A](photo.svg)"),
            "content/guide/photo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>beside the .md file</title></svg>",
            "content/guide/format/photo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>below the URL</title></svg>",
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty)
        #expect(site.html(result, "guide/format/index.html")?.contains(#"<img src="/guide/photo.svg" alt="A" />"#) == true)
    }

    @Test func aMissingFileNamesBothPlacesItWasLookedFor() throws {
        let site = try TestSite(["content/guide/format.md": page("Format", "![The logo](images/logo.svg)")])
        defer { site.remove() }
        let result = site.build()
        let error = try #require(result.errors.first { $0.code == "link.missing-asset" })
        #expect(error.position.description == "content/guide/format.md:5:1")
        #expect(error.message.contains("content/guide/images/logo.svg, beside content/guide/format.md"))
        #expect(error.message.contains("/guide/format/images/logo.svg, relative to the page's address /guide/format/"))
    }

    @Test func theMappingIsOneReusableFunction() throws {
        var diagnostics: [Diagnostic] = []
        let files = ["guide/images/a b.png", "logo.svg"].map { StaticFile(outputPath: $0, displayPath: "content/" + $0, source: URL(fileURLWithPath: "/x")) }
        let index = SiteIndex(pages: [], files: files, diagnostics: &diagnostics)
        #expect(index.resolveFile("images/a%20b.png?v=2", fromSourceDirectory: "guide") == .init(outputPath: "guide/images/a b.png", url: "/guide/images/a%20b.png?v=2"))
        #expect(index.resolveFile("../logo.svg", fromSourceDirectory: "guide")?.url == "/logo.svg")
        #expect(index.resolveFile("/logo.svg", fromSourceDirectory: "guide") == nil)  // root-relative: already its URL
        #expect(index.resolveFile("missing.png", fromSourceDirectory: "guide") == nil)
        #expect(index.resolveFile("../../logo.svg", fromSourceDirectory: "guide") == nil)
        #expect(index.resolveFile("https://example.org/logo.svg", fromSourceDirectory: "") == nil)
    }
}

@Suite struct ThemeIDTests {
    @Test func headingsNeverTakeAnIDTheThemeWrites() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "## Main\n\nSee [the heading](#main-1) and [the page's main](#main)."),
            "content/other.md": page("Other", "[to main](index.md#main-1)"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty, "\(result.lines)")
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains(#"<h2 id="main-1">Main</h2>"#))
        #expect(html.components(separatedBy: #"id="main""#).count == 2)
    }

    @Test func aDuplicateIDFromRawHTMLIsAnErrorAtItsSource() throws {
        let site = try TestSite([
            "content/_site.yaml": "name: T\nbase_url: https://example.org\nallow_raw_html: true\n",
            "content/index.md": page("Home", "Text.\n\n<div id=\"main\">x</div>\n\n## Cost\n\n<p id=\"cost\">y</p>\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        let duplicates = result.errors.filter { $0.code == "html.duplicate-id" }
        #expect(duplicates.map(\.position.description) == ["content/index.md:7:1", "content/index.md:11:1"], "\(result.lines)")
    }
}

@Suite struct ProseOnlyAmountTests {
    @Test func amountsInInlineCodeAndURLsAreNoPrices() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "Groups are `$1`, `$2`; see <https://example.org/$5> and https://example.org/$6 but $7 is a price.")
        ])
        defer { site.remove() }
        let result = site.build()
        let prices = result.diagnostics.filter { $0.code.hasPrefix("price.") }
        #expect(prices.map(\.code) == ["price.unknown-amount"], "\(result.lines)")
        #expect(prices.first?.message.contains("$7") == true)
    }
}

@Suite struct NothingDroppedSilentlyTests {
    @Test func textAfterACommentIsShown() throws {
        let site = try TestSite(["content/index.md": page("Home", "<!-- TODO: reword --> This sentence is visible on GitHub.\n")])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty, "\(result.lines)")
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains("<p>This sentence is visible on GitHub.</p>"))
        #expect(!html.contains("TODO"))
    }

    @Test func textAfterACommentIsKeptWithRawHTMLToo() throws {
        let site = try TestSite([
            "content/_site.yaml": "name: T\nbase_url: https://example.org\nallow_raw_html: true\n",
            "content/index.md": page("Home", "<!-- TODO: reword --> This sentence is visible on GitHub.\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains("This sentence is visible on GitHub."))
        #expect(!html.contains("TODO"))
    }

    @Test func droppedRawHTMLIsAWarningAtItsPosition() throws {
        let site = try TestSite(["content/index.md": page("Home", "Text.\n\n<div class=\"note\">Call us.</div>\n\nA <b>bold</b> word.\n")])
        defer { site.remove() }
        let result = site.build()
        let dropped = result.diagnostics.filter { $0.code == "markdown.raw-html-dropped" }
        // The closing </b> is named by the <b> warning.
        #expect(dropped.map(\.position.description) == ["content/index.md:7:1", "content/index.md:9:3"], "\(result.lines)")
        #expect(dropped.first?.message.contains(#"<div class="note">Call us.</div>"#) == true)
        #expect(dropped.first?.suggestion?.contains("allow_raw_html: true") == true)
    }
}

@Suite struct PageKeyTests {
    @Test func aPageWithoutTypeMayCarryKeysForItsTemplate() throws {
        let site = try TestSite(["content/index.md": page("Home", "Hi.", extra: "description: D\nhero_image: /x.png\n")])
        defer { site.remove() }
        let result = site.build()
        #expect(!result.codes().contains("schema.unknown-key"), "\(result.lines)")
    }

    @Test func anUnknownKeyOnATypedPageNamesTheSchemaAndHowToDeclareIt() throws {
        let site = try TestSite([
            "content/_schemas.yaml": "types:\n  page:\n    required:\n      title: text\n  note:\n    optional:\n      author: text\n",
            "content/index.md": page("Home", "Hi.", extra: "type: note\nhero_image: /x.png\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        let warning = try #require(result.diagnostics.first { $0.code == "schema.unknown-key" }, "\(result.lines)")
        #expect(warning.message.contains("the schema of type 'note'"))
        #expect(warning.message.contains("content/_schemas.yaml"))
        #expect(warning.suggestion?.contains("types: note: optional: hero_image: text") == true)
    }
}

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

@Suite struct SharedListLinkTests {
    @Test func aSharedListsRelativeLinksAreReadFromTheFolderOfThePageThatDeclaresIt() throws {
        let site = try TestSite([
            "content/conditions/contra.md": page("Contra", "{{list warnings}}\n", extra: "lists:\n  warnings:\n    - \"![A chart](img/chart.svg) and [the FAQ](../faq.md)\"\n"),
            "content/conditions/img/chart.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "content/faq.md": page("FAQ"),
            "content/index.md": page("Home", "{{list warnings}}\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty, "\(result.lines)")
        for file in ["index.html", "conditions/contra/index.html"] {
            let html = try #require(site.html(result, file))
            #expect(html.contains(#"<img src="/conditions/img/chart.svg" alt="A chart" /> and <a href="/faq/">the FAQ</a>"#), "\(file)")
        }
    }
}
