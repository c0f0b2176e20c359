import SiteMarkdown

/// A page whose Markdown body has been rendered, with everything the checks need from it.
public struct RenderedPage: Sendable {
    public var page: Page
    public var body: RenderedMarkdown
    public var diagnostics: [Diagnostic]
    /// Whether a word of `CrisisDetector.terms` occurs in the body's text, found once for the
    /// template's `page.mentions_crisis` and the crisis-notice rule (true when not known).
    public var crisisTermInBody = true
}

/// Renders page bodies: Markdown → HTML, with links to source files rewritten to URLs and
/// shortcodes expanded. Safe to call from many threads at once.
public struct PageRenderer: Sendable {
    public var index: SiteIndex
    public var shortcodes: ShortcodeExpander
    public var options: MarkdownOptions

    public init(index: SiteIndex, shortcodes: ShortcodeExpander, options: MarkdownOptions) {
        self.index = index
        self.shortcodes = shortcodes
        self.options = options
        // Links with a scheme the settings allow (`data:`) are written as they are; the link
        // check refuses the others.
        self.options.allowedSchemes.formUnion(shortcodes.settings.allowedSchemes.map { $0.lowercased() })
    }

    public func render(_ page: Page) -> RenderedPage {
        var diagnostics: [Diagnostic] = []
        let file = page.source.displayPath
        let body = MarkdownRenderer.render(
            page.body, options: options,
            rewriteLink: { index.rewriteSourceLink($0, from: page) },
            expandShortcode: { shortcodes.expand($0, file: file, diagnostics: &diagnostics) },
            rewriteLinkWrittenIn: { [index] in index.rewriteSourceLink($0, fromSourceDirectory: $1) })
        for problem in body.problems {
            let at = SourcePosition(file: file, line: problem.position.line, column: problem.position.column)
            switch problem.kind {
            case .tooDeep:
                diagnostics.append(
                    .error(
                        "markdown.too-deep", at: at,
                        "the Markdown here nests more than \(MarkdownRenderer.maxDepth) levels deep (quotes, lists, emphasis or images inside each other); what is inside is left out",
                        suggestion: "nest fewer levels: each '>' or list marker at the start of a line opens one more; write \\> or \\- for the character itself"))
            case .rawHTMLDropped(let html):
                diagnostics.append(
                    .warning(
                        "markdown.raw-html-dropped", at: at,
                        "the raw HTML '\(html)' is left out of the page: this site does not allow raw HTML",
                        suggestion: "write it in Markdown, or set allow_raw_html: true in the site settings (content/_site.yaml) to publish it as written"))
            case .tooWide:
                diagnostics.append(
                    .error(
                        "markdown.too-wide", at: at,
                        "this table has more than \(TableLimit.maxColumns) columns, more than any reader can follow (and slow to build); it is left out",
                        suggestion: "split it into narrower tables, or turn the columns into rows"))
            }
        }
        return RenderedPage(page: page, body: body, diagnostics: diagnostics, crisisTermInBody: CrisisDetector.anyTerm(in: body))
    }
}
