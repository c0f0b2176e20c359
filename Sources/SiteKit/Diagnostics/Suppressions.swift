import Foundation

/// Exemptions that authors write: `<!-- ignore: CODE -->` on a line exempts that line from
/// diagnostics whose code starts with CODE (`price`, `price.literal`, `wording.cure`); front
/// matter `ignore: [CODE, …]` exempts the whole page.
struct Suppressions {
    private var lines: [String: [Int: [String]]] = [:]
    private var pages: [String: [String]] = [:]

    init(pages: [Page]) {
        for page in pages {
            let file = page.source.displayPath
            if let list = page.frontMatter["ignore"] {
                self.pages[file] = (list.array ?? [list]).compactMap(\.string)
            }
            guard ByteSearch.contains("<!-- ignore:", in: page.source.text) else { continue }
            for (index, line) in page.source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var rest = line[...]
                while let open = rest.range(of: "<!-- ignore:") {
                    let after = rest[open.upperBound...]
                    guard let close = after.range(of: "-->") else { break }
                    let codes = after[..<close.lowerBound].split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                    lines[file, default: [:]][index + 1, default: []] += codes
                    rest = after[close.upperBound...]
                }
            }
        }
    }

    func filter(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard !pages.isEmpty || !lines.isEmpty else { return diagnostics }  // nothing exempted: most sites
        return diagnostics.filter { d in
            let codes = (pages[d.position.file] ?? []) + (lines[d.position.file]?[d.position.line] ?? [])
            return !codes.contains { d.code == $0 || d.code.hasPrefix($0 + ".") }
        }
    }
}
