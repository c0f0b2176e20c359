import Foundation
import SiteKit
import SiteMarkdown

/// An LSP position: 0-based line, and a column counted in UTF-16 code units (as the protocol
/// requires unless a client negotiates otherwise).
public struct LSPPosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public static func < (a: LSPPosition, b: LSPPosition) -> Bool { (a.line, a.character) < (b.line, b.character) }

    var json: JSON { ["line": .int(line), "character": .int(character)] }

    init?(_ json: JSON?) {
        guard let line = json?["line"]?.int, let character = json?["character"]?.int, line >= 0, character >= 0 else { return nil }
        self.init(line: line, character: character)
    }
}

public struct LSPRange: Sendable, Hashable {
    public var start: LSPPosition
    public var end: LSPPosition

    public init(start: LSPPosition, end: LSPPosition) {
        self.start = start
        self.end = end
    }

    var json: JSON { ["start": start.json, "end": end.json] }

    init?(_ json: JSON?) {
        guard let start = LSPPosition(json?["start"]), let end = LSPPosition(json?["end"]) else { return nil }
        self.init(start: min(start, end), end: max(start, end))
    }
}

/// Lines of a text, for turning the build's positions (1-based line, 1-based column counted in
/// UTF-8 bytes, see `SourcePosition`) into LSP positions and back: the lines are the build's
/// `LineLocator`'s, the UTF-16 columns LSP counts are made here.
///
/// A line ends at LF, CRLF or a lone CR, as LSP says and as `SourceText.decode` normalizes, so
/// line numbers agree whichever of the two texts (the editor's or the build's) is used.
public struct LineTable: Sendable {
    public var text: String { locator.text }
    private let locator: LineLocator
    private let bytes: [UInt8]

    public init(_ text: String) {
        locator = LineLocator(text, breaks: .anyBreak)
        bytes = Array(text.utf8)
    }

    public var lineCount: Int { locator.lineCount }

    /// The bytes of line `line` (0-based), without its line break.
    public func lineBytes(_ line: Int) -> ArraySlice<UInt8> {
        guard let range = locator.range(ofLine: line + 1) else { return [] }
        return bytes[range]
    }

    public func lineText(_ line: Int) -> String { String(decoding: lineBytes(line), as: UTF8.self) }

    /// The LSP position of the byte `byteColumn` (0-based) into line `line` (0-based). A column
    /// past the end is clamped to the end; one inside a character moves to its start.
    public func position(line: Int, byteColumn: Int) -> LSPPosition {
        guard line >= 0 else { return LSPPosition(line: 0, character: 0) }
        guard line < lineCount else {
            let last = lineCount - 1
            return LSPPosition(line: last, character: utf16Length(lineBytes(last)))
        }
        let slice = lineBytes(line)
        var column = min(max(byteColumn, 0), slice.count)
        while column > 0, column < slice.count, slice[slice.startIndex + column] & 0xC0 == 0x80 { column -= 1 }
        return LSPPosition(line: line, character: utf16Length(slice.prefix(column)))
    }

    /// The byte column (0-based) of an LSP position; a character past the end is clamped.
    public func byteColumn(of position: LSPPosition) -> Int {
        let slice = lineBytes(position.line)
        var units = 0
        var i = slice.startIndex
        while i < slice.endIndex, units < position.character {
            let lead = slice[i]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            units += length == 4 ? 2 : 1
            i = min(i + length, slice.endIndex)
        }
        return i - slice.startIndex
    }

    /// The UTF-8 offset in the whole text of an LSP position (clamped into the text).
    public func offset(of position: LSPPosition) -> Int {
        guard let start = locator.start(ofLine: position.line + 1) else { return bytes.count }
        return start + byteColumn(of: position)
    }

    /// The LSP position of a UTF-8 offset in the whole text.
    public func position(ofOffset offset: Int) -> LSPPosition {
        let line = locator.line(ofOffset: offset)
        return position(line: line - 1, byteColumn: offset - locator.starts[line - 1])
    }

    /// The LSP range a build diagnostic's position names: from its column to the end of the
    /// thing that starts there (`DiagnosticRange`); a position without column covers its line,
    /// one without line the start of the file.
    public func range(line: Int, column: Int) -> LSPRange {
        guard line > 0 else { return LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0)) }
        let l = min(line - 1, lineCount - 1)
        let slice = lineBytes(l)
        if column <= 0 {
            let first = slice.firstIndex { $0 != 32 && $0 != 9 }.map { $0 - slice.startIndex } ?? 0
            return LSPRange(start: position(line: l, byteColumn: first), end: position(line: l, byteColumn: slice.count))
        }
        let startByte = min(column - 1, slice.count)
        let length = DiagnosticRange.length(of: Array(slice), from: startByte)
        return LSPRange(start: position(line: l, byteColumn: startByte), end: position(line: l, byteColumn: startByte + length))
    }

    /// The LSP range of a fix's bytes (1-based lines, 1-based UTF-8 columns, as `Fix` has them).
    public func range(of fix: Fix) -> LSPRange {
        LSPRange(
            start: position(line: fix.start.line - 1, byteColumn: fix.start.column - 1),
            end: position(line: fix.end.line - 1, byteColumn: fix.end.column - 1))
    }

    /// The bytes of the text in `range`.
    public func bytes(in range: LSPRange) -> ArraySlice<UInt8> {
        let from = offset(of: range.start)
        return bytes[from..<max(from, offset(of: range.end))]
    }

    private func utf16Length(_ slice: ArraySlice<UInt8>) -> Int {
        var units = 0
        for byte in slice where byte & 0xC0 != 0x80 { units += byte >= 0xF0 ? 2 : 1 }
        return units
    }
}

/// How far a diagnostic reaches from its column: the build gives only where a problem starts,
/// so the range covers the thing that starts there, as a reader would underline it.
enum DiagnosticRange {
    static func length(of line: [UInt8], from start: Int) -> Int {
        guard start < line.count else { return 0 }
        func find(_ pattern: [UInt8], from: Int) -> Int? {
            var i = from
            while i + pattern.count <= line.count {
                if Array(line[i..<(i + pattern.count)]) == pattern { return i }
                i += 1
            }
            return nil
        }
        let first = line[start]
        // A shortcode or template tag: `{{price id}}`.
        if first == UInt8(ascii: "{"), start + 1 < line.count, line[start + 1] == UInt8(ascii: "{"),
            let close = find([125, 125], from: start + 2)
        {
            var end = close + 2
            while end < line.count, line[end] == 125 { end += 1 }
            return end - start
        }
        // A link or image: `[text](target)` up to its closing parenthesis.
        if first == UInt8(ascii: "[") || (first == UInt8(ascii: "!") && start + 1 < line.count && line[start + 1] == UInt8(ascii: "[")) {
            if let middle = find([93, 40], from: start) {
                var depth = 0
                var i = middle + 1
                while i < line.count {
                    if line[i] == 40 { depth += 1 }
                    if line[i] == 41 {
                        depth -= 1
                        if depth == 0 { return i + 1 - start }
                    }
                    i += 1
                }
            }
        }
        // An autolink or HTML tag: `<https://…>`.
        if first == UInt8(ascii: "<"), let close = line[start...].firstIndex(of: UInt8(ascii: ">")) { return close + 1 - start }
        // An amount: `$450`, `$1,200.00`.
        if first == UInt8(ascii: "$") {
            var end = start + 1
            while end < line.count, (48...57).contains(line[end]) || ((line[end] == 44 || line[end] == 46) && end + 1 < line.count && (48...57).contains(line[end + 1])) {
                end += 1
            }
            if end > start + 1 { return end - start }
        }
        // Otherwise a word (letters, digits, marks and `-_.'/#`), at least one character.
        var end = start
        while end < line.count {
            let b = line[end]
            let isWord = b >= 0x80 || (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || "-_.'/#".utf8.contains(b)
            if !isWord { break }
            end += 1
        }
        if end > start {
            while end > start + 1, line[end - 1] == UInt8(ascii: ".") || line[end - 1] == UInt8(ascii: "'") { end -= 1 }
            return end - start
        }
        var next = start + 1
        while next < line.count, line[next] & 0xC0 == 0x80 { next += 1 }
        return next - start
    }
}

/// A build diagnostic with its LSP range, and the range of its fix's edit, in the text the check read.
struct MappedDiagnostic: Sendable {
    var diagnostic: Diagnostic
    var range: LSPRange
    var fixRange: LSPRange?
}

/// One open document: its text and version, changed by full or incremental edits.
public struct TextDocument: Sendable {
    public var uri: String
    public var version: Int
    public private(set) var text: String
    public private(set) var lines: LineTable

    public init(uri: String, version: Int, text: String) {
        self.uri = uri
        self.version = version
        self.text = text
        self.lines = LineTable(text)
    }

    /// Applies one `TextDocumentContentChangeEvent`: with a `range`, replaces that range (UTF-16
    /// positions; clamped into the text), else replaces the whole text. False when it is malformed.
    @discardableResult
    public mutating func apply(_ change: JSON) -> Bool {
        guard let newText = change["text"]?.string else { return false }
        guard let rangeJSON = change["range"] else {
            replaceAll(newText)
            return true
        }
        guard let range = LSPRange(rangeJSON) else { return false }
        let from = lines.offset(of: range.start)
        let to = max(from, lines.offset(of: range.end))
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(from..<to, with: Array(newText.utf8))
        replaceAll(String(decoding: bytes, as: UTF8.self))
        return true
    }

    public mutating func replaceAll(_ newText: String) {
        text = newText
        lines = LineTable(newText)
    }
}
