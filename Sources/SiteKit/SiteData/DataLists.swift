/// Lists that several pages show: declared once in a page's `lists:` front matter, shown
/// anywhere with `{{list ID}}`. The contraindications are the first user.
public struct DataLists: Sendable {
    public struct List: Sendable, Hashable {
        public var id: String
        public var items: [String]
        public var position: SourcePosition
        /// The folder of the page that declares it (below `content/`): its items' relative links
        /// are read from there, as the author sees them.
        public var directory: String = ""
    }

    public private(set) var lists: [String: List] = [:]

    public init() {}

    public subscript(id: String) -> List? { lists[id] }

    public static func build(from pages: [Page]) -> (DataLists, [Diagnostic]) {
        var result = DataLists()
        var diagnostics: [Diagnostic] = []
        for page in pages {
            guard let declared = page.frontMatter["lists"] else { continue }
            guard case .mapping(let entries) = declared.kind else {
                diagnostics.append(.error("list.invalid", at: declared.position, "'lists' must map a list id to its items (contraindications: [...])"))
                continue
            }
            for entry in entries {
                guard let items = entry.value.array?.compactMap(\.string), items.count == entry.value.array?.count else {
                    diagnostics.append(.error("list.invalid", at: entry.value.position, "the list '\(entry.key)' must be a list of text items"))
                    continue
                }
                if let first = result.lists[entry.key] {
                    diagnostics.append(
                        .error(
                            "list.duplicate-id", at: entry.keyPosition,
                            "the list '\(entry.key)' is already declared at \(first.position)",
                            suggestion: "declare it once and show it elsewhere with {{list \(entry.key)}}"))
                    continue
                }
                result.lists[entry.key] = List(id: entry.key, items: items, position: entry.keyPosition, directory: page.sourceDirectory)
            }
        }
        return (result, diagnostics)
    }
}
