import Foundation
import SiteKit
import SiteMarkdown

/// The site as the language server sees it: the sources on disk with the open buffers laid over
/// them (`SourceOverlay`), built by the same `SiteBuilder` and `BuildCache` that `clinic-site
/// serve` uses, so a change re-reads only the files it names and redoes only the work they
/// affect. Not thread-safe: the server calls it from its build queue only.
public final class SiteWorkspace: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var content: URL
        public var theme: URL
        /// Messages name files relative to it (`content/faq.md`): the workspace root.
        public var workingDirectory: URL
        /// "Today" for date checks; nil takes the current date at each check.
        public var today: String?
        public var parallel = true

        public init(content: URL, theme: URL, workingDirectory: URL, today: String? = nil) {
            self.content = content.standardizedFileURL
            self.theme = theme.standardizedFileURL
            self.workingDirectory = workingDirectory.standardizedFileURL
            self.today = today
        }
    }

    /// One check of the site: its diagnostics, by the absolute path of the file they name (each
    /// file's run of the report, not a copy of it).
    public struct Check: Sendable {
        /// When `complete`, every file with diagnostics; otherwise only the files whose
        /// diagnostics may differ from the last check's and the files named as changed, each
        /// with its run (empty when it has none now).
        public var diagnostics: [String: ArraySlice<Diagnostic>]
        public var complete: Bool
        public var result: BuildResult
        public var sources: SiteSources
        /// Whether the sources were read again one changed file at a time.
        public var incremental: Bool
    }

    public let configuration: Configuration
    private let cache = BuildCache()
    private var sources: SiteSources?
    private var lastResult: BuildResult?
    private var model: SiteModel?

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Builds the site from `overlay` over the disk. `changed` are the absolute paths whose text
    /// may differ from the last check (edited buffers, saved or closed files); nil reads
    /// everything again.
    public func check(overlay: SourceOverlay, changed: Set<String>?) -> Check {
        var next: SiteSources?
        var incremental = false
        if let changed, let previous = sources,
            let updated = previous.updated(
                changed: changed, content: configuration.content, theme: configuration.theme,
                workingDirectory: configuration.workingDirectory, overlay: overlay)
        {
            next = updated
            incremental = true
        }
        let read =
            next
            ?? SiteSources.read(
                content: configuration.content, theme: configuration.theme, output: nil,
                workingDirectory: configuration.workingDirectory, overlay: overlay)
        sources = read
        // Drafts are checked too: they are what people are writing.
        var options = SiteBuilder.Options(
            drafts: true, parallel: configuration.parallel, today: configuration.today ?? SiteBuilder.Options.currentDate())
        // The server checks a fix against the text itself, only in the files it publishes
        // (`LanguageServer.diagnosticsRound`, and again when a quick fix is asked for).
        options.checksFixes = false
        // The last result is let go first: the report memo then patches its report in place.
        lastResult = nil
        let result = SiteBuilder(options: options, cache: cache).build(read)
        lastResult = result
        model = nil
        texts = nil
        // The report is sorted by file: each file's diagnostics are one run of it, a slice (copying
        // 27,000 diagnostics into arrays of their own cost more than the edit's build).
        let all = result.diagnostics
        var byFile: [String: ArraySlice<Diagnostic>] = [:]
        if let files = cache.diagnosticFilesChanged {
            // Only the runs that changed, and those of the files whose text changed (their
            // ranges are worked out again).
            for file in files { Self.add(all[all.run(of: file)], for: absolutePath(file), to: &byFile) }
            for path in changed ?? [] where byFile[path] == nil { byFile[path] = all[all.run(of: displayName(path))] }
            return Check(diagnostics: byFile, complete: false, result: result, sources: read, incremental: incremental)
        }
        var runStart = 0
        for i in 1...max(all.count, 1) where i == all.count || all[i].position.file != all[runStart].position.file {
            guard runStart < all.count else { break }
            Self.add(all[runStart..<i], for: absolutePath(all[runStart].position.file), to: &byFile)
            runStart = i
        }
        return Check(diagnostics: byFile, complete: true, result: result, sources: read, incremental: incremental)
    }

    /// Adds a file's run; two names of one file (a relative and an absolute path) share an entry.
    private static func add(_ run: ArraySlice<Diagnostic>, for path: String, to byFile: inout [String: ArraySlice<Diagnostic>]) {
        if let earlier = byFile[path], !earlier.isEmpty {
            if !run.isEmpty { byFile[path] = ArraySlice(Array(earlier) + run) }
        } else {
            byFile[path] = run
        }
    }

    /// Absolute paths by display path: worked out once (`URL` is slow, and a check can name
    /// every file of the site).
    private var absolutePaths: [String: String] = [:]
    private let absoluteLock = NSLock()

    /// Display paths by absolute path, for those worked out above.
    private var displayNames: [String: String] = [:]

    /// The absolute path of a display path (`content/faq.md`).
    public func absolutePath(_ display: String) -> String {
        absoluteLock.lock()
        defer { absoluteLock.unlock() }
        if let known = absolutePaths[display] { return known }
        let path = Self.absolutePath(display, base: configuration.workingDirectory)
        absolutePaths[display] = path
        displayNames[path] = display
        return path
    }

    /// The path diagnostics name an absolute path by: as a check named it, or else relative to
    /// the workspace.
    func displayName(_ absolute: String) -> String {
        absoluteLock.lock()
        let known = displayNames[absolute]
        absoluteLock.unlock()
        return known ?? displayPath(absolute)
    }

    static func absolutePath(_ display: String, base: URL) -> String {
        if display.hasPrefix("/") { return display }
        if display == "." { return base.path }
        return base.appendingPathComponent(display).standardizedFileURL.path
    }

    /// The display path of an absolute path, as messages name it.
    public func displayPath(_ absolute: String) -> String {
        let base = configuration.workingDirectory.path
        if absolute.hasPrefix(base + "/") { return String(absolute.dropFirst(base.count + 1)) }
        return absolute
    }

    /// The text the last check read for `absolute`, when it read one.
    public func sourceText(_ absolute: String) -> String? {
        if texts == nil, let sources {
            var table: [String: String] = [:]
            for file in sources.pages + sources.templates + Array(sources.dataFiles.values) + (sources.settings.map { [$0] } ?? []) {
                table[absolutePath(file.displayPath)] = file.text
            }
            texts = table
        }
        return texts?[absolute]
    }

    /// Source texts of the last check by absolute path, made on first use.
    private var texts: [String: String]?

    /// What completion, hover and definition know of the site, from the last check.
    public func siteModel() -> SiteModel? {
        guard let sources, let lastResult else { return nil }
        if let model { return model }
        let built = SiteModel(sources: sources, result: lastResult, workspace: self)
        model = built
        return built
    }
}

/// Prices, lists, clinic values, pages and their heading ids, for the editor's help.
public struct SiteModel: Sendable {
    public struct PageEntry: Sendable {
        public var relativePath: String
        public var absolutePath: String
        public var title: String
        public var url: String
        public var outputPath: String
    }

    public struct Heading: Sendable {
        public var id: String
        public var title: String
    }

    /// Source texts the last check read, by absolute path.
    public var texts: [String: String] = [:]
    public var pages: [PageEntry] = []
    public var prices = PriceCatalog()
    public var lists = DataLists()
    public var clinic: [(key: String, value: String, position: SourcePosition)] = []
    private var html: [String: String] = [:]
    public let contentRoot: String

    init(sources: SiteSources, result: BuildResult, workspace: SiteWorkspace) {
        contentRoot = workspace.configuration.content.path
        for file in sources.pages + sources.templates + Array(sources.dataFiles.values) + (sources.settings.map { [$0] } ?? []) {
            texts[workspace.absolutePath(file.displayPath)] = file.text
        }
        let loaded = sources.pages.compactMap { PageLoader.load($0).0 }
        for page in loaded {
            pages.append(
                PageEntry(
                    relativePath: page.source.relativePath, absolutePath: workspace.absolutePath(page.source.displayPath),
                    title: page.title, url: page.url, outputPath: page.outputPath))
        }
        prices = PriceCatalog.build(from: loaded).0
        lists = DataLists.build(from: loaded).0
        let (settings, _) = SiteSettings.parse(sources.settings)
        for entry in settings.raw["clinic"]?.entries ?? [] {
            let value = entry.value["unconfirmed"]?.bool == true ? "unconfirmed" : (entry.value.string ?? entry.value.typeName)
            clinic.append((entry.key, value, entry.keyPosition))
        }
        for file in result.files {
            if case .text(let text) = file.contents, file.path.hasSuffix(".html") { html[file.path] = text }
        }
    }

    public func page(absolutePath: String) -> PageEntry? { pages.first { $0.absolutePath == absolutePath } }

    /// The page a link's target names, from the page at `from`: a source path (`faq.md`,
    /// `../pricing.md`, relative to the page's folder) or a site URL (`/pricing/`).
    public func page(linkedAs target: String, from: String) -> PageEntry? {
        let path = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if path.isEmpty { return page(absolutePath: from) }
        if path.hasPrefix("/") {
            let url = path.hasSuffix("/") || path.contains(".") ? path : path + "/"
            return pages.first { $0.url == url || $0.url == path }
        }
        if path.contains("://") || path.hasPrefix("mailto:") || path.hasPrefix("tel:") { return nil }
        let folder = (from as NSString).deletingLastPathComponent
        let resolved = URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
        if let byFile = pages.first(where: { $0.absolutePath == resolved }) { return byFile }
        // A relative URL (`pricing/`).
        guard let here = page(absolutePath: from) else { return nil }
        let base = URL(string: "https://x" + here.url)
        let url = URL(string: path, relativeTo: base)?.path ?? path
        return pages.first { $0.url == url || $0.url == url + "/" }
    }

    /// The heading ids of a page's built HTML, in order, with the heading's text.
    public func headings(of page: PageEntry) -> [Heading] {
        guard let text = html[page.outputPath] else { return [] }
        var found: [Heading] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<h") {
            rest = rest[open.upperBound...]
            guard let level = rest.first, ("1"..."6").contains(level) else { continue }
            let tagEnd = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<tagEnd]
            guard let idStart = tag.range(of: " id=\"") else { continue }
            let idRest = tag[idStart.upperBound...]
            guard let quote = idRest.firstIndex(of: "\"") else { continue }
            let id = String(idRest[..<quote])
            var title = ""
            if tagEnd < rest.endIndex, let close = rest[tagEnd...].range(of: "</h") {
                title = Self.plainText(String(rest[rest.index(after: tagEnd)..<close.lowerBound]))
            }
            found.append(Heading(id: id, title: title))
        }
        return found
    }

    /// The 0-based line of the Markdown heading whose id is `id` in the page's source.
    public func headingLine(_ id: String, in page: PageEntry) -> Int? {
        guard let text = texts[page.absolutePath] else { return nil }
        var slugger = Slugger()
        var inFence = false
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            guard !inFence, trimmed.hasPrefix("#") else { continue }
            let hashes = trimmed.prefix { $0 == "#" }
            guard hashes.count <= 6, trimmed.dropFirst(hashes.count).first == " " else { continue }
            var title = String(trimmed.dropFirst(hashes.count)).trimmingCharacters(in: .whitespaces)
            if let brace = title.range(of: " {#"), title.hasSuffix("}") {
                if String(title[brace.upperBound...].dropLast()) == id { return number }
                title = String(title[..<brace.lowerBound])
            }
            if slugger.unique(title) == id { return number }
        }
        return nil
    }

    static func plainText(_ html: String) -> String {
        var out = ""
        var inTag = false
        for c in html {
            if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        return Escape.unescapeHTML(out)
    }
}
