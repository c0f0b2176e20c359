import Foundation

/// Renders a template once per *shape* of context instead of once per page.
///
/// Why: swift-mustache looks every name up through `Any` with a dozen dynamic casts; rendering the theme was the largest stage of a 5,000-page
/// build (a third of all instructions). Most pages differ only in the text they print, not in
/// which sections open, so the template is rendered with a *marked* context — every per-page
/// string (and number) replaced by a marker `U+E002 & N U+E003` naming its index — and the
/// output, the skeleton, is kept under the context's shape: the keys, the booleans, the array
/// lengths and which strings are empty. Another page of the same shape gets the skeleton with
/// each marker replaced by its own value, escaped where the marker came out escaped (`&` turned
/// into `&amp;`) and raw where it did not (`{{{…}}}`). Both ways escape with `Escape.html`
/// (swift-mustache through `Escape.MustacheHTML`).
///
/// This is exactly Mustache's own output because, in the templates this is used for, Mustache
/// treats a non-empty string only as opaque text: it prints it (escaped or raw), it is truthy in
/// a section, pushed on the stack it has no children, and `empty` is false for it. What could
/// see through a marker is refused up front (`Eligibility`): transforms other than
/// `empty`/`count`/`first`/`last` in sections, any transform in a variable tag, dynamic
/// partials, set-delimiter tags, indented standalone tags (whose indentation depends on what the
/// previous value ended with), and marker characters in a template. A value of any other type
/// makes that page render directly. `TemplateSkeletonTests` compares both ways on every page.
final class TemplateSkeletons: @unchecked Sendable {
    /// One piece of a skeleton: template text, or the value with this index.
    enum Segment {
        case text(String)
        case value(Int, escaped: Bool)
    }

    private let lock = NSLock()
    private var cache: [[UInt8]: [Segment]?] = [:]
    let enabled: Bool

    static let open: Unicode.Scalar = "\u{E002}"
    static let close: Unicode.Scalar = "\u{E003}"

    init(theme: Theme) {
        enabled = theme.files.values.allSatisfy { Self.isEligible($0.text) }
    }

    /// A value of a template context, typed: what `Marker` reads without casting `Any`.
    /// `PageAssembler` builds the page's context in this form; `any` is what Mustache is given.
    indirect enum Plain {
        case string(String)
        /// An Int or a Double: printed as its description (a non-empty string), given to
        /// Mustache as the number.
        case number(String, Any)
        case bool(Bool)
        case list([Plain])
        /// Keys in `sorted()` order, each once.
        case map([(key: String, value: Plain)])

        /// A dictionary's entries in the order the marker reads them.
        static func map(_ dict: [String: Plain]) -> Plain {
            .map(dict.keys.sorted().map { ($0, dict[$0]!) })
        }

        /// The plain value of an `Any` made of String, [String: Any], Bool, arrays, Int and
        /// Double (tried in that order); nil for any other type. Only contexts given as `Any`
        /// (`render(_:context:shared:literal:with:)`) come this way; pages are typed directly.
        init?(_ value: Any) {
            // The most frequent types first: each failed cast of an `Any` costs.
            if let s = value as? String {
                self = .string(s)
            } else if let dict = value as? [String: Any] {
                var entries: [(key: String, value: Plain)] = []
                entries.reserveCapacity(dict.count)
                for k in dict.keys.sorted() {
                    guard let v = Plain(dict[k]!) else { return nil }
                    entries.append((k, v))
                }
                self = .map(entries)
            } else if let b = value as? Bool {
                self = .bool(b)
            } else if let array = value as? [Any] {  // lists of maps too
                var items: [Plain] = []
                items.reserveCapacity(array.count)
                for item in array {
                    guard let v = Plain(item) else { return nil }
                    items.append(v)
                }
                self = .list(items)
            } else if let i = value as? Int {
                self = .number(String(describing: i), i)
            } else if let d = value as? Double {
                self = .number(String(describing: d), d)
            } else {
                return nil
            }
        }

        /// What Mustache is given for this value.
        var any: Any {
            switch self {
            case .string(let s): return s
            case .number(_, let n): return n
            case .bool(let b): return b
            case .list(let items): return items.map(\.any) as [Any]
            case .map(let entries):
                var dict: [String: Any] = [:]
                dict.reserveCapacity(entries.count)
                for (k, v) in entries { dict[k] = v.any }
                return dict
            }
        }

        /// The marked copy: each non-empty string and number replaced by the marker of its
        /// index, counted in the order `Marker.mark` reads them.
        func marked(_ next: inout Int) -> Any {
            switch self {
            case .string(let s) where s.isEmpty: return s
            case .string, .number:
                defer { next += 1 }
                return "\u{E002}&" + String(next) + "\u{E003}"
            case .bool(let b): return b
            case .list(let items): return items.map { $0.marked(&next) } as [Any]
            case .map(let entries):
                var dict: [String: Any] = [:]
                dict.reserveCapacity(entries.count)
                for (k, v) in entries { dict[k] = v.marked(&next) }
                return dict
            }
        }
    }

    /// A top-level value of a context, by how the skeleton treats it.
    enum Entry {
        /// Per-page values: marked.
        case plain(Plain)
        /// The same on every page: passed as it is.
        case shared(Any)
        /// Mostly the same on every page (the menu): passed as it is, with its whole content in
        /// the shape key (`description`, from `Marker.describe`; nil when it cannot be told
        /// apart exactly), so pages share a skeleton when it is equal.
        case literal(Any, description: [UInt8]?)

        var any: Any {
            switch self {
            case .plain(let p): return p.any
            case .shared(let v), .literal(let v, _): return v
            }
        }
    }

    /// The page's output, or nil when the context holds a value that cannot be marked (the
    /// caller then renders directly).
    /// - Parameters:
    ///   - shared: keys whose values are the same on every page: passed as they are.
    ///   - literal: keys whose values are mostly the same on every page (the menu): passed as they
    ///     are, with their whole content in the shape key, so pages share a skeleton when equal.
    func render(_ name: String, context: [String: Any], shared: Set<String>, literal: Set<String> = [], with render: ([String: Any]) -> String?) -> String?? {
        guard enabled else { return nil }
        var entries: [(key: String, value: Entry)] = []
        for key in context.keys.sorted() {
            let value = context[key]!
            if shared.contains(key) {
                entries.append((key, .shared(value)))
            } else if literal.contains(key) {
                entries.append((key, .literal(value, description: Self.description(of: value))))
            } else {
                guard let plain = Plain(value) else { return nil }
                entries.append((key, .plain(plain)))
            }
        }
        return self.render(name, entries: entries, with: render)
    }

    /// The same for a context already typed: `entries` in `sorted()` order of their keys.
    func render(_ name: String, entries: [(key: String, value: Entry)], with render: ([String: Any]) -> String?) -> String?? {
        guard enabled else { return nil }
        var marker = Marker()
        marker.add(name)
        for (key, value) in entries {
            marker.add(key)
            switch value {
            case .shared(let v):
                // Passed as they are, so they must not hold what looks like a marker (checked
                // once: they are the same on every page).
                if sharedHoldsMarkers(key, v) { return nil }
            case .literal(_, let description):
                guard let description else { return nil }
                marker.key += description
            case .plain(let p):
                marker.mark(p)
            }
        }
        lock.lock()
        let cached = cache[marker.key]
        lock.unlock()
        let segments: [Segment]?
        if let cached {
            segments = cached
        } else {
            var next = 0
            var marked: [String: Any] = [:]
            for (key, value) in entries {
                switch value {
                case .shared(let v), .literal(let v, _): marked[key] = v
                case .plain(let p): marked[key] = p.marked(&next)
                }
            }
            guard let output = render(marked) else { return .some(nil) }
            segments = Self.parse(output, valueCount: marker.values.count)
            lock.lock()
            cache[marker.key] = segments
            lock.unlock()
        }
        guard let segments else { return nil }
        var out = ""
        out.reserveCapacity(4096)
        for segment in segments {
            switch segment {
            case .text(let t): out += t
            case .value(let i, let escaped): out += escaped ? Escape.html(marker.values[i]) : marker.values[i]
            }
        }
        return .some(out)
    }

    /// The shape key of a literal value (see `Marker.describe`), or nil.
    static func description(of value: Any) -> [UInt8]? {
        var marker = Marker()
        return marker.describe(value) ? marker.key : nil
    }

    /// Builds the shape key of a context and the list of its values.
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

        /// Adds a value to the key: `e` for an empty string, `s` for any other string or a number
        /// (whose text joins `values`), `T`/`F`, `[count …]`, `{key value …}`.
        mutating func mark(_ value: Plain) {
            switch value {
            case .string(let s) where s.isEmpty:
                key.append(101)  // e
            case .string(let s), .number(let s, _):
                key.append(115)  // s
                values.append(s)
            case .bool(let b):
                key.append(b ? 84 : 70)  // T F
            case .list(let items):
                key.append(91)  // [
                add(String(items.count))
                for item in items { mark(item) }
                key.append(93)  // ]
            case .map(let entries):
                key.append(123)  // {
                for (k, v) in entries {
                    add(k)
                    mark(v)
                }
                key.append(125)  // }
            }
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
}
