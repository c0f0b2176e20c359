import Foundation

/// The schema rule: the page's type exists, its required keys are there and not empty, its values
/// have the declared types, and it has no key the schema does not know (`schema.*`).
struct SchemaCheck {
    let schema: SchemaSet

    /// Keys whose values another stage of the build checks already (PageLoader: `draft`, `weight`,
    /// `slug`, `url`, `aliases`; PriceCatalog: `prices`; DataLists: `lists`) or the review rule
    /// does (`reviewed`): only their presence is checked here, so no fault is reported twice.
    static let valuesCheckedElsewhere: Set<String> = ["draft", "weight", "slug", "url", "aliases", "prices", "lists", "reviewed"]
    /// Keys PageLoader reports when they hold a list or a set of keys instead of text.
    static let loaderTextKeys: Set<String> = ["title", "description", "date", "template"]

    /// Example values for the "add it" suggestion.
    static let examples: [String: String] = [
        "title": "title: Your page title",
        "description": "description: One or two sentences that say what the page is about.",
        "reviewed": "reviewed: pending   (or the date of the medical review, e.g. reviewed: 2026-11-24)",
        "reviewed_by": "reviewed_by: the name of the clinician who reviewed the page",
        "prices": "prices: the list of prices (see docs/content-rules.md)",
    ]

    func check(_ page: RulePage) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let frontMatter = page.frontMatter

        // The declared type exists.
        if case .frontMatter(let at) = page.origin, schema.type(named: page.typeName) == nil {
            let near = SchemaSet.didYouMean(page.typeName, in: schema.typeNames, at: at)
            result.append(
                .error(
                    "schema.unknown-type", at: at, "there is no page type '\(page.typeName)'; this page is checked as a plain 'page'",
                    suggestion: near.suggestion + (schema.file.map { " (the types are declared in \($0))" } ?? ""), fix: near.fix))
        }

        // Required keys are present and not empty.
        for (key, by) in page.type.required {
            if key == "reviewed_by", let reviewed = frontMatter["reviewed"] {
                // No reviewer is needed while the review is pending (or its date is wrong, which
                // the review rule reports).
                switch reviewed.kind {
                case .date, .null: break
                default: continue
                }
            }
            let why = by == SchemaSet.baseType
                ? "every page needs one"
                : "pages of type '\(by)' need one"
                    + (page.type.name != by ? " (a '\(page.type.name)' page is a kind of '\(by)' page)" : "")
                    + "; this page's type comes from \(page.originPhrase)"
            guard let entry = frontMatter.entry(key) else {
                var suggestion = "add it to the front matter: \(Self.examples[key] ?? "\(key): …")"
                if key == "reviewed_by", let date = frontMatter["reviewed"]?.string {
                    suggestion = "add reviewed_by: NAME, the clinician who reviewed the page on \(date)"
                }
                // A misspelt key nearby is most likely the missing one.
                if let typo = frontMatter.entries.first(where: { page.type.keys[$0.key] == nil && Suggest.nearest($0.key, in: [key]) != nil }) {
                    suggestion = "is '\(typo.key)' on line \(typo.keyPosition.line) meant to be '\(key)'? Otherwise " + suggestion
                }
                result.append(.error("schema.missing-key", at: page.start, "this page has no '\(key)', and \(why)", suggestion: suggestion))
                continue
            }
            if Self.isEmpty(entry.value) {
                result.append(
                    .error(
                        "schema.missing-key", at: entry.keyPosition, "'\(key)' is empty, and \(why)",
                        suggestion: "write its value after the colon: \(Self.examples[key] ?? "\(key): …")"))
            }
        }

        // Values have their types; keys are known.
        for entry in frontMatter.entries {
            guard let type = page.type.keys[entry.key] else {
                // A page without a type may carry any key for its template (README: Front matter
                // keys), but one a letter or two from a known key is most likely a typo.
                if case .none = page.origin, schema.types(declaring: entry.key).isEmpty,
                    Suggest.nearest(entry.key, in: Array(page.type.keys.keys)) == nil
                { continue }
                result.append(unknownKey(entry, on: page))
                continue
            }
            if Self.valuesCheckedElsewhere.contains(entry.key) { continue }
            if Self.loaderTextKeys.contains(entry.key), Self.isCollection(entry.value) { continue }
            guard !type.accepts(entry.value) else { continue }
            result.append(
                .error(
                    "schema.type", at: entry.value.position, "'\(entry.key)' must be \(type.phrase), not \(Self.describe(entry.value))",
                    suggestion: typeSuggestion(entry, type: type, on: page)))
        }
        return result
    }

    static func isEmpty(_ value: YAMLValue) -> Bool {
        switch value.kind {
        case .null: return true
        case .string(let s): return s.allSatisfy(\.isWhitespace)
        case .array(let items): return items.isEmpty
        case .mapping(let entries): return entries.isEmpty
        default: return false
        }
    }

    static func isCollection(_ value: YAMLValue) -> Bool {
        switch value.kind {
        case .array, .mapping: return true
        default: return false
        }
    }

    func unknownKey(_ entry: YAMLValue.Entry, on page: RulePage) -> Diagnostic {
        let known = page.type.keys.keys.sorted()
        let file = schema.file ?? "content/_schemas.yaml"
        var message = "unknown front-matter key '\(entry.key)'"
        if case .none = page.origin {} else {
            message += ": the schema of type '\(page.type.name)' (\(page.originPhrase), declared in \(file)) does not list it"
        }
        let suggestion: String
        var fix: Fix?
        let owners = schema.types(declaring: entry.key)
        if !owners.isEmpty {
            message = "unknown front-matter key '\(entry.key)': it belongs to pages of type \(owners.map { "'\($0)'" }.joined(separator: " or ")), and this page is of type '\(page.type.name)' (\(page.originPhrase))"
            suggestion = "remove it, or give the page the right type (type: \(owners[0]))"
        } else if let near = Suggest.nearest(entry.key, in: known) {
            if case .none = page.origin {
                suggestion = "did you mean '\(near)'? (a key meant for the template as page.\(entry.key) may stay)"
            } else {
                suggestion = "did you mean '\(near)'? Or declare it in \(file) under types: \(page.type.name): optional: \(entry.key): text"
            }
            fix = Fix(replacing: entry.key, at: entry.keyPosition, with: near, title: "Rename the key to '\(near)'")
        } else {
            suggestion = "declare it in \(file) under types: \(page.type.name): optional: \(entry.key): text (or another key type); "
                + "this type's keys are: \(known.joined(separator: ", "))"
        }
        return .warning("schema.unknown-key", at: entry.keyPosition, message, suggestion: suggestion, fix: fix)
    }

    /// A value as a type message names it: its type, or for a date that does not exist its text.
    static func describe(_ value: YAMLValue) -> String {
        if case .date(let text) = value.kind, CalendarDate(text) == nil { return "'\(text)', which is no day of the calendar" }
        return value.typeName
    }

    func typeSuggestion(_ entry: YAMLValue.Entry, type: KeyType, on page: RulePage) -> String? {
        let raw = page.rawValue(of: entry)
        switch (type, entry.value.kind) {
        case (.text, .bool), (.textList, .bool):
            if let raw { return "put the value in quotes, so it is read as text: \(entry.key): \"\(raw)\"" }
            return "put the value in quotes, so it is read as text"
        case (.text, _), (.textList, _):
            return "write the value as text after the colon: \(entry.key): …"
        case (.date, _):
            return "write the date as year-month-day, e.g. \(entry.key): 2026-11-24"
        case (.bool, _):
            return "write \(entry.key): true or \(entry.key): false"
        case (.int, _), (.number, _):
            if let raw, raw.hasPrefix("\"") || raw.hasPrefix("'") { return "remove the quotes, so it is read as a number" }
            return "write a number, e.g. \(entry.key): 10"
        case (.list, _):
            return "write a list: each item on its own line starting with '- ', or [one, two]"
        case (.map, _):
            return "write the keys indented below '\(entry.key):'"
        default:
            return nil
        }
    }
}
