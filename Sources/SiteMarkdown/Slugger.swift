import Foundation

/// Makes GitHub-style heading ids, unique within one page.
///
/// The rules follow GitHub (and Hugo's `github` anchor style): lowercase, keep letters, digits,
/// `-` and `_`, turn spaces into `-`, drop every other character. A repeated slug gets `-1`,
/// `-2`, …; a suffix that would collide with an id already given is skipped. A heading that
/// leaves nothing (`## ???`, an emoji) gets `section` (then `section-1`, …): an empty id is
/// invalid HTML and no `#link` can name it.
public struct Slugger: Sendable {
    private var used: Set<String> = []

    public init() {}

    /// The bare slug of `text`, without de-duplication.
    public static func slug(_ text: String) -> String {
        // ASCII text (nearly every heading) byte by byte: the same rules as below.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                if byte >= 65 && byte <= 90 {
                    bytes.append(byte + 32)
                } else if (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 45 || byte == 95 {
                    bytes.append(byte)
                } else if byte == 32 || byte == 9 || byte == 10 {
                    bytes.append(45)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return slugByScalars(text)
    }

    /// `slug`, scalar by scalar: any text.
    static func slugByScalars(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            // ASCII without Unicode property lookups (they were 4% of a build): letters are
            // alphabetic, digits are the only numeric characters, nothing else is kept.
            if scalar.isASCII, let byte = UInt8(exactly: scalar.value), byte != 32, byte != 9, byte != 10, byte != 45, byte != 95 {
                if byte >= 65 && byte <= 90 {
                    out.unicodeScalars.append(Unicode.Scalar(byte + 32))
                } else if (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) {
                    out.unicodeScalars.append(scalar)
                }
                continue
            }
            if scalar == " " || scalar == "\t" || scalar == "\n" {
                out.append("-")
            } else if scalar == "-" || scalar == "_" {
                out.unicodeScalars.append(scalar)
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if scalar.properties.isMath { continue }
                for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                    out.unicodeScalars.append(lower)
                }
            }
        }
        return out
    }

    /// The id given to a heading whose slug is empty.
    public static let fallback = "section"

    /// A slug for `text` that this slugger has not handed out before (`fallback` for an empty slug).
    public mutating func unique(_ text: String) -> String {
        let slug = Self.slug(text)
        let base = slug.isEmpty ? Self.fallback : slug
        if used.insert(base).inserted { return base }
        var n = 1
        while true {
            let candidate = "\(base)-\(n)"
            if used.insert(candidate).inserted { return candidate }
            n += 1
        }
    }

    /// Marks `id` as taken (for ids given explicitly) so that no heading receives it.
    public mutating func reserve(_ id: String) {
        used.insert(id)
    }
}

/// Text trimming that gives what Foundation's `trimmingCharacters(in: .whitespaces)` gives,
/// scalar by scalar, without bridging to NSString, which was 2% of a build when every heading
/// went through it: ASCII is decided here, any other scalar by the same CharacterSet (it holds
/// U+200B besides the space separators). `TrimmingTests` compares the two.
public enum Trimming {
    static let whitespaces = CharacterSet.whitespaces

    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? (c == " " || c == "\t") : whitespaces.contains(c)
    }

    public static func spaces(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }
}
