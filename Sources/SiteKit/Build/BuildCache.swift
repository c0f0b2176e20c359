import Foundation
import SiteMarkdown

/// What one build of a site leaves for the next build of the same site, so that a change to one
/// page re-does only the work that change affects (`clinic-site serve` keeps one across rebuilds).
///
///     let cache = BuildCache()
///     var builder = SiteBuilder(options: options)
///     builder.cache = cache
///     let first = builder.build(sources)      // does everything, remembers it
///     let second = builder.build(edited)      // redoes what the edit affects
///
/// The result is always the one a build without a cache gives (files byte for byte, diagnostics
/// in order): a test applies a series of edits and compares after each. Every reused result is
/// keyed by everything it was computed from; where a stage reads site-wide data, the key is a
/// digest of the part of that data it can read, erring on the side of redoing work:
///
/// - **loading** a page (front matter, URL): its source file (path and text);
/// - **rendering and assembling** it: the page, the settings and the theme, the URLs of the
///   pages its `.md` links name (re-resolved when any URL changed), the price list and the shared
///   lists when it uses a shortcode (and the prices on the home page, for its JSON-LD), and the
///   navigation it shows (the menu's pages, and the children of its own URL: their titles, URLs,
///   descriptions, weights);
/// - **checking** it (links, prices): its rendered result, the settings, the price list, the set
///   of output files (any change re-checks every page), and the ids of the files its fragment
///   links point into; a page with any link problem is re-checked whenever the output changes,
///   since its suggestions read the whole site;
/// - **content rules**: its rendered result, the rule files and the date taken as today;
/// - site-wide values (settings, theme, price list, shared lists, rules, sitemap) by the
///   sources they are built from.
///
/// Digests use `Hasher` (64 bits, seeded per process); the cache never outlives the process.
/// Builds that share a cache run one at a time (the cache serializes them).
public final class BuildCache: @unchecked Sendable {
    public init() {}

    /// What the last build did, for tests and the preview's terminal line.
    public struct Statistics: Sendable, Equatable, CustomStringConvertible {
        /// Pages whose front matter was read again.
        public var loaded = 0
        /// Pages rendered and put into their template again.
        public var rendered = 0
        /// Pages whose links and prices were checked again.
        public var checked = 0
        /// Pages the content rules looked at again.
        public var ruled = 0
        /// Pages in the build.
        public var pages = 0
        /// Whether the diagnostics were sorted from scratch (rather than patched).
        public var sortedAll = false

        public var description: String {
            "\(rendered) of \(pages) pages rendered, \(checked) checked"
        }
    }

    public private(set) var statistics = Statistics()

    /// For tests only: dependencies the cache pretends not to have, to show that comparing with
    /// a full build catches a cache that misses one.
    struct Blind: Sendable, CustomStringConvertible {
        var source = false, settings = false, theme = false, urls = false, navigation = false, prices = false
        var lists = false, output = false, ids = false, rules = false, sitemap = false

        static var each: [Blind] {
            let keys: [WritableKeyPath<Blind, Bool>] = [
                \.source, \.settings, \.theme, \.urls, \.navigation, \.prices, \.lists, \.output, \.ids, \.rules, \.sitemap,
            ]
            let names = ["source", "settings", "theme", "urls", "navigation", "prices", "lists", "output", "ids", "rules", "sitemap"]
            return zip(keys, names).map { key, name in
                var blind = Blind()
                blind[keyPath: key] = true
                blind.name = name
                return blind
            }
        }

        var name = "nothing"
        var description: String { name }
    }

    var blind = Blind()

    /// Output paths whose contents differ from the previous build's, or nil when unknown
    /// (the first build, or when files were added, removed or reordered).
    public private(set) var changedFiles: [String]?

    // MARK: - Build bracket

    private let buildLock = NSLock()
    private var nextSerial = 0

    func beginBuild() {
        buildLock.lock()
        statistics = Statistics()
        current = [:]
        current.reserveCapacity(loads.count)
    }

    func endBuild() {
        buildLock.unlock()
    }

    private func serial() -> Int {
        nextSerial += 1
        return nextSerial
    }

    private static func digest<T: Hashable>(_ value: T) -> Int {
        var hasher = Hasher()
        hasher.combine(value)
        return hasher.finalize()
    }

    // MARK: - Per-page chunks of diagnostics

    /// Which entry of each stage a page's diagnostics came from in this build (0: none).
    private struct ChunkKey: Equatable {
        var load = 0
        var render = 0
        var check = 0
        var rules = 0
    }

    private struct Chunk {
        var key: ChunkKey
        var diagnostics: [Diagnostic]
    }

    /// This build's chunk keys, by source path.
    private var current: [String: ChunkKey] = [:]
    /// The last build's chunks, by source path.
    private var chunks: [String: Chunk] = [:]

    // MARK: - Stage 1: loading pages

    /// What the site-wide stages need to know of a page, worked out once when it is loaded.
    struct PageInfo: Sendable {
        var serial: Int
        /// Its place in the site: source path, URL, kind.
        var urlKey: Int
        /// What navigation shows of it: kind, URL, title, weight, description, file.
        var navKey: Int
        /// What the sitemap shows of it.
        var sitemapKey: Int
        var parentURL: String
        var declaresPrices: Bool
        var declaresLists: Bool
        /// `ignore:` front matter or an `<!-- ignore: … -->` comment.
        var hasSuppressions: Bool
    }

    private struct LoadEntry {
        var source: SourceFile
        var page: Page?
        var diagnostics: [Diagnostic]
        var info: PageInfo?
        var serial: Int
    }

    private var loads: [String: LoadEntry] = [:]

    func load(_ files: [SourceFile], parallel: Bool) -> [(Page?, [Diagnostic])] {
        var results: [(Page?, [Diagnostic])] = []
        results.reserveCapacity(files.count)
        var misses: [Int] = []
        for (i, file) in files.enumerated() {
            if let entry = loads[file.relativePath], entry.source == file || (blind.source && entry.source.relativePath == file.relativePath) {
                results.append((entry.page, entry.diagnostics))
                current[file.relativePath] = ChunkKey(load: entry.serial)
            } else {
                results.append((nil, []))
                misses.append(i)
            }
        }
        let fresh = misses.map { files[$0] }.parallelMap(parallel: parallel) { file -> LoadEntry in
            let (page, diagnostics) = PageLoader.load(file)
            return LoadEntry(source: file, page: page, diagnostics: diagnostics, info: page.map(Self.info(for:)), serial: 0)
        }
        for (k, i) in misses.enumerated() {
            var entry = fresh[k]
            entry.serial = serial()
            entry.info?.serial = entry.serial
            loads[entry.source.relativePath] = entry
            results[i] = (entry.page, entry.diagnostics)
            current[entry.source.relativePath] = ChunkKey(load: entry.serial)
        }
        if loads.count > files.count {
            let kept = Set(files.map(\.relativePath))
            loads = loads.filter { kept.contains($0.key) }
        }
        statistics.loaded = misses.count
        return results
    }

    static func info(for page: Page) -> PageInfo {
        var url = Hasher()
        url.combine(page.source.relativePath)
        url.combine(page.url)
        url.combine(page.kind)
        url.combine(page.draft)
        var nav = Hasher()
        nav.combine(page.kind)
        nav.combine(page.url)
        nav.combine(page.title)
        nav.combine(page.weight)
        nav.combine(page.description)
        nav.combine(page.source.displayPath)
        var sitemap = Hasher()
        sitemap.combine(page.url)
        sitemap.combine(page.frontMatter["sitemap"]?.bool)
        sitemap.combine(page.frontMatter["lastmod"]?.string)
        sitemap.combine(page.frontMatter["date"]?.string)
        sitemap.combine(page.frontMatter["lastmod"] == nil)
        return PageInfo(
            serial: 0, urlKey: url.finalize(), navKey: nav.finalize(), sitemapKey: sitemap.finalize(),
            parentURL: PageAssembler.parentURL(of: page.url),
            declaresPrices: page.frontMatter.entry("prices") != nil,
            declaresLists: page.frontMatter["lists"] != nil,
            hasSuppressions: page.frontMatter["ignore"] != nil || ByteSearch.contains("<!-- ignore:", in: page.source.text))
    }

    // MARK: - Stage 2: site-wide data

    /// Digests of the site-wide inputs of this build.
    struct Site: Sendable {
        var infos: [PageInfo]
        /// Settings, theme and build options.
        var env: Int
        /// Every page's and draft's source path and URL.
        var urlMap: Int
        /// What navigation shows of every page.
        var nav: Int
        /// The pages that declare prices, and lists.
        var catalog: Int
        var lists: Int
        var rules: Int
        var today: String
        var suppressions: Int
    }

    private var site: Site?

    /// Works out this build's digests; `pages` are the index's pages (duplicates dropped).
    func prepare(
        pages: [Page], drafts: [Page], sources: SiteSources, options: SiteBuilder.Options
    ) -> Site {
        let infos = pages.map { loads[$0.source.relativePath]?.info ?? Self.info(for: $0) }
        var urlMap = Hasher()
        var nav = Hasher()
        var catalog = Hasher()
        var lists = Hasher()
        var suppressions = Hasher()
        for info in infos {
            urlMap.combine(info.urlKey)
            nav.combine(info.navKey)
            if info.declaresPrices { catalog.combine(info.serial) }
            if info.declaresLists { lists.combine(info.serial) }
            if info.hasSuppressions { suppressions.combine(info.serial) }
        }
        urlMap.combine(-1)
        for draft in drafts {
            urlMap.combine(draft.source.relativePath)
            urlMap.combine(draft.url)
        }
        var env = Hasher()
        env.combine(sources.settings)
        env.combine(sources.templates)
        env.combine(options.drafts)
        let built = Site(
            infos: infos, env: env.finalize(), urlMap: urlMap.finalize(), nav: nav.finalize(),
            catalog: catalog.finalize(), lists: lists.finalize(), rules: Self.digest(sources.dataFiles),
            today: options.today, suppressions: suppressions.finalize())
        site = built
        return built
    }

    private var settingsEntry: (source: SourceFile?, value: (SiteSettings, [Diagnostic]))?

    func settings(_ source: SourceFile?) -> (SiteSettings, [Diagnostic]) {
        if let entry = settingsEntry, entry.source == source || blind.settings { return entry.value }
        let value = SiteSettings.parse(source)
        settingsEntry = (source, value)
        return value
    }

    private var themeEntry: (templates: [SourceFile], value: (Theme, [Diagnostic]))?

    func theme(_ templates: [SourceFile]) -> (Theme, [Diagnostic]) {
        if let entry = themeEntry, entry.templates == templates || blind.theme { return entry.value }
        let value = Theme.load(templates)
        themeEntry = (templates, value)
        return value
    }

    private var catalogEntry: (key: Int, value: (PriceCatalog, [Diagnostic]))?

    func catalog(_ pages: [Page], site: Site) -> (PriceCatalog, [Diagnostic]) {
        if let entry = catalogEntry, entry.key == site.catalog || blind.prices { return entry.value }
        let value = PriceCatalog.build(from: pages)
        catalogEntry = (site.catalog, value)
        return value
    }

    private var listsEntry: (key: Int, value: (DataLists, [Diagnostic]))?

    func lists(_ pages: [Page], site: Site) -> (DataLists, [Diagnostic]) {
        if let entry = listsEntry, entry.key == site.lists || blind.lists { return entry.value }
        let value = DataLists.build(from: pages)
        listsEntry = (site.lists, value)
        return value
    }

    private var rulesEntry: (files: [String: SourceFile], value: (ContentRules, [Diagnostic]))?

    func rules(_ dataFiles: [String: SourceFile]) -> (ContentRules, [Diagnostic]) {
        if let entry = rulesEntry, entry.files == dataFiles || blind.rules { return entry.value }
        let value = ContentRules.load(dataFiles)
        rulesEntry = (dataFiles, value)
        return value
    }

    private var generatedEntry: (key: Int, files: [OutputFile])?

    func generated(_ pages: [Page], settings: SiteSettings, site: Site) -> [OutputFile] {
        var key = Hasher()
        key.combine(site.env)
        for info in site.infos { key.combine(info.sitemapKey) }
        let digest = key.finalize()
        if let entry = generatedEntry, entry.key == digest || blind.sitemap { return entry.files }
        let files = Generated.siteFiles(pages: pages, settings: settings)
        generatedEntry = (digest, files)
        return files
    }

    // MARK: - Stage 3: rendering and assembling

    private struct RenderEntry {
        var pageSerial: Int
        var env: Int
        var urlMap: Int
        var nav: Int
        var navLocal: Int
        var catalog: Int
        var lists: Int
        var usesShortcodes: Bool
        var isHome: Bool
        var result: AssembledPage
        var emptiedBody: Bool
        var serial: Int
        /// The ids the page's file offers to links.
        var ids: Int
    }

    private var renders: [String: RenderEntry] = [:]
    /// The navigation digests of the last site they were worked out for.
    private var navMaps: (nav: Int, menu: Int, children: [String: Int])?
    /// This build's render entry serial and ids digest of each page (in `pages` order).
    private var renderSerials: [Int] = []
    /// Output files whose ids changed in this build.
    private var changedIDFiles: Set<String> = []
    private var idsByFile: [String: Int] = [:]

    private func navigation(_ pages: [Page], site: Site) -> (menu: Int, children: [String: Int]) {
        if let maps = navMaps, maps.nav == site.nav { return (maps.menu, maps.children) }
        var menu = Hasher()
        var children: [String: Hasher] = [:]
        for (page, info) in zip(pages, site.infos) {
            if page.kind == .home || info.parentURL == "/" { menu.combine(info.navKey) }
            if page.kind != .home { children[info.parentURL, default: Hasher()].combine(info.navKey) }
        }
        let maps = (nav: site.nav, menu: menu.finalize(), children: children.mapValues { $0.finalize() })
        navMaps = maps
        return (maps.menu, maps.children)
    }

    private static func navLocal(_ page: Page, _ maps: (menu: Int, children: [String: Int])) -> Int {
        var hasher = Hasher()
        hasher.combine(maps.menu)
        hasher.combine(maps.children[page.url] ?? 0)
        return hasher.finalize()
    }

    /// Renders and assembles the pages whose inputs changed; `makeWork` is called only when
    /// some page must be rendered.
    func assemble(
        _ pages: [Page], site: Site, index: SiteIndex, parallel: Bool,
        makeWork: () -> @Sendable (Page) -> AssembledPage
    ) -> [AssembledPage] {
        var results: [AssembledPage?] = Array(repeating: nil, count: pages.count)
        var misses: [Int] = []
        var maps: (menu: Int, children: [String: Int])?
        renderSerials = Array(repeating: 0, count: pages.count)
        for (i, page) in pages.enumerated() {
            let path = page.source.relativePath
            guard var entry = renders[path], entry.pageSerial == site.infos[i].serial, entry.env == site.env || blind.settings || blind.theme else {
                misses.append(i)
                continue
            }
            if (entry.usesShortcodes || entry.isHome) && entry.catalog != site.catalog && !blind.prices { misses.append(i); continue }
            if entry.usesShortcodes && entry.lists != site.lists && !blind.lists { misses.append(i); continue }
            var updated = false
            if entry.nav != site.nav && !blind.navigation {
                if maps == nil { maps = navigation(pages, site: site) }
                guard entry.navLocal == Self.navLocal(page, maps!) else { misses.append(i); continue }
                entry.nav = site.nav
                updated = true
            }
            if entry.urlMap != site.urlMap && !blind.urls {
                let same = entry.result.rendered.body.links.allSatisfy {
                    index.rewriteSourceLink($0.destination, from: page) == $0.renderedDestination
                }
                guard same else { misses.append(i); continue }
                entry.urlMap = site.urlMap
                updated = true
            }
            if updated { renders[path] = entry }
            var result = entry.result
            result.rendered.page = page
            if entry.emptiedBody { result.rendered.page.body = "" }
            results[i] = result
            renderSerials[i] = entry.serial
            current[path]?.render = entry.serial
        }
        changedIDFiles = []
        if !misses.isEmpty {
            let work = makeWork()
            let fresh = misses.map { pages[$0] }.parallelMap(parallel: parallel, work)
            if maps == nil { maps = navigation(pages, site: site) }
            for (k, i) in misses.enumerated() {
                let page = pages[i]
                let result = fresh[k]
                let ids = Self.digest(Set(result.rendered.body.ids + result.chrome.ids + result.rawBodyIDs))
                let entry = RenderEntry(
                    pageSerial: site.infos[i].serial, env: site.env, urlMap: site.urlMap, nav: site.nav,
                    navLocal: Self.navLocal(page, maps!), catalog: site.catalog, lists: site.lists,
                    usesShortcodes: !result.rendered.body.shortcodes.isEmpty, isHome: page.kind == .home,
                    result: result, emptiedBody: result.rendered.page.body.isEmpty, serial: serial(), ids: ids)
                renders[page.source.relativePath] = entry
                results[i] = result
                renderSerials[i] = entry.serial
                current[page.source.relativePath]?.render = entry.serial
                if idsByFile[page.outputPath] != ids {
                    changedIDFiles.insert(page.outputPath)
                    idsByFile[page.outputPath] = ids
                }
            }
        }
        if renders.count > pages.count {
            let kept = Set(pages.map(\.source.relativePath))
            renders = renders.filter { kept.contains($0.key) }
        }
        statistics.rendered = misses.count
        statistics.pages = pages.count
        return results.map { $0! }
    }

    // MARK: - Stage 5: links and prices

    private struct CheckEntry {
        var renderSerial: Int
        var env: Int
        var catalog: Int
        var membership: Int
        /// Output files whose ids the page's links read.
        var fragmentFiles: [String]
        /// A page with a link problem: its suggestions read the whole site.
        var dependsOnAll: Bool
        var diagnostics: [Diagnostic]
        var chrome: [LinkChecker.TemplateLinkProblem]
        /// Whether some text of its template output has a price problem.
        var flagged: Bool
        var serial: Int
    }

    private var checks: [String: CheckEntry] = [:]

    /// The template problems of every page, and the pages whose template text has a price
    /// problem (the only ones `checkTemplatePrices` reports on), in page order.
    struct Checked {
        var templateProblems: [LinkChecker.TemplateLinkProblem] = []
        var templateOfPage: [String: String] = [:]
        var flaggedPages: [AssembledPage] = []
    }

    func check(
        _ pages: [AssembledPage], files: [OutputFile], output: OutputIndex, site: Site, settings: SiteSettings,
        checker: LinkChecker, priceChecker: PriceChecker, parallel: Bool
    ) -> Checked {
        var membership = Hasher()
        membership.combine(site.urlMap)
        for file in files { membership.combine(file.path) }
        let outputDigest = membership.finalize()
        var misses: [Int] = []
        var checked = Checked()
        var entries: [CheckEntry?] = Array(repeating: nil, count: pages.count)
        for (i, page) in pages.enumerated() {
            let path = page.page.source.relativePath
            guard let entry = checks[path], entry.renderSerial == renderSerials[i], entry.env == site.env || blind.settings,
                entry.catalog == site.catalog || blind.prices, entry.membership == outputDigest || blind.output
            else {
                misses.append(i)
                continue
            }
            if !changedIDFiles.isEmpty, !blind.ids, entry.dependsOnAll || entry.fragmentFiles.contains(where: changedIDFiles.contains) {
                misses.append(i)
                continue
            }
            entries[i] = entry
        }
        if !misses.isEmpty {
            let allowed = Set(settings.allowedSchemes)
            let fresh = misses.map { pages[$0] }.parallelMap(parallel: parallel) { page -> CheckEntry in
                let body = checker.checkBody(page)
                let chrome = checker.checkChrome(page)
                var fragmentFiles: [String] = []
                let hrefs = page.rendered.body.links.map(\.renderedDestination) + page.chrome.links.map(\.value)
                for href in hrefs {
                    switch LinkResolver.resolve(href, from: page.page.url, allowedSchemes: allowed) {
                    case .samePage: fragmentFiles.append(page.page.outputPath)
                    case .local(let path, let fragment) where fragment != nil:
                        if let file = output.file(for: path) { fragmentFiles.append(file) }
                    default: break
                    }
                }
                let flagged = page.chrome.texts.contains { text in
                    !priceChecker.check(PriceChecker.Unit(text: text.text, splitSentences: true) { _ in SourcePosition(file: "") }).isEmpty
                }
                return CheckEntry(
                    renderSerial: 0, env: 0, catalog: 0, membership: 0, fragmentFiles: Array(Set(fragmentFiles)),
                    dependsOnAll: !body.isEmpty || !chrome.isEmpty, diagnostics: body + SiteBuilder.checkPrices(page, with: priceChecker),
                    chrome: chrome, flagged: flagged, serial: 0)
            }
            for (k, i) in misses.enumerated() {
                var entry = fresh[k]
                entry.renderSerial = renderSerials[i]
                entry.env = site.env
                entry.catalog = site.catalog
                entry.membership = outputDigest
                entry.serial = serial()
                checks[pages[i].page.source.relativePath] = entry
                entries[i] = entry
            }
        }
        for (i, entry) in entries.enumerated() {
            let entry = entry!
            let page = pages[i]
            current[page.page.source.relativePath]?.check = entry.serial
            if !entry.chrome.isEmpty {
                checked.templateProblems += entry.chrome
                checked.templateOfPage[page.page.source.displayPath] = page.template
            }
            if entry.flagged { checked.flaggedPages.append(page) }
        }
        if checks.count > pages.count {
            let kept = Set(pages.map(\.page.source.relativePath))
            checks = checks.filter { kept.contains($0.key) }
        }
        statistics.checked = misses.count
        return checked
    }

    // MARK: - Stage 6: content rules

    private struct RulesEntry {
        var renderSerial: Int
        var rules: Int
        var today: String
        var diagnostics: [Diagnostic]
        var serial: Int
    }

    private var ruled: [String: RulesEntry] = [:]

    func checkRules(_ pages: [AssembledPage], rules: ContentRules, site: Site, parallel: Bool) {
        var misses: [Int] = []
        for (i, page) in pages.enumerated() {
            let path = page.page.source.relativePath
            if let entry = ruled[path], entry.renderSerial == renderSerials[i], entry.rules == site.rules || blind.rules, entry.today == site.today {
                current[path]?.rules = entry.serial
            } else {
                misses.append(i)
            }
        }
        let today = site.today
        let fresh = misses.map { pages[$0] }.parallelMap(parallel: parallel) { rules.check([$0], today: today) }
        for (k, i) in misses.enumerated() {
            let path = pages[i].page.source.relativePath
            let entry = RulesEntry(renderSerial: renderSerials[i], rules: site.rules, today: today, diagnostics: fresh[k], serial: serial())
            ruled[path] = entry
            current[path]?.rules = entry.serial
        }
        if ruled.count > pages.count {
            let kept = Set(pages.map(\.page.source.relativePath))
            ruled = ruled.filter { kept.contains($0.key) }
        }
        statistics.ruled = misses.count
    }

    // MARK: - The report

    private var lastGlobal: [Diagnostic] = []
    private var lastSuppressions: Int?
    private var lastSorted: [Diagnostic] = []

    /// Every diagnostic of the build, filtered by the authors' `ignore` markers and sorted as
    /// `sortedForReport` sorts: the last build's list, patched where pages' diagnostics changed.
    /// `global` holds what the site-wide stages reported; the per-page ones the cache holds.
    func report(global: [Diagnostic], pages: [Page], site: Site) -> [Diagnostic] {
        let suppressions = Suppressions(pages: zip(pages, site.infos).filter { $0.1.hasSuppressions }.map(\.0))
        var removed: [Diagnostic] = []
        var added: [Diagnostic] = []
        var next: [String: Chunk] = [:]
        next.reserveCapacity(current.count)
        for (path, key) in current {
            if let old = chunks[path], old.key == key {
                next[path] = old
                continue
            }
            var diagnostics = loads[path]?.diagnostics ?? []
            if key.render != 0, let entry = renders[path] {
                diagnostics += entry.result.rendered.diagnostics
                diagnostics += entry.result.diagnostics
            }
            if key.check != 0, let entry = checks[path] { diagnostics += entry.diagnostics }
            if key.rules != 0, let entry = ruled[path] { diagnostics += entry.diagnostics }
            if let old = chunks[path] {
                if old.diagnostics != diagnostics {
                    removed += old.diagnostics
                    added += diagnostics
                }
            } else {
                added += diagnostics
            }
            next[path] = Chunk(key: key, diagnostics: diagnostics)
        }
        for (path, old) in chunks where next[path] == nil { removed += old.diagnostics }
        if global != lastGlobal {
            removed += lastGlobal
            added += global
        }
        chunks = next
        lastGlobal = global

        let patchable = lastSuppressions == site.suppressions && removed.count + added.count < 4096
        lastSuppressions = site.suppressions
        if patchable {
            lastSorted = Self.patch(lastSorted, removing: suppressions.filter(removed), adding: suppressions.filter(added))
        } else {
            var all = global
            for chunk in chunks.values { all += chunk.diagnostics }
            lastSorted = suppressions.filter(all).sortedForReport()
            statistics.sortedAll = true
        }
        return lastSorted
    }

    /// The order of `sortedForReport`.
    static func precedes(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.position, a.severity, a.code, a.message) < (b.position, b.severity, b.code, b.message)
    }

    /// `sorted` without `removing` (each once) and with `adding`, still sorted.
    static func patch(_ sorted: [Diagnostic], removing: [Diagnostic], adding: [Diagnostic]) -> [Diagnostic] {
        if removing.isEmpty && adding.isEmpty { return sorted }
        var drop = Set<Int>()
        for d in removing {
            // The first element not before `d`, then along the run of equal keys.
            var low = 0
            var high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if precedes(sorted[mid], d) { low = mid + 1 } else { high = mid }
            }
            var i = low
            while i < sorted.count, !precedes(d, sorted[i]) {
                if sorted[i] == d, !drop.contains(i) {
                    drop.insert(i)
                    break
                }
                i += 1
            }
        }
        let insert = adding.sortedForReport()
        var result: [Diagnostic] = []
        result.reserveCapacity(sorted.count - drop.count + insert.count)
        var j = 0
        for (i, d) in sorted.enumerated() where !drop.contains(i) {
            while j < insert.count, precedes(insert[j], d) {
                result.append(insert[j])
                j += 1
            }
            result.append(d)
        }
        result.append(contentsOf: insert[j...])
        return result
    }

    // MARK: - Files

    private var lastPaths: [String] = []
    private var lastFiles: [OutputFile] = []
    private var lastOrder: [Int] = []

    /// `files` sorted by path, reusing the last build's order when the paths are the same.
    func sortFiles(_ files: [OutputFile]) -> [OutputFile] {
        let paths = files.map(\.path)
        if paths == lastPaths {
            var changed: [String] = []
            for (new, old) in zip(files, lastFiles) where !Self.same(new.contents, old.contents) { changed.append(new.path) }
            changedFiles = changed
        } else {
            lastOrder = files.indices.sorted { files[$0].path < files[$1].path }
            lastPaths = paths
            changedFiles = nil
        }
        lastFiles = files
        return lastOrder.map { files[$0] }
    }

    static func same(_ a: OutputFile.Contents, _ b: OutputFile.Contents) -> Bool {
        switch (a, b) {
        case (.text(let x), .text(let y)): return x == y
        case (.copy(let x), .copy(let y)): return x == y
        default: return false
        }
    }
}
