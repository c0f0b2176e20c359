import Foundation
import Testing

@testable import SiteMarkdown

/// `LineLocator`: the one way byte offsets become lines and columns (1-based, UTF-8 bytes) and back.
@Suite struct LineLocatorTests {
    @Test func emptyTextHasOneEmptyLine() {
        let lines = LineLocator("")
        #expect(lines.lineCount == 1)
        #expect(lines.start(ofLine: 1) == 0)
        #expect(lines.range(ofLine: 1) == 0..<0)
        #expect(lines.line(1) == "")
        #expect(lines.line(2) == nil)
        #expect(lines.position(ofOffset: 0) == LineColumn(line: 1, column: 1))
        #expect(lines.offset(of: LineColumn(line: 1, column: 1)) == 0)
        #expect(lines.offset(of: LineColumn(line: 1, column: 2)) == nil)
    }

    @Test func lastLineWithoutBreak() {
        let lines = LineLocator("ab\ncd")
        #expect(lines.lineCount == 2)
        #expect(lines.line(1) == "ab")
        #expect(lines.line(2) == "cd")
        #expect(lines.range(ofLine: 2) == 3..<5)
        #expect(lines.position(ofOffset: 4) == LineColumn(line: 2, column: 2))
        // The end of the text is the end of its last line.
        #expect(lines.position(ofOffset: 5) == LineColumn(line: 2, column: 3))
        #expect(lines.offset(of: LineColumn(line: 2, column: 3)) == 5)
    }

    @Test func trailingBreakMakesAnEmptyLastLine() {
        let lines = LineLocator("ab\n")
        #expect(lines.lineCount == 2)
        #expect(lines.start(ofLine: 2) == 3)
        #expect(lines.line(2) == "")
        #expect(lines.position(ofOffset: 3) == LineColumn(line: 2, column: 1))
    }

    @Test func offsetsAtLineEnds() {
        let lines = LineLocator("ab\n\ncd\n")
        // The LF belongs to the line it ends.
        #expect(lines.position(ofOffset: 2) == LineColumn(line: 1, column: 3))
        #expect(lines.position(ofOffset: 3) == LineColumn(line: 2, column: 1))
        #expect(lines.position(ofOffset: 4) == LineColumn(line: 3, column: 1))
        #expect(lines.line(2) == "")
        // A column just after the line's last byte is in it (an edit's end), one more is not.
        #expect(lines.offset(of: LineColumn(line: 1, column: 3)) == 2)
        #expect(lines.offset(of: LineColumn(line: 1, column: 4)) == nil)
        #expect(lines.offset(of: LineColumn(line: 2, column: 2)) == nil)
        #expect(lines.offset(of: LineColumn(line: 0, column: 1)) == nil)
        #expect(lines.offset(of: LineColumn(line: 1, column: 0)) == nil)
        #expect(lines.offset(of: LineColumn(line: 5, column: 1)) == nil)
    }

    @Test func columnsCountUTF8Bytes() {
        let text = "é✓\n😀x"
        let lines = LineLocator(text)
        #expect(lines.line(1) == "é✓")
        #expect(lines.range(ofLine: 1) == 0..<5)
        #expect(lines.position(ofOffset: 2) == LineColumn(line: 1, column: 3))
        #expect(lines.position(ofOffset: 10) == LineColumn(line: 2, column: 5))
        #expect(lines.offset(of: LineColumn(line: 2, column: 5)) == 10)
        #expect(lines.holds("x".utf8, at: 10..<11))
        #expect(lines.holds("✓".utf8, at: 2..<5))
        #expect(!lines.holds("x".utf8, at: 10..<12))
    }

    @Test func crIsAByteOfItsLineUnlessAskedOtherwise() {
        let lf = LineLocator("a\r\nb\rc")
        #expect(lf.lineCount == 2)
        #expect(lf.line(1) == "a\r")
        #expect(lf.line(2) == "b\rc")
        let any = LineLocator("a\r\nb\rc\nd\r", breaks: .anyBreak)
        #expect(any.lineCount == 5)
        #expect((1...5).map { any.line($0) } == ["a", "b", "c", "d", ""])
        #expect(any.range(ofLine: 1) == 0..<1)
        #expect(any.position(ofOffset: 3) == LineColumn(line: 2, column: 1))
        #expect(any.position(ofOffset: 2) == LineColumn(line: 1, column: 3))
    }

    @Test func positionsInsideALongerText() {
        let lines = LineLocator("ab\ncd")
        #expect(lines.position(ofOffset: 1, from: LineColumn(line: 4, column: 10)) == LineColumn(line: 4, column: 11))
        #expect(lines.position(ofOffset: 4, from: LineColumn(line: 4, column: 10)) == LineColumn(line: 5, column: 2))
    }

    /// Many lines: the binary search finds the same line as counting LFs does.
    @Test func lineOfEveryOffsetMatchesCounting() {
        let text = (0..<300).map { String(repeating: "é", count: $0 % 7) }.joined(separator: "\n")
        let lines = LineLocator(text)
        let bytes = Array(text.utf8)
        var line = 1
        var lineStart = 0
        for offset in 0...bytes.count {
            #expect(lines.position(ofOffset: offset) == LineColumn(line: line, column: offset - lineStart + 1))
            if offset < bytes.count, bytes[offset] == 10 {
                line += 1
                lineStart = offset + 1
            }
        }
        #expect(lines.lineCount == 300)
    }

    /// The fix's JSON keeps its shape: `{"column":…,"line":…}`.
    @Test func encodesAsLineAndColumn() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(LineColumn(line: 3, column: 7))
        #expect(String(decoding: json, as: UTF8.self) == #"{"column":7,"line":3}"#)
    }
}
