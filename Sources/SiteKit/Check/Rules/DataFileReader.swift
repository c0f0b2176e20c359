import Foundation

/// Reads the rules' YAML data files (`_schemas.yaml`, `_wording.yaml`) and collects what is wrong
/// with them as `rules.invalid` errors and `rules.unknown-key` warnings, at the file's positions.
struct DataFileReader {
    let file: SourceFile
    var diagnostics: [Diagnostic] = []

    init(_ file: SourceFile) {
        self.file = file
    }

    /// The file's top-level mapping; nil (with an error) when it is not valid YAML or not a mapping.
    mutating func root(describing example: String) -> YAMLValue? {
        let value: YAMLValue
        do {
            value = try YAMLReader.parse(file.text, file: file.displayPath, firstLine: 1)
        } catch {
            diagnostics.append(.error("rules.invalid", at: error.position, error.message, suggestion: error.hint))
            return nil
        }
        if case .null = value.kind { return YAMLValue(.mapping([]), at: value.position) }
        guard case .mapping = value.kind else {
            invalid(value.position, "\(file.relativePath) must be a set of keys (\(example)), not \(value.typeName)")
            return nil
        }
        return value
    }

    mutating func invalid(_ position: SourcePosition, _ message: String, suggestion: String? = nil, fix: Fix? = nil) {
        diagnostics.append(.error("rules.invalid", at: position, message, suggestion: suggestion, fix: fix))
    }

    /// Warns about keys of `mapping` that are not in `allowed`, with "did you mean".
    mutating func checkKeys(of mapping: YAMLValue, allowed: [String], in context: String) {
        for entry in mapping.entries where !allowed.contains(entry.key) {
            let near = Suggest.nearest(entry.key, in: allowed)
            let suggestion = near.map { "did you mean '\($0)'?" } ?? "the keys of \(context) are: \(allowed.joined(separator: ", "))"
            diagnostics.append(
                .warning(
                    "rules.unknown-key", at: entry.keyPosition, "unknown key '\(entry.key)' in \(context)",
                    suggestion: suggestion, fix: .renaming(entry.key, at: entry.keyPosition, to: near)))
        }
    }

    /// A non-empty text value, or nil with an error naming what it should be.
    mutating func text(_ value: YAMLValue, _ what: String) -> String? {
        guard case .string(let s) = value.kind, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            if case .null = value.kind {
                invalid(value.position, "\(what) is empty")
            } else {
                invalid(value.position, "\(what) must be text, not \(value.typeName)")
            }
            return nil
        }
        return s
    }

    /// A list of texts (a single text counts as a list of one).
    mutating func texts(_ value: YAMLValue, _ what: String) -> [(String, SourcePosition)] {
        let items = value.array ?? [value]
        var result: [(String, SourcePosition)] = []
        for item in items {
            if let s = text(item, what) { result.append((s, item.position)) }
        }
        return result
    }
}
