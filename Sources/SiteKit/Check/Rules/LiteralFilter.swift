import Foundation

/// Plain words that every match of a pattern must contain, found by reading the pattern, so
/// that text without any of them is skipped without running the regular expression. Running
/// every wording pattern over every block of a 5,000-page site took seconds; looking for a few
/// words in lowercased bytes takes milliseconds.
///
/// The reading is conservative: each top-level alternative must contain a run of at least three
/// ASCII letters or digits outside groups, classes and optional parts; otherwise there is no
/// filter and the pattern runs everywhere. A `\b` right before or after the run is kept, so that
/// `\bcur(?:e|ed)\b` does not send every "secure" to the regular expression.
struct LiteralFilter: Sendable, Hashable {
    /// A word every match of one alternative contains.
    struct Word: Sendable, Hashable {
        /// Lowercase ASCII letters and digits.
        var bytes: [UInt8]
        /// The pattern has `\b` right before the word: it starts a word in the text.
        var boundaryBefore = false
        /// The pattern has `\b` right after the word: it ends a word in the text.
        var boundaryAfter = false
    }

    /// One of them is in every match.
    let words: [Word]

    static let minimumLength = 3

    /// The filter for a pattern; nil when some alternative has no required word.
    init?(pattern: String) {
        let chars = Array(pattern.unicodeScalars)
        // Inline flags such as (?x) change what characters mean: no filter then.
        if pattern.range(of: #"\(\?[a-zA-Z-]+[:)]"#, options: .regularExpression) != nil { return nil }
        if pattern.contains("\\Q") { return nil }
        var words: [Word] = []
        for alternative in Self.alternatives(chars) {
            guard let word = Self.longestRequiredWord(alternative), word.bytes.count >= Self.minimumLength else { return nil }
            if !words.contains(word) { words.append(word) }
        }
        guard !words.isEmpty else { return nil }
        self.words = words
    }

    /// Whether `text` (lowercased ASCII bytes) holds one of the words, with the word edges the
    /// pattern asks for.
    func mayMatch(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var found = false
        forEachOccurrence(in: text) { _ in
            found = true
            return false
        }
        return found
    }

    /// Calls `visit` with the offset of each place in `text` (lowercased ASCII bytes) where one
    /// of the words stands with the edges the pattern asks for, until `visit` returns false.
    func forEachOccurrence(in text: UnsafeBufferPointer<UInt8>, _ visit: (Int) -> Bool) {
        for word in words {
            var from = 0
            while from < text.count, let offset = Self.firstOffset(of: word.bytes, in: UnsafeBufferPointer(rebasing: text[from...])) {
                let start = from + offset
                let end = start + word.bytes.count
                let startsWord = start == 0 || !Self.isWordByte(text[start - 1])
                let endsWord = end == text.count || !Self.isWordByte(text[end])
                if (startsWord || !word.boundaryBefore) && (endsWord || !word.boundaryAfter) {
                    if !visit(start) { return }
                }
                from = start + 1
            }
        }
    }

    /// ASCII letters, digits and `_` are word characters for `\b`; other bytes may not be (a
    /// non-ASCII letter is, a dash is not), so they count as edges: the filter never skips text
    /// the pattern would match.
    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95
    }

    /// The text's UTF-8 bytes with ASCII letters lowercased.
    static func lowercasedBytes(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { b in
            for i in b.indices where b[i] &- 65 < 26 { b[i] |= 0x20 }
        }
        return bytes
    }

    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        firstOffset(of: needle, in: hay) != nil
    }

    /// The offset of the first `needle` in `hay` (plain bytes: lowercase both for a search
    /// that ignores ASCII case). memchr finds candidates; Foundation's `range(of:)` bridged to
    /// NSString and cost seconds on a 5,000-page site.
    static func firstOffset(of needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first, let base = hay.baseAddress, hay.count >= needle.count else { return nil }
        let lastStart = base + (hay.count - needle.count)
        var start = base
        return needle.withUnsafeBufferPointer { n in
            while start <= lastStart {
                guard let found = memchr(start, Int32(first), lastStart - start + 1) else { return nil }
                let p = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                // Most candidates fail on the second byte: test it before calling memcmp.
                if n.count == 1 || (p[1] == n[1] && memcmp(p, n.baseAddress!, n.count) == 0) { return p - base }
                start = p + 1
            }
            return nil
        }
    }

    // MARK: Reading a pattern

    /// The top-level alternatives (split at `|` outside groups and classes).
    static func alternatives(_ chars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var result: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var depth = 0
        var classDepth = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                current.append(c)
                current.append(chars[i + 1])
                i += 2
                continue
            }
            if classDepth > 0 {
                if c == "[" { classDepth += 1 } else if c == "]" { classDepth -= 1 }
            } else if c == "[" {
                // A `]` right after `[` or `[^` is a member, not the end of the class.
                classDepth = 1
                current.append(c)
                i += 1
                if i < chars.count, chars[i] == "^" {
                    current.append(chars[i])
                    i += 1
                }
                if i < chars.count, chars[i] == "]" {
                    current.append(chars[i])
                    i += 1
                }
                continue
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
            } else if c == "|", depth == 0 {
                result.append(current)
                current = []
                i += 1
                continue
            }
            current.append(c)
            i += 1
        }
        result.append(current)
        return result
    }

    /// The longest run of ASCII letters and digits that every match of `alternative` contains.
    static func longestRequiredWord(_ chars: [Unicode.Scalar]) -> Word? {
        var words: [Word] = []
        var run = Word(bytes: [])
        var boundaryPending = false
        func finish() {
            if !run.bytes.isEmpty { words.append(run) }
            run = Word(bytes: [])
            boundaryPending = false
        }
        var depth = 0
        var classDepth = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                i += 1
                guard i < chars.count else { break }
                let e = chars[i]
                i += 1
                if depth > 0 || classDepth > 0 { continue }
                if e == "b" {
                    if !run.bytes.isEmpty { run.boundaryAfter = true }
                    finish()
                    boundaryPending = true
                    continue
                }
                finish()
                // Skip the argument of \p{…}, \x{…}, \N{…}, \xhh, \uhhhh, \Uhhhhhhhh, \0ooo, \1.
                if "pPNx".unicodeScalars.contains(e), i < chars.count, chars[i] == "{" {
                    while i < chars.count, chars[i] != "}" { i += 1 }
                    i += 1
                } else if e == "x" {
                    i += 2
                } else if e == "u" {
                    i += 4
                } else if e == "U" {
                    i += 8
                } else if ("0"..."9").contains(e) {
                    while i < chars.count, ("0"..."9").contains(chars[i]) { i += 1 }
                }
                continue
            }
            if classDepth > 0 {
                if c == "[" { classDepth += 1 } else if c == "]" { classDepth -= 1 }
                i += 1
                continue
            }
            switch c {
            case "[":
                finish()
                classDepth = 1
                i += 1
                if i < chars.count, chars[i] == "^" { i += 1 }
                if i < chars.count, chars[i] == "]" { i += 1 }
                continue
            case "(":
                finish()
                depth += 1
            case ")":
                finish()
                depth -= 1
            case "?", "*", "{":
                // The atom before is optional (or repeated from zero): it is not required.
                if depth == 0, !run.bytes.isEmpty { run.bytes.removeLast() }
                finish()
                if c == "{" {
                    while i < chars.count, chars[i] != "}" { i += 1 }
                }
            default:
                if depth == 0, c.isASCII, let byte = UInt8(exactly: c.value), (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) {
                    if run.bytes.isEmpty { run.boundaryBefore = boundaryPending }
                    boundaryPending = false
                    run.bytes.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
                } else {
                    finish()
                }
            }
            i += 1
        }
        finish()
        return words.max { $0.bytes.count < $1.bytes.count }
    }
}
