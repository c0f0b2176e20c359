import Foundation
import SiteMarkdown

/// A page put into its template: the final HTML, plus what the template itself contributed
/// (its links, ids and text), read apart from the Markdown body so that each problem can be
/// reported where it was written.
public struct AssembledPage: Sendable {
    public var rendered: RenderedPage
    public var html: String
    /// The template's output without the body ("chrome": head, navigation, footer).
    public var chrome: HTMLFacts
    /// Ids in raw HTML of the body (only when raw HTML is allowed).
    public var rawBodyIDs: [String]
    public var template: String
    public var diagnostics: [Diagnostic]
    /// Every id of the built page (headings, the theme's, raw HTML's): what a `#fragment` may
    /// name. Made once, here; the output index, the output memo and the assemble memo read it.
    public var ids: Set<String> = []

    public var page: Page { rendered.page }

    /// The page with `ids` made from its parts.
    func withIDs() -> AssembledPage {
        var page = self
        page.ids = Set(rendered.body.ids + chrome.ids + rawBodyIDs)
        return page
    }
}

/// Builds template contexts and renders pages into the theme.
public struct PageAssembler: Sendable {
    public var theme: Theme
    public var settings: SiteSettings
    public var index: SiteIndex
    public var prices: PriceCatalog
    /// Sorted children of each section URL, for section templates.
    private var children: [String: [Child]] = [:]

    /// What a section's template shows of a child page (kept apart from the page: copying every
    /// `Page` into these lists was a serial 1.6% of a 5,000-page build).
    struct Child: Sendable {
        var weight: Int
        var title: String
        var url: String
        var description: String
    }
    /// The `site` of every template context.
    private let siteContext: SendableValue
    private let menuItems: [SiteSettings.MenuItem]
    private let menus = MenuCache()
    private let chromeCache = ChromeCache()
    private let skeletons: TemplateSkeletons
    /// Render each page through swift-mustache instead of reusing skeletons (the results are the
    /// same; a test compares them).
    public var rendersDirectly = false
    /// The build's published images: each `<img>` showing one becomes a `<picture>`.
    public var images = ImageSet.empty

    /// Stands in for the body while the template renders, so the template's own output can be
    /// read apart. Private-use characters that no template or page would write.
    static let bodyMarker = "\u{E000}clinic-site-body\u{E001}"

    public init(theme: Theme, settings: SiteSettings, index: SiteIndex, prices: PriceCatalog) {
        self.theme = theme
        self.prices = prices
        self.settings = settings
        self.index = index
        self.skeletons = TemplateSkeletons(theme: theme)
        var children: [String: [Child]] = [:]
        for page in index.pages where page.kind != .home {
            let parent = Self.parentURL(of: page.url)
            children[parent, default: []].append(Child(weight: page.weight, title: page.title, url: page.url, description: page.description ?? ""))
        }
        // `menuOrder` without the home page, which is no one's child.
        self.children = children.mapValues { $0.sorted { ($0.weight, $0.title, $0.url) < ($1.weight, $1.title, $1.url) } }
        var site = (settings.raw.templateValue as? [String: Any]) ?? [:]
        site["name"] = settings.name
        site["base_url"] = settings.baseURL
        site["language"] = settings.language
        site["description"] = settings.description
        self.siteContext = SendableValue(site)
        if let menu = settings.menu {
            menuItems = menu
        } else {
            // No menu in the settings: the home page, then every top-level page and section.
            let top = index.pages.filter { $0.kind == .home || Self.parentURL(of: $0.url) == "/" }
                .filter { !$0.url.hasSuffix(".html") }
                .sorted(by: Self.menuOrder)
            menuItems = top.map { SiteSettings.MenuItem(title: $0.title, url: $0.url, position: SourcePosition(file: $0.source.displayPath)) }
        }
    }

    static func menuOrder(_ a: Page, _ b: Page) -> Bool {
        if (a.kind == .home) != (b.kind == .home) { return a.kind == .home }
        return (a.weight, a.title, a.url) < (b.weight, b.title, b.url)
    }

    static func parentURL(of url: String) -> String {
        var parts = url.split(separator: "/")
        if !url.hasSuffix("/"), !parts.isEmpty { parts.removeLast() } else if !parts.isEmpty { parts.removeLast() }
        return parts.isEmpty ? "/" : "/" + parts.joined(separator: "/") + "/"
    }

    /// The template a page uses: front matter `template:`, else `home`/`section` when the theme
    /// has them, else `page`.
    public func templateName(for page: Page) -> String {
        if let t = page.template { return t }
        if page.kind == .home, theme.has("home") { return "home" }
        if page.kind == .section, theme.has("section") { return "section" }
        return "page"
    }

    public func assemble(_ rendered: RenderedPage) -> AssembledPage {
        let page = rendered.page
        var diagnostics: [Diagnostic] = []
        let name = templateName(for: page)
        var result = AssembledPage(rendered: rendered, html: "", chrome: HTMLFacts(), rawBodyIDs: [], template: name, diagnostics: [])
        guard theme.has(name) else {
            let written = page.frontMatter.entry("template").map(\.value.position)
            let at = written ?? SourcePosition(file: page.source.displayPath, line: 1, column: 1)
            let near = Suggest.nearest(name, in: theme.names)
            diagnostics.append(
                .error(
                    "template.missing", at: at, "the template '\(name)' does not exist in the theme",
                    suggestion: near.map { "did you mean '\($0)'?" }
                        ?? "the templates are: \(theme.names.filter { !$0.hasPrefix("partials/") }.joined(separator: ", "))",
                    fix: written.flatMap { .renaming(name, at: $0, to: near) }))
            result.diagnostics = diagnostics
            return result.withIDs()
        }
        let output = render(name, context: context(for: rendered)) ?? ""
        let pieces = Self.split(output, at: Self.bodyMarker)
        result.html = PictureMarkup.rewrite(
            pieces.joined(separator: rendered.body.html), pageURL: page.url, images: images, sizes: settings.images.sizes)
        result.chrome = scanChrome(pieces)
        if settings.allowRawHTML, rendered.body.html.contains(" id=") || rendered.body.html.contains(" name=") {
            result.rawBodyIDs = HTMLScanner.scan(rendered.body.html).ids
        }
        diagnostics += Self.duplicateIDs(rendered, chromeIDs: result.chrome.ids, rawIDs: result.rawBodyIDs, template: theme.files[name]?.displayPath ?? name)
        result.diagnostics = diagnostics
        return result.withIDs()
    }

    /// Every id of a built page must be unique (a `#link` jumps to the first): the theme's ids,
    /// then the headings' (which never take a literal id of the theme, see `Theme.literalIDs`),
    /// then those of raw HTML. A repeat is an error where it was written.
    static func duplicateIDs(_ rendered: RenderedPage, chromeIDs: [String], rawIDs: [String], template: String) -> [Diagnostic] {
        var first: [String: String] = [:]
        var diagnostics: [Diagnostic] = []
        let file = rendered.page.source.displayPath
        func duplicate(_ id: String, at position: SourcePosition, _ what: String) {
            diagnostics.append(
                .error(
                    "html.duplicate-id", at: position, "\(what) gives the id '\(id)', which \(first[id]!) already has: a link to #\(id) would go to the first",
                    suggestion: "choose another id"))
        }
        for id in chromeIDs {
            if first[id] != nil {
                duplicate(id, at: SourcePosition(file: template), "the template")
            } else {
                first[id] = "the theme's template (\(template))"
            }
        }
        for heading in rendered.body.headings {
            if first[heading.id] != nil {
                duplicate(heading.id, at: SourcePosition(file: file, line: heading.position.line, column: heading.position.column), "this heading")
            } else {
                first[heading.id] = "the heading on line \(heading.position.line)"
            }
        }
        // The body's HTML holds the headings' ids too: one of each is the heading's own.
        var headingIDs: [String: Int] = [:]
        for heading in rendered.body.headings { headingIDs[heading.id, default: 0] += 1 }
        let rawIDs = rawIDs.filter { id in
            guard let n = headingIDs[id], n > 0 else { return true }
            headingIDs[id] = n - 1
            return false
        }
        guard !rawIDs.isEmpty else { return diagnostics }
        let source = Array(rendered.page.body.utf8)
        let lines = LineLocator(rendered.page.body)
        var searchFrom: [String: Int] = [:]
        for id in rawIDs {
            let found = Self.rawIDPosition(id, in: source, lines: lines, from: searchFrom[id] ?? 0)
            searchFrom[id] = found.map { $0.offset + 1 } ?? source.count
            let at = found.map { SourcePosition(file: file, line: $0.line, column: $0.column) } ?? SourcePosition(file: file, line: 1, column: 1)
            if first[id] != nil {
                duplicate(id, at: at, "this raw HTML")
            } else {
                first[id] = "the raw HTML on line \(at.line)"
            }
        }
        return diagnostics
    }

    /// Where the tag that writes `id="ID"` (or `'ID'`, unquoted, or `name=` of an anchor) starts,
    /// at or after byte `from` of `source` (whose lines are `lines`): the byte offset of its `<`,
    /// line and column.
    static func rawIDPosition(_ id: String, in source: [UInt8], lines: LineLocator, from: Int) -> (offset: Int, line: Int, column: Int)? {
        let needles = ["id=\"\(id)\"", "id='\(id)'", "id=\(id)", "name=\"\(id)\""].map { Array($0.utf8) }
        var best: Int?
        for needle in needles where needle.count <= source.count {
            var i = from
            while i + needle.count <= source.count {
                if source[i] == needle[0], Array(source[i..<(i + needle.count)]) == needle, i == 0 || source[i - 1] <= 32 {
                    best = min(best ?? i, i)
                    break
                }
                i += 1
            }
        }
        guard let hit = best else { return nil }
        var tag = hit
        while tag > 0, source[tag] != UInt8(ascii: "<") { tag -= 1 }
        let at = lines.position(ofOffset: tag)
        return (hit, at.line, at.column)
    }

    /// Reads the template's output around the body. The part after the body (help block, footer)
    /// is usually the same on every page, so its scan is cached; the part before it holds the
    /// page's title and navigation and is scanned each time.
    func scanChrome(_ pieces: [String]) -> HTMLFacts {
        guard pieces.count > 1 else { return ChromeScanner.scan(pieces.joined()) }
        var facts = ChromeScanner.scan(pieces[0])
        for piece in pieces.dropFirst() {
            let more = chromeCache.facts(for: piece)
            facts.links += more.links
            facts.ids += more.ids
            facts.texts += more.texts
            facts.scripts += more.scripts
        }
        return facts
    }

    /// `text` cut at every `marker`, by bytes (Foundation's `components(separatedBy:)` is slow on
    /// non-ASCII markers).
    static func split(_ text: String, at marker: String) -> [String] {
        var pieces: [String] = []
        var text = text
        var marker = marker
        text.withUTF8 { hay in
            marker.withUTF8 { m in
                var start = 0
                while start <= hay.count {
                    let rest = UnsafeBufferPointer(rebasing: hay[start...])
                    guard let found = ByteSearch.firstOffset(of: m, in: rest, ignoringASCIICase: false) else { break }
                    pieces.append(String(decoding: UnsafeBufferPointer(rebasing: hay[start..<(start + found)]), as: UTF8.self))
                    start += found + m.count
                }
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: hay[min(start, hay.count)...]), as: UTF8.self))
            }
        }
        return pieces
    }

    /// The template's output for a context: through the skeleton of its shape when it can be
    /// used (see `TemplateSkeletons`), else through swift-mustache.
    func render(_ name: String, context: [(key: String, value: TemplateSkeletons.Entry)]) -> String? {
        if !rendersDirectly, let output = skeletons.render(name, entries: context, with: { theme.render(name, context: $0) }) {
            return output
        }
        var plain: [String: Any] = [:]
        for (key, value) in context { plain[key] = value.any }
        return theme.render(name, context: plain)
    }

    typealias Plain = TemplateSkeletons.Plain

    /// The template context of a page, typed, its keys in `sorted()` order: `page` (the front
    /// matter, then what the build knows of the page), `site`, `menu`, `children`, `review`,
    /// `content` and `json_ld`.
    func context(for rendered: RenderedPage) -> [(key: String, value: TemplateSkeletons.Entry)] {
        let page = rendered.page
        var pageContext: [String: Plain] = [:]
        if case .mapping(let entries) = page.frontMatter.kind {
            pageContext.reserveCapacity(entries.count + 10)
            for e in entries { pageContext[e.key] = Self.plain(e.value) }
        }
        pageContext["title"] = .string(page.title)
        pageContext["description"] = .string(page.description ?? "")
        pageContext["url"] = .string(page.url)
        pageContext["permalink"] = .string(settings.baseURL + page.url)
        pageContext["is_home"] = .bool(page.kind == .home)
        pageContext["is_section"] = .bool(page.kind == .section)
        pageContext["date"] = .string(page.date ?? "")
        pageContext["mentions_crisis"] = .bool(rendered.crisisTermInBody && CrisisDetector.mentionsCrisis(rendered.body))
        pageContext["headings"] = .list(
            rendered.body.headings.filter { $0.level == 2 }.map { .map([("id", .string($0.id)), ("text", .string($0.text))]) })
        pageContext["content"] = .string(Self.bodyMarker)
        let menu = menus.menu(current: menuItems.indices.filter { menuItems[$0].url == page.url }, of: menuItems)
        let kids: [Plain] = (children[page.url] ?? []).map {
            .map([("description", .string($0.description)), ("title", .string($0.title)), ("url", .string($0.url))])
        }
        var context: [(key: String, value: TemplateSkeletons.Entry)] = [
            ("children", .plain(.list(kids))),
            ("content", .plain(.string(Self.bodyMarker))),
            ("json_ld", .plain(.string(StructuredData.scripts(for: page, body: rendered.body, settings: settings, prices: prices)))),
            ("menu", .literal(menu.value, description: menu.description)),
            ("page", .plain(.map(pageContext))),
        ]
        if let review = Review(page) { context.append(("review", .plain(.map([("by", .string(review.by)), ("date", .string(review.date))])))) }
        if Review.isPending(page) { context.append(("review_pending", .plain(.bool(true)))) }
        context.append(("site", .shared(siteContext.value)))
        return context
    }

    /// A front-matter value as templates see it (as `YAMLValue.templateValue`: null is the empty
    /// string, a date its text).
    static func plain(_ value: YAMLValue) -> Plain {
        switch value.kind {
        case .null: return .string("")
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(String(describing: i), i)
        case .double(let d): return .number(String(describing: d), d)
        case .date(let s), .string(let s): return .string(s)
        case .array(let items): return .list(items.map(plain))
        case .mapping(let entries):
            var dict: [String: Plain] = [:]
            for e in entries { dict[e.key] = plain(e.value) }
            return .map(dict)
        }
    }
}

/// The menu of each page, by which of its items are the current page: the same few values on
/// every page, built and described once each. Thread-safe.
final class MenuCache: @unchecked Sendable {
    private let lock = NSLock()
    private var menus: [[Int]: (value: Any, description: [UInt8]?)] = [:]

    func menu(current: [Int], of items: [SiteSettings.MenuItem]) -> (value: Any, description: [UInt8]?) {
        lock.lock()
        defer { lock.unlock() }
        if let known = menus[current] { return known }
        let value: [[String: Any]] = items.indices.map { i in
            ["title": items[i].title, "url": items[i].url, "current": current.contains(i)]
        }
        let made = (value: value as Any, description: TemplateSkeletons.description(of: value))
        menus[current] = made
        return made
    }
}

/// Scans of template output shared by many pages, by their text. Thread-safe.
final class ChromeCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: HTMLFacts] = [:]

    func facts(for piece: String) -> HTMLFacts {
        lock.lock()
        if let cached = entries[piece] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let facts = ChromeScanner.scan(piece)
        lock.lock()
        entries[piece] = facts
        lock.unlock()
        return facts
    }
}

/// Wraps a plain value (String, Bool, Int, arrays and dictionaries of them) read from YAML so it
/// can be kept in a `Sendable` type; such values are immutable.
struct SendableValue: @unchecked Sendable {
    let value: Any
    init(_ value: Any) { self.value = value }
}
