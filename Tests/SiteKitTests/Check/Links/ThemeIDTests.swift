import Foundation
import Testing
import TestSupport

@testable import SiteKit

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
