import Foundation

/// The pages of a build by source path and by URL; resolves links written to source files.
public struct SiteIndex: Sendable {
    public private(set) var pages: [Page] = []
    private var bySource: [String: Int] = [:]
    private var byURL: [String: Int] = [:]
    /// Draft pages left out of the build: source path → URL, so links to them still resolve
    /// (and are then reported as links to a draft).
    private var draftURLs: [String: String] = [:]
    /// The copied files (images, PDFs, …) by their path below the output folder, which is their
    /// path below `content/` (or `theme/static/`).
    private var files: Set<String> = []

    /// Indexes `pages`; two pages (or aliases) that claim one URL, compared case-insensitively as
    /// file systems and browsers may, are an error at the later one.
    /// A page (or an alias) whose URL another page claimed first is left out of the site.
    public init(pages: [Page], drafts: [Page] = [], files: [StaticFile] = [], diagnostics: inout [Diagnostic]) {
        self.files = Set(files.map(\.outputPath))
        for draft in drafts { draftURLs[draft.source.relativePath] = draft.url }
        var claimed: [String: String] = [:]
        var kept: [Page] = []
        for var page in pages {
            let key = page.url.lowercased()
            if let first = claimed[key] {
                // At the `slug:` or `url:` that chose the URL, else at the file.
                let position = page.urlPosition ?? SourcePosition(file: page.source.displayPath, line: 1, column: 1)
                diagnostics.append(Self.duplicate(page.url, page.source.displayPath, first, at: position))
                continue
            }
            claimed[key] = page.source.displayPath
            page.aliases = page.aliases.filter { alias in
                if let first = claimed[alias.url.lowercased()] {
                    diagnostics.append(Self.duplicate(alias.url, page.source.displayPath, first, at: alias.position))
                    return false
                }
                claimed[alias.url.lowercased()] = page.source.displayPath
                return true
            }
            bySource[page.source.relativePath] = kept.count
            byURL[page.url] = kept.count
            kept.append(page)
        }
        self.pages = kept
    }

    private static func duplicate(_ url: String, _ page: String, _ first: String, at position: SourcePosition) -> Diagnostic {
        .error(
            "page.duplicate-url", at: position,
            first == page ? "\(page) claims the URL \(url) twice" : "\(page) and \(first) both want the URL \(url) (URLs are compared ignoring case)",
            suggestion: "give one of them another file name, or a 'slug:', 'url:' or 'aliases:' of its own in its front matter")
    }

    public func page(source relativePath: String) -> Page? { bySource[relativePath].map { pages[$0] } }
    public func page(url: String) -> Page? { byURL[url].map { pages[$0] } }

    /// A link destination rewritten to what the HTML needs: `pricing.md#cost` (relative to
    /// `page`'s folder, or `/faq.md` from the root) → `/pricing/#cost`, and a relative link to a
    /// copied file read from the folder of the page's `.md` file (`images/logo.svg` in
    /// `guide/format.md` → `/guide/images/logo.svg`, see `resolveFile`). Anything else is returned
    /// as written, to be read as a URL relative to the page's address. Works on unicode scalars and bytes: a '#' or '/'
    /// merged with a combining mark into one Character is still a '#' or '/' to a browser.
    public func rewriteSourceLink(_ destination: String, from page: Page) -> String {
        rewriteSourceLink(destination, fromSourceDirectory: page.sourceDirectory)
    }

    /// The same, for a link written in a file in `directory` (below `content/`): a shared list's.
    public func rewriteSourceLink(_ destination: String, fromSourceDirectory directory: String) -> String {
        guard !destination.isEmpty, !LinkResolver.hasScheme(destination) else { return destination }
        var path = destination
        var fragment = ""
        if let hash = destination.unicodeScalars.firstIndex(of: "#") {
            fragment = String(destination.unicodeScalars[hash...])
            path = String(destination.unicodeScalars[..<hash])
        }
        guard LinkResolver.hasSuffixIgnoringASCIICase(path, ".md") else {
            return resolveFile(destination, fromSourceDirectory: directory)?.url ?? destination
        }
        let decoded = path.removingPercentEncoding ?? path
        let rooted = decoded.utf8.first == UInt8(ascii: "/")
        let relative = rooted ? String(decoding: decoded.utf8.dropFirst(), as: UTF8.self) : decoded
        guard let resolved = LinkResolver.normalize(path: relative, base: rooted ? "" : directory),
            let url = self.page(source: resolved)?.url ?? draftURLs[resolved]
        else { return destination }
        return url + fragment
    }

    /// A relative link to a copied file, resolved as GitHub, editors' previews and lychee read it:
    /// against the folder of the `.md` file that contains the link.
    public struct ResolvedFile: Sendable, Hashable {
        /// The file's path below the output folder (`guide/images/logo.svg`); the same path below
        /// `content/` (or `theme/static/`) is the file that is copied.
        public var outputPath: String
        /// The URL to publish: the file's root-relative address, percent-encoded, with the link's
        /// query and fragment as written (`/guide/images/logo.svg`).
        public var url: String
    }

    /// The copied file that `destination`, written in a page whose source is in `directory`
    /// (below `content/`, "" at the top), names when read relative to that folder; nil when it
    /// names none (a URL-style link such as `../faq/`, a page, a missing file, a scheme, a root-
    /// relative `/path`, which already names its file, or a bare `#fragment`).
    ///
    /// One place for this reading, for the renderer's rewriting and for whatever else maps a
    /// page's link to the file it shows (image processing, say).
    public func resolveFile(_ destination: String, fromSourceDirectory directory: String) -> ResolvedFile? {
        let scalars = destination.unicodeScalars
        guard let first = scalars.first, first != "/", first != "#", first != "?", !LinkResolver.hasScheme(destination) else { return nil }
        // The path ends at the first '?' or '#' scalar (not Character: see LinkResolver.resolve).
        let end = scalars.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? scalars.endIndex
        let path = String(scalars[..<end])
        let suffix = String(scalars[end...])
        guard let decoded = path.removingPercentEncoding, decoded.utf8.last != UInt8(ascii: "/"),
            let resolved = LinkResolver.normalize(path: decoded, base: directory), files.contains(resolved)
        else { return nil }
        let encoded = resolved.addingPercentEncoding(withAllowedCharacters: Self.pathAllowed) ?? resolved
        return ResolvedFile(outputPath: resolved, url: "/" + encoded + suffix)
    }

    /// Characters a path may hold unescaped: RFC 3986's path characters without `?` and `#`.
    static let pathAllowed: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return allowed
    }()
}
