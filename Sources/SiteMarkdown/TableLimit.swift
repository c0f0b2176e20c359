import Foundation

/// How wide a Markdown table may be. cmark-gfm's table extension takes time that grows faster
/// than the width (a table of 8,000 columns took 5.5 s in it, issue 13), so a delimiter row
/// (`| --- | :-: |`) with more cells than `maxColumns` is blanked, byte for byte, before cmark
/// reads the text, and reported. No table a person reads on a phone comes near it.
public enum TableLimit {
    public static let maxColumns = 100

    /// `source` with every over-wide delimiter row replaced by as many spaces (so every other
    /// position is unchanged), and where each such row starts. One `memchr` for a page without `|`.
    public static func neutralize(_ source: String) -> (source: String, rows: [LineColumn]) {
        var copy = source
        let hasPipe = copy.withUTF8 { b in b.count > 0 && memchr(b.baseAddress!, 124, b.count) != nil }
        guard hasPipe else { return (source, []) }
        var bytes = Array(source.utf8)
        var rows: [LineColumn] = []
        var line = 1
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            if let column = wideDelimiterRow(bytes, start, end) {
                rows.append(LineColumn(line: line, column: column))
                for i in start..<end where bytes[i] != 13 { bytes[i] = 32 }
            }
            line += 1
            start = end + 1
        }
        return rows.isEmpty ? (source, []) : (String(decoding: bytes, as: UTF8.self), rows)
    }

    /// The 1-based column of a delimiter row of more than `maxColumns` cells in `bytes[start..<end]`,
    /// or nil. A delimiter row holds only `|`, `-`, `:` and blanks, and at least one `-` a cell.
    static func wideDelimiterRow(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var pipes = 0
        var cells = 0
        var inCell = false
        var first: Int?
        for i in start..<end {
            switch bytes[i] {
            case 124:
                pipes += 1
                inCell = false
            case 45, 58:
                if first == nil { first = i }
                if bytes[i] == 45, !inCell {
                    cells += 1
                    inCell = true
                }
            case 32, 9, 13:
                continue
            default:
                return nil
            }
            if first == nil { first = i }
        }
        guard pipes > 0, cells > maxColumns, let first else { return nil }
        return first - start + 1
    }
}
