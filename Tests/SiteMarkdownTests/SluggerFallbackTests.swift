import Foundation
import Testing

@testable import SiteMarkdown

@Suite struct SluggerFallbackTests {
    @Test func headingsWithoutSlugGetSection() {
        var s = Slugger()
        #expect(["???", "Section", "🎉", "", "!!"].map { s.unique($0) } == ["section", "section-1", "section-2", "section-3", "section-4"])
        let out = MarkdownRenderer.render("## ???\n\n## !!!\n")
        #expect(out.html == "<h2 id=\"section\">???</h2>\n<h2 id=\"section-1\">!!!</h2>\n")
    }
}
