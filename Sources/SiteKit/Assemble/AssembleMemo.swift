import Foundation

/// What `AssembleStage` remembers: each page's render with what it read, and its price and
/// content-rule diagnostics with theirs.
struct AssembleMemo {
    final class RenderEntry: @unchecked Sendable {
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
        let serial: Int
        /// The price and content-rule checks of this render, with what else they read.
        var prices: TextCheckEntry?
        var rules: TextCheckEntry?

        init(
            pageSerial: Int, env: Int, urlMap: Int, nav: Int, navLocal: Int, catalog: Int, lists: Int, usesShortcodes: Bool,
            isHome: Bool, result: AssembledPage, serial: Int
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
            self.serial = serial
        }
    }

    /// Diagnostics of a check that reads the page's render and one site-wide input (`reads`).
    struct TextCheckEntry {
        var reads: Int
        var today: String
        var diagnostics: [Diagnostic]
    }

    let keeps: Bool
    private(set) var renders: PageMemo<RenderEntry>
    /// The renderer and assembler of the last build that needed one (they keep the template
    /// skeletons and scans they made), by what they are made from.
    private var workMemo: Memo<[Int], @Sendable (Page) -> AssembledPage>
    private var lastAssembled: [AssembledPage] = []
    private var lastSerials: [Int] = []
    /// The navigation digests of the last site they were worked out for.
    private var navMaps: (nav: Int, menu: Int, children: [String: Int])?

    init(keeps: Bool) {
        self.keeps = keeps
        renders = PageMemo(keeps: keeps)
        workMemo = Memo(keeps: keeps)
    }

    /// Which pages need work, and what of theirs can be reused.
    struct Plan: Sendable {
        /// Reusable renders, by page index.
        var hits: [RenderEntry?]
        /// The pages with something to do (render, check prices, check rules), in order.
        var todo: [Int]
        /// For each page of `todo`: its price and rule diagnostics when they can be reused.
        var prices: [[Diagnostic]?]
        var rules: [[Diagnostic]?]
        var maps: (menu: Int, children: [String: Int])?
    }

    mutating func work(for site: SiteData, make: () -> @Sendable (Page) -> AssembledPage) -> @Sendable (Page) -> AssembledPage {
        let d = site.digests
        return workMemo.value(reads: [d?.env ?? 0, d?.urlMap ?? 0, d?.nav ?? 0, d?.catalog ?? 0, d?.lists ?? 0], make)
    }

    /// A reused render shown as `page` (the same source; only the aliases the index kept can differ).
    static func reused(_ entry: RenderEntry, as page: Page) -> AssembledPage {
        guard !(page.aliases.isEmpty && entry.result.rendered.page.aliases.isEmpty) else { return entry.result }
        var substituted = entry.result
        substituted.rendered.page = page
        substituted.rendered.page.body = ""
        return substituted
    }

    mutating func plan(_ pages: [Page], site: SiteData, blind: BuildCache.Blind) -> Plan {
        guard keeps, let digests = site.digests else {
            return Plan(hits: Array(repeating: nil, count: pages.count), todo: Array(pages.indices), prices: Array(repeating: nil, count: pages.count), rules: Array(repeating: nil, count: pages.count))
        }
        var plan = Plan(hits: Array(repeating: nil, count: pages.count), todo: [], prices: [], rules: [])
        // By index: `for page in pages` would copy each page.
        for i in pages.indices {
            let path = pages[i].source.relativePath
            let hit = renders[path].flatMap { reusable($0, page: pages[i], i: i, digests: digests, site: site, blind: blind, maps: &plan.maps) }
            var priceHit: [Diagnostic]?
            var ruleHit: [Diagnostic]?
            if let entry = hit {
                if let p = entry.prices, p.reads == digests.catalog || blind.prices { priceHit = p.diagnostics }
                if let r = entry.rules, r.reads == digests.rules || blind.rules, r.today == digests.today {
                    ruleHit = r.diagnostics
                }
            }
            plan.hits[i] = hit
            if hit == nil || priceHit == nil || ruleHit == nil {
                plan.todo.append(i)
                plan.prices.append(priceHit)
                plan.rules.append(ruleHit)
            }
        }
        return plan
    }

    private mutating func reusable(
        _ entry: RenderEntry, page: Page, i: Int, digests: SiteDigests, site: SiteData, blind: BuildCache.Blind,
        maps: inout (menu: Int, children: [String: Int])?
    ) -> RenderEntry? {
        guard entry.pageSerial == digests.infos[i].serial, entry.env == digests.env || blind.settings || blind.theme else { return nil }
        if (entry.usesShortcodes || entry.isHome) && entry.catalog != digests.catalog && !blind.prices { return nil }
        if entry.usesShortcodes && entry.lists != digests.lists && !blind.lists { return nil }
        if entry.nav != digests.nav && !blind.navigation {
            if maps == nil { maps = navigation(site.pages, digests: digests) }
            guard entry.navLocal == Self.navLocal(page, maps!) else { return nil }
            entry.nav = digests.nav
        }
        if entry.urlMap != digests.urlMap && !blind.urls {
            let index = site.index.value
            let same = entry.result.rendered.body.links.allSatisfy { index.rewriteSourceLink($0.destination, from: page) == $0.renderedDestination }
            guard same else { return nil }
            entry.urlMap = digests.urlMap
        }
        return entry
    }

    private mutating func navigation(_ pages: [Page], digests: SiteDigests) -> (menu: Int, children: [String: Int]) {
        if let maps = navMaps, maps.nav == digests.nav { return (maps.menu, maps.children) }
        var menu = Hasher()
        var children: [String: Hasher] = [:]
        for (page, info) in zip(pages, digests.infos) {
            if page.kind == .home || info.parentURL == "/" { menu.combine(info.navKey) }
            if page.kind != .home { children[info.parentURL, default: Hasher()].combine(info.navKey) }
        }
        let maps = (nav: digests.nav, menu: menu.finalize(), children: children.mapValues { $0.finalize() })
        navMaps = maps
        return (maps.menu, maps.children)
    }

    private static func navLocal(_ page: Page, _ maps: (menu: Int, children: [String: Int])) -> Int {
        var hasher = Hasher()
        hasher.combine(maps.menu)
        hasher.combine(maps.children[page.url] ?? 0)
        return hasher.finalize()
    }

    /// Remembers this build's work and puts every page's result in order. `made` holds the
    /// pages of `plan.todo`, with their price and rule diagnostics.
    mutating func finish(
        _ pages: [Page], plan: Plan, made: [AssembledPage], prices checkedPrices: [[Diagnostic]], rules checkedRules: [[Diagnostic]],
        site: SiteData, cache: BuildCache
    ) -> AssembledSite {
        cache.statistics.pages = pages.count
        let rerendered = plan.todo.filter { plan.hits[$0] == nil }
        cache.statistics.rendered = rerendered.count
        cache.statistics.ruled = plan.rules.count { $0 == nil }
        guard keeps, let digests = site.digests else {
            // Every page was made, in order.
            var diagnostics: [[Diagnostic]] = []
            diagnostics.reserveCapacity(made.count)
            for (k, page) in made.enumerated() {
                diagnostics.append(page.rendered.diagnostics + page.diagnostics + checkedPrices[k] + checkedRules[k])
            }
            return AssembledSite(
                pages: made, diagnostics: diagnostics, rerendered: rerendered, changedIDFiles: [],
                renderSerials: Array(repeating: 0, count: pages.count))
        }
        var maps = plan.maps
        var serials = Array(repeating: 0, count: pages.count)
        var changedIDFiles = Set<String>()
        var fresh: [Int: Int] = [:]
        for (k, i) in plan.todo.enumerated() {
            let page = pages[i]
            let path = page.source.relativePath
            let entry: RenderEntry
            if let hit = plan.hits[i] {
                entry = hit
            } else {
                if maps == nil { maps = navigation(site.pages, digests: digests) }
                let result = made[k]
                entry = RenderEntry(
                    pageSerial: digests.infos[i].serial, env: digests.env, urlMap: digests.urlMap, nav: digests.nav,
                    navLocal: Self.navLocal(page, maps!), catalog: digests.catalog, lists: digests.lists,
                    usesShortcodes: !result.rendered.body.shortcodes.isEmpty, isHome: page.kind == .home,
                    result: result, serial: cache.serial())
                let old = renders[path]
                if old?.result.ids != result.ids { changedIDFiles.insert(page.outputPath) }
                if let old, old.result.page.outputPath != page.outputPath { changedIDFiles.insert(old.result.page.outputPath) }
                renders.store(entry, for: path)
                fresh[i] = k
            }
            entry.prices = TextCheckEntry(reads: digests.catalog, today: "", diagnostics: checkedPrices[k])
            entry.rules = TextCheckEntry(reads: digests.rules, today: digests.today, diagnostics: checkedRules[k])
            cache.dirty.insert(path)
        }
        for (i, hit) in plan.hits.enumerated() { serials[i] = hit?.serial ?? renders[pages[i].source.relativePath]!.serial }
        // The last build's list, updated in place where the same entry sits at the same place.
        var assembled: [AssembledPage] = []
        swap(&assembled, &lastAssembled)
        let inPlace = assembled.count == pages.count && lastSerials.count == pages.count
        if !inPlace {
            assembled = []
            assembled.reserveCapacity(pages.count)
        }
        for i in pages.indices {
            let result: AssembledPage
            if let k = fresh[i] {
                result = made[k]
            } else {
                let hit = plan.hits[i]!
                if inPlace, pages[i].aliases.isEmpty, hit.result.rendered.page.aliases.isEmpty, lastSerials[i] == hit.serial { continue }
                result = Self.reused(hit, as: pages[i])
            }
            if inPlace { assembled[i] = result } else { assembled.append(result) }
        }
        lastAssembled = assembled
        lastSerials = serials
        let paths = pages.lazy.map { $0.source.relativePath }
        renders.keepOnly(paths, dirty: &cache.dirty)
        return AssembledSite(pages: assembled, diagnostics: [], rerendered: rerendered, changedIDFiles: changedIDFiles, renderSerials: serials)
    }

    /// The diagnostics this memo holds for the page at `path` (for the report).
    func diagnostics(of path: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        guard let entry = renders[path] else { return [] }
        result += entry.result.rendered.diagnostics + entry.result.diagnostics
        result += entry.prices?.diagnostics ?? []
        result += entry.rules?.diagnostics ?? []
        return result
    }
}
