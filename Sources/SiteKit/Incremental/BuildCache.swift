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
        var lists = false, output = false, ids = false, rules = false, sitemap = false, index = false

        static var each: [Blind] {
            let keys: [WritableKeyPath<Blind, Bool>] = [
                \.source, \.settings, \.theme, \.urls, \.navigation, \.prices, \.lists, \.output, \.ids, \.rules, \.sitemap, \.index,
            ]
            let names = ["source", "settings", "theme", "urls", "navigation", "prices", "lists", "output", "ids", "rules", "sitemap", "index"]
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
        dirty = []
        missed = []
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

    /// Source paths whose diagnostics may differ from the last build's: a stage redid the page,
    /// or the page left a stage (a draft now, a duplicate URL, deleted).
    private var dirty: Set<String> = []
    /// The last build's diagnostics of each page, by source path.
    private var chunks: [String: [Diagnostic]] = [:]

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
        /// The source it was worked out from (to tell it apart from another version).
        var relativePath: String
        var text: String
        /// What the index reads of it: source path and file, URL, aliases.
        var indexKey: Int
        var declaresPrices: Bool
        var declaresLists: Bool
        /// `ignore:` front matter or an `<!-- ignore: … -->` comment.
        var hasSuppressions: Bool
    }

    private final class LoadEntry: @unchecked Sendable {
        let source: SourceFile
        let page: Page?
        let diagnostics: [Diagnostic]
        var info: PageInfo?

        init(source: SourceFile, page: Page?, diagnostics: [Diagnostic], info: PageInfo?) {
            self.source = source
            self.page = page
            self.diagnostics = diagnostics
            self.info = info
        }
    }

    private var loads: [String: LoadEntry] = [:]

    /// The last build's files and results, in order: when the list of files is the same, each
    /// is compared with the one at its place, and the results are updated in place.
    private var lastLoadFiles: [SourceFile] = []
    private var lastLoadResults: [(Page?, [Diagnostic])] = []

    func load(_ files: [SourceFile], parallel: Bool) -> [(Page?, [Diagnostic])] {
        var results: [(Page?, [Diagnostic])] = []
        var misses: [Int] = []
        if files.count == lastLoadFiles.count, zip(files, lastLoadFiles).allSatisfy({ $0.relativePath == $1.relativePath }) {
            swap(&results, &lastLoadResults)
            for (i, (file, last)) in zip(files, lastLoadFiles).enumerated() where !(file == last || blind.source) { misses.append(i) }
        } else {
            results.reserveCapacity(files.count)
            for (i, file) in files.enumerated() {
                if let entry = loads[file.relativePath], entry.source == file || (blind.source && entry.source.relativePath == file.relativePath) {
                    results.append((entry.page, entry.diagnostics))
                } else {
                    results.append((nil, []))
                    misses.append(i)
                }
            }
        }
        let fresh = misses.map { files[$0] }.parallelMap(parallel: parallel) { file -> LoadEntry in
            let (page, diagnostics) = PageLoader.load(file)
            return LoadEntry(source: file, page: page, diagnostics: diagnostics, info: page.map(Self.info(for:)))
        }
        for (k, i) in misses.enumerated() {
            let entry = fresh[k]
            entry.info?.serial = serial()
            loads[entry.source.relativePath] = entry
            results[i] = (entry.page, entry.diagnostics)
            dirty.insert(entry.source.relativePath)
        }
        if loads.count > files.count {
            let kept = Set(files.map(\.relativePath))
            for path in loads.keys where !kept.contains(path) { dirty.insert(path) }
            loads = loads.filter { kept.contains($0.key) }
        }
        statistics.loaded = misses.count
        lastLoadFiles = files
        lastLoadResults = results
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
        var index = Hasher()
        index.combine(page.source.relativePath)
        index.combine(page.source.displayPath)
        index.combine(page.url)
        // Where a duplicate URL is reported: the `slug:` or `url:` that chose it, else the file.
        index.combine(page.frontMatter["slug"]?.position)
        index.combine(page.frontMatter["url"]?.position)
        for alias in page.aliases {
            index.combine(alias.url)
            index.combine(alias.position)
        }
        return PageInfo(
            serial: 0, urlKey: url.finalize(), navKey: nav.finalize(), sitemapKey: sitemap.finalize(),
            parentURL: PageAssembler.parentURL(of: page.url), relativePath: page.source.relativePath, text: page.source.text,
            indexKey: index.finalize(),
            declaresPrices: page.frontMatter.entry("prices") != nil,
            declaresLists: page.frontMatter["lists"] != nil,
            hasSuppressions: page.frontMatter["ignore"] != nil || ByteSearch.contains("<!-- ignore:", in: page.source.text))
    }

    // MARK: - Stage 2: site-wide data

    private struct IndexEntry {
        var key: Int
        /// Which loaded pages the index kept, and the aliases it kept where it dropped some.
        var kept: [Bool]
        var aliases: [Int: [(url: String, position: SourcePosition)]]
        var diagnostics: [Diagnostic]
    }

    private var indexEntry: IndexEntry?

    private func indexKey(_ loaded: [Page], drafts: [Page]) -> Int {
        var hasher = Hasher()
        for page in loaded { hasher.combine(loads[page.source.relativePath]?.info?.indexKey ?? Self.info(for: page).indexKey) }
        hasher.combine(-1)
        for draft in drafts {
            hasher.combine(draft.source.relativePath)
            hasher.combine(draft.url)
        }
        return hasher.finalize()
    }

    /// The pages `SiteIndex` keeps (duplicate URLs dropped, aliases filtered) and its
    /// diagnostics, when every page's source path, URL and aliases are the last build's.
    func reuseIndex(_ loaded: [Page], drafts: [Page]) -> (pages: [Page], diagnostics: [Diagnostic])? {
        guard let entry = indexEntry, entry.kept.count == loaded.count, entry.key == indexKey(loaded, drafts: drafts) || blind.index else { return nil }
        var pages: [Page] = []
        swap(&pages, &lastKept)
        let inPlace = pages.count == entry.kept.count { $0 }
        if !inPlace {
            pages = []
            pages.reserveCapacity(loaded.count)
        }
        var k = 0
        for (i, page) in loaded.enumerated() where entry.kept[i] {
            if inPlace, pages[k].source == page.source {
                k += 1
                continue
            }
            var page = page
            if let aliases = entry.aliases[i] { page.aliases = aliases }
            if inPlace { pages[k] = page } else { pages.append(page) }
            k += 1
        }
        lastKept = pages
        return (pages, entry.diagnostics)
    }

    /// The pages the index kept in the last build (to update in place).
    private var lastKept: [Page] = []

    func rememberIndex(loaded: [Page], drafts: [Page], kept: [Page], diagnostics: [Diagnostic]) {
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
        indexEntry = IndexEntry(key: indexKey(loaded, drafts: drafts), kept: mask, aliases: aliases, diagnostics: diagnostics)
        lastKept = kept
    }

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
    private var lastInfos: [PageInfo] = []

    /// Works out this build's digests; `pages` are the index's pages (duplicates dropped).
    func prepare(
        pages: [Page], drafts: [Page], sources: SiteSources, options: SiteBuilder.Options, images: Int = 0
    ) -> Site {
        var infos: [PageInfo] = []
        if pages.count == lastInfos.count {
            swap(&infos, &lastInfos)
            for (i, page) in pages.enumerated() where infos[i].relativePath != page.source.relativePath || infos[i].text != page.source.text {
                infos[i] = loads[page.source.relativePath]?.info ?? Self.info(for: page)
            }
        } else {
            infos = pages.map { loads[$0.source.relativePath]?.info ?? Self.info(for: $0) }
        }
        lastInfos = infos
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
        // Relative links to copied files are rewritten to the file's URL: which files exist is
        // part of what a page's links resolve to.
        for file in sources.staticFiles { urlMap.combine(file.outputPath) }
        urlMap.combine(-2)
        for draft in drafts {
            urlMap.combine(draft.source.relativePath)
            urlMap.combine(draft.url)
        }
        var env = Hasher()
        env.combine(sources.settings)
        env.combine(sources.templates)
        env.combine(options.drafts)
        // Every image's variants and problems: pages show them, links check them, the output lists them.
        env.combine(images)
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

    private var themeEntry: (templates: [SourceFile], readErrors: [Diagnostic], value: (Theme, [Diagnostic]))?

    /// The theme `load` makes from the templates (and what reading the sources reported, which
    /// the theme's checks may read).
    func theme(_ templates: [SourceFile], readErrors: [Diagnostic], load: () -> (Theme, [Diagnostic])) -> (Theme, [Diagnostic]) {
        if let entry = themeEntry, (entry.templates == templates && entry.readErrors == readErrors) || blind.theme { return entry.value }
        let value = load()
        themeEntry = (templates, readErrors, value)
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

    private final class RenderEntry: @unchecked Sendable {
        let pageSerial: Int
        let env: Int
        var urlMap: Int
        var nav: Int
        let navLocal: Int
        let catalog: Int
        let lists: Int
        let usesShortcodes: Bool
        let isHome: Bool
        let result: AssembledPage
        let emptiedBody: Bool
        let serial: Int

        init(
            pageSerial: Int, env: Int, urlMap: Int, nav: Int, navLocal: Int, catalog: Int, lists: Int, usesShortcodes: Bool,
            isHome: Bool, result: AssembledPage, emptiedBody: Bool, serial: Int
        ) {
            self.pageSerial = pageSerial
            self.env = env
            self.urlMap = urlMap
            self.nav = nav
            self.navLocal = navLocal
            self.catalog = catalog
            self.lists = lists
            self.usesShortcodes = usesShortcodes
            self.isHome = isHome
            self.result = result
            self.emptiedBody = emptiedBody
            self.serial = serial
        }
    }

    private var renders: [String: RenderEntry] = [:]
    private var lastAssembled: [AssembledPage] = []
    private var lastSerials: [Int] = []
    /// The navigation digests of the last site they were worked out for.
    private var navMaps: (nav: Int, menu: Int, children: [String: Int])?
    /// This build's render entry serial of each page (in `pages` order).
    private var renderSerials: [Int] = []
    /// The pages (indices in `pages`) rendered again in this build.
    private var missed: [Int] = []
    /// Output files whose ids changed in this build.
    private var changedIDFiles: Set<String> = []
    /// The renderer and assembler of the last build that needed one, and what they were made from.
    private var workEntry: (key: [Int], work: @Sendable (Page) -> AssembledPage)?

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

    /// Renders and assembles the pages whose inputs changed. `makeWork` makes the renderer and
    /// assembler; it is called only when some page must be rendered and what they are made from
    /// (settings, theme, URLs, navigation, prices, lists) differs from the last time.
    func assemble(
        _ pages: [Page], site: Site, index: () -> SiteIndex, parallel: Bool,
        makeWork: () -> @Sendable (Page) -> AssembledPage
    ) -> [AssembledPage] {
        var misses: [Int] = []
        var hits: [RenderEntry?] = Array(repeating: nil, count: pages.count)
        var maps: (menu: Int, children: [String: Int])?
        renderSerials = Array(repeating: 0, count: pages.count)
        for (i, page) in pages.enumerated() {
            let path = page.source.relativePath
            guard let entry = renders[path], entry.pageSerial == site.infos[i].serial, entry.env == site.env || blind.settings || blind.theme else {
                misses.append(i)
                continue
            }
            if (entry.usesShortcodes || entry.isHome) && entry.catalog != site.catalog && !blind.prices { misses.append(i); continue }
            if entry.usesShortcodes && entry.lists != site.lists && !blind.lists { misses.append(i); continue }
            if entry.nav != site.nav && !blind.navigation {
                if maps == nil { maps = navigation(pages, site: site) }
                guard entry.navLocal == Self.navLocal(page, maps!) else { misses.append(i); continue }
                entry.nav = site.nav
            }
            if entry.urlMap != site.urlMap && !blind.urls {
                let siteIndex = index()
                let same = entry.result.rendered.body.links.allSatisfy {
                    siteIndex.rewriteSourceLink($0.destination, from: page) == $0.renderedDestination
                }
                guard same else { misses.append(i); continue }
                entry.urlMap = site.urlMap
            }
            hits[i] = entry
            renderSerials[i] = entry.serial
        }
        changedIDFiles = []
        var fresh: [AssembledPage] = []
        if !misses.isEmpty {
            let key = [site.env, site.urlMap, site.nav, site.catalog, site.lists]
            let work: @Sendable (Page) -> AssembledPage
            if let entry = workEntry, entry.key == key {
                work = entry.work
            } else {
                work = makeWork()
                workEntry = (key, work)
            }
            fresh = misses.map { pages[$0] }.parallelMap(parallel: parallel, work)
            if maps == nil { maps = navigation(pages, site: site) }
            for (k, i) in misses.enumerated() {
                let page = pages[i]
                let result = fresh[k]
                let entry = RenderEntry(
                    pageSerial: site.infos[i].serial, env: site.env, urlMap: site.urlMap, nav: site.nav,
                    navLocal: Self.navLocal(page, maps!), catalog: site.catalog, lists: site.lists,
                    usesShortcodes: !result.rendered.body.shortcodes.isEmpty, isHome: page.kind == .home,
                    result: result, emptiedBody: result.rendered.page.body.isEmpty, serial: serial())
                let old = renders[page.source.relativePath]
                let oldIDs = old.map { Set($0.result.rendered.body.ids + $0.result.chrome.ids + $0.result.rawBodyIDs) }
                if oldIDs != Set(result.rendered.body.ids + result.chrome.ids + result.rawBodyIDs) { changedIDFiles.insert(page.outputPath) }
                if let old, old.result.page.outputPath != page.outputPath { changedIDFiles.insert(old.result.page.outputPath) }
                renders[page.source.relativePath] = entry
                renderSerials[i] = entry.serial
                dirty.insert(page.source.relativePath)
            }
        }
        // The last build's list, updated in place where the same entry sits at the same place.
        var results: [AssembledPage] = []
        swap(&results, &lastAssembled)
        let inPlace = results.count == pages.count && lastSerials.count == pages.count
        if !inPlace {
            results = []
            results.reserveCapacity(pages.count)
        }
        var next = 0
        for (i, page) in pages.enumerated() {
            let result: AssembledPage
            if let entry = hits[i] {
                let plain = page.aliases.isEmpty && entry.result.rendered.page.aliases.isEmpty
                if inPlace, plain, lastSerials[i] == entry.serial { continue }
                if plain {
                    // The same page (same source): only the aliases the index kept can differ.
                    result = entry.result
                } else {
                    var substituted = entry.result
                    substituted.rendered.page = page
                    if entry.emptiedBody { substituted.rendered.page.body = "" }
                    result = substituted
                }
            } else {
                result = fresh[next]
                next += 1
            }
            if inPlace { results[i] = result } else { results.append(result) }
        }
        lastAssembled = results
        lastSerials = renderSerials
        missed = misses
        if renders.count > pages.count {
            let kept = Set(pages.map(\.source.relativePath))
            for path in renders.keys where !kept.contains(path) { dirty.insert(path) }
            renders = renders.filter { kept.contains($0.key) }
        }
        statistics.rendered = misses.count
        statistics.pages = pages.count
        return results
    }

    // MARK: - Stage 4: the output files

    private struct OutputEntry {
        var shape: Int
        var files: [OutputFile]
        var index: OutputIndex
        var conflicts: [Diagnostic]
        /// The index in `files` of each page's own file (-1 when another page owns its path).
        var pageFiles: [Int]
        var generatedFrom: Int
    }

    private var outputEntry: OutputEntry?
    /// A digest of every output path and where it comes from, for the link checks.
    private var outputShape = 0

    private func shape(_ pages: [AssembledPage], staticFiles: [StaticFile], generated: [OutputFile], site: Site) -> Int {
        var hasher = Hasher()
        hasher.combine(site.urlMap)
        hasher.combine(site.env)
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
    func reuseOutput(_ pages: [AssembledPage], staticFiles: [StaticFile], generated: [OutputFile], site: Site) -> (files: [OutputFile], index: OutputIndex, conflicts: [Diagnostic])? {
        let digest = shape(pages, staticFiles: staticFiles, generated: generated, site: site)
        outputShape = digest
        guard var entry = outputEntry, entry.shape == digest, entry.pageFiles.count == pages.count else { return nil }
        for i in missed {
            let page = pages[i]
            let at = entry.pageFiles[i]
            guard at >= 0 else { continue }
            let ids = page.rendered.body.ids + page.chrome.ids + page.rawBodyIDs
            guard Set(ids).isSuperset(of: entry.index.ids[page.page.outputPath] ?? []) || blind.ids else { return nil }
            entry.files[at] = OutputFile(path: page.page.outputPath, contents: .text(page.html))
            entry.index.addFile(page.page.outputPath, ids: ids)
        }
        var generatedFiles = generated.makeIterator()
        for at in entry.generatedFrom..<entry.files.count {
            while let file = generatedFiles.next() {
                if file.path == entry.files[at].path {
                    entry.files[at] = file
                    break
                }
            }
        }
        outputEntry = entry
        return (entry.files, entry.index, entry.conflicts)
    }

    func rememberOutput(files: [OutputFile], index: OutputIndex, conflicts: [Diagnostic], generatedFrom: Int, assembled: [AssembledPage]) {
        var pageFiles: [Int] = []
        pageFiles.reserveCapacity(assembled.count)
        var k = 0
        for page in assembled {
            if k < generatedFrom, files[k].path == page.page.outputPath {
                pageFiles.append(k)
                k += 1
            } else {
                pageFiles.append(-1)
            }
            for alias in page.page.aliases where k < generatedFrom && files[k].path == PageLoader.outputPath(for: alias.url) { k += 1 }
        }
        outputEntry = OutputEntry(
            shape: outputShape, files: files, index: index, conflicts: conflicts, pageFiles: pageFiles, generatedFrom: generatedFrom)
    }

    // MARK: - Stage 5: links and prices

    private final class CheckEntry: Sendable {
        let renderSerial: Int
        let env: Int
        let catalog: Int
        /// The output files and paths (`outputShape`) the links were checked against; moves on
        /// when they changed but not where this page looks.
        nonisolated(unsafe) var membership: Int
        /// Every local path the page's links name, and the output file it resolved to.
        let lookups: [(path: String, file: String?)]
        /// Output files whose ids the page's links read.
        let fragmentFiles: [String]
        /// A page with a link problem: its suggestions read the whole site.
        let dependsOnAll: Bool
        let diagnostics: [Diagnostic]
        let chrome: [LinkChecker.TemplateLinkProblem]
        /// Whether some text of its template output has a price problem.
        let flagged: Bool

        init(
            renderSerial: Int, env: Int, catalog: Int, membership: Int, lookups: [(path: String, file: String?)],
            fragmentFiles: [String], dependsOnAll: Bool, diagnostics: [Diagnostic], chrome: [LinkChecker.TemplateLinkProblem], flagged: Bool
        ) {
            self.renderSerial = renderSerial
            self.env = env
            self.catalog = catalog
            self.membership = membership
            self.lookups = lookups
            self.fragmentFiles = fragmentFiles
            self.dependsOnAll = dependsOnAll
            self.diagnostics = diagnostics
            self.chrome = chrome
            self.flagged = flagged
        }
    }

    private var checks: [String: CheckEntry] = [:]
    /// The output index the last build's links were checked against.
    private var lastOutputIndex: OutputIndex?

    /// The template problems of every page, and the pages whose template text has a price
    /// problem (the only ones `checkTemplatePrices` reports on), in page order.
    struct Checked {
        var templateProblems: [LinkChecker.TemplateLinkProblem] = []
        var templateOfPage: [String: String] = [:]
        var flaggedPages: [AssembledPage] = []
    }

    func check(
        _ pages: [AssembledPage], output: OutputIndex, site: Site, settings: SiteSettings,
        checker: LinkChecker, priceChecker: PriceChecker, parallel: Bool
    ) -> Checked {
        let membership = outputShape
        var resolved: [String: String?] = [:]
        var changes: Set<String>?
        /// Output files whose ids differ from the last build's (worked out once, when needed).
        func outputChanges() -> Set<String> {
            if let changes { return changes }
            var found = changedIDFiles
            if let last = lastOutputIndex {
                for (file, ids) in output.ids where last.ids[file] != ids { found.insert(file) }
                for file in last.ids.keys where output.ids[file] == nil { found.insert(file) }
            } else {
                found.formUnion(output.files)
            }
            changes = found
            return found
        }
        var misses: [Int] = []
        var checked = Checked()
        var entries: [CheckEntry?] = Array(repeating: nil, count: pages.count)
        for (i, page) in pages.enumerated() {
            let path = page.page.source.relativePath
            guard let entry = checks[path], entry.renderSerial == renderSerials[i], entry.env == site.env || blind.settings,
                entry.catalog == site.catalog || blind.prices
            else {
                misses.append(i)
                continue
            }
            if entry.membership != membership && !blind.output {
                // Files came or went: still valid when every path the page's links name resolves
                // as before and no file whose ids it reads changed. A page with a link problem
                // reads the whole site (its suggestions), so it is checked again.
                if entry.dependsOnAll || !outputChanges().isEmpty && entry.fragmentFiles.contains(where: outputChanges().contains) {
                    misses.append(i)
                    continue
                }
                let same = entry.lookups.allSatisfy { lookup in
                    if let known = resolved[lookup.path] { return known == lookup.file }
                    let file = output.file(for: lookup.path)
                    resolved[lookup.path] = .some(file)
                    return file == lookup.file
                }
                guard same else {
                    misses.append(i)
                    continue
                }
                entry.membership = membership
            }
            if !changedIDFiles.isEmpty, !blind.ids, entry.dependsOnAll || entry.fragmentFiles.contains(where: changedIDFiles.contains) {
                misses.append(i)
                continue
            }
            entries[i] = entry
        }
        if !misses.isEmpty {
            let allowed = Set(settings.allowedSchemes)
            let env = site.env
            let catalog = site.catalog
            let serials = misses.map { renderSerials[$0] }
            let fresh = misses.indices.map { (pages[misses[$0]], serials[$0]) }.parallelMap(parallel: parallel) { page, serial -> CheckEntry in
                let body = checker.checkBody(page)
                let chrome = checker.checkChrome(page)
                var fragmentFiles: Set<String> = []
                var lookups: [(path: String, file: String?)] = []
                var seen = Set<String>()
                let hrefs = page.rendered.body.links.map(\.renderedDestination) + page.chrome.links.map(\.value)
                for href in hrefs {
                    switch LinkResolver.resolve(href, from: page.page.url, allowedSchemes: allowed) {
                    case .samePage: fragmentFiles.insert(page.page.outputPath)
                    case .local(let path, let fragment):
                        let file = output.file(for: path)
                        if seen.insert(path).inserted { lookups.append((path, file)) }
                        if fragment != nil, let file { fragmentFiles.insert(file) }
                    default: break
                    }
                }
                let flagged = SiteBuilder.templateTextHasPriceProblem(page, with: priceChecker)
                return CheckEntry(
                    renderSerial: serial, env: env, catalog: catalog, membership: membership, lookups: lookups, fragmentFiles: Array(fragmentFiles),
                    dependsOnAll: !body.isEmpty || !chrome.isEmpty, diagnostics: body + SiteBuilder.checkPrices(page, with: priceChecker),
                    chrome: chrome, flagged: flagged)
            }
            for (k, i) in misses.enumerated() {
                let path = pages[i].page.source.relativePath
                checks[path] = fresh[k]
                entries[i] = fresh[k]
                dirty.insert(path)
            }
        }
        for (i, entry) in entries.enumerated() {
            guard let entry, !entry.chrome.isEmpty || entry.flagged else { continue }
            let page = pages[i]
            if !entry.chrome.isEmpty {
                checked.templateProblems += entry.chrome
                checked.templateOfPage[page.page.source.displayPath] = page.template
            }
            if entry.flagged { checked.flaggedPages.append(page) }
        }
        if checks.count > pages.count {
            let kept = Set(pages.map(\.page.source.relativePath))
            for path in checks.keys where !kept.contains(path) { dirty.insert(path) }
            checks = checks.filter { kept.contains($0.key) }
        }
        statistics.checked = misses.count
        lastOutputIndex = output
        return checked
    }

    // MARK: - Stage 6: content rules

    private final class RulesEntry {
        let renderSerial: Int
        let rules: Int
        let today: String
        let diagnostics: [Diagnostic]

        init(renderSerial: Int, rules: Int, today: String, diagnostics: [Diagnostic]) {
            self.renderSerial = renderSerial
            self.rules = rules
            self.today = today
            self.diagnostics = diagnostics
        }
    }

    private var ruled: [String: RulesEntry] = [:]

    func checkRules(_ pages: [AssembledPage], rules: ContentRules, site: Site, parallel: Bool) {
        var misses: [Int] = []
        for (i, page) in pages.enumerated() {
            let path = page.page.source.relativePath
            if let entry = ruled[path], entry.renderSerial == renderSerials[i], entry.rules == site.rules || blind.rules, entry.today == site.today {
                continue
            }
            misses.append(i)
        }
        let today = site.today
        let fresh = misses.map { pages[$0] }.parallelMap(parallel: parallel) { rules.check([$0], today: today) }
        for (k, i) in misses.enumerated() {
            let path = pages[i].page.source.relativePath
            ruled[path] = RulesEntry(renderSerial: renderSerials[i], rules: site.rules, today: today, diagnostics: fresh[k])
            dirty.insert(path)
        }
        if ruled.count > pages.count {
            let kept = Set(pages.map(\.page.source.relativePath))
            for path in ruled.keys where !kept.contains(path) { dirty.insert(path) }
            ruled = ruled.filter { kept.contains($0.key) }
        }
        statistics.ruled = misses.count
    }

    // MARK: - The report

    private var lastGlobal: [Diagnostic] = []
    private var lastSuppressions: Int?
    private var lastSorted: [Diagnostic] = []
    /// Whether the last report differs from the one before.
    public private(set) var diagnosticsChanged = true

    /// Every diagnostic of the build, filtered by the authors' `ignore` markers and sorted as
    /// `sortedForReport` sorts: the last build's list, patched where pages' diagnostics changed.
    /// `global` holds what the site-wide stages reported; the per-page ones the cache holds.
    func report(global: [Diagnostic], pages: [Page], site: Site) -> [Diagnostic] {
        var removed: [Diagnostic] = []
        var added: [Diagnostic] = []
        for path in dirty {
            var diagnostics = loads[path]?.diagnostics ?? []
            if let entry = renders[path] {
                diagnostics += entry.result.rendered.diagnostics
                diagnostics += entry.result.diagnostics
            }
            if let entry = checks[path] { diagnostics += entry.diagnostics }
            if let entry = ruled[path] { diagnostics += entry.diagnostics }
            let old = chunks[path] ?? []
            if old != diagnostics {
                removed += old
                added += diagnostics
            }
            chunks[path] = diagnostics.isEmpty ? nil : diagnostics
        }
        if global != lastGlobal {
            removed += lastGlobal
            added += global
        }
        lastGlobal = global

        let patchable = lastSuppressions == site.suppressions && removed.count + added.count < 4096
        lastSuppressions = site.suppressions
        let suppressions = Suppressions(pages: zip(pages, site.infos).filter { $0.1.hasSuppressions }.map(\.0))
        let before = lastSorted
        if patchable {
            lastSorted = Self.patch(lastSorted, removing: suppressions.filter(removed), adding: suppressions.filter(added))
            diagnosticsChanged = !(removed.isEmpty && added.isEmpty) && lastSorted != before
        } else {
            var all = global
            for chunk in chunks.values { all += chunk }
            lastSorted = suppressions.filter(all).sortedForReport()
            statistics.sortedAll = true
            diagnosticsChanged = lastSorted != before
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
