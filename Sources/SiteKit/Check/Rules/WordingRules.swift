import Foundation
import SiteMarkdown

/// One rule of `_wording.yaml`: words a medical page should not use, why, and what to say instead.
struct WordingRule: Sendable {
    /// Where `near` and `unless` look: the sentence of the match, or its whole block.
    enum Scope: String, Sendable, CaseIterable { case sentence, block }

    var id: String
    var pattern: Pattern
    /// The rule applies only when this pattern is also found in the scope.
    var near: Pattern?
    /// The rule does not apply when this pattern is found in the scope.
    var unless: Pattern?
    var scope: Scope = .sentence
    var severity: Diagnostic.Severity
    var message: String
    var suggestion: String?
    var source: String
    /// Words one of which every match contains (from the pattern, else from `near`); nil when
    /// the patterns do not tell, and the rule then reads every block.
    var filter: LiteralFilter?

    var code: String { "wording.\(id)" }
}

/// The wording rules of a site (`content/_wording.yaml`; none without that file), and their check.
struct WordingRules: Sendable {
    var rules: [WordingRule] = []

    static let ruleKeys = ["id", "pattern", "near", "unless", "scope", "severity", "message", "suggestion", "source"]

    // MARK: Reading _wording.yaml

    static func load(_ file: SourceFile) -> (WordingRules, [Diagnostic]) {
        var reader = DataFileReader(file)
        var result = WordingRules()
        guard let root = reader.root(describing: "rules: - id: …") else { return (result, reader.diagnostics) }
        reader.checkKeys(of: root, allowed: ["rules"], in: file.relativePath)
        guard let list = root["rules"] else { return (result, reader.diagnostics) }
        guard let items = list.array else {
            if case .null = list.kind { return (result, reader.diagnostics) }
            reader.invalid(list.position, "'rules' must be a list of rules (- id: …), not \(list.typeName)")
            return (result, reader.diagnostics)
        }
        var seen: [String: SourcePosition] = [:]
        for item in items {
            guard let rule = readRule(item, reader: &reader) else { continue }
            if let first = seen[rule.id] {
                reader.invalid(item["id"]!.position, "the rule id '\(rule.id)' is used twice (first at line \(first.line))")
                continue
            }
            seen[rule.id] = item["id"]!.position
            result.rules.append(rule)
        }
        return (result, reader.diagnostics)
    }

    private static func readRule(_ item: YAMLValue, reader: inout DataFileReader) -> WordingRule? {
        guard case .mapping = item.kind else {
            reader.invalid(item.position, "each rule is a set of keys: id, pattern, severity, message, source")
            return nil
        }
        let label = item["id"]?.string.map { "the rule '\($0)'" } ?? "this rule"
        reader.checkKeys(of: item, allowed: ruleKeys, in: label)
        var ok = true
        func required(_ key: String) -> (String, SourcePosition)? {
            guard let value = item[key] else {
                reader.invalid(item.position, "\(label) has no '\(key)'", suggestion: "every rule needs: id, pattern, severity, message, source")
                ok = false
                return nil
            }
            guard let text = reader.text(value, "'\(key)' of \(label)") else {
                ok = false
                return nil
            }
            return (text, value.position)
        }
        func pattern(_ key: String, _ text: String, at position: SourcePosition) -> Pattern? {
            switch Pattern.compile(text) {
            case .failure(let error):
                reader.invalid(
                    position, "the \(key) of \(label) is not a valid regular expression: \(error.description)",
                    suggestion: "patterns use ICU regular expressions (as NSRegularExpression); in YAML, write them in single quotes so backslashes stay")
                ok = false
                return nil
            case .success(let compiled):
                if compiled.hasMatch(in: "") || compiled.hasMatch(in: " ") {
                    reader.invalid(position, "the \(key) of \(label) matches empty text, so it would match everywhere")
                    ok = false
                    return nil
                }
                return compiled
            }
        }

        let id = required("id")
        if let (text, position) = id, text.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) == nil {
            reader.invalid(position, "the rule id '\(text)' must be lowercase letters, digits and single hyphens (it becomes the code wording.ID)")
            ok = false
        }
        let main = required("pattern").flatMap { pattern("pattern", $0.0, at: $0.1) }
        var near: Pattern?
        var unless: Pattern?
        if let value = item["near"], let text = reader.text(value, "'near' of \(label)") { near = pattern("'near' pattern", text, at: value.position) }
        if let value = item["unless"], let text = reader.text(value, "'unless' of \(label)") { unless = pattern("'unless' pattern", text, at: value.position) }
        var scope = WordingRule.Scope.sentence
        if let value = item["scope"], let text = reader.text(value, "'scope' of \(label)") {
            if let s = WordingRule.Scope(rawValue: text) {
                scope = s
            } else {
                reader.invalid(value.position, "'scope' must be sentence or block, not '\(text)'")
                ok = false
            }
        }
        var severity = Diagnostic.Severity.warning
        if let (text, position) = required("severity") {
            if let s = Diagnostic.Severity(rawValue: text) {
                severity = s
            } else {
                let near = Suggest.nearest(text, in: ["error", "warning", "note"])
                reader.invalid(
                    position, "'severity' must be error, warning or note, not '\(text)'",
                    suggestion: near.map { "did you mean '\($0)'?" }, fix: .renaming(text, at: position, to: near))
                ok = false
            }
        }
        let message = required("message")
        let source = required("source")
        var suggestion: String?
        if let value = item["suggestion"] { suggestion = reader.text(value, "'suggestion' of \(label)") }
        guard ok, let id, let main, let message, let source else { return nil }
        return WordingRule(
            id: id.0, pattern: main, near: near, unless: unless, scope: scope, severity: severity,
            message: message.0, suggestion: suggestion, source: source.0,
            filter: LiteralFilter(pattern: main.source) ?? near.flatMap { LiteralFilter(pattern: $0.source) })
    }

    // MARK: Checking a page

    func check(_ page: RulePage) -> [Diagnostic] {
        guard !rules.isEmpty else { return [] }
        let text = page.text
        var result: [Diagnostic] = []
        for rule in rules {
            // The units where the rule may match: those holding one of its words, or all.
            var candidates: [Int] = []
            if let filter = rule.filter {
                text.bytes.withUnsafeBufferPointer { bytes in
                    filter.forEachOccurrence(in: bytes) { offset in
                        candidates.append(text.unit(at: offset).index)
                        return true
                    }
                }
                candidates = Array(Set(candidates)).sorted()
            } else {
                candidates = Array(text.units.indices)
            }
            for index in candidates where !text.units[index].isCode {
                result += check(rule, on: text.units[index], page: page)
            }
        }
        return result
    }

    func check(_ rule: WordingRule, on unit: PageText.Unit, page: RulePage) -> [Diagnostic] {
        var result: [Diagnostic] = []
        var utf16: [UInt16]?
        for match in rule.pattern.matches(in: unit.text) {
            if rule.near != nil || rule.unless != nil {
                let scope: NSRange
                if rule.scope == .block {
                    scope = NSRange(location: 0, length: unit.text.utf16.count)
                } else {
                    if utf16 == nil { utf16 = Array(unit.text.utf16) }
                    scope = Self.sentence(around: match, in: utf16!)
                }
                if let near = rule.near, !near.hasMatch(in: unit.text, range: scope) { continue }
                if let unless = rule.unless, unless.hasMatch(in: unit.text, range: scope) { continue }
            }
            let offset = unit.text.utf8Offset(ofUTF16: match.location)
            let matched = unit.text.substring(utf16: match)
            let at = position(of: unit, utf8Offset: offset, matched: matched, on: page)
            let suggestion = (rule.suggestion.map { $0 + " " } ?? "") + "(source: \(rule.source))"
            result.append(Diagnostic(rule.severity, rule.code, at: at, "'\(matched)': \(rule.message)", suggestion: suggestion))
        }
        return result
    }

    /// The sentence around a match: from after the previous `.`, `!` or `?` that ends a sentence
    /// (followed by a space) to the next one. "Dr. Smith" splits a sentence, which only narrows it.
    static func sentence(around match: NSRange, in text: [UInt16]) -> NSRange {
        func isEnd(_ i: Int) -> Bool {
            let c = text[i]
            guard c == 0x2E || c == 0x21 || c == 0x3F else { return false }
            return i + 1 >= text.count || isSpace(text[i + 1])
        }
        func isSpace(_ c: UInt16) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0xA0 || c == 0x0D }
        var start = match.location
        while start > 0, !isEnd(start - 1) { start -= 1 }
        var end = match.location + match.length
        while end < text.count {
            if isEnd(end) {
                end += 1
                break
            }
            end += 1
        }
        return NSRange(location: start, length: min(end, text.count) - start)
    }

    func position(of unit: PageText.Unit, utf8Offset: Int, matched: String, on page: RulePage) -> SourcePosition {
        switch unit.origin {
        case .block(let block):
            let p = block.position(atUTF8Offset: utf8Offset)
            return SourcePosition(file: page.file, line: p.line, column: p.column)
        case .frontMatter(let value):
            // The value as written on its line: exact when it is on one line and unescaped, else
            // the first place the matched words appear on that line, else the value's start.
            guard let line = page.line(value.position.line) else { return value.position }
            let column: (Substring.Index) -> Int = { line.utf8.distance(from: line.startIndex, to: $0) + 1 }
            if !unit.text.contains("\n"), let r = line.range(of: unit.text) {
                return SourcePosition(file: page.file, line: value.position.line, column: column(r.lowerBound) + utf8Offset)
            }
            if let r = line.range(of: matched, options: .caseInsensitive) {
                return SourcePosition(file: page.file, line: value.position.line, column: column(r.lowerBound))
            }
            return value.position
        }
    }
}
