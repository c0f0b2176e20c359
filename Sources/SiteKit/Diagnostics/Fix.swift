import Foundation
import SiteMarkdown

/// An exact edit that resolves a diagnostic: replace the text of `range` in the diagnostic's file
/// with `replacement`. Set only where the check knows the source text it replaces byte for byte
/// (a typed price, a misspelt id or anchor); a suggestion that needs judgement stays prose in
/// `Diagnostic.suggestion`. The SARIF report's `fixes` and the editor's code actions read it.
public struct Fix: Sendable, Hashable, Codable {
    /// The text replaced, in the diagnostic's file: 1-based lines, columns in UTF-8 bytes as in
    /// `SourcePosition`, `end` just after the last byte replaced.
    public var start: LineColumn
    public var end: LineColumn
    public var replacement: String
    /// The text the range held when the check ran (an editor can tell that the file has changed).
    public var original: String
    /// What the edit does, for a menu of fixes ("Write {{price treatment-session}}").
    public var title: String

    public init(start: LineColumn, end: LineColumn, original: String, replacement: String, title: String) {
        self.start = start
        self.end = end
        self.original = original
        self.replacement = replacement
        self.title = title
    }

    /// Replaces `original`, which starts at `position` and lies on its line.
    public init(replacing original: String, at position: SourcePosition, with replacement: String, title: String) {
        self.start = LineColumn(line: position.line, column: position.column)
        self.end = LineColumn(line: position.line, column: position.column + original.utf8.count)
        self.original = original
        self.replacement = replacement
        self.title = title
    }

    /// The fix applied to `text` (the whole file), or nil when its range does not hold `original`.
    public func applied(to text: String) -> String? {
        guard let range = LineLocator(text).range(of: self) else { return nil }
        let bytes = Array(text.utf8)
        return String(decoding: bytes[..<range.lowerBound] + Array(replacement.utf8) + bytes[range.upperBound...], as: UTF8.self)
    }
}

extension LineLocator {
    /// The byte range of `fix` in this text (each end within its line), when it holds the fix's
    /// `original` text.
    func range(of fix: Fix) -> Range<Int>? {
        guard let from = offset(of: fix.start), let to = offset(of: fix.end), from <= to, holds(fix.original.utf8, at: from..<to) else { return nil }
        return from..<to
    }
}

extension Array where Element == Diagnostic {
    /// The diagnostics, each fix kept only where its file (a page, template or data file of
    /// `sources`) holds the fix's `original` text at its range: checks that read rendered text
    /// (after an escape, an entity, a `{{list}}`) cannot always tell.
    func keepingFixes(thatMatch sources: SiteSources) -> [Diagnostic] {
        let files = SourceLookup(sources)
        return keepingFixes { files[$0] }
    }

    /// The same, with `file` giving the source a diagnostic names (by display path); a fix in a
    /// file it does not give (a rendered-only text) cannot be checked and is dropped. Reads only
    /// the diagnostics that have a fix and their files' line starts (no copy of a file or of the
    /// report), and copies the diagnostics only when a fix is dropped.
    func keepingFixes(in file: (String) -> SourceFile?) -> [Diagnostic] {
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
        for (name, list) in withFix {
            guard let source = file(name) else {
                dropped += list
                continue
            }
            let lines = LineLocator(source.text)
            withUnsafeBufferPointer { all in
                for i in list where lines.range(of: all[i].fix!) == nil { dropped.append(i) }
            }
        }
        guard !dropped.isEmpty else { return self }
        var result = self
        for i in dropped { result[i].fix = nil }
        return result
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
