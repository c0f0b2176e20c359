import Foundation
import SiteMarkdown

/// Checks every link of every page: Markdown links at their source position, template links at
/// the template (or settings) line that wrote them.
public struct LinkChecker: Sendable {
    public let output: OutputIndex
    public var settings: SiteSettings
    /// Template and settings sources, to find where a template link was written.
    public var theme: Theme
    public var settingsSource: SourceFile?
    /// The build's images: a link to one that cannot be published reports its problem.
    public var images: ImageSet

    public init(output: OutputIndex, settings: SiteSettings, theme: Theme, settingsSource: SourceFile?, images: ImageSet = .empty) {
        self.images = images
        self.output = output
        self.settings = settings
        self.theme = theme
        self.settingsSource = settingsSource
        candidates = Lazy {
            (pages: output.files.filter { $0.hasSuffix(".html") }.map(OutputIndex.url(for:)), files: output.files.map { "/" + $0 })
        }
    }

    /// What a missing page's or file's "did you mean" chooses from: the URL of every page, and
    /// every file's path; made once, on the first missing link.
    private let candidates: Lazy<(pages: [String], files: [String])>

    /// Answers for links the theme writes on every page, by destination.
    private let chromeAnswers = ChromeAnswers()

    final class ChromeAnswers: @unchecked Sendable {
        private let lock = NSLock()
        private var answers: [String: Problem?] = [:]

        func answer(_ href: String, _ compute: () -> Problem?) -> Problem? {
            lock.lock()
            if let known = answers[href] {
                lock.unlock()
                return known
            }
            lock.unlock()
            let answer = compute()
            lock.lock()
            answers[href] = .some(answer)
            lock.unlock()
            return answer
        }
    }

    /// Whether the problem with `href` is the same on every page: a root-relative path (it names
    /// its file and fragment itself) or an http(s), mailto or tel URL. A relative link or a bare
    /// `#fragment` depends on the page.
    static func isPageIndependent(_ href: String) -> Bool {
        (href.hasPrefix("/") && !href.hasPrefix("//")) || href.hasPrefix("https://") || href.hasPrefix("http://")
            || href.hasPrefix("mailto:") || href.hasPrefix("tel:")
    }

    /// A problem with one link, before it is placed at a source position.
    struct Problem: Sendable {
        var code: String
        var message: String
        var suggestion: String?
        var severity: Diagnostic.Severity = .error
        /// The destination that would resolve, when the suggestion is an exact one: the URL as a
        /// whole (`replacesFragmentOnly` false) or only the part after `#`.
        var replacement: String?
        var replacesFragmentOnly = false
    }

    /// The problem with a link as its page resolved it (`PageLinks`), if any.
    func problem(with link: PageLinks.Link) -> Problem? {
        let href = link.href
        switch link.target {
        case .external:
            return nil
        case .malformed(let reason):
            return Problem(code: "link.malformed", message: "malformed link '\(href)': \(reason)")
        case .unsafe(let scheme):
            return Problem(
                code: "link.unsafe-scheme", message: "'\(scheme):' links are refused: they can run code or leak data in the reader's browser",
                suggestion: "link to a page or an https:// address; a site that really needs \(scheme): lists it under allowed_schemes in the site settings")
        case .samePage(let fragment):
            guard let file = link.file else { return nil }
            return fragmentProblem(fragment, in: file, href: href)
        case .local(let path, let fragment):
            if let image = images.problem(atURLPath: path) {
                return Problem(code: image.code, message: image.message, suggestion: image.suggestion)
            }
            guard let file = link.file else {
                if output.draftURLs.contains(path) || output.draftURLs.contains(path + "/") {
                    return Problem(code: "link.draft", message: "'\(href)' links to a draft page, which is not published", suggestion: "publish the page (draft: false) or remove the link")
                }
                let isSource = path.lowercased().hasSuffix(".md")
                let looksLikePage = isSource || path.hasSuffix("/") || !((path as NSString).lastPathComponent.contains("."))
                if isSource {
                    let sources = output.sources
                    let near = Suggest.nearest(String(path.drop { $0 == "/" }), in: sources)
                    return Problem(
                        code: "link.missing-page", message: "'\(href)' links to a Markdown file that does not exist",
                        suggestion: near.map { "did you mean '\($0)'? (source links are relative to this page's folder)" })
                }
                let near = Suggest.nearest(path, in: looksLikePage ? candidates.value.pages : candidates.value.files, maxDistance: max(3, path.count / 3))
                return Problem(
                    code: looksLikePage ? "link.missing-page" : "link.missing-asset",
                    message: looksLikePage ? "'\(href)' links to a page that does not exist" : "'\(href)' links to a file that does not exist",
                    suggestion: near.map { "did you mean '\($0)\(fragment.map { "#" + $0 } ?? "")'?" },
                    replacement: near.map { $0 + (fragment.map { "#" + $0 } ?? "") })
            }
            guard let fragment else { return nil }
            return fragmentProblem(fragment, in: file, href: href)
        }
    }

    func fragmentProblem(_ fragment: String, in file: String, href: String) -> Problem? {
        if fragment.isEmpty || fragment == "top" { return nil }
        guard file.hasSuffix(".html") else { return nil }
        let ids = output.ids[file] ?? []
        if ids.contains(fragment) { return nil }
        let near = Suggest.nearest(fragment, in: Array(ids), maxDistance: max(3, fragment.count / 2))
        let pageURL = OutputIndex.url(for: file)
        return Problem(
            code: "link.missing-fragment", message: "'\(href)' points to '#\(fragment)', but \(pageURL) has no such id",
            suggestion: near.map { "did you mean '\(pageURL)#\($0)'?" } ?? (ids.isEmpty ? nil : "the page's ids include: \(ids.sorted().prefix(6).joined(separator: ", "))"),
            replacement: near, replacesFragmentOnly: true)
    }

    /// Checks the Markdown and raw HTML links of a page, each at its source position; `links`
    /// are the page's, resolved against `output`.
    func checkBody(_ page: AssembledPage, links: PageLinks) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let file = page.page.source.displayPath
        // The page's lines, found once, for the fixes of its links.
        var lines: LineLocator?
        for (link, resolved) in zip(page.rendered.body.links, links.body) {
            let at = SourcePosition(file: file, line: link.position.line, column: link.position.column)
            // `![""](photo.jpg)` says the image is decorative: published with alt="".
            if link.kind == .image && link.text.trimmingCharacters(in: .whitespaces).isEmpty {
                diagnostics.append(
                    .warning(
                        "a11y.missing-alt", at: at, "this image has no alt text, so screen-reader users will not know what it shows",
                        suggestion: "describe it in the brackets: ![A calm treatment room](\(link.destination)); write ![\"\"](\(link.destination)) for an image that only decorates"))
            }
            guard let problem = problem(with: resolved) else { continue }
            var message = problem.message
            if link.destination != link.renderedDestination, problem.code != "link.missing-fragment" {
                message += " (written as '\(link.destination)')"
            } else if problem.code == "link.missing-asset" || problem.code == "link.missing-page" {
                message += Self.triedReadings(of: link.destination, on: page.page)
            }
            var fix: Fix?
            if problem.replacement != nil {
                if lines == nil { lines = LineLocator(page.page.source.text) }
                fix = Self.fix(link, problem, at: at, lines: lines!)
            }
            diagnostics.append(Diagnostic(problem.severity, problem.code, at: at, message, suggestion: problem.suggestion, fix: fix))
        }
        diagnostics += checkRawHTML(page, links: links.rawHTML)
        return diagnostics
    }

    /// The links of raw HTML that the site allows (`<a href>`, `<form action>`, `<img src>` …, read
    /// with gumbo), checked as Markdown's are, each at its tag in the source.
    func checkRawHTML(_ page: AssembledPage, links: [PageLinks.RawLink]) -> [Diagnostic] {
        let file = page.page.source.displayPath
        var diagnostics: [Diagnostic] = []
        for raw in links {
            guard let problem = problem(with: raw.link) else { continue }
            let (tag, piece) = (raw.tag, raw.piece)
            let at = SourcePosition(file: file, line: piece.line + tag.line - 1, column: tag.line == 1 ? piece.column + tag.column - 1 : tag.column)
            diagnostics.append(
                Diagnostic(problem.severity, problem.code, at: at, "\(problem.message) (<\(tag.element) \(tag.attribute)> in raw HTML)", suggestion: problem.suggestion))
        }
        return diagnostics
    }

    /// For a relative link that named nothing: the two places it was looked for, the file beside
    /// the page's `.md` file and the address relative to the page's URL (docs/checks.md: How a relative link is read).
    static func triedReadings(of destination: String, on page: Page) -> String {
        guard let first = destination.unicodeScalars.first, first != "/", first != "#", first != "?",
            !LinkResolver.hasScheme(destination)
        else { return "" }
        let scalars = destination.unicodeScalars
        let end = scalars.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? scalars.endIndex
        let path = String(scalars[..<end])
        let decoded = path.removingPercentEncoding ?? path
        guard !LinkResolver.hasSuffixIgnoringASCIICase(decoded, ".md") else { return "" }
        let display = page.source.displayPath
        let root = display.hasSuffix(page.source.relativePath) ? String(display.dropLast(page.source.relativePath.utf8.count)) : ""
        var tried: [String] = []
        if decoded.utf8.last != UInt8(ascii: "/"), let beside = LinkResolver.normalize(path: decoded, base: page.sourceDirectory) {
            tried.append("the file \(root)\(beside), beside \(display)")
        }
        if case .local(let url, _) = LinkResolver.resolve(destination, from: page.url) {
            tried.append("\(url), relative to the page's address \(page.url)")
        }
        return tried.isEmpty ? "" : " (looked for " + tried.joined(separator: ", and for ") + ")"
    }

    /// The exact edit of a link's destination that the problem's suggestion names, when the
    /// destination is written inline on the link's line (`[text](dest)`, `![alt](dest)`): only
    /// the part after `#` for a missing anchor, the whole destination otherwise (only where it
    /// was written as the URL it is, not as a source path the site rewrote).
    static func fix(_ link: MarkdownLink, _ problem: Problem, at: SourcePosition, lines: LineLocator) -> Fix? {
        guard let replacement = problem.replacement, link.kind != .autolink, at.line > 0, at.column > 0, !link.destination.isEmpty else { return nil }
        var original = link.destination
        let new = replacement
        if problem.replacesFragmentOnly {
            guard let hash = link.destination.firstIndex(of: "#") else { return nil }
            original = String(link.destination[link.destination.index(after: hash)...])
            guard !original.isEmpty else { return nil }
        } else {
            guard link.destination == link.renderedDestination else { return nil }
        }
        // Find `](destination` on the link's line, after the link starts.
        guard let line = lines.line(at.line) else { return nil }
        let bytes = ArraySlice(line.utf8)
        let needle = Array("](\(link.destination)".utf8)
        var i = bytes.startIndex + max(0, at.column - 1)
        while i + needle.count <= bytes.endIndex {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) {
                let end = i + needle.count
                guard end == bytes.endIndex || bytes[end] == UInt8(ascii: ")") || bytes[end] == UInt8(ascii: " ") else { return nil }
                let startColumn = end - bytes.startIndex - original.utf8.count + 1
                return Fix(
                    replacing: original, at: SourcePosition(file: at.file, line: at.line, column: startColumn), with: new,
                    title: problem.replacesFragmentOnly ? "Link to #\(new)" : "Link to \(new)")
            }
            i += 1
        }
        return nil
    }

    /// A broken link that the theme writes, found on one or more pages.
    public struct TemplateLinkProblem: Sendable, Hashable {
        public var href: String
        public var code: String
        public var message: String
        public var suggestion: String?
        public var pages: [String]
    }

    /// The template's broken links on one page, keyed for grouping across pages; `links` are the
    /// page's, resolved against `output`.
    func checkChrome(_ page: AssembledPage, links: PageLinks) -> [TemplateLinkProblem] {
        var seen = Set<String>()
        var problems: [TemplateLinkProblem] = []
        for link in links.chrome where seen.insert(link.href).inserted {
            let found = Self.isPageIndependent(link.href) ? chromeAnswers.answer(link.href) { problem(with: link) } : problem(with: link)
            guard let problem = found else { continue }
            problems.append(
                TemplateLinkProblem(href: link.href, code: problem.code, message: problem.message, suggestion: problem.suggestion, pages: [page.page.source.displayPath]))
        }
        return problems
    }

    /// Places grouped template problems at the line that wrote the link: the literal in a
    /// template, else in the site settings (menus), else the page's template file.
    public func place(_ problems: [TemplateLinkProblem], templates: [String: String]) -> [Diagnostic] {
        var grouped: [String: TemplateLinkProblem] = [:]
        for p in problems {
            let key = p.code + "\u{0}" + p.href + "\u{0}" + p.message
            if grouped[key] == nil { grouped[key] = p } else { grouped[key]!.pages += p.pages }
        }
        return grouped.values.map { p in
            let pages = Array(Set(p.pages)).sorted()
            let firstTemplate = pages.first.flatMap { templates[$0] }
            let at = locate(p.href, preferring: firstTemplate)
            let on = pages.count == 1 ? "on \(pages[0])" : "on \(pages.count) pages, e.g. \(pages[0])"
            let via = firstTemplate.map { " (template '\($0)')" } ?? ""
            return Diagnostic(.error, p.code, at: at, "\(p.message) \(on)\(via)", suggestion: p.suggestion)
        }
    }

    func locate(_ literal: String, preferring template: String?) -> SourcePosition {
        var files = theme.names.compactMap { theme.files[$0] }
        if let template, let index = files.firstIndex(where: { $0.relativePath == template + ".mustache" }) {
            files.insert(files.remove(at: index), at: 0)
        }
        for file in files {
            if let position = Self.find(literal, in: file) { return position }
        }
        if let settingsSource, let position = Self.find(literal, in: settingsSource) { return position }
        // A value of the settings (a menu url, `help_url`) that YAML spells otherwise (with
        // escapes such as `\t` or `\"`): at the value.
        if let position = Self.position(ofValue: literal, in: settings.raw) { return position }
        if let template, let file = theme.files[template] { return SourcePosition(file: file.displayPath) }
        return SourcePosition(file: files.first?.displayPath ?? "theme")
    }

    /// Where a string scalar equal to `text` is written in `value`, depth first.
    static func position(ofValue text: String, in value: YAMLValue) -> SourcePosition? {
        switch value.kind {
        case .string(let s): return s == text ? value.position : nil
        case .array(let items): return items.lazy.compactMap { position(ofValue: text, in: $0) }.first
        case .mapping(let entries): return entries.lazy.compactMap { position(ofValue: text, in: $0.value) }.first
        default: return nil
        }
    }

    static func find(_ literal: String, in file: SourceFile) -> SourcePosition? {
        guard !literal.isEmpty, file.text.contains(literal) else { return nil }
        let lines = LineLocator(file.text)
        for n in 1...lines.lineCount {
            if let line = lines.line(n), let range = line.range(of: literal) {
                return SourcePosition(file: file.displayPath, line: n, column: line.utf8.distance(from: line.startIndex, to: range.lowerBound) + 1)
            }
        }
        return nil
    }
}
