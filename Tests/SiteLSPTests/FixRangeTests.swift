import Foundation
import SiteKit
import SiteMarkdown
import Testing

@testable import SiteLSP

/// A diagnostic's `Fix` (1-based lines, UTF-8 byte columns) as the LSP range of its edit.
@Suite("Fix ranges in UTF-16")
struct FixRangeTests {
    @Test func nonASCIIBeforeTheEdit() {
        // "Café — 😀 " is 15 UTF-8 bytes and 10 UTF-16 units (the emoji is two).
        let text = "---\ntitle: A\n---\nCafé — 😀 costs $450 now.\n"
        let lines = LineTable(text)
        let line = "Café — 😀 costs $450 now."
        let column = line.utf8.distance(from: line.startIndex, to: line.range(of: "$450")!.lowerBound) + 1
        let fix = Fix(replacing: "$450", at: SourcePosition(file: "content/a.md", line: 4, column: column), with: "{{price a}}", title: "t")
        let range = lines.range(of: fix)
        let utf16 = line.utf16.distance(from: line.startIndex, to: line.range(of: "$450")!.lowerBound)
        #expect(range == LSPRange(start: LSPPosition(line: 3, character: utf16), end: LSPPosition(line: 3, character: utf16 + 4)))
        #expect(String(decoding: lines.bytes(in: range), as: UTF8.self) == "$450")
    }

    @Test func aFixOverLines() {
        let lines = LineTable("ab\nçd\n")
        let fix = Fix(start: LineColumn(line: 1, column: 2), end: LineColumn(line: 2, column: 3), original: "b\nç", replacement: "x", title: "t")
        let range = lines.range(of: fix)
        #expect(range == LSPRange(start: LSPPosition(line: 0, character: 1), end: LSPPosition(line: 1, character: 1)))
        #expect(String(decoding: lines.bytes(in: range), as: UTF8.self) == "b\nç")
    }
}
