import Foundation

/// The files of the site (not yet written) and what links may point at.
struct OutputSite: Sendable {
    var files: [OutputFile]
    var index: OutputIndex
    var conflicts: [Diagnostic]
}

/// Stage 4: every page's HTML, its aliases' redirects, the copied and published files, and the
/// generated ones (sitemap, robots.txt, 404), each path owned once (`output.conflict`), with the
/// ids of every HTML file (`OutputIndex`).
///
/// Reads: every output path and where it comes from (URLs, aliases, static files, generated
/// files); the pages' HTML and ids. When no path changed and no page lost an id, the last
/// build's files are updated in place with the pages rendered again. The generated files read
/// what the sitemap shows of every page, and the settings.
enum OutputStage {
    static func run(_ assembled: AssembledSite, site: SiteData, settings: SiteSettings, sources: SiteSources, cache: BuildCache) -> OutputSite {
        let pages = site.pages
        let generated = cache.output.generated.value(reads: generatedReads(site.digests), blind: cache.blind.sitemap) {
            Generated.siteFiles(pages: pages, settings: settings)
        }
        if let reused = cache.output.reuse(assembled, staticFiles: sources.staticFiles, generated: generated, site: site, blind: cache.blind) {
            return reused
        }
        var output = OutputSite(files: [], index: OutputIndex(), conflicts: [])
        output.index.draftURLs = Set(site.drafts.map(\.url))
        output.index.sources = pages.map(\.source.relativePath)
        var owners: [String: String] = [:]
        func add(_ file: OutputFile, ids: Set<String> = [], from source: String) {
            let key = file.path.lowercased()
            if let owner = owners[key] {
                output.conflicts.append(
                    .error(
                        "output.conflict", at: SourcePosition(file: source), "\(source) and \(owner) would both be written to \(file.path)",
                        suggestion: "rename one of them"))
                return
            }
            owners[key] = source
            output.files.append(file)
            output.index.addFile(file.path, idSet: ids)
        }
        for page in assembled.pages {
            add(OutputFile(path: page.page.outputPath, contents: .text(page.html)), ids: page.ids, from: page.page.source.displayPath)
            for alias in page.page.aliases {
                add(
                    OutputFile(path: PageLoader.outputPath(for: alias.url), contents: .text(Generated.redirect(to: page.page.url, settings: settings))),
                    from: alias.position.description)
            }
        }
        for file in sources.staticFiles {
            if let published = site.images.files[file.outputPath] {
                for variant in published { add(variant, from: file.displayPath) }
            } else if site.images.problems[file.outputPath] == nil {
                add(OutputFile(path: file.outputPath, contents: .copy(file.source)), from: file.displayPath)
            }
        }
        let beforeGenerated = output.files.count
        for file in generated where owners[file.path.lowercased()] == nil {
            add(file, from: "(generated)")
        }
        cache.output.remember(output, generatedFrom: beforeGenerated, assembled: assembled.pages)
        return output
    }

    static func generatedReads(_ digests: SiteDigests?) -> Int {
        guard let digests else { return 0 }
        var key = Hasher()
        key.combine(digests.env)
        for info in digests.infos { key.combine(info.sitemapKey) }
        return key.finalize()
    }
}

/// What `OutputStage` remembers.
struct OutputMemo {
    let keeps: Bool
    var generated: Memo<Int, [OutputFile]>

    private struct Entry {
        var shape: Int
        var output: OutputSite
        /// The index in `files` of each page's own file (-1 when another page owns its path).
        var pageFiles: [Int]
        var generatedFrom: Int
    }

    private var entry: Entry?
    /// A digest of every output path and where it comes from, for the link checks.
    private(set) var shape = 0

    private var lastPaths: [String] = []
    private var lastFiles: [OutputFile] = []
    private var lastOrder: [Int] = []

    init(keeps: Bool) {
        self.keeps = keeps
        generated = Memo(keeps: keeps)
    }

    private static func shape(_ pages: [AssembledPage], staticFiles: [StaticFile], generated: [OutputFile], digests: SiteDigests) -> Int {
        var hasher = Hasher()
        hasher.combine(digests.urlMap)
        hasher.combine(digests.env)
        for (i, page) in pages.enumerated() where !page.page.aliases.isEmpty {
            hasher.combine(i)
            for alias in page.page.aliases {
                hasher.combine(alias.url)
                hasher.combine(alias.position)
            }
        }
        hasher.combine(-1)
        for file in staticFiles {
            hasher.combine(file.outputPath)
            hasher.combine(file.displayPath)
            hasher.combine(file.source)
        }
        for file in generated { hasher.combine(file.path) }
        return hasher.finalize()
    }

    /// The last build's files and index, updated with the pages rendered again, when no output
    /// path changed and no page lost an id (the index only grows).
    mutating func reuse(_ assembled: AssembledSite, staticFiles: [StaticFile], generated: [OutputFile], site: SiteData, blind: BuildCache.Blind) -> OutputSite? {
        guard keeps, let digests = site.digests else { return nil }
        let pages = assembled.pages
        shape = Self.shape(pages, staticFiles: staticFiles, generated: generated, digests: digests)
        guard var entry, entry.shape == shape, entry.pageFiles.count == pages.count else { return nil }
        for i in assembled.rerendered {
            let page = pages[i]
            let at = entry.pageFiles[i]
            guard at >= 0 else { continue }
            guard page.ids.isSuperset(of: entry.output.index.ids[page.page.outputPath] ?? []) || blind.ids else { return nil }
            entry.output.files[at] = OutputFile(path: page.page.outputPath, contents: .text(page.html))
            entry.output.index.addFile(page.page.outputPath, idSet: page.ids)
        }
        var generatedFiles = generated.makeIterator()
        for at in entry.generatedFrom..<entry.output.files.count {
            while let file = generatedFiles.next() {
                if file.path == entry.output.files[at].path {
                    entry.output.files[at] = file
                    break
                }
            }
        }
        self.entry = entry
        return entry.output
    }

    mutating func remember(_ output: OutputSite, generatedFrom: Int, assembled: [AssembledPage]) {
        guard keeps else { return }
        var pageFiles: [Int] = []
        pageFiles.reserveCapacity(assembled.count)
        var k = 0
        for page in assembled {
            if k < generatedFrom, output.files[k].path == page.page.outputPath {
                pageFiles.append(k)
                k += 1
            } else {
                pageFiles.append(-1)
            }
            for alias in page.page.aliases where k < generatedFrom && output.files[k].path == PageLoader.outputPath(for: alias.url) { k += 1 }
        }
        entry = Entry(shape: shape, output: output, pageFiles: pageFiles, generatedFrom: generatedFrom)
    }

    /// `files` sorted by path, reusing the last build's order when the paths are the same, and
    /// the paths whose contents changed (nil when unknown).
    mutating func sorted(_ files: [OutputFile]) -> (files: [OutputFile], changed: [String]?) {
        let paths = files.map(\.path)
        var changed: [String]?
        if paths == lastPaths {
            changed = []
            for (new, old) in zip(files, lastFiles) where !Self.same(new.contents, old.contents) { changed!.append(new.path) }
        } else {
            lastOrder = files.indices.sorted { files[$0].path < files[$1].path }
            lastPaths = paths
        }
        lastFiles = files
        return (lastOrder.map { files[$0] }, changed)
    }

    static func same(_ a: OutputFile.Contents, _ b: OutputFile.Contents) -> Bool {
        switch (a, b) {
        case (.text(let x), .text(let y)): return x == y
        case (.copy(let x), .copy(let y)): return x == y
        default: return false
        }
    }
}
