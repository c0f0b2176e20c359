import Foundation

/// Stage 5: site-wide checks. Every link and anchor of every page and of the theme
/// (`LinkChecker`), the amounts the templates print, the problems of images no page shows, and
/// (with `--check-external`) http(s) links over the network. Each page's own prices and content
/// rules were checked in `AssembleStage`.
///
/// Reads, for a page's link check: its render, the settings, the set of output files (when
/// files come or go, the paths its links name and the files whose ids they read), and the ids
/// of the files its fragment links point into; a page with any link problem is checked again
/// whenever the output changes, since its suggestions read the whole site.
enum CheckStage {
    struct Result {
        /// Each page's link diagnostics (when nothing is kept; otherwise the memo holds them).
        var pageDiagnostics: [[Diagnostic]]
        /// The theme's problems, placed at the template line, and the site-wide ones.
        var diagnostics: [Diagnostic]
    }

    static func run(
        _ assembled: AssembledSite, output: OutputSite, site: SiteData, settings: SiteSettings, sources: SiteSources,
        options: SiteBuilder.Options, cache: BuildCache
    ) -> Result {
        let checker = LinkChecker(output: output.index, settings: settings, theme: site.theme, settingsSource: sources.settings, images: site.images)
        let priceChecker = PriceChecker(catalog: site.catalog)
        let pages = assembled.pages
        let checked = cache.check.run(
            assembled, output: output, site: site, settings: settings, cache: cache, parallel: options.parallel, collectingShown: !site.images.problems.isEmpty
        ) { page, links in
            CheckMemo.Work(
                body: checker.checkBody(page, links: links), chrome: checker.checkChrome(page, links: links),
                flagged: templateTextHasPriceProblem(page, with: priceChecker))
        }
        var diagnostics = checker.place(checked.templateProblems, templates: checked.templateOfPage)
        // Only pages with a price problem in their template text can add to this report.
        diagnostics += checkTemplatePrices(checked.flaggedPages, with: priceChecker, theme: site.theme)
        diagnostics += unshownImageProblems(site.images, sources: sources, shown: checked.shownPaths)
        if let external = options.externalLinks {
            diagnostics += external.check(pages)
        }
        return Result(pageDiagnostics: checked.pageDiagnostics, diagnostics: diagnostics)
    }

    /// The amounts in a page's text, against the price list.
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
                for finding in checker.findings(unit) {
                    var d = finding.diagnostic
                    // At the amount as written, in the first theme file that holds it.
                    for name in theme.names {
                        if let file = theme.files[name], let at = LinkChecker.find(finding.literal, in: file) {
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

    /// Problems of images that no page or template links to, at the image file (the others are
    /// reported where they are shown, by `LinkChecker`). `shown`: the files the pages show, as
    /// their links were resolved for their check (`CheckMemo.Checked.shownPaths`).
    static func unshownImageProblems(_ images: ImageSet, sources: SiteSources, shown: Set<String>) -> [Diagnostic] {
        guard !images.problems.isEmpty else { return [] }
        return sources.staticFiles.compactMap { file in
            guard let problem = images.problems[file.outputPath], !shown.contains(file.outputPath) else { return nil }
            return .error(problem.code, at: SourcePosition(file: file.displayPath), problem.message, suggestion: problem.suggestion)
        }
    }
}
