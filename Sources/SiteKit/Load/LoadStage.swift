import Foundation

/// The pages of a build, loaded: front matter read, URL worked out, drafts set apart.
struct LoadedSite: Sendable {
    var settings: SiteSettings
    /// The pages to publish, in reading order, with their Markdown taken out (`bodies`), so that
    /// the copies of each page that the index and the templates' child lists hold do not keep it.
    var pages: [Page]
    var drafts: [Page]
    /// Each page's Markdown body, by source path, until it is rendered; empty when the load memo
    /// keeps them (`LoadMemo.body(of:)`).
    var bodies: [String: String]
    /// The settings' diagnostics.
    var diagnostics: [Diagnostic]
    /// Each source file's load diagnostics, in `SiteSources.pages` order.
    var pageDiagnostics: [[Diagnostic]]
    /// `PageInfo.indexKey` of each of `pages`, when the load memo keeps them (else empty).
    var indexKeys: [Int] = []
}

/// Stage 1: settings and pages (`PageLoader`, `SiteSettings`).
///
/// Reads: a page's load reads its source file alone (path and text); the settings, their file.
enum LoadStage {
    static func run(_ sources: SiteSources, options: SiteBuilder.Options, cache: BuildCache) -> LoadedSite {
        let (settings, settingsDiagnostics) = cache.load.settings.value(reads: sources.settings, blind: cache.blind.settings) {
            SiteSettings.parse(sources.settings)
        }
        var loaded = cache.load.pages(sources.pages, cache: cache, parallel: options.parallel)
        var site = LoadedSite(settings: settings, pages: [], drafts: [], bodies: [:], diagnostics: settingsDiagnostics, pageDiagnostics: [])
        site.pageDiagnostics.reserveCapacity(loaded.count)
        // Kept pages come without their bodies (the memo holds them): no table to make for them.
        if !cache.keeps { site.bodies.reserveCapacity(loaded.count) }
        let keys = cache.load.indexKeys
        for (j, (page, diagnostics)) in loaded.enumerated() {
            site.pageDiagnostics.append(diagnostics)
            guard var page else { continue }
            // A kept page comes without its body already (no copy of it is made to take it out).
            if !page.body.isEmpty {
                site.bodies[page.source.relativePath] = page.body
                page.body = ""
            }
            if page.draft && !options.drafts {
                site.drafts.append(page)
            } else {
                site.pages.append(page)
                if keys.count == loaded.count { site.indexKeys.append(keys[j]) }
            }
        }
        loaded = []
        return site
    }
}

/// What `LoadStage` remembers: each source file's page, and the settings.
struct LoadMemo {
    var settings: Memo<SourceFile?, (SiteSettings, [Diagnostic])>

    final class Entry: @unchecked Sendable {
        let source: SourceFile
        /// The page without its body, which is `body`.
        let page: Page?
        let body: String
        let diagnostics: [Diagnostic]
        var info: PageInfo?

        init(source: SourceFile, page: Page?, diagnostics: [Diagnostic]) {
            self.source = source
            var stripped = page
            body = page?.body ?? ""
            stripped?.body = ""
            self.page = stripped
            self.diagnostics = diagnostics
            self.info = page.map(PageInfo.init)
        }
    }

    var entries: PageMemo<Entry>
    /// The last build's files and results, in order: when the list of files is the same, each
    /// is compared with the one at its place, and the results are updated in place.
    private var lastFiles: [SourceFile] = []
    private var lastResults: [(Page?, [Diagnostic])] = []
    /// `PageInfo.indexKey` of each of the last results (0 for a file that is no page).
    private(set) var indexKeys: [Int] = []

    init(keeps: Bool) {
        settings = Memo(keeps: keeps)
        entries = PageMemo(keeps: keeps)
    }

    /// The digests of a loaded page (when keeping).
    func info(_ page: Page) -> PageInfo? { entries[page.source.relativePath]?.info }

    /// `info(page)?.indexKey`, without copying the info.
    func indexKey(_ page: Page) -> Int? { entries[page.source.relativePath]?.info?.indexKey }

    /// The Markdown body of the page at a source path (when keeping).
    func body(of path: String) -> String? { entries[path]?.body }

    mutating func pages(_ files: [SourceFile], cache: BuildCache, parallel: Bool) -> [(Page?, [Diagnostic])] {
        guard entries.keeps else {
            cache.statistics.loaded = files.count
            return files.parallelMap(parallel: parallel) { PageLoader.load($0) }
        }
        let blind = cache.blind.source
        var results: [(Page?, [Diagnostic])] = []
        var misses: [Int] = []
        if files.count == lastFiles.count, zip(files, lastFiles).allSatisfy({ $0.relativePath == $1.relativePath }) {
            swap(&results, &lastResults)
            for (i, (file, last)) in zip(files, lastFiles).enumerated() where !(file == last || blind) { misses.append(i) }
        } else {
            indexKeys = []
            results.reserveCapacity(files.count)
            for (i, file) in files.enumerated() {
                if let entry = entries[file.relativePath], entry.source == file || (blind && entry.source.relativePath == file.relativePath) {
                    results.append((entry.page, entry.diagnostics))
                } else {
                    results.append((nil, []))
                    misses.append(i)
                }
            }
        }
        let fresh = misses.map { files[$0] }.parallelMap(parallel: parallel) { file -> Entry in
            let (page, diagnostics) = PageLoader.load(file)
            return Entry(source: file, page: page, diagnostics: diagnostics)
        }
        if indexKeys.count != files.count {
            indexKeys = results.map { $0.0.flatMap { entries[$0.source.relativePath]?.info?.indexKey } ?? 0 }
        }
        for (k, i) in misses.enumerated() {
            let entry = fresh[k]
            indexKeys[i] = entry.info?.indexKey ?? 0
            entry.info?.serial = cache.serial()
            entries.store(entry, for: entry.source.relativePath)
            results[i] = (entry.page, entry.diagnostics)
            cache.dirty.insert(entry.source.relativePath)
        }
        entries.keepOnly(files.lazy.map { $0.relativePath }, dirty: &cache.dirty)
        cache.statistics.loaded = misses.count
        lastFiles = files
        lastResults = results
        return results
    }
}
