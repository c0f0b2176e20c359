import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// What the check memo keeps of a page's resolved links (`PageLinks.Reads`) is what the page's
/// links read: a build that checks only the changed pages reports what a full build does, for
/// the images the pages show and for the links of raw HTML.
@Suite struct PageLinksMemoTests {
    /// A site built with a cache after each edit, and the same sources built fresh.
    final class Steps {
        let site: TestSite
        let cache = BuildCache()
        let options = SiteBuilder.Options(drafts: true, today: TestSite.today)

        init(_ files: [String: String]) throws {
            site = try TestSite(files)
            _ = build(cached: true)
        }

        func build(cached: Bool) -> BuildResult {
            SiteBuilder(options: options, cache: cached ? cache : nil).build(site.sources(output: nil))
        }

        /// The incremental build's diagnostics after `edit`, expected equal to a full build's.
        func step(_ name: String, _ edit: () throws -> Void) rethrows -> [String] {
            try edit()
            let incremental = build(cached: true).diagnostics.map { "\($0.position) \($0.code)" }
            let full = build(cached: false).diagnostics.map { "\($0.position) \($0.code)" }
            #expect(incremental == full, "\(name)")
            return incremental
        }

        func edit(_ path: String, _ change: (String) -> String) throws {
            try site.write(path, change(try #require(site.read(path))))
        }
    }

    /// A broken image is reported at the file while no page shows it, else at the link: a page
    /// that shows it and is not checked again (a memo hit) still counts as showing it.
    @Test func anUnshownImageAcrossEdits() throws {
        let steps = try Steps([
            "content/index.md": page("Home", "Welcome.\n", extra: "description: d.\n"),
            "content/about.md": page("About", "About us.\n", extra: "description: d.\n"),
            "content/map.png": "not really a png\n",
        ])
        defer { steps.site.remove() }
        let atFile = { (report: [String]) in report.contains { $0.hasPrefix("content/map.png ") } }
        let atLink = { (report: [String]) in report.contains { $0.hasPrefix("content/about.md:") && !$0.hasSuffix("a11y.missing-alt") } }
        let unshown = try steps.step("nothing changed") {}
        #expect(atFile(unshown) && !atLink(unshown), "\(unshown)")
        let shown = try steps.step("show the image") { try steps.edit("content/about.md") { $0 + "\n![A map](map.png)\n" } }
        #expect(!atFile(shown) && atLink(shown), "\(shown)")
        let hit = try steps.step("edit another page") { try steps.edit("content/index.md") { $0.replacingOccurrences(of: "Welcome.", with: "Hello.") } }
        #expect(!atFile(hit) && atLink(hit), "the page that shows the image was not checked again: \(hit)")
        #expect(steps.cache.statistics.checked == 1, "only the edited page was checked again")
        let gone = try steps.step("stop showing it") { try steps.edit("content/about.md") { $0.replacingOccurrences(of: "![A map](map.png)", with: "No map.") } }
        #expect(atFile(gone) && !atLink(gone), "\(gone)")
    }

    /// A link in raw HTML to a file that goes away is reported, though its page is not rendered
    /// again: the memo knows the path the raw HTML names.
    @Test func aRawHTMLLinkToAFileThatGoes() throws {
        let steps = try Steps([
            "content/_site.yaml": "name: T\nbase_url: https://t.example\nallow_raw_html: true\n",
            "content/index.md": page("Home", "The <a href=\"/leaflet.pdf\">leaflet</a>.\n", extra: "description: d.\n"),
            "content/leaflet.pdf": "%PDF-1.4 fake\n",
        ])
        defer { steps.site.remove() }
        #expect(try steps.step("nothing changed") {}.isEmpty)
        let report = try steps.step("delete the file") { try FileManager.default.removeItem(at: steps.site.url("content/leaflet.pdf")) }
        #expect(report == ["content/index.md:6:5 link.missing-asset"])
    }
}
