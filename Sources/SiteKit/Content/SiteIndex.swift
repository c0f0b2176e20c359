import Foundation

/// The pages of a build by source path and by URL; resolves links written to source files.
public struct SiteIndex: Sendable {
    public private(set) var pages: [Page]
    private var bySource: [String: Int] = [:]
    private var byURL: [String: Int] = [:]
    /// Draft pages left out of the build: source path → URL, so links to them still resolve
    /// (and are then reported as links to a draft).
    private var draftURLs: [String: String] = [:]

    /// Indexes `pages`; two pages (or aliases) that claim one URL, compared case-insensitively as
    /// file systems and browsers may, are an error at the later one.
    public init(pages: [Page], drafts: [Page] = [], diagnostics: inout [Diagnostic]) {
        self.pages = pages
        for draft in drafts { draftURLs[draft.source.relativePath] = draft.url }
        var claimed: [String: (owner: String, position: SourcePosition)] = [:]
        for (index, page) in pages.enumerated() {
            bySource[page.source.relativePath] = index
            byURL[page.url] = index
            let claims = [(page.url, SourcePosition(file: page.source.displayPath, line: 1, column: 1))] + page.aliases
            for (url, position) in claims {
                let key = url.lowercased()
                if let first = claimed[key] {
                    diagnostics.append(
                        .error(
                            "page.duplicate-url", at: position,
                            "\(page.source.displayPath) and \(first.owner) both want the URL \(url)",
                            suggestion: "give one of them another file name, or a 'slug:' or 'url:' in its front matter"))
                } else {
                    claimed[key] = (page.source.displayPath, position)
                }
            }
        }
    }

    public func page(source relativePath: String) -> Page? { bySource[relativePath].map { pages[$0] } }
    public func page(url: String) -> Page? { byURL[url].map { pages[$0] } }

    /// `pricing.md#cost` (relative to `page`'s folder, or `/faq.md` from the root) → `/pricing/#cost`.
    /// Anything else is returned as written.
    public func rewriteSourceLink(_ destination: String, from page: Page) -> String {
        guard !destination.isEmpty, !LinkResolver.hasScheme(destination) else { return destination }
        var path = destination
        var fragment = ""
        if let hash = path.firstIndex(of: "#") {
            fragment = String(path[hash...])
            path = String(path[..<hash])
        }
        guard path.lowercased().hasSuffix(".md") else { return destination }
        let decoded = path.removingPercentEncoding ?? path
        let base = decoded.hasPrefix("/") ? "" : page.sourceDirectory
        guard let resolved = LinkResolver.normalize(path: decoded.hasPrefix("/") ? String(decoded.dropFirst()) : decoded, base: base),
            let url = self.page(source: resolved)?.url ?? draftURLs[resolved]
        else { return destination }
        return url + fragment
    }
}
