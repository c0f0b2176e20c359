import Foundation

/// An exact edit that resolves a diagnostic: replace the text of `range` in the diagnostic's file
/// with `replacement`. Set only where the check knows the source text it replaces byte for byte
/// (a typed price, a misspelt id or anchor); a suggestion that needs judgement stays prose in
/// `Diagnostic.suggestion`. The SARIF report's `fixes` and the editor's code actions read it.
public struct Fix: Sendable, Hashable, Codable {
    /// The text replaced, in the diagnostic's file: 1-based lines, columns in UTF-8 bytes as in
    /// `SourcePosition`, `end` just after the last byte replaced.
    public var start: LineColumnPosition
    public var end: LineColumnPosition
    public var replacement: String
    /// The text the range held when the check ran (an editor can tell that the file has changed).
    public var original: String
    /// What the edit does, for a menu of fixes ("Write {{price treatment-session}}").
    public var title: String

    public init(start: LineColumnPosition, end: LineColumnPosition, original: String, replacement: String, title: String) {
        self.start = start
        self.end = end
        self.original = original
        self.replacement = replacement
        self.title = title
    }

    /// Replaces `original`, which starts at `position` and lies on its line.
    public init(replacing original: String, at position: SourcePosition, with replacement: String, title: String) {
        self.start = LineColumnPosition(line: position.line, column: position.column)
        self.end = LineColumnPosition(line: position.line, column: position.column + original.utf8.count)
        self.original = original
        self.replacement = replacement
        self.title = title
    }

    /// The fix applied to `text` (the whole file), or nil when its range does not hold `original`.
    public func applied(to text: String) -> String? {
        let lines = LineStarts(text)
        guard let range = lines.range(self) else { return nil }
        let bytes = Array(text.utf8)
        return String(decoding: bytes[..<range.lowerBound] + Array(replacement.utf8) + bytes[range.upperBound...], as: UTF8.self)
    }

    /// Where each line of a text starts, to find a fix's bytes.
    public struct LineStarts: Sendable {
        let bytes: [UInt8]
        let starts: [Int]

        public init(_ text: String) {
            bytes = Array(text.utf8)
            var starts = [0]
            for (i, b) in bytes.enumerated() where b == 10 { starts.append(i + 1) }
            self.starts = starts
        }

        func offset(_ p: LineColumnPosition) -> Int? {
            guard p.line >= 1, p.line <= starts.count, p.column >= 1 else { return nil }
            let o = starts[p.line - 1] + p.column - 1
            let lineEnd = p.line < starts.count ? starts[p.line] - 1 : bytes.count
            return o <= lineEnd ? o : nil
        }

        /// The bytes of line `n` (1-based), without its LF.
        public func line(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 1, n <= starts.count else { return nil }
            return bytes[starts[n - 1]..<(n < starts.count ? starts[n] - 1 : bytes.count)]
        }

        /// The byte range of `fix`, when it holds the fix's `original` text.
        public func range(_ fix: Fix) -> Range<Int>? {
            guard let from = offset(fix.start), let to = offset(fix.end), from <= to,
                bytes[from..<to].elementsEqual(fix.original.utf8)
            else { return nil }
            return from..<to
        }
    }
}

/// A line and a column (1-based, UTF-8 bytes) in a diagnostic's own file.
public struct LineColumnPosition: Sendable, Hashable, Codable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: LineColumnPosition, b: LineColumnPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

extension Array where Element == Diagnostic {
    /// The diagnostics, each fix kept only where its file (a page, template or data file of
    /// `sources`) holds the fix's `original` text at its range: checks that read rendered text
    /// (after an escape, an entity, a `{{list}}`) cannot always tell.
    ///
    /// Runs after every build, over every diagnostic of the site: it reads only the diagnostics
    /// that have a fix and the bytes of their lines (no copy of a file or of the report), and
    /// copies the report only when a fix is dropped.
    func keepingFixes(thatMatch sources: SiteSources) -> [Diagnostic] {
        // The report is sorted by file: a run of one file is one dictionary update.
        // Through the buffer: `self[i].fix` in a loop copied every diagnostic it looked at.
        var withFix: [String: [Int]] = [:]
        withUnsafeBufferPointer { all in
            var run: (file: String, indices: [Int])?
            for i in all.indices where all[i].fix != nil {
                if run?.file == all[i].position.file {
                    run!.indices.append(i)
                    continue
                }
                if let done = run { withFix[done.file, default: []] += done.indices }
                run = (all[i].position.file, [i])
            }
            if let done = run { withFix[done.file, default: []] += done.indices }
        }
        guard !withFix.isEmpty else { return self }
        var dropped: [Int] = []
        func check(_ file: SourceFile) {
            guard let list = withFix.removeValue(forKey: file.displayPath) else { return }
            var text = file.text
            text.withUTF8 { bytes in
                var lines = Fix.LineScanner(bytes)
                withUnsafeBufferPointer { all in
                    for i in list where !lines.holds(all[i].fix!) { dropped.append(i) }
                }
            }
        }
        sources.pages.forEach(check)
        sources.templates.forEach(check)
        sources.dataFiles.values.forEach(check)
        if let settings = sources.settings { check(settings) }
        // A fix in a file the sources do not hold (a rendered-only text) cannot be checked.
        dropped += withFix.values.joined()
        guard !dropped.isEmpty else { return self }
        var result = self
        for i in dropped { result[i].fix = nil }
        return result
    }
}

extension Fix {
    /// Finds the starts of lines in a file's bytes as far as the fixes asked about need, to tell
    /// whether the file holds each fix's `original` (`keepingFixes`).
    struct LineScanner {
        let bytes: UnsafeBufferPointer<UInt8>
        private var starts = [0]
        private var scanned = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The offset of the first byte of line `n` (1-based), when the text has that line.
        mutating func start(ofLine n: Int) -> Int? {
            guard n >= 1 else { return nil }
            while starts.count < n, scanned < bytes.count, let base = bytes.baseAddress {
                guard let found = memchr(base + scanned, 10, bytes.count - scanned) else {
                    scanned = bytes.count
                    break
                }
                let lf = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                starts.append(lf + 1)
                scanned = lf + 1
            }
            return n <= starts.count ? starts[n - 1] : nil
        }

        mutating func offset(_ p: LineColumnPosition) -> Int? {
            guard p.column >= 1, let lineStart = start(ofLine: p.line) else { return nil }
            let o = lineStart + p.column - 1
            // Within the line (its LF excluded) or at its end.
            var end = lineStart
            while end < bytes.count, end < o, bytes[end] != 10 { end += 1 }
            return end == o && o <= bytes.count ? o : nil
        }

        mutating func holds(_ fix: Fix) -> Bool {
            guard let from = offset(fix.start), let to = offset(fix.end), from <= to else { return false }
            return UnsafeBufferPointer(rebasing: bytes[from..<to]).elementsEqual(fix.original.utf8)
        }
    }
}

extension Fix {
    /// A "did you mean 'near'?" as an edit: `word`, written at `position`, becomes `near`. Nil
    /// without a line and column; `keepingFixes` drops it where the source does not hold `word`
    /// there (a quoted YAML value, a value written in another file).
    static func renaming(_ word: String, at position: SourcePosition, to near: String?) -> Fix? {
        guard let near, near != word, position.line > 0, position.column > 0, !word.isEmpty else { return nil }
        return Fix(replacing: word, at: position, with: near, title: "Change '\(word)' to '\(near)'")
    }
}
