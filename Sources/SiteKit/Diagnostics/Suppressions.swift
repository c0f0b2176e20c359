import Foundation

/// Exemptions that authors write: `<!-- ignore: CODE -->` on a line exempts that line from
/// diagnostics whose code starts with CODE (`price`, `price.literal`, `wording.cure`); front
/// matter `ignore: [CODE, …]` exempts the whole page. Read once, when the page is loaded
/// (`Page.ignores`).
public struct IgnoreMarkers: Sendable, Hashable {
    /// Codes the front matter's `ignore:` exempts on the whole page.
    public var page: [String] = []
    /// Codes exempted on a line, by 1-based line of the file.
    public var lines: [Int: [String]] = [:]

    public init() {}

    public var isEmpty: Bool { page.isEmpty && lines.isEmpty }

    /// The markers of a page's file and front matter.
    init(text: String, frontMatter: YAMLValue) {
        if let list = frontMatter["ignore"] {
            page = (list.array ?? [list]).compactMap(\.string)
        }
        guard ByteSearch.contains("<!-- ignore:", in: text) else { return }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "<!-- ignore:") {
                let after = rest[open.upperBound...]
                guard let close = after.range(of: "-->") else { break }
                let codes = after[..<close.lowerBound].split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                lines[index + 1, default: []] += codes
                rest = after[close.upperBound...]
            }
        }
    }
}

/// The exemptions of a site's pages, by file, applied to its report.
struct Suppressions {
    private var markers: [String: IgnoreMarkers] = [:]

    init(pages: [Page]) {
        for page in pages where !page.ignores.isEmpty {
            markers[page.source.displayPath] = page.ignores
        }
    }

    func filter(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard !markers.isEmpty else { return diagnostics }  // nothing exempted: most sites
        return diagnostics.filter { d in
            guard let marks = markers[d.position.file] else { return true }
            let codes = marks.page + (marks.lines[d.position.line] ?? [])
            return !codes.contains { d.code == $0 || d.code.hasPrefix($0 + ".") }
        }
    }
}
