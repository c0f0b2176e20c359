import Foundation
import SiteMarkdown

/// The pages of a build rendered and put into their templates, with the checks that read a
/// page's text alone (prices, content rules) already made.
struct AssembledSite: Sendable {
    var pages: [AssembledPage]
    /// Each page's diagnostics from rendering, assembling, its prices and the content rules.
    var diagnostics: [[Diagnostic]]
    /// Which pages were rendered again (indices in `pages`), and the output files whose ids
    /// changed, for the later stages' memos.
    var rerendered: [Int]
    var changedIDFiles: Set<String>
    /// Each page's render, told apart from other versions of it (0 when nothing is kept).
    var renderSerials: [Int]
}

/// Stage 3: Markdown → HTML (`PageRenderer`), into the templates (`PageAssembler`), then the
/// checks of the page's own text (`PriceChecker`, `ContentRules`), page by page on all cores.
/// When nothing is kept, each page's Markdown and text are dropped as soon as they are used:
/// otherwise every body and every page's text would be alive with all the HTML, the peak of a
/// large build.
///
/// Reads, for a page's render: the page (its source), the settings, theme and images; the URLs
/// of the pages its links name (re-resolved when any URL changed); the price list and shared
/// lists when it uses a shortcode (and the prices on the home page, for its JSON-LD); the
/// navigation it shows (the menu's pages and the children of its URL). Its price check: the
/// render and the price list. Its content rules: the render, the rule files and today's date.
enum AssembleStage {
    /// Takes the Markdown bodies out of `loaded`: each is freed once its page is rendered.
    static func run(_ loaded: inout LoadedSite, site: SiteData, options: SiteBuilder.Options, cache: BuildCache) -> AssembledSite {
        let pages = site.pages
        let plan = cache.assemble.plan(pages, site: site, blind: cache.blind)
        // Made only when some page is rendered (making it reads the whole index).
        let settings = loaded.settings
        let work = plan.todo.contains { plan.hits[$0] == nil }
            ? cache.assemble.work(for: site) { makeWork(site, settings: settings, options: options) } : nil
        let prices = PriceChecker(catalog: site.catalog)
        let rules = site.rules.pageChecker(today: options.today)
        let keeps = cache.keeps
        var markdown: [String: String] = [:]
        swap(&markdown, &loaded.bodies)
        let load = cache.load
        let bodies = TakeOnce(
            plan.todo.map { i -> String? in
                guard plan.hits[i] == nil else { return nil }
                let path = pages[i].source.relativePath
                return markdown[path] ?? load.body(of: path)
            })
        markdown = [:]
        let priceSlots = Slots<[Diagnostic]>(count: plan.todo.count)
        let ruleSlots = Slots<[Diagnostic]>(count: plan.todo.count)
        let made = Array(plan.todo.indices).parallelMap(parallel: options.parallel) { k -> AssembledPage in
            let i = plan.todo[k]
            var assembled: AssembledPage
            if let hit = plan.hits[i] {
                assembled = AssembleMemo.reused(hit, as: pages[i])
            } else {
                var page = pages[i]
                page.body = (bodies.take(k) ?? nil) ?? ""
                assembled = work!(page)
            }
            priceSlots.set(k, plan.prices[k] ?? CheckStage.checkPrices(assembled, with: prices))
            ruleSlots.set(k, plan.rules[k] ?? rules(assembled))
            if !keeps { assembled.rendered.body.textBlocks = [] }
            return assembled
        }
        return cache.assemble.finish(pages, plan: plan, made: made, prices: priceSlots.takeAll(), rules: ruleSlots.takeAll(), site: site, cache: cache)
    }

    /// The renderer and the assembler, for the pages to render.
    static func makeWork(_ site: SiteData, settings: SiteSettings, options: SiteBuilder.Options) -> @Sendable (Page) -> AssembledPage {
        let index = site.index.value
        let renderer = PageRenderer(
            index: index, shortcodes: ShortcodeExpander(prices: site.catalog, lists: site.lists, settings: settings),
            options: MarkdownOptions(allowRawHTML: settings.allowRawHTML, reservedIDs: site.theme.literalIDs))
        var made = PageAssembler(theme: site.theme, settings: settings, index: index, prices: site.catalog)
        made.rendersDirectly = !options.reusesTemplateSkeletons
        made.images = site.images
        let assembler = made
        let themeIsBroken = site.themeIsBroken
        return { page in
            let rendered = renderer.render(page)
            if themeIsBroken {
                return AssembledPage(rendered: rendered, html: "", chrome: HTMLFacts(), rawBodyIDs: [], template: "", diagnostics: []).withIDs()
            }
            var assembled = assembler.assemble(rendered)
            // The body's HTML now lives inside the page's HTML, and the Markdown is rendered.
            assembled.rendered.body.html = ""
            assembled.rendered.page.body = ""
            return assembled
        }
    }
}
