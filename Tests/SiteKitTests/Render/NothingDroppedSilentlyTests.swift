import Foundation
import Testing
import TestSupport

@testable import SiteKit

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
