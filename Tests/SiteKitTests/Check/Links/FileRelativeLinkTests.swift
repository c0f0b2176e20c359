import Foundation
import Testing
import TestSupport

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
