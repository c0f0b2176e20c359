import Dispatch
import Foundation
import SiteMarkdown

/// A file of the built site.
public struct OutputFile: Sendable {
    public enum Contents: Sendable {
        case text(String)
        /// Copied from a source file (images, PDFs, theme assets).
        case copy(URL)
    }

    /// Path below the output folder, `/`-separated.
    public var path: String
    public var contents: Contents
}

/// What a build produced: the files (not yet written) and every diagnostic, sorted.
public struct BuildResult: Sendable {
    public var files: [OutputFile]
    public var diagnostics: [Diagnostic]
    public var pageCount: Int

    /// Seconds spent in each stage, in order (printed by `clinic-site build --timings`).
    public var timings: [(stage: String, seconds: Double)] = []

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// True when a diagnostic is about the environment (missing folder, unreadable file): exit 2.
    public var hasEnvironmentErrors: Bool { diagnostics.contains { $0.severity == .error && $0.code.hasPrefix("io.") } }
}

/// The build pipeline, as named stages from sources to files and diagnostics. Pure: it reads
/// nothing and writes nothing (see `SiteSources.read` and `OutputWriter`).
///
///     SiteSources → [Page] → SiteIndex, PriceCatalog, DataLists, Theme
///       → [RenderedPage] → [AssembledPage] → OutputIndex → checks → BuildResult
public struct SiteBuilder: Sendable {
    public struct Options: Sendable {
        /// Include `draft: true` pages.
        public var drafts = false
        /// Render on all cores (results are the same either way).
        public var parallel = true
        /// Check http(s) links over the network (off by default; see `ExternalLinkChecker`).
        public var externalLinks: ExternalLinkChecker?
        /// Render each template once per shape of context and fill in the values (see
        /// `TemplateSkeletons`); off renders every page through swift-mustache. Same results.
        public var reusesTemplateSkeletons = true
        /// Publishes the raster images (variants, kept in its cache folder; see `ImageProcessor`).
        public var images = ImageProcessor.temporary
        /// "Today" for date-based checks (medical review age), so results never depend on the clock.
        public var today: String
        /// Drops each fix whose file does not hold its `original` text (`keepingFixes`, over every
        /// diagnostic of the site). Off for a caller that checks the fixes it uses against the text
        /// itself: the language server, only for the files whose diagnostics it publishes.
        public var checksFixes = true

        public init(drafts: Bool = false, parallel: Bool = true, today: String = Options.currentDate()) {
            self.drafts = drafts
            self.parallel = parallel
            self.today = today
        }

        /// The current date as YYYY-MM-DD (UTC).
        public static func currentDate() -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(from: Date())
        }
    }

    public var options: Options
    /// Results of earlier builds to reuse (`clinic-site serve`); the result is the same without.
    public var cache: BuildCache?

    public init(options: Options = Options(), cache: BuildCache? = nil) {
        self.options = options
        self.cache = cache
    }

    public func build(_ sources: SiteSources) -> BuildResult {
        cache?.beginBuild()
        defer { cache?.endBuild() }
        var clock = StageClock()
        var diagnostics = DiagnosticBag()
        diagnostics.add(contentsOf: sources.diagnostics)
        if diagnostics.all.contains(where: { ["io.missing-folder", "io.output-inside-content", "io.output-contains-sources"].contains($0.code) }) {
            return BuildResult(files: [], diagnostics: diagnostics.all.sortedForReport(), pageCount: 0)
        }

        // 1. Settings and pages.
        let (settings, settingsDiagnostics) = cache?.settings(sources.settings) ?? SiteSettings.parse(sources.settings)
        diagnostics.add(contentsOf: settingsDiagnostics)
        var loaded = cache?.load(sources.pages, parallel: options.parallel)
            ?? sources.pages.parallelMap(parallel: options.parallel) { PageLoader.load($0) }
        var pages: [Page] = []
        var drafts: [Page] = []
        // The Markdown bodies are only needed to render: kept apart, so that the copies of each
        // page that the index and the templates' child lists hold do not keep them alive.
        var bodies: [String: String] = [:]
        for (page, pageDiagnostics) in loaded {
            // With a cache, per-page diagnostics stay in the cache until the report.
            if cache == nil { diagnostics.add(contentsOf: pageDiagnostics) }
            guard var page else { continue }
            if cache == nil {
                bodies[page.source.relativePath] = page.body
                page.body = ""
            }
            if page.draft && !options.drafts {
                drafts.append(page)
            } else {
                pages.append(page)
            }
        }
        loaded = []

        // Photos: each raster image decoded once (or found in the cache), before the pages that
        // show them are rendered.
        let images = options.images.prepare(sources.staticFiles, settings: settings.images, parallel: options.parallel)
        diagnostics.add(contentsOf: images.diagnostics)

        clock.lap("load pages")
        // 2. Site-wide data: URLs, prices, shared lists, templates.
        var indexDiagnostics: [Diagnostic] = []
        let builtIndex: SiteIndex?
        if let cache, let reused = cache.reuseIndex(pages, drafts: drafts) {
            // The same URLs as last time: the index keeps the same pages.
            (pages, indexDiagnostics, builtIndex) = (reused.pages, reused.diagnostics, nil)
        } else {
            let index = SiteIndex(pages: pages, drafts: drafts, files: sources.staticFiles, diagnostics: &indexDiagnostics)
            cache?.rememberIndex(loaded: pages, drafts: drafts, kept: index.pages, diagnostics: indexDiagnostics)
            (pages, builtIndex) = (index.pages, index)
        }
        diagnostics.add(contentsOf: indexDiagnostics)
        // Made only when needed: the kept pages give the same index again, without diagnostics.
        let keptPages = pages
        let staticFiles = sources.staticFiles
        let index = Lazy {
            var unused: [Diagnostic] = []
            return builtIndex ?? SiteIndex(pages: keptPages, drafts: drafts, files: staticFiles, diagnostics: &unused)
        }
        let site = cache?.prepare(pages: pages, drafts: drafts, sources: sources, options: options, images: images.digest)
        let (catalog, priceDiagnostics) = site.map { cache!.catalog(pages, site: $0) } ?? PriceCatalog.build(from: pages)
        diagnostics.add(contentsOf: priceDiagnostics)
        let (lists, listDiagnostics) = site.map { cache!.lists(pages, site: $0) } ?? DataLists.build(from: pages)
        diagnostics.add(contentsOf: listDiagnostics)
        let loadTheme = { Theme.load(sources.templates, readErrors: sources.diagnostics) }
        let (theme, themeDiagnostics) = cache?.theme(sources.templates, readErrors: sources.diagnostics, load: loadTheme) ?? loadTheme()
        diagnostics.add(contentsOf: themeDiagnostics)
        let themeIsBroken = themeDiagnostics.contains { $0.code == "template.recursive-partial" || $0.code == "template.error" }

        clock.lap("site data")
        // 3. Markdown → HTML, then into the templates.
        let makeAssembler = { () -> PageAssembler in
            var assembler = PageAssembler(theme: theme, settings: settings, index: index.value, prices: catalog)
            assembler.rendersDirectly = !options.reusesTemplateSkeletons
            assembler.images = images
            return assembler
        }
        let makeWork = { () -> @Sendable (Page) -> AssembledPage in
            let renderer = PageRenderer(
                index: index.value, shortcodes: ShortcodeExpander(prices: catalog, lists: lists, settings: settings),
                options: MarkdownOptions(allowRawHTML: settings.allowRawHTML, reservedIDs: theme.literalIDs))
            let assembler = makeAssembler()
            return { page in
                let rendered = renderer.render(page)
                if themeIsBroken {
                    return AssembledPage(rendered: rendered, html: "", chrome: HTMLFacts(), rawBodyIDs: [], template: "", diagnostics: [])
                }
                var assembled = assembler.assemble(rendered)
                // The body's HTML now lives inside the page's HTML, and the Markdown is rendered:
                // drop both copies to keep memory down on large sites.
                assembled.rendered.body.html = ""
                assembled.rendered.page.body = ""
                return assembled
            }
        }
        let priceChecker = PriceChecker(catalog: catalog)
        let (rules, ruleDiagnostics) = cache?.rules(sources.dataFiles) ?? ContentRules.load(sources.dataFiles)
        let assembled: [AssembledPage]
        // Without a cache: each page's price and content-rule diagnostics, found as it is assembled.
        var checkedEarly: [(prices: [Diagnostic], rules: [Diagnostic])] = []
        if let cache, let site {
            assembled = cache.assemble(pages, site: site, index: { index.value }, parallel: options.parallel, makeWork: makeWork)
        } else {
            // Prices and content rules read each page's text alone, so they run as soon as the
            // page is assembled and its text is dropped (their diagnostics join the others in
            // stages 5 and 6). Each Markdown body is freed as soon as its page is rendered.
            // Otherwise every body and every page's text would be alive together with all the
            // HTML: the peak of a large build.
            let renderer = PageRenderer(
                index: index.value, shortcodes: ShortcodeExpander(prices: catalog, lists: lists, settings: settings),
                options: MarkdownOptions(allowRawHTML: settings.allowRawHTML, reservedIDs: theme.literalIDs))
            let assembler = makeAssembler()
            let checkRules = rules.pageChecker(today: options.today)
            let markdown = TakeOnce(pages.map { bodies[$0.source.relativePath] ?? "" })
            bodies = [:]
            let toRender = pages
            let early = Slots<(prices: [Diagnostic], rules: [Diagnostic])>(count: pages.count)
            assembled = Array(pages.indices).parallelMap(parallel: options.parallel) { i in
                var page = toRender[i]
                page.body = markdown.take(i) ?? ""
                let rendered = renderer.render(page)
                if themeIsBroken {
                    let assembled = AssembledPage(rendered: rendered, html: "", chrome: HTMLFacts(), rawBodyIDs: [], template: "", diagnostics: [])
                    early.set(i, (Self.checkPrices(assembled, with: priceChecker), checkRules(assembled)))
                    return assembled
                }
                var assembled = assembler.assemble(rendered)
                // The body's HTML now lives inside the page's HTML, and the Markdown is rendered.
                assembled.rendered.body.html = ""
                assembled.rendered.page.body = ""
                early.set(i, (Self.checkPrices(assembled, with: priceChecker), checkRules(assembled)))
                assembled.rendered.body.textBlocks = []
                return assembled
            }
            checkedEarly = early.takeAll()
            for page in assembled {
                diagnostics.add(contentsOf: page.rendered.diagnostics)
                diagnostics.add(contentsOf: page.diagnostics)
            }
        }

        clock.lap("render and assemble")
        // 4. The files of the site.
        let generated = site.map { cache!.generated(pages, settings: settings, site: $0) } ?? Generated.siteFiles(pages: pages, settings: settings)
        var files: [OutputFile] = []
        var outputIndex = OutputIndex()
        if let cache, let site, let reused = cache.reuseOutput(assembled, staticFiles: sources.staticFiles, generated: generated, site: site) {
            (files, outputIndex) = (reused.files, reused.index)
            diagnostics.add(contentsOf: reused.conflicts)
        } else {
            outputIndex.draftURLs = Set(drafts.map(\.url))
            outputIndex.sources = pages.map(\.source.relativePath)
            var owners: [String: String] = [:]
            var conflicts: [Diagnostic] = []
            func add(_ file: OutputFile, ids: Set<String> = [], from source: String) {
                let key = file.path.lowercased()
                if let owner = owners[key] {
                    conflicts.append(
                        .error(
                            "output.conflict", at: SourcePosition(file: source),
                            "\(source) and \(owner) would both be written to \(file.path)",
                            suggestion: "rename one of them"))
                    return
                }
                owners[key] = source
                files.append(file)
                outputIndex.addFile(file.path, idSet: ids)
            }
            // Each page's ids made into a set on all cores (hashing them was most of this stage).
            let idSets = assembled.parallelMap(parallel: options.parallel) { Set($0.rendered.body.ids + $0.chrome.ids + $0.rawBodyIDs) }
            for (page, ids) in zip(assembled, idSets) {
                add(OutputFile(path: page.page.outputPath, contents: .text(page.html)), ids: ids, from: page.page.source.displayPath)
                for alias in page.page.aliases {
                    add(
                        OutputFile(path: PageLoader.outputPath(for: alias.url), contents: .text(Generated.redirect(to: page.page.url, settings: settings))),
                        from: alias.position.description)
                }
            }
            for file in sources.staticFiles {
                if let published = images.files[file.outputPath] {
                    for variant in published { add(variant, from: file.displayPath) }
                } else if images.problems[file.outputPath] == nil {
                    add(OutputFile(path: file.outputPath, contents: .copy(file.source)), from: file.displayPath)
                }
            }
            let beforeGenerated = files.count
            for file in generated where owners[file.path.lowercased()] == nil {
                add(file, from: "(generated)")
            }
            diagnostics.add(contentsOf: conflicts)
            cache?.rememberOutput(files: files, index: outputIndex, conflicts: conflicts, generatedFrom: beforeGenerated, assembled: assembled)
        }

        clock.lap("index output")
        // 5. Site-wide checks: links and prices.
        let checker = LinkChecker(output: outputIndex, settings: settings, theme: theme, settingsSource: sources.settings, images: images)
        if let cache, let site {
            let checked = cache.check(
                assembled, output: outputIndex, site: site, settings: settings, checker: checker,
                priceChecker: priceChecker, parallel: options.parallel)
            diagnostics.add(contentsOf: checker.place(checked.templateProblems, templates: checked.templateOfPage))
            // Only pages with a price problem in their template text can add to this report.
            diagnostics.add(contentsOf: Self.checkTemplatePrices(checked.flaggedPages, with: priceChecker, theme: theme))
        } else {
            let early = checkedEarly
            let perPage: [(body: [Diagnostic], chrome: [LinkChecker.TemplateLinkProblem], flagged: Bool)] = Array(assembled.indices).parallelMap(parallel: options.parallel) { i in
                (checker.checkBody(assembled[i]) + early[i].prices, checker.checkChrome(assembled[i]), Self.templateTextHasPriceProblem(assembled[i], with: priceChecker))
            }
            for list in perPage { diagnostics.add(contentsOf: list.body) }
            let templateProblems = perPage.flatMap(\.chrome)
            var templateOfPage: [String: String] = [:]
            for page in assembled { templateOfPage[page.page.source.displayPath] = page.template }
            diagnostics.add(contentsOf: checker.place(templateProblems, templates: templateOfPage))
            let flagged = assembled.indices.filter { perPage[$0].flagged }.map { assembled[$0] }
            diagnostics.add(contentsOf: Self.checkTemplatePrices(flagged, with: priceChecker, theme: theme))
        }
        diagnostics.add(contentsOf: Self.unshownImageProblems(images, sources: sources, pages: assembled, settings: settings))
        if let external = options.externalLinks {
            diagnostics.add(contentsOf: external.check(assembled))
        }

        clock.lap("check links and prices")
        // 6. Content rules for a medical site: schemas, medical review, notices, wording.
        diagnostics.add(contentsOf: ruleDiagnostics)
        if let cache, let site {
            cache.checkRules(assembled, rules: rules, site: site, parallel: options.parallel)
        } else {
            for page in checkedEarly { diagnostics.add(contentsOf: page.rules) }
        }

        clock.lap("content rules")
        let sorted: [Diagnostic]
        if let cache, let site {
            files = cache.sortFiles(files)
            sorted = cache.report(global: diagnostics.all, pages: pages, site: site)
        } else {
            // The files and the report are sorted at the same time, on two cores.
            let kept = Suppressions(pages: pages).filter(diagnostics.all)
            let unsorted = files
            files = []
            (files, sorted) = both(parallel: options.parallel, { unsorted.sorted { $0.path < $1.path } }, { kept.sortedForReport() })
        }
        clock.lap("sort")
        let result = BuildResult(files: files, diagnostics: options.checksFixes ? sorted.keepingFixes(thatMatch: sources) : sorted, pageCount: pages.count, timings: clock.laps)
        // What only this build used (every assembled page, with its facts and diagnostics) is
        // freed on another thread: freeing it here was serial work before the output is written.
        let garbage = Garbage((assembled, checkedEarly, pages, drafts, catalog, lists))
        DispatchQueue.global(qos: .utility).async { garbage.drop() }
        return result
    }

    /// Problems of images that no page or template links to, at the image file (the others are
    /// reported where they are shown, by `LinkChecker`).
    static func unshownImageProblems(_ images: ImageSet, sources: SiteSources, pages: [AssembledPage], settings: SiteSettings) -> [Diagnostic] {
        guard !images.problems.isEmpty else { return [] }
        var shown = Set<String>()
        let schemes = Set(settings.allowedSchemes)
        for page in pages {
            for href in page.rendered.body.links.map(\.renderedDestination) + page.chrome.links.map(\.value) {
                if case .local(let path, _) = LinkResolver.resolve(href, from: page.page.url, allowedSchemes: schemes) {
                    shown.insert(String(path.drop { $0 == "/" }))
                }
            }
        }
        return sources.staticFiles.compactMap { file in
            guard let problem = images.problems[file.outputPath], !shown.contains(file.outputPath) else { return nil }
            return .error(problem.code, at: SourcePosition(file: file.displayPath), problem.message, suggestion: problem.suggestion)
        }
    }

    static func checkPrices(_ page: AssembledPage, with checker: PriceChecker) -> [Diagnostic] {
        let file = page.page.source.displayPath
        var result: [Diagnostic] = []
        for block in page.rendered.body.textBlocks {
            let unit = PriceChecker.Unit(text: block.text, splitSentences: block.kind == .paragraph, notProse: block.notProse) { offset in
                let p = block.position(atUTF8Offset: offset)
                return SourcePosition(file: file, line: p.line, column: p.column)
            }
            result += checker.check(unit)
        }
        return result
    }

    /// Whether the template's text on this page holds a price problem: only such pages are
    /// passed to `checkTemplatePrices`, which reports each text once, on the first page with it.
    static func templateTextHasPriceProblem(_ page: AssembledPage, with checker: PriceChecker) -> Bool {
        page.chrome.texts.contains { text in
            !checker.check(PriceChecker.Unit(text: text.text, splitSentences: true) { _ in SourcePosition(file: "") }).isEmpty
        }
    }

    /// Amounts the templates print (in a footer, say), reported once at the template line. Only
    /// pages whose template text has a problem need to be passed.
    static func checkTemplatePrices(_ pages: [AssembledPage], with checker: PriceChecker, theme: Theme) -> [Diagnostic] {
        var seen = Set<String>()
        var result: [Diagnostic] = []
        for page in pages {
            for text in page.chrome.texts where seen.insert(text.text).inserted {
                let unit = PriceChecker.Unit(text: text.text, splitSentences: true) { _ in
                    SourcePosition(file: theme.files[page.template]?.displayPath ?? page.template)
                }
                for var d in checker.check(unit) {
                    let literal = d.message.split(separator: " ").first.map(String.init) ?? ""
                    for name in theme.names {
                        if let file = theme.files[name], let at = LinkChecker.find(literal, in: file) {
                            d.position = at
                            break
                        }
                    }
                    d.message += " (in the template, on \(page.page.source.displayPath))"
                    result.append(d)
                }
            }
        }
        return Array(Set(result))
    }
}

/// Values handed to another thread to be freed there: `drop` releases the only reference.
final class Garbage: @unchecked Sendable {
    private var value: Any?
    init(_ value: Any) { self.value = value }
    func drop() { value = nil }
}

/// Measures the stages of a build.
struct StageClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) / 1e9))
        last = now
    }
}

/// Exemptions that authors write: `<!-- ignore: CODE -->` on a line exempts that line from
/// diagnostics whose code starts with CODE (`price`, `price.literal`, `wording.cure`); front
/// matter `ignore: [CODE, …]` exempts the whole page.
struct Suppressions {
    private var lines: [String: [Int: [String]]] = [:]
    private var pages: [String: [String]] = [:]

    init(pages: [Page]) {
        for page in pages {
            let file = page.source.displayPath
            if let list = page.frontMatter["ignore"] {
                self.pages[file] = (list.array ?? [list]).compactMap(\.string)
            }
            guard ByteSearch.contains("<!-- ignore:", in: page.source.text) else { continue }
            for (index, line) in page.source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var rest = line[...]
                while let open = rest.range(of: "<!-- ignore:") {
                    let after = rest[open.upperBound...]
                    guard let close = after.range(of: "-->") else { break }
                    let codes = after[..<close.lowerBound].split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                    lines[file, default: [:]][index + 1, default: []] += codes
                    rest = after[close.upperBound...]
                }
            }
        }
    }

    func filter(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard !pages.isEmpty || !lines.isEmpty else { return diagnostics }  // nothing exempted: most sites
        return diagnostics.filter { d in
            let codes = (pages[d.position.file] ?? []) + (lines[d.position.file]?[d.position.line] ?? [])
            return !codes.contains { d.code == $0 || d.code.hasPrefix($0 + ".") }
        }
    }
}
