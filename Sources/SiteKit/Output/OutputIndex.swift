import Foundation

/// Every file the build writes and the ids in each HTML file: what links may point at.
public struct OutputIndex: Sendable {
    public private(set) var files: Set<String> = []
    public private(set) var ids: [String: Set<String>] = [:]
    /// URLs of draft pages left out of the build, so a link to one gets its own message.
    public var draftURLs: Set<String> = []
    /// Source paths of the pages (below content/), for suggestions on `.md` links.
    public var sources: [String] = []

    public init() {}

    public mutating func addFile(_ path: String, ids: [String] = []) {
        files.insert(path)
        if path.hasSuffix(".html") { self.ids[path, default: []].formUnion(ids) }
    }

    /// The same, with the ids already made into a set (`AssembledPage.ids`, made once per page).
    public mutating func addFile(_ path: String, idSet: Set<String>) {
        files.insert(path)
        guard path.hasSuffix(".html") else { return }
        if self.ids[path] == nil { self.ids[path] = idSet } else { self.ids[path]!.formUnion(idSet) }
    }

    /// The output file a root-relative, decoded path names, trying `index.html` for folders.
    public func file(for path: String) -> String? {
        let trimmed = String(path.drop { $0 == "/" })
        if trimmed.isEmpty { return files.contains("index.html") ? "index.html" : nil }
        if path.hasSuffix("/") {
            let index = trimmed + "index.html"
            return files.contains(index) ? index : nil
        }
        if files.contains(trimmed) { return trimmed }
        let index = trimmed + "/index.html"
        return files.contains(index) ? index : nil
    }

    /// The URL people would write for an output file (`faq/index.html` → `/faq/`).
    static func url(for file: String) -> String {
        if file == "index.html" { return "/" }
        if file.hasSuffix("/index.html") { return "/" + file.dropLast("index.html".count) }
        return "/" + file
    }
}
