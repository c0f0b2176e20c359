import Foundation
import Testing

@testable import SiteMarkdown

@Suite struct AutolinkPositionTests {
    @Test func manyAutolinksOnContinuationLinesStayLinear() {
        // Entity-escaped autolinks are not found in the source as written: they keep cmark's
        // column, and looking them up must not rescan the line for each.
        let line = String(repeating: "<https://a.b/&amp;> <https://c.d/> ", count: 5_000)
        let start = Date()
        let out = MarkdownRenderer.render("First line,\n" + line + "\n")
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(out.links.count == 10_000)
        #expect(out.links[1].position == LineColumn(line: 2, column: 21))
        #expect(out.links[9_999].position == LineColumn(line: 2, column: 21 + 35 * 4_999))
    }
}
