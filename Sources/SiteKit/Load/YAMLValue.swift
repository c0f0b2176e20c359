import Foundation
import SiteMarkdown
import Yams

/// A YAML value from front matter or a data file, with the source position of every node, so
/// that checks can point at the exact key or value.
public struct YAMLValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        /// A YAML timestamp such as `2026-11-24`, kept as written.
        case date(String)
        case string(String)
        case array([YAMLValue])
        case mapping([Entry])
    }

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: YAMLValue
    }

    public var kind: Kind
    public var position: SourcePosition
    /// A decimal number as written (`49.50`, `1.0e+30`), for `decimal`: a `Double` cannot hold
    /// every decimal exactly. nil for every other value.
    public var written: String?

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// A number as written (`decimal` values), else its text.
    public var writtenNumber: String { written ?? string ?? typeName }

    // MARK: Access

    public subscript(key: String) -> YAMLValue? {
        entry(key)?.value
    }

    public func entry(_ key: String) -> Entry? {
        if case .mapping(let entries) = kind { return entries.first { $0.key == key } }
        return nil
    }

    public var entries: [Entry] {
        if case .mapping(let entries) = kind { return entries }
        return []
    }

    public var array: [YAMLValue]? {
        if case .array(let items) = kind { return items }
        return nil
    }

    /// The value as text, for scalars (numbers and dates as written).
    public var string: String? {
        switch kind {
        case .string(let s), .date(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = kind { return b }
        return nil
    }

    public var int: Int? {
        if case .int(let i) = kind { return i }
        return nil
    }

    /// A number, whole or decimal, as an exact `Decimal`.
    public var decimal: Decimal? {
        switch kind {
        case .int(let i): return Decimal(i)
        case .double(let d):
            // Only a finite number whose magnitude a Decimal holds (up to about 3.4e165).
            guard d.isFinite, abs(d) < 1e100 else { return nil }
            return Decimal(string: written ?? String(d), locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(string: String(d))
        default: return nil
        }
    }

    /// The name of the value's type, as messages print it.
    public var typeName: String {
        switch kind {
        case .null: return "nothing"
        case .bool: return "true/false"
        case .int: return "a whole number"
        case .double: return "a number"
        case .date: return "a date"
        case .string: return "text"
        case .array: return "a list"
        case .mapping: return "a set of keys"
        }
    }

    /// Plain Swift values for templates: String, Int, Double, Bool, [Any], [String: Any].
    public var templateValue: Any {
        switch kind {
        case .null: return ""
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .date(let s), .string(let s): return s
        case .array(let items): return items.map(\.templateValue)
        case .mapping(let entries):
            var dict: [String: Any] = [:]
            for e in entries { dict[e.key] = e.value.templateValue }
            return dict
        }
    }
}

/// Parses YAML text (front matter or a data file) into `YAMLValue`s with file positions.
public enum YAMLReader {
    /// Why YAML could not be read: a message, where, and a hint for the common traps.
    public struct Failure: Error, Sendable {
        public var message: String
        public var position: SourcePosition
        public var hint: String?
    }

    /// - Parameters:
    ///   - firstLine: the file line of the text's first line (front matter starts at line 2).
    public static func parse(_ text: String, file: String, firstLine: Int) throws(Failure) -> YAMLValue {
        let node: Node?
        do {
            // `.basic`: no regular-expression tag resolution (convert types scalars itself); the
            // default resolver's regexes ran again for every key in Yams' duplicate-key check.
            node = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw failure(error, text: text, file: file, firstLine: firstLine)
        } catch {
            throw Failure(message: "\(error)", position: SourcePosition(file: file, line: firstLine, column: 1), hint: nil)
        }
        guard let node else {
            return YAMLValue(.mapping([]), at: SourcePosition(file: file, line: firstLine, column: 1))
        }
        // Aliases (`*name`) share a node in Yams but are copied here: a few lines of aliases of
        // aliases expand to billions of values (out of memory: a crash). Without aliases a value
        // takes at least a byte of the text, so more values than bytes means aliases did it.
        var budget = max(100_000, text.utf8.count)
        return try convert(node, file: file, firstLine: firstLine, budget: &budget)
    }

    static func position(_ mark: Mark?, file: String, firstLine: Int) -> SourcePosition {
        guard let mark else { return SourcePosition(file: file, line: firstLine, column: 1) }
        return SourcePosition(file: file, line: mark.line + firstLine - 1, column: mark.column)
    }

    /// Never asks Yams for `.any` of a node: its constructor force-unwraps a text key inside a
    /// mapping used as a key (`{[a]: b}: c` crashed the build), so a key that is not text is
    /// refused here at its own position.
    static func convert(_ node: Node, file: String, firstLine: Int, budget: inout Int) throws(Failure) -> YAMLValue {
        let at = position(node.mark, file: file, firstLine: firstLine)
        budget -= 1
        if budget < 0 {
            throw Failure(
                message: "invalid YAML: its aliases ('*name') expand to too many values", position: at,
                hint: "write the values out instead of repeating '*' aliases of '&' anchors")
        }
        switch node {
        case .scalar(let scalar):
            if scalar.tag.rawValue == Tag.Name.binary.rawValue {
                // Would be published as its base64 text.
                throw Failure(
                    message: "invalid YAML: binary data ('!!binary') cannot be a value here", position: at,
                    hint: "write the value as text; put images and files in the content folder and link to them")
            }
            if scalar.style == .plain || scalar.style == .any {
                var value = YAMLValue(plainScalar(scalar.string), at: at)
                if case .double = value.kind { value.written = scalar.string }
                return value
            }
            return YAMLValue(.string(scalar.string), at: at)
        case .sequence(let seq):
            var items: [YAMLValue] = []
            for item in seq { items.append(try convert(item, file: file, firstLine: firstLine, budget: &budget)) }
            return YAMLValue(.array(items), at: at)
        case .mapping(let mapping):
            var entries: [YAMLValue.Entry] = []
            for (key, value) in mapping {
                let keyPosition = position(key.mark, file: file, firstLine: firstLine)
                guard case .scalar(let scalar) = key else {
                    let (what, written): (String, String)
                    switch key {
                    case .sequence: (what, written) = ("a list", "[…]")
                    case .mapping: (what, written) = ("a set of keys", "{…}")
                    default: (what, written) = ("an alias", "*name")
                    }
                    throw Failure(
                        message: "invalid YAML: a key must be text, not \(what)", position: keyPosition,
                        hint: "write the key as plain text, such as 'title:'; a key written as \(written) is read as \(what)")
                }
                if scalar.string == "<<", scalar.style == .plain || scalar.style == .any {
                    // A merge key (`<<: *defaults`): YAML 1.1 copies the anchor's keys here, which
                    // this reader does not do; the keys would silently be missing.
                    throw Failure(
                        message: "invalid YAML: merge keys ('<<:') are not supported, so the keys it would bring in would be missing",
                        position: keyPosition, hint: "write the keys out in this mapping instead of '<<: *name'")
                }
                entries.append(
                    YAMLValue.Entry(key: scalar.string, keyPosition: keyPosition, value: try convert(value, file: file, firstLine: firstLine, budget: &budget)))
            }
            return YAMLValue(.mapping(entries), at: at)
        case .alias:
            return YAMLValue(.null, at: at)
        }
    }

    /// Types a plain (unquoted) scalar by YAML 1.2's core schema, without Yams' regular
    /// expressions (they dominated front-matter parsing): null, true/false, integers, decimals,
    /// dates (`2026-11-24`, kept as written); anything else is text. `yes`/`no` stay text.
    static func plainScalar(_ s: String) -> YAMLValue.Kind {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let b = Array(s.utf8)
        func digit(_ i: Int) -> Bool { i < b.count && b[i] >= 48 && b[i] <= 57 }
        if b.count >= 10, (0..<4).allSatisfy(digit), b[4] == 45, digit(5), digit(6), b[7] == 45, digit(8), digit(9) {
            return .date(s)
        }
        var i = 0
        if i < b.count, b[i] == 45 || b[i] == 43 { i += 1 }
        let intStart = i
        while digit(i) { i += 1 }
        if i == b.count, i > intStart { return Int(s).map { .int($0) } ?? .string(s) }
        if i < b.count, b[i] == 46 {
            i += 1
            let fraction = i
            while digit(i) { i += 1 }
            if i > fraction || fraction - 1 > intStart {
                if i < b.count, b[i] == 101 || b[i] == 69 {
                    i += 1
                    if i < b.count, b[i] == 45 || b[i] == 43 { i += 1 }
                    let exp = i
                    while digit(i) { i += 1 }
                    if i == exp { return .string(s) }
                }
                if i == b.count, let d = Double(s) { return .double(d) }
            }
        }
        return .string(s)
    }

    static func failure(_ error: YamlError, text: String, file: String, firstLine: Int) -> Failure {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let at = position(mark, file: file, firstLine: firstLine)
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line + firstLine - 1))" }
            return Failure(message: message, position: at, hint: hint(problem: problem, mark: mark, text: text, firstLine: firstLine))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Failure(
                message: "invalid YAML: the key \(keys) appears more than once in the same mapping",
                position: duplicateKeyPosition(duplicates.first, after: context.mark, text: text, file: file, firstLine: firstLine)
                    ?? position(context.mark, file: file, firstLine: firstLine),
                hint: "keep one of them; each key may appear once")
        case .reader(let problem, _, _, _):
            return Failure(message: "invalid YAML: \(problem)", position: SourcePosition(file: file, line: firstLine, column: 1), hint: nil)
        default:
            return Failure(message: "invalid YAML: \(error)", position: SourcePosition(file: file, line: firstLine, column: 1), hint: nil)
        }
    }

    /// The second occurrence of a duplicated key. Yams gives the first one's mark (line L, column
    /// C, in the mapping Yams found the duplicate in); the next key of that mapping written the
    /// same way is on a later line with the key (plain or quoted) and ':' at column C and only
    /// spaces before it, before any non-blank line indented less than C (where the mapping ends).
    /// A flow mapping (`{a: 1, a: 2}`) is searched on the mark's own line.
    static func duplicateKeyPosition(_ key: String?, after mark: Mark, text: String, file: String, firstLine: Int) -> SourcePosition? {
        guard let key, mark.line >= 1, mark.column >= 1 else { return nil }
        let locator = LineLocator(text)
        guard mark.line <= locator.lineCount else { return nil }
        let lines = (1...locator.lineCount).map { Array(locator.line($0)!.utf8) }
        let spellings = [key, "\"" + key + "\"", "'" + key + "'"].map { Array($0.utf8) }
        /// The length of the key written at `start` of `line`, followed by optional spaces and ':'.
        func keyLength(_ line: [UInt8], at start: Int) -> Int? {
            for spelling in spellings where line.count >= start + spelling.count && Array(line[start..<(start + spelling.count)]) == spelling {
                var i = start + spelling.count
                while i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
                if i < line.count, line[i] == UInt8(ascii: ":"), i + 1 == line.count || line[i + 1] == UInt8(ascii: " ") {
                    return spelling.count
                }
            }
            return nil
        }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
            if indent == line.count || line[indent] == UInt8(ascii: "#") { continue }
            if indent + 1 < mark.column { break }
            if indent + 1 == mark.column, keyLength(line, at: indent) != nil {
                return SourcePosition(file: file, line: index + firstLine, column: mark.column)
            }
        }
        // A flow mapping: the next `key:` on the same line after a '{' or ','. Columns count
        // characters as libyaml does, so work on unicode scalars.
        let scalars = Array(String(decoding: lines[mark.line - 1], as: UTF8.self).unicodeScalars)
        let keyScalars = spellings.map { Array(String(decoding: $0, as: UTF8.self).unicodeScalars) }
        var i = mark.column
        while i < scalars.count {
            var before = i - 1
            while before >= 0, scalars[before] == " " { before -= 1 }
            if before >= 0, scalars[before] == "," || scalars[before] == "{" {
                for spelling in keyScalars where scalars.count >= i + spelling.count && Array(scalars[i..<(i + spelling.count)]) == spelling {
                    var j = i + spelling.count
                    while j < scalars.count, scalars[j] == " " { j += 1 }
                    if j < scalars.count, scalars[j] == ":" {
                        return SourcePosition(file: file, line: mark.line - 1 + firstLine, column: i + 1)
                    }
                }
            }
            i += 1
        }
        return nil
    }

    static func hint(problem: String, mark: Mark, text: String, firstLine: Int) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = mark.line - 1 < lines.count && mark.line >= 1 ? String(lines[mark.line - 1]) : ""
        if line.contains("\t") || problem.contains("tab") {
            return "YAML indents with spaces, not tabs: replace the tab with spaces"
        }
        if problem.contains("mapping values are not allowed") {
            if let indented = indentationHint(lines: lines, at: mark.line - 1, firstLine: firstLine) { return indented }
            if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let escaped = value.replacingOccurrences(of: "\"", with: "\\\"", options: .literal)
                return "the value contains ': ', which YAML reads as a new key; put the value in quotes: \(key): \"\(escaped)\""
            }
            return "a value that contains ': ' must be put in quotes"
        }
        if problem.contains("did not find expected key") || problem.contains("block end") {
            return "check the indentation of this line and the one above: keys of one mapping line up"
        }
        return nil
    }

    /// A key indented by mistake under `key: value` (YAML reads it as more of that value, then
    /// trips over its ':'): names the key above and the column to use. nil when the line is not
    /// indented more than the key above it.
    static func indentationHint(lines: [Substring], at index: Int, firstLine: Int) -> String? {
        guard index >= 1, index < lines.count else { return nil }
        let line = lines[index]
        let indent = line.prefix { $0 == " " }.count
        guard indent > 0, let colon = line.firstIndex(of: ":") else { return nil }
        let key = line[..<colon].trimmingCharacters(in: .whitespaces)
        for above in stride(from: index - 1, through: 0, by: -1) {
            let candidate = lines[above]
            let start = candidate.prefix { $0 == " " }.count
            if start == candidate.count || candidate.dropFirst(start).first == "#" { continue }
            // The key's column, after any '- ' of a list item.
            var rest = candidate.dropFirst(start)
            while rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } }
            let keyColumn = candidate.count - rest.count
            guard let keyColon = rest.firstIndex(of: ":") else {
                // The continuation of a plain value: look further up for its key.
                continue
            }
            let aboveKey = rest[..<keyColon].trimmingCharacters(in: .whitespaces)
            let value = rest[rest.index(after: keyColon)...].trimmingCharacters(in: .whitespaces)
            guard indent > keyColumn, !value.isEmpty, !value.hasPrefix("#"), !aboveKey.isEmpty else { return nil }
            return "this line is indented more than '\(aboveKey)' above it (line \(above + firstLine)), so YAML reads it as more of that value; "
                + "start '\(key)' in the same column as '\(aboveKey)' (column \(keyColumn + 1))"
        }
        return nil
    }
}
