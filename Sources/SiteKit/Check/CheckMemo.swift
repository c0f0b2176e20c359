import Foundation

/// What `CheckStage` remembers: each page's link check, with what it read.
struct CheckMemo {
    /// One page's link check.
    struct Work: Sendable {
        var body: [Diagnostic]
        var chrome: [LinkChecker.TemplateLinkProblem]
        /// Whether some text of its template output has a price problem.
        var flagged: Bool
    }

    final class Entry: @unchecked Sendable {
        let renderSerial: Int
        let env: Int
        let catalog: Int
        /// The output files and paths (`OutputMemo.shape`) the links were checked against; moves
        /// on when they changed but not where this page looks.
        var membership: Int
        /// What the page's links read: the paths they name and the files they resolved to, and
        /// the files whose ids they read.
        let links: PageLinks.Reads
        /// A page with a link problem: its suggestions read the whole site.
        let dependsOnAll: Bool
        let work: Work

        init(renderSerial: Int, env: Int, catalog: Int, membership: Int, links: PageLinks.Reads, work: Work) {
            self.renderSerial = renderSerial
            self.env = env
            self.catalog = catalog
            self.membership = membership
            self.links = links
            self.dependsOnAll = !work.body.isEmpty || !work.chrome.isEmpty
            self.work = work
        }
    }

    let keeps: Bool
    private(set) var entries: PageMemo<Entry>
    /// The output index the last build's links were checked against.
    private var lastIndex: OutputIndex?

    init(keeps: Bool) {
        self.keeps = keeps
        entries = PageMemo(keeps: keeps)
    }

    /// The template problems of every page, and the pages whose template text has a price
    /// problem (the only ones `checkTemplatePrices` reports on), in page order.
    struct Checked {
        var templateProblems: [LinkChecker.TemplateLinkProblem] = []
        var templateOfPage: [String: String] = [:]
        var flaggedPages: [AssembledPage] = []
        var pageDiagnostics: [[Diagnostic]] = []
        /// The files some page shows (`PageLinks.Reads.shownPaths`), when asked for.
        var shownPaths: Set<String> = []
    }

    /// Checks each page whose check is stale with `work`, given the page's links resolved once
    /// (against `output.index`, with the settings' allowed schemes); collects `shownPaths` when
    /// `collectingShown`.
    mutating func run(
        _ assembled: AssembledSite, output: OutputSite, site: SiteData, settings: SiteSettings, cache: BuildCache, parallel: Bool,
        collectingShown: Bool, work: @escaping @Sendable (AssembledPage, PageLinks) -> Work
    ) -> Checked {
        let pages = assembled.pages
        let index = output.index
        let allowed = Set(settings.allowedSchemes)
        guard keeps, let digests = site.digests else {
            let results = pages.parallelMap(parallel: parallel) { page in
                let links = PageLinks(of: page, in: index, allowedSchemes: allowed)
                return (work: work(page, links), shown: collectingShown ? links.reads.shownPaths : [])
            }
            var checked = Checked()
            checked.pageDiagnostics = results.map(\.work.body)
            for (page, (result, shown)) in zip(pages, results) {
                checked.shownPaths.formUnion(shown)
                if !result.chrome.isEmpty {
                    checked.templateProblems += result.chrome
                    checked.templateOfPage[page.page.source.displayPath] = page.template
                }
                if result.flagged { checked.flaggedPages.append(page) }
            }
            cache.statistics.checked = pages.count
            return checked
        }
        let membership = cache.output.shape
        let changedIDFiles = assembled.changedIDFiles
        let blind = cache.blind
        var resolved: [String: String?] = [:]
        var changes: Set<String>?
        /// Output files whose ids differ from the last build's (worked out once, when needed).
        func outputChanges() -> Set<String> {
            if let changes { return changes }
            var found = changedIDFiles
            if let last = lastIndex {
                for (file, ids) in index.ids where last.ids[file] != ids { found.insert(file) }
                for file in last.ids.keys where index.ids[file] == nil { found.insert(file) }
            } else {
                found.formUnion(index.files)
            }
            changes = found
            return found
        }
        var misses: [Int] = []
        var found: [Entry?] = Array(repeating: nil, count: pages.count)
        // By index: a `for page in pages` copies each assembled page (and retains all it holds).
        for i in pages.indices {
            guard let entry = entries[pages[i].page.source.relativePath], entry.renderSerial == assembled.renderSerials[i],
                entry.env == digests.env || blind.settings, entry.catalog == digests.catalog || blind.prices
            else {
                misses.append(i)
                continue
            }
            if entry.membership != membership && !blind.output {
                // Files came or went: still valid when every path the page's links name resolves
                // as before and no file whose ids it reads changed. A page with a link problem
                // reads the whole site (its suggestions), so it is checked again.
                if entry.dependsOnAll || !outputChanges().isEmpty && entry.links.fragmentFiles.contains(where: outputChanges().contains) {
                    misses.append(i)
                    continue
                }
                let same = entry.links.lookups.allSatisfy { lookup in
                    if let known = resolved[lookup.path] { return known == lookup.file }
                    let file = index.file(for: lookup.path)
                    resolved[lookup.path] = .some(file)
                    return file == lookup.file
                }
                guard same else {
                    misses.append(i)
                    continue
                }
                entry.membership = membership
            }
            if !changedIDFiles.isEmpty, !blind.ids, entry.dependsOnAll || entry.links.fragmentFiles.contains(where: changedIDFiles.contains) {
                misses.append(i)
                continue
            }
            found[i] = entry
        }
        if !misses.isEmpty {
            let (env, catalog) = (digests.env, digests.catalog)
            let serials = misses.map { assembled.renderSerials[$0] }
            let fresh = misses.indices.map { (pages[misses[$0]], serials[$0]) }.parallelMap(parallel: parallel) { page, serial -> Entry in
                let links = PageLinks(of: page, in: index, allowedSchemes: allowed)
                return Entry(renderSerial: serial, env: env, catalog: catalog, membership: membership, links: links.reads, work: work(page, links))
            }
            for (k, i) in misses.enumerated() {
                let path = pages[i].page.source.relativePath
                entries.store(fresh[k], for: path)
                found[i] = fresh[k]
                cache.dirty.insert(path)
            }
        }
        var checked = Checked()
        for (i, entry) in found.enumerated() {
            guard let entry else { continue }
            if collectingShown { checked.shownPaths.formUnion(entry.links.shownPaths) }
            guard !entry.work.chrome.isEmpty || entry.work.flagged else { continue }
            let page = pages[i]
            if !entry.work.chrome.isEmpty {
                checked.templateProblems += entry.work.chrome
                checked.templateOfPage[page.page.source.displayPath] = page.template
            }
            if entry.work.flagged { checked.flaggedPages.append(page) }
        }
        entries.keepOnly(pages.lazy.map { $0.page.source.relativePath }, dirty: &cache.dirty)
        cache.statistics.checked = misses.count
        lastIndex = index
        return checked
    }

    /// The link diagnostics this memo holds for the page at `path` (for the report).
    func diagnostics(of path: String) -> [Diagnostic] { entries[path]?.work.body ?? [] }
}
