/// A place in a source file, printed like a compiler does: `content/faq.md:12:8`.
///
/// `file` is the path as the build names it (relative to the folder the build ran in when the
/// source lies below it). Line and column are 1-based; 0 means "unknown".
public struct SourcePosition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    public var description: String {
        switch (line, column) {
        case (0, _): return file
        case (_, 0): return "\(file):\(line)"
        default: return "\(file):\(line):\(column)"
        }
    }

    /// The position `line` lines and `column` columns into a text that starts at this position's
    /// line (used for front matter and bodies that start below line 1).
    public func offset(lines: Int) -> SourcePosition {
        SourcePosition(file: file, line: line + lines, column: column)
    }
}
