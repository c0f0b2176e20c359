import Foundation
import SiteKit
import Testing

@testable import SiteLSP

@Suite("UTF-16 positions")
struct PositionTests {
    // "Café “naïve” 😀 costs $450": $ is byte 30 and UTF-16 unit 22; é ï are 2 bytes and 1 UTF-16 unit, “ ” 3 bytes and 1 unit,
    // 😀 4 bytes and 2 units.
    let line = "Café “naïve” 😀 costs $450 per session."

    func byteColumn(of needle: String, in text: String) -> Int {
        text.utf8.distance(from: text.startIndex, to: text.range(of: needle)!.lowerBound)
    }

    func utf16Column(of needle: String, in text: String) -> Int {
        text.utf16.distance(from: text.startIndex, to: text.range(of: needle)!.lowerBound)
    }

    @Test func byteColumnsBecomeUTF16() {
        let table = LineTable("first\n" + line + "\n")
        let byte = byteColumn(of: "$450", in: line)
        #expect(byte == 30)
        let range = table.range(line: 2, column: byte + 1)
        #expect(range.start == LSPPosition(line: 1, character: utf16Column(of: "$450", in: line)))
        #expect(range.start.character == 22)
        #expect(range.end.character == 26)
    }

    @Test func roundTrip() {
        let table = LineTable(line)
        for (offset, _) in line.utf16.enumerated() {
            let position = LSPPosition(line: 0, character: offset)
            let byte = table.byteColumn(of: position)
            let back = table.position(line: 0, byteColumn: byte)
            // A position inside the surrogate pair of 😀 moves to the character's end.
            #expect(back.character == offset || back.character == offset + 1)
        }
    }

    @Test func lineBreaksOfEveryKind() {
        let table = LineTable("a\r\nb\rc\nd")
        #expect(table.lineCount == 4)
        #expect(table.lineText(0) == "a")
        #expect(table.lineText(1) == "b")
        #expect(table.lineText(2) == "c")
        #expect(table.lineText(3) == "d")
    }

    @Test func outOfRangeIsClamped() {
        let table = LineTable("ab\ncd")
        #expect(table.position(line: 9, byteColumn: 0) == LSPPosition(line: 1, character: 2))
        #expect(table.position(line: 0, byteColumn: 99) == LSPPosition(line: 0, character: 2))
        #expect(table.byteColumn(of: LSPPosition(line: 0, character: 99)) == 2)
        #expect(table.range(line: 0, column: 0).start == LSPPosition(line: 0, character: 0))
    }

    @Test func rangesCoverTheThingThatStartsThere() {
        let text = "See [the FAQ](faq.md#x \"t\") and {{price a-b}} or `$1,200.50` then wörd."
        let table = LineTable(text)
        func covered(_ needle: String) -> String {
            let r = table.range(line: 1, column: byteColumn(of: needle, in: text) + 1)
            let u = Array(text.utf16)
            return String(decoding: u[r.start.character..<r.end.character], as: UTF16.self)
        }
        #expect(covered("[the") == "[the FAQ](faq.md#x \"t\")")
        #expect(covered("{{price") == "{{price a-b}}")
        #expect(covered("$1") == "$1,200.50")
        #expect(covered("wörd") == "wörd")
    }
}
