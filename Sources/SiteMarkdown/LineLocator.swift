import Foundation

/// The lines of a text, found once, for turning UTF-8 byte offsets into `LineColumn`s (1-based
/// line, 1-based column counted in UTF-8 bytes, as cmark and every diagnostic count) and back.
/// The one place that finds line starts (as Hugo's `text.Position` and its error locator): the
/// Markdown walk, fixes, reports, rules and the language server all read lines through it.
///
/// Built from the text itself (no copy of its bytes is kept, only the line starts): LF bytes
/// are found with memchr. The language server's editor texts are not normalized, so it also reads
/// CRLF and a lone CR as one break (`.anyBreak`), as LSP says; every other text the build reads
/// is (`SourceText.decode`), so a CR is a byte of its line.
public struct LineLocator: Sendable {
    public enum Breaks: Sendable { case lf, anyBreak }

    public let text: String
    /// UTF-8 offset of each line's first byte: `starts[0] == 0`, one more per line break.
    public let starts: [Int]
    public let breaks: Breaks

    public init(_ text: String, breaks: Breaks = .lf) {
        self.breaks = breaks
        var starts = [0]
        var text = text
        text.withUTF8 { b in
            guard let base = b.baseAddress else { return }
            switch breaks {
            case .lf:
                var i = 0
                while i < b.count, let found = memchr(base + i, 10, b.count - i) {
                    i = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                    starts.append(i)
                }
            case .anyBreak:
                var i = 0
                while i < b.count {
                    if b[i] == 13, i + 1 < b.count, b[i + 1] == 10 { i += 1 }
                    if b[i] == 10 || b[i] == 13 { starts.append(i + 1) }
                    i += 1
                }
            }
        }
        self.text = text
        self.starts = starts
    }

    /// The text's length in UTF-8 bytes.
    public var byteCount: Int { text.utf8.count }

    /// How many lines the text has: one more than its line breaks (an empty text has one line,
    /// and a text that ends with a break an empty last line).
    public var lineCount: Int { starts.count }

    /// The offset of the first byte of line `n` (1-based), when the text has that line.
    public func start(ofLine n: Int) -> Int? {
        n >= 1 && n <= starts.count ? starts[n - 1] : nil
    }

    /// The byte range of line `n` (1-based) without its line break, when the text has that line.
    public func range(ofLine n: Int) -> Range<Int>? {
        guard n >= 1, n <= starts.count else { return nil }
        guard n < starts.count else { return starts[n - 1]..<byteCount }
        var end = starts[n] - 1
        if breaks == .anyBreak, end > starts[n - 1], byte(at: end) == 10, byte(at: end - 1) == 13 { end -= 1 }
        return starts[n - 1]..<end
    }

    /// Line `n` (1-based) without its line break.
    public func line(_ n: Int) -> Substring? {
        guard let range = range(ofLine: n) else { return nil }
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        return Substring(utf8[from..<utf8.index(from, offsetBy: range.count)])
    }

    /// The 1-based line of the byte at `offset` (a binary search; the line break belongs to the
    /// line it ends, the end of the text to the last line).
    public func line(ofOffset offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The line and column of the byte at `offset` (clamped to the start of the text).
    public func position(ofOffset offset: Int) -> LineColumn {
        let offset = max(0, offset)
        let line = line(ofOffset: offset)
        return LineColumn(line: line, column: offset - starts[line - 1] + 1)
    }

    /// The same, for a text that starts at `start` in a longer one: a column on the text's first
    /// line counts from `start.column`.
    public func position(ofOffset offset: Int, from start: LineColumn) -> LineColumn {
        let p = position(ofOffset: offset)
        return p.line == 1
            ? LineColumn(line: start.line, column: start.column + p.column - 1)
            : LineColumn(line: start.line + p.line - 1, column: p.column)
    }

    /// The offset of `position`, when it is in its line (before its break, or at its end).
    public func offset(of position: LineColumn) -> Int? {
        guard position.column >= 1, let range = range(ofLine: position.line) else { return nil }
        let offset = range.lowerBound + position.column - 1
        return offset <= range.upperBound ? offset : nil
    }

    /// Whether the text holds `expected` at the bytes `range`.
    public func holds<Bytes: Sequence<UInt8>>(_ expected: Bytes, at range: Range<Int>) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= byteCount else { return false }
        if let found = text.utf8.withContiguousStorageIfAvailable({ UnsafeBufferPointer(rebasing: $0[range]).elementsEqual(expected) }) {
            return found
        }
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        return utf8[from..<utf8.index(from, offsetBy: range.count)].elementsEqual(expected)
    }

    private func byte(at offset: Int) -> UInt8 {
        text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: offset)]
    }
}
