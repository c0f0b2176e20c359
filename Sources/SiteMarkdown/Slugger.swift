import Foundation

/// Makes GitHub's heading ids, unique within one page: what github-slugger (the npm package that
/// reproduces github.com's ids) gives, class by class.
///
/// The text is lowercased (full Unicode mapping, as JavaScript's `toLowerCase`), then every scalar
/// is dropped whose general category is Other_Number, any punctuation but Connector_Punctuation,
/// any Symbol, Control, Private_Use, Format, Unassigned or Separator, unless it is Alphabetic or is
/// `-` or the space; each space then becomes `-`. Letters, marks, decimal and letter numbers and
/// connector punctuation (`_`, `‿`) are kept, and nothing is trimmed (`# &#x20;a` gives `-a`).
///
/// A repeated slug gets `-1`, `-2`, … as github-slugger numbers them: each base remembers the
/// last suffix it handed out, so the next repeat starts there (8,000 equal headings are 8,000
/// probes, not 32 million); a suffix that is already taken is skipped. A heading that leaves
/// nothing (`## ???`, an emoji) gets `section` (then `section-1`, …): an empty id is invalid
/// HTML and no `#link` can name it (GitHub gives it no usable anchor either).
public struct Slugger: Sendable {
    /// Every id handed out or reserved, with the last suffix given to it as a base.
    private var occurrences: [String: Int] = [:]
    /// How many candidate ids `unique` has looked up: for the test that repeats stay linear.
    private(set) var probes = 0

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
                } else if byte == 32 {
                    bytes.append(45)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return slugByScalars(text)
    }

    /// `slug`, scalar by scalar: any text. Lowercased first, then filtered, as github-slugger does.
    static func slugByScalars(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " {
                out.append("-")
            } else if isKept(scalar) {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether github-slugger keeps `scalar` (after lowercasing; the space is handled apart).
    static func isKept(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "-" { return true }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .connectorPunctuation:
            return true
        case .surrogate:
            return true  // never in a Swift string; kept by the regex too
        default:
            // Alphabetic scalars of the removed classes (circled letters, Ⓖ, are Other_Symbol).
            return properties.isAlphabetic
        }
    }

    /// The id given to a heading whose slug is empty.
    public static let fallback = "section"

    /// A slug for `text` that this slugger has not handed out before (`fallback` for an empty slug).
    public mutating func unique(_ text: String) -> String {
        let slug = Self.slug(text)
        let base = slug.isEmpty ? Self.fallback : slug
        var result = base
        probes += 1
        while occurrences[result] != nil {
            let next = occurrences[base]! + 1
            occurrences[base] = next
            result = "\(base)-\(next)"
            probes += 1
        }
        occurrences[result] = 0
        return result
    }

    /// Marks `id` as taken (for ids given explicitly, or written by the theme) so that no heading
    /// receives it.
    public mutating func reserve(_ id: String) {
        if occurrences[id] == nil { occurrences[id] = 0 }
    }

    /// Whether `id` was handed out or reserved.
    public func isTaken(_ id: String) -> Bool { occurrences[id] != nil }
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
