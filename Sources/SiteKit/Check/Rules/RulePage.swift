import Foundation
import SiteMarkdown

/// One page as the content rules see it: its front matter, its type under the schema, and
/// helpers to name positions in its source file.
struct RulePage {
    let assembled: AssembledPage
    let typeName: String
    let origin: SchemaSet.Origin
    /// The schema the page is checked against (`page` when its declared type does not exist).
    let type: SchemaSet.Resolved
    /// The page's prose, for the rules that look for words: read on first use (most pages need
    /// it for no rule: without wording rules, only a crisis mention asks for it).
    private let prose: Lazy<PageText>
    var text: PageText { prose.value }
    /// The lines of the page's file, found on first use (for the rules that read a value's line).
    private let lines: Lazy<LineLocator>

    init(assembled: AssembledPage, typeName: String, origin: SchemaSet.Origin, type: SchemaSet.Resolved) {
        self.assembled = assembled
        self.typeName = typeName
        self.origin = origin
        self.type = type
        self.prose = Lazy { PageText(assembled) }
        self.lines = Lazy { LineLocator(assembled.page.source.text) }
    }

    var page: Page { assembled.page }
    var frontMatter: YAMLValue { page.frontMatter }
    var file: String { page.source.displayPath }

    /// Line 1, column 1: where missing keys are reported (the opening `---`, or the first line
    /// of a file without front matter).
    var start: SourcePosition { SourcePosition(file: file, line: 1, column: 1) }

    /// The source line `number` (1-based) of the page's file.
    func line(_ number: Int) -> Substring? { lines.value.line(number) }

    /// The value of a front-matter entry as written in the file (for "put it in quotes").
    func rawValue(of entry: YAMLValue.Entry) -> String? {
        guard let line = line(entry.value.position.line), let colon = line.firstIndex(of: ":") else { return nil }
        var raw = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let comment = raw.range(of: " #") { raw = String(raw[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces) }
        return raw.isEmpty ? nil : raw
    }

    /// Whether a scalar is written in quotes in the file.
    func isQuoted(_ value: YAMLValue) -> Bool {
        guard let line = line(value.position.line) else { return false }
        let bytes = Array(line.utf8)
        let index = value.position.column - 1
        guard index >= 0, index < bytes.count else { return false }
        return bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")
    }

    /// How the page got its type, for messages.
    var originPhrase: String {
        switch origin {
        case .frontMatter(let at): return "'type: \(typeName)' on line \(at.line)"
        case .folder(let folder): return "its folder '\(folder)/' (see _schemas.yaml)"
        case .none: return "the default"
        }
    }
}
