import Foundation

/// Renders a template once per *shape* of context instead of once per page.
///
/// Why: swift-mustache looks every name up through `Any` with a dozen dynamic casts and escapes
/// text Character by Character; rendering the theme was the largest stage of a 5,000-page
/// build (a third of all instructions). Most pages differ only in the text they print, not in
/// which sections open, so the template is rendered with a *marked* context — every per-page
/// string (and number) replaced by a marker `U+E002 & N U+E003` naming its index — and the
/// output, the skeleton, is kept under the context's shape: the keys, the booleans, the array
/// lengths and which strings are empty. Another page of the same shape gets the skeleton with
/// each marker replaced by its own value, escaped where the marker came out escaped (`&` turned
/// into `&amp;`) and raw where it did not (`{{{…}}}`).
///
/// This is exactly Mustache's own output because, in the templates this is used for, Mustache
/// treats a non-empty string only as opaque text: it prints it (escaped or raw), it is truthy in
/// a section, pushed on the stack it has no children, and `empty` is false for it. What could
/// see through a marker is refused up front (`Eligibility`): transforms other than
/// `empty`/`count`/`first`/`last` in sections, any transform in a variable tag, dynamic
/// partials, set-delimiter tags, indented standalone tags (whose indentation depends on what the
/// previous value ended with), and marker characters in a template. A value of any other type
/// makes that page render directly. `PageAssemblerTests` compares both ways on every page.
final class TemplateSkeletons: @unchecked Sendable {
    /// One piece of a skeleton: template text, or the value with this index.
    enum Segment {
        case text(String)
        case value(Int, escaped: Bool)
    }

    private let lock = NSLock()
    private var entries: [[UInt8]: [Segment]?] = [:]
    let enabled: Bool

    static let open: Unicode.Scalar = "\u{E002}"
    static let close: Unicode.Scalar = "\u{E003}"

    init(theme: Theme) {
        enabled = theme.files.values.allSatisfy { Self.isEligible($0.text) }
    }

    /// The page's output, or nil when the context holds a value that cannot be marked (the
    /// caller then renders directly).
    /// - Parameters:
    ///   - shared: keys whose values are the same on every page: passed as they are.
    ///   - literal: keys whose values are mostly the same on every page (the menu): passed as they
    ///     are, with their whole content in the shape key, so pages share a skeleton when equal.
    func render(_ name: String, context: [String: Any], shared: Set<String>, literal: Set<String> = [], with render: ([String: Any]) -> String?) -> String?? {
        guard enabled else { return nil }
        var marker = Marker()
        var marked: [String: Any] = [:]
        marker.add(name)
        for key in context.keys.sorted() {
            let value = context[key]!
            marker.add(key)
            if shared.contains(key) {
                // Passed as they are, so they must not hold what looks like a marker (checked
                // once: they are the same on every page).
                if sharedHoldsMarkers(key, value) { return nil }
                marked[key] = value
                continue
            }
            if literal.contains(key) {
                guard marker.describe(value) else { return nil }
                marked[key] = value
                continue
            }
            guard let m = marker.mark(value) else { return nil }
            marked[key] = m
        }
        lock.lock()
        let cached = entries[marker.key]
        lock.unlock()
        let segments: [Segment]?
        if let cached {
            segments = cached
        } else {
            guard let output = render(marked) else { return .some(nil) }
            segments = Self.parse(output, valueCount: marker.values.count)
            lock.lock()
            entries[marker.key] = segments
            lock.unlock()
        }
        guard let segments else { return nil }
        var out = ""
        out.reserveCapacity(4096)
        for segment in segments {
            switch segment {
            case .text(let t): out += t
            case .value(let i, let escaped): out += escaped ? Self.htmlEscape(marker.values[i]) : marker.values[i]
            }
        }
        return .some(out)
    }

    /// Builds the marked copy of a context and its shape key.
    struct Marker {
        var key: [UInt8] = []
        var values: [String] = []

        mutating func add(_ s: String) {
            var n = s.utf8.count
            repeat {
                key.append(UInt8(48 + n % 10))
                n /= 10
            } while n > 0
            key.append(58)  // :
            key.append(contentsOf: s.utf8)
        }

        mutating func mark(_ value: Any) -> Any? {
            // The most frequent types first: each failed cast of an `Any` costs.
            if let s = value as? String {
                if s.isEmpty {
                    key.append(101)  // e
                    return s
                }
                return text(s)
            }
            if let dict = value as? [String: Any] { return mark(dict) }
            if let b = value as? Bool {
                key.append(b ? 84 : 70)  // T F
                return b
            }
            // Lists of maps (the menu, child pages) take the typed path: each item goes straight to
            // `mark(_: [String: Any])` without first failing the String cast. Same result as below.
            if let array = value as? [[String: Any]] {
                key.append(91)  // [
                add(String(array.count))
                var out: [Any] = []
                out.reserveCapacity(array.count)
                for item in array {
                    guard let m = mark(item) else { return nil }
                    out.append(m)
                }
                key.append(93)  // ]
                return out
            }
            if let array = value as? [Any] {
                key.append(91)
                add(String(array.count))
                var out: [Any] = []
                out.reserveCapacity(array.count)
                for item in array {
                    guard let m = mark(item) else { return nil }
                    out.append(m)
                }
                key.append(93)
                return out
            }
            if let i = value as? Int { return text(String(describing: i)) }
            if let d = value as? Double { return text(String(describing: d)) }
            return nil
        }

        mutating func mark(_ dict: [String: Any]) -> Any? {
            key.append(123)  // {
            var out: [String: Any] = [:]
            out.reserveCapacity(dict.count)
            for k in dict.keys.sorted() {
                add(k)
                guard let m = mark(dict[k]!) else { return nil }
                out[k] = m
            }
            key.append(125)  // }
            return out
        }

        /// Adds a value, strings included (but none with marker characters), to the key without marking it; false for a type that
        /// cannot be told apart exactly.
        mutating func describe(_ value: Any) -> Bool {
            if let s = value as? String {
                if TemplateSkeletons.holdsMarkers(s) { return false }
                key.append(108)  // l
                add(s)
                return true
            }
            if let dict = value as? [String: Any] {
                key.append(123)
                for k in dict.keys.sorted() {
                    add(k)
                    guard describe(dict[k]!) else { return false }
                }
                key.append(125)
                return true
            }
            if let b = value as? Bool {
                key.append(b ? 84 : 70)
                return true
            }
            if let array = value as? [[String: Any]] {
                key.append(91)
                add(String(array.count))
                for item in array {
                    guard describe(item) else { return false }
                }
                key.append(93)
                return true
            }
            return false
        }

        /// A non-empty string: its marker. (An Int or a Double prints as `String(describing:)`
        /// and is truthy in a section, like any non-empty string.)
        mutating func text(_ s: String) -> String {
            key.append(115)  // s
            let index = values.count
            values.append(s)
            return "\u{E002}&" + String(index) + "\u{E003}"
        }
    }

    private var sharedChecked: [String: Bool] = [:]

    private func sharedHoldsMarkers(_ key: String, _ value: Any) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let known = sharedChecked[key] { return known }
        let found = Self.holdsMarkers(value)
        sharedChecked[key] = found
        return found
    }

    static func holdsMarkers(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0 == open || $0 == close }
    }

    /// Whether any string in a value holds a marker character.
    static func holdsMarkers(_ value: Any) -> Bool {
        switch value {
        case let s as String: return holdsMarkers(s)
        case let d as [String: Any]: return d.contains { holdsMarkers($0.key) || holdsMarkers($0.value) }
        case let a as [Any]: return a.contains { holdsMarkers($0) }
        default: return false
        }
    }

    /// Cuts a skeleton at its markers; nil when a marker is not where and how it should be.
    static func parse(_ output: String, valueCount: Int) -> [Segment]? {
        // U+E002 is EE 80 82 in UTF-8, U+E003 is EE 80 83.
        let b = Array(output.utf8)
        var segments: [Segment] = []
        var textStart = 0
        var i = 0
        func text(_ from: Int, _ to: Int) {
            if from < to { segments.append(.text(String(decoding: b[from..<to], as: UTF8.self))) }
        }
        while i + 2 < b.count {
            guard b[i] == 0xEE, b[i + 1] == 0x80, b[i + 2] == 0x82 || b[i + 2] == 0x83 else {
                i += 1
                continue
            }
            guard b[i + 2] == 0x82 else { return nil }
            text(textStart, i)
            var j = i + 3
            guard j < b.count, b[j] == 38 else { return nil }  // &
            j += 1
            var escaped = false
            if j + 4 <= b.count, b[j..<(j + 4)].elementsEqual("amp;".utf8) {
                escaped = true
                j += 4
            }
            var index = 0
            let digitsStart = j
            while j < b.count, b[j] >= 48, b[j] <= 57, j - digitsStart < 9 {
                index = index * 10 + Int(b[j] - 48)
                j += 1
            }
            guard j > digitsStart, index < valueCount, j + 2 < b.count, b[j] == 0xEE, b[j + 1] == 0x80, b[j + 2] == 0x83 else { return nil }
            segments.append(.value(index, escaped: escaped))
            i = j + 3
            textStart = i
        }
        text(textStart, b.count)
        return segments
    }

    /// Whether a template only uses what cannot see through a marker (see the type's comment).
    static func isEligible(_ template: String) -> Bool {
        if template.unicodeScalars.contains(where: { $0 == open || $0 == close }) { return false }
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            // An indented tag alone on its line may be a standalone partial or block, which
            // indents by what the previous output ended with.
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.count != line.count, trimmed.hasPrefix("{{") { return false }
        }
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { return false }
            var tag = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)[...]
            rest = after[close.upperBound...]
            guard let kind = tag.first else { continue }
            if kind == "=" || kind == "%" { return false }
            if kind == ">" || kind == "<" {
                if tag.dropFirst().trimmingCharacters(in: .whitespaces).hasPrefix("*") { return false }
                continue
            }
            if kind == "!" || kind == "$" || kind == "/" { continue }
            let isSection = kind == "#" || kind == "^"
            if isSection || kind == "&" || kind == "{" { tag = tag.dropFirst() }
            guard tag.contains("(") else { continue }
            guard isSection else { return false }
            // f(g(name)): functions that cannot see through a marker; f() on the sequence.
            let pieces = tag.split(separator: "(", omittingEmptySubsequences: false)
            let argument = pieces.last!.filter { $0 != ")" }.trimmingCharacters(in: .whitespaces)
            let functions = pieces.dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
            let allowed: Set<String> = argument.isEmpty ? ["first", "last", "index", "even", "odd"] : ["empty", "count", "first", "last"]
            if functions.isEmpty || !functions.allSatisfy(allowed.contains) { return false }
        }
        return true
    }

    private static let escapes: [Character: String] = ["<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&#39;"]

    /// swift-mustache's HTML escape (String.htmlEscape, Character by Character), over bytes when
    /// the text is ASCII (where a Character is a byte, or the CR LF pair, which is not escaped).
    static func htmlEscape(_ s: String) -> String {
        var bytes = s
        let ascii = bytes.withUTF8 { b in b.allSatisfy { $0 < 0x80 } }
        if ascii {
            let b = s.utf8
            guard b.contains(where: { $0 == 60 || $0 == 62 || $0 == 38 || $0 == 34 || $0 == 39 }) else { return s }
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 16)
            for c in b {
                switch c {
                case 60: out.append(contentsOf: "&lt;".utf8)
                case 62: out.append(contentsOf: "&gt;".utf8)
                case 38: out.append(contentsOf: "&amp;".utf8)
                case 34: out.append(contentsOf: "&quot;".utf8)
                case 39: out.append(contentsOf: "&#39;".utf8)
                default: out.append(c)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            if let r = escapes[c] { out += r } else { out.append(c) }
        }
        return out
    }
}
