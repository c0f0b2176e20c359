import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Headings that give the slugger nothing to keep.
@Suite struct BadInputHeadingTests {
    @Test(.tags(.badInput)) func headingsWithoutLettersStillGetAValidID() throws {
        let site = try TestSite(["content/index.md": page("Home", "## ???\n\n## !!!\n\n## 🎉\n")])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty)
        let html = try #require(site.html(result, "index.html"))
        // Each heading keeps an id, unique on the page.
        #expect(html.contains("<h2 id=") && html.components(separatedBy: "<h2 id=").count == 4)
        // An empty id is invalid HTML and no #link can name it: the fallback is "section".
        #expect(!html.contains("id=\"\""))
        #expect(!html.contains("id=\"-1\""))
        for id in ["section", "section-1", "section-2"] {
            #expect(html.contains("<h2 id=\"\(id)\">"), "no heading with id \(id)")
        }
    }
}
