import Foundation

/// What every page's rendering reads of the whole site.
struct SiteData: Sendable {
    /// The pages the index keeps (a duplicate URL's second page dropped, aliases filtered).
    var pages: [Page]
    var drafts: [Page]
    /// Made only when a page is rendered: when the URLs are the last build's, the kept pages
    /// give the same index again.
    var index: Lazy<SiteIndex>
    var images: ImageSet
    var catalog: PriceCatalog
    var lists: DataLists
    var theme: Theme
    /// A template that cannot render: pages are not put into it.
    var themeIsBroken: Bool
    var rules: ContentRules
    /// This build's digests, for the per-page memos (nil when they keep nothing).
    var digests: SiteDigests?
    var diagnostics: [Diagnostic]
}

/// Stage 2: site-wide data. URLs (`SiteIndex`), photos (`ImageProcessor`), prices
/// (`PriceCatalog`), shared lists (`DataLists`), templates (`Theme`), content rules
/// (`ContentRules`).
///
/// Reads: the index, every page's source path, URL and aliases (and the drafts'); the price
/// list and the shared lists, the pages that declare them; the theme, the templates (and what
/// reading them reported); the rules, their data files. Photos keep their own cache on disk.
enum SiteDataStage {
    static func run(_ loaded: LoadedSite, sources: SiteSources, options: SiteBuilder.Options, cache: BuildCache) -> SiteData {
        var diagnostics: [Diagnostic] = []
        // Each raster image decoded once (or found in its cache), before the pages that show it.
        let images = options.images.prepare(sources.staticFiles, settings: loaded.settings.images, parallel: options.parallel)
        diagnostics += images.diagnostics

        var pages = loaded.pages
        let drafts = loaded.drafts
        var builtIndex: SiteIndex?
        var indexDiagnostics: [Diagnostic] = []
        if let reused = cache.siteData.reuseIndex(pages, drafts: drafts, indexKeys: loaded.indexKeys, cache: cache) {
            (pages, indexDiagnostics) = reused
        } else {
            let index = SiteIndex(pages: pages, drafts: drafts, files: sources.staticFiles, diagnostics: &indexDiagnostics)
            cache.siteData.rememberIndex(loaded: pages, drafts: drafts, indexKeys: loaded.indexKeys, kept: index.pages, diagnostics: indexDiagnostics, cache: cache)
            (pages, builtIndex) = (index.pages, index)
        }
        diagnostics += indexDiagnostics
        let keptPages = pages
        let index = Lazy {
            var unused: [Diagnostic] = []
            return builtIndex ?? SiteIndex(pages: keptPages, drafts: drafts, files: sources.staticFiles, diagnostics: &unused)
        }
        let digests = cache.keeps
            ? SiteDigests.make(
                pages: pages, drafts: drafts, sources: sources, options: options, images: images.digest,
                loads: cache.load, last: &cache.siteData.lastInfos)
            : nil
        let blind = cache.blind
        let (catalog, priceDiagnostics) = cache.siteData.catalog.value(reads: digests?.catalog ?? 0, blind: blind.prices) {
            PriceCatalog.build(from: pages)
        }
        let (lists, listDiagnostics) = cache.siteData.lists.value(reads: digests?.lists ?? 0, blind: blind.lists) {
            DataLists.build(from: pages)
        }
        let (theme, themeDiagnostics) = cache.siteData.theme.value(reads: ThemeReads(templates: sources.templates, readErrors: sources.diagnostics), blind: blind.theme) {
            Theme.load(sources.templates, readErrors: sources.diagnostics)
        }
        let (rules, ruleDiagnostics) = cache.siteData.rules.value(reads: sources.dataFiles, blind: blind.rules) {
            ContentRules.load(sources.dataFiles)
        }
        diagnostics += priceDiagnostics + listDiagnostics + themeDiagnostics + ruleDiagnostics
        return SiteData(
            pages: pages, drafts: drafts, index: index, images: images, catalog: catalog, lists: lists, theme: theme,
            themeIsBroken: themeDiagnostics.contains { $0.code == "template.recursive-partial" || $0.code == "template.error" },
            rules: rules, digests: digests, diagnostics: diagnostics)
    }

    struct ThemeReads: Equatable {
        var templates: [SourceFile]
        var readErrors: [Diagnostic]
    }
}

/// What `SiteDataStage` remembers.
struct SiteDataMemo {
    var catalog: Memo<Int, (PriceCatalog, [Diagnostic])>
    var lists: Memo<Int, (DataLists, [Diagnostic])>
    var theme: Memo<SiteDataStage.ThemeReads, (Theme, [Diagnostic])>
    var rules: Memo<[String: SourceFile], (ContentRules, [Diagnostic])>
    /// The infos of the last build's pages, in order.
    var lastInfos: [PageInfo] = []
    let keeps: Bool

    init(keeps: Bool) {
        self.keeps = keeps
        catalog = Memo(keeps: keeps)
        lists = Memo(keeps: keeps)
        theme = Memo(keeps: keeps)
        rules = Memo(keeps: keeps)
    }

    private struct IndexEntry {
        var key: Int
        /// Which loaded pages the index kept, and the aliases it kept where it dropped some.
        var kept: [Bool]
        var aliases: [Int: [(url: String, position: SourcePosition)]]
        var diagnostics: [Diagnostic]
    }

    private var indexEntry: IndexEntry?
    /// The pages the index kept in the last build (to update in place).
    private var lastKept: [Page] = []

    /// `keys`: the pages' `PageInfo.indexKey`s, as the load memo keeps them (else worked out).
    private func indexKey(_ loaded: [Page], drafts: [Page], keys: [Int], loads: LoadMemo) -> Int {
        var hasher = Hasher()
        if keys.count == loaded.count {
            for key in keys { hasher.combine(key) }
        } else {
            for i in loaded.indices { hasher.combine(loads.indexKey(loaded[i]) ?? PageInfo(loaded[i]).indexKey) }
        }
        hasher.combine(-1)
        for draft in drafts {
            hasher.combine(draft.source.relativePath)
            hasher.combine(draft.url)
        }
        return hasher.finalize()
    }

    /// The pages `SiteIndex` keeps (duplicate URLs dropped, aliases filtered) and its
    /// diagnostics, when every page's source path, URL and aliases are the last build's.
    mutating func reuseIndex(_ loaded: [Page], drafts: [Page], indexKeys: [Int], cache: BuildCache) -> (pages: [Page], diagnostics: [Diagnostic])? {
        guard keeps, let entry = indexEntry, entry.kept.count == loaded.count,
            entry.key == indexKey(loaded, drafts: drafts, keys: indexKeys, loads: cache.load) || cache.blind.index
        else { return nil }
        var pages: [Page] = []
        swap(&pages, &lastKept)
        let inPlace = pages.count == entry.kept.count { $0 }
        if !inPlace {
            pages = []
            pages.reserveCapacity(loaded.count)
        }
        var k = 0
        for i in loaded.indices where entry.kept[i] {
            if inPlace, pages[k].source == loaded[i].source {
                k += 1
                continue
            }
            var page = loaded[i]
            if let aliases = entry.aliases[i] { page.aliases = aliases }
            if inPlace { pages[k] = page } else { pages.append(page) }
            k += 1
        }
        lastKept = pages
        return (pages, entry.diagnostics)
    }

    mutating func rememberIndex(loaded: [Page], drafts: [Page], indexKeys: [Int], kept: [Page], diagnostics: [Diagnostic], cache: BuildCache) {
        guard keeps else { return }
        var mask: [Bool] = []
        mask.reserveCapacity(loaded.count)
        var aliases: [Int: [(url: String, position: SourcePosition)]] = [:]
        var k = 0
        for (i, page) in loaded.enumerated() {
            if k < kept.count, kept[k].source.relativePath == page.source.relativePath {
                if kept[k].aliases.count != page.aliases.count { aliases[i] = kept[k].aliases }
                mask.append(true)
                k += 1
            } else {
                mask.append(false)
            }
        }
        indexEntry = IndexEntry(key: indexKey(loaded, drafts: drafts, keys: indexKeys, loads: cache.load), kept: mask, aliases: aliases, diagnostics: diagnostics)
        lastKept = kept
    }
}
