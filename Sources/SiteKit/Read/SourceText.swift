import Foundation

/// Decoding of source bytes into text, and the front-matter split.
public enum SourceText {
    /// Decodes UTF-8, dropping a byte-order mark and turning CRLF (and lone CR) into LF, so that
    /// line numbers match what editors show. Invalid UTF-8 is reported at its line and column.
    public static func decode(_ data: Data, file: String) -> Result<String, Diagnostic> {
        decode(bytes: [UInt8](data), file: file)
    }

    /// The same, for bytes read by hand (`readFile`).
    public static func decode(bytes: [UInt8], file: String) -> Result<String, Diagnostic> {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var line = 1
            var column = 1
            var index = 0
            // Find the first byte that does not start a valid sequence.
            while index < bytes.count {
                let length = utf8SequenceLength(bytes, at: index)
                if length == 0 { break }
                if bytes[index] == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += length
                }
                index += length
            }
            let byte = index < bytes.count ? String(format: "0x%02X", bytes[index]) : "?"
            return .failure(
                .error(
                    "source.encoding", at: SourcePosition(file: file, line: line, column: column),
                    "this file is not valid UTF-8 (byte \(byte))",
                    suggestion: "save the file as UTF-8 in your editor"))
        }
        // Searched in the bytes: `String.UTF8View.contains` cost 20 instructions a byte here.
        guard bytes.withUnsafeBufferPointer({ $0.count > 0 && memchr($0.baseAddress!, 13, $0.count) != nil }) else {
            return .success(text)
        }
        // CRLF and a lone CR each become LF, byte by byte. Foundation's `replacingOccurrences` is not
        // used: it compares grapheme clusters, so a CR before a combining mark (`\r\u{0301}`)
        // survived it (found by FuzzFrontMatter). Replacing ASCII bytes keeps the text valid UTF-8.
        var normalized = [UInt8]()
        normalized.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                normalized.append(10)
                if index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else {
                normalized.append(byte)
            }
            index += 1
        }
        return .success(String(decoding: normalized, as: UTF8.self))
    }

    private static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let lead = b[i]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard i + length <= b.count else { return 0 }
        let slice = Array(b[i..<(i + length)])
        return String(validating: slice, as: UTF8.self) == nil ? 0 : length
    }

    /// A Markdown file split into front matter and body.
    public struct Split: Sendable, Hashable {
        /// The YAML between the `---` lines, or nil when the file has none.
        public var frontMatter: String?
        /// The file line of the front matter's first line (2 when it opens on line 1).
        public var frontMatterFirstLine: Int
        /// The body with the front-matter lines blanked, so cmark's line numbers equal the file's.
        public var body: String
    }

    /// Splits `---` front matter from the body. A file whose first line is `---` must close it with
    /// a line `---` (or `...`); otherwise a `frontmatter.unclosed` diagnostic.
    public static func splitFrontMatter(_ text: String, file: String) -> Result<Split, Diagnostic> {
        guard text.hasPrefix("---") else {
            return .success(Split(frontMatter: nil, frontMatterFirstLine: 1, body: text))
        }
        // Work on bytes: this runs for every page, and String.split dominated the profile.
        let bytes = Array(text.utf8)
        func lineEnd(_ start: Int) -> Int {
            var i = start
            while i < bytes.count, bytes[i] != 10 { i += 1 }
            return i
        }
        func isFence(_ start: Int, _ end: Int, _ fence: UInt8) -> Bool {
            var e = end
            while e > start, bytes[e - 1] == 32 || bytes[e - 1] == 9 { e -= 1 }
            return e - start == 3 && bytes[start] == fence && bytes[start + 1] == fence && bytes[start + 2] == fence
        }
        let firstEnd = lineEnd(0)
        guard isFence(0, firstEnd, 45) else {
            return .success(Split(frontMatter: nil, frontMatterFirstLine: 1, body: text))
        }
        var start = firstEnd + 1
        var lines = 1
        while start <= bytes.count {
            let end = lineEnd(start)
            lines += 1
            if start < bytes.count, isFence(start, end, 45) || isFence(start, end, 46) {
                let yaml = start - 1 > firstEnd + 1 ? String(decoding: bytes[(firstEnd + 1)..<(start - 1)], as: UTF8.self) : ""
                // The body keeps its line numbers: every front-matter line becomes empty.
                var body = String(repeating: "\n", count: lines - 1)
                if end < bytes.count { body += String(decoding: bytes[end...], as: UTF8.self) }
                return .success(Split(frontMatter: yaml, frontMatterFirstLine: 2, body: body))
            }
            if end >= bytes.count { break }
            start = end + 1
        }
        return .failure(
            .error(
                "frontmatter.unclosed", at: SourcePosition(file: file, line: 1, column: 1),
                "the front matter opened by '---' on line 1 is never closed",
                suggestion: "add a line with only '---' after the last front-matter key"))
    }
}

extension SourceText {
    /// A file's bytes with POSIX calls, or nil when it cannot be opened or read: `FileManager`'s
    /// `contents(atPath:)` and the copy out of its `Data` were a twentieth of a build's time.
    public static func readFile(_ path: String) -> [UInt8]? {
        // O_NONBLOCK: opening a FIFO (swapped in after the walk checked the path) must not wait
        // for a writer; only ordinary files are read (for them the flag changes nothing).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}

