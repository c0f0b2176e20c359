import CCmarkGFM
import Foundation

/// Walks a parsed tree once, editing it in place and collecting headings, links and text.
///
/// The walk never recurses: blocks and inlines are visited from explicit stacks, so nesting costs
/// heap, not stack (pages render on worker threads with small stacks).
struct TreeWalker {
    // The closures live only as long as one render (see `withoutActuallyEscaping` above).
    let rewriteLink: (String) -> String
    let expandShortcode: (Shortcode) -> ShortcodeExpansion
    /// Rewrites a link written in another file's folder (a shared list's), when that matters.
    var rewriteLinkWrittenIn: (@Sendable (String, String) -> String)?
    let cmarkOptions: Int32
    let options: MarkdownOptions
    let source: String

    var headings: [MarkdownHeading] = []
    var links: [MarkdownLink] = []
    var textBlocks: [TextBlock] = []
    var shortcodes: [Shortcode] = []
    var problems: [MarkdownProblem] = []
    /// Raw HTML published as written (only when the site allows it).
    var rawHTML: [RawHTML] = []
    var slugger = Slugger()

    /// Nodes that a block shortcode inserted: every position in them is the shortcode's.
    struct Expansion {
        var position: LineColumn
        /// Whether their text is prose for the checks (a shared list) or made from data (the price table).
        var collectsText: Bool
        /// The folder (below `content/`) their relative links are read from, when not the page's.
        var linkDirectory: String? = nil
    }
    var expansion: Expansion?

    /// The text block being collected, and its runs.
    var blockText = ""
    var blockRuns: [(offset: Int, position: LineColumn)] = []
    var blockNotProse: [Range<Int>] = []
    /// The text a reader sees in the block being collected (shortcodes expanded, alt texts
    /// included, breaks as spaces): heading ids and link texts are cut from it.
    var visibleText: [UInt8] = []
    /// How far angle autolinks have been found in the block being collected.
    var autolinkCursor: (line: Int, column: Int) = (0, 0)
    /// The source's lines, found the first time an autolink needs them, and the `<…>` spans of
    /// the last line an autolink was looked up on.
    var sourceLines: LineLocator?
    var angleSpans: (line: Int, spans: [[UInt8]: [Int]])?

    /// A link's text is used for the missing-alt check and messages: its start is enough, and
    /// nested images would otherwise make the texts quadratic in size.
    static let maxLinkText = 1_000

    init(
        source: String, options: MarkdownOptions,
        rewriteLink: @escaping (String) -> String,
        expandShortcode: @escaping (Shortcode) -> ShortcodeExpansion,
        cmarkOptions: Int32
    ) {
        self.source = source
        self.options = options
        self.rewriteLink = rewriteLink
        self.expandShortcode = expandShortcode
        self.cmarkOptions = cmarkOptions
        // Sorted: the order of a set differs between runs, the ids must not.
        for id in options.reservedIDs.sorted() { slugger.reserve(id) }
    }

    // MARK: Blocks

    /// Visits every block under `root` in document order.
    mutating func walk(_ root: OpaquePointer) {
        var stack: [(node: OpaquePointer, expansion: Expansion?)] = [(root, nil)]
        while let (node, context) = stack.popLast() {
            expansion = context
            switch cmark_node_get_type(node) {
            case CMARK_NODE_PARAGRAPH:
                if context == nil, let (inserted, inner) = expandStandaloneShortcode(node) {
                    for child in inserted.reversed() { stack.append((child, inner)) }
                    continue
                }
                collectText(of: node, kind: .paragraph)
            case CMARK_NODE_HEADING:
                collectText(of: node, kind: .heading)
                giveHeadingAnID(node)
            case CMARK_NODE_HTML_BLOCK:
                handleRawHTML(node)
            case CMARK_NODE_CODE_BLOCK, CMARK_NODE_THEMATIC_BREAK:
                continue
            default:
                if ["table_row", "table_header"].contains(typeName(node)) {
                    collectText(of: node, kind: .tableRow)
                    continue
                }
                // Last child first, so that the first is visited first.
                var child = cmark_node_last_child(node)
                while let current = child {
                    stack.append((current, context))
                    child = cmark_node_previous(current)
                }
            }
        }
    }

    // MARK: Text blocks and inlines

    mutating func collectText(of node: OpaquePointer, kind: TextBlock.Kind, at given: LineColumn? = nil) {
        blockText = ""
        blockRuns = []
        blockNotProse = []
        visibleText = []
        let fallback = given ?? position(of: node) ?? LineColumn(line: 1, column: 1)
        autolinkCursor = (0, 0)
        walkInlines(node, fallback: fallback)
        guard expansion?.collectsText ?? true else { return }
        if blockText.utf8.contains(where: { $0 != 32 && $0 != 9 }) {
            textBlocks.append(TextBlock(kind: kind, text: blockText, runs: blockRuns, fixedPosition: expansion != nil, notProse: blockNotProse))
        }
    }

    enum InlineStep {
        /// Visit a node; `fallback` is the position of the nearest enclosing node that has one.
        case enter(OpaquePointer, fallback: LineColumn)
        /// A link's children are done: its text is the visible text from `textStart` on; an
        /// autolink's text (a URL) is not prose from `proseStart` in the block's text.
        case exitLink(index: Int, textStart: Int, proseStart: Int?)
    }

    /// Visits the inlines under `parent` in document order.
    mutating func walkInlines(_ parent: OpaquePointer, fallback: LineColumn) {
        var stack: [InlineStep] = []
        pushChildren(of: parent, fallback: fallback, on: &stack)
        while let step = stack.popLast() {
            switch step {
            case .exitLink(let index, let start, let proseStart):
                let end = min(visibleText.count, start + Self.maxLinkText)
                links[index].text = String(decoding: visibleText[start..<end], as: UTF8.self)
                if let proseStart, blockText.utf8.count > proseStart { blockNotProse.append(proseStart..<blockText.utf8.count) }
            case .enter(let node, let fallback):
                let here = position(of: node) ?? fallback
                switch cmark_node_get_type(node) {
                case CMARK_NODE_TEXT:
                    handleText(node, at: here)
                case CMARK_NODE_CODE:
                    let code = literal(node)
                    let start = blockText.utf8.count
                    appendRun(code, at: here)
                    if !code.isEmpty { blockNotProse.append(start..<blockText.utf8.count) }
                    visibleText.append(contentsOf: code.utf8)
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                    blockText += " "
                    visibleText.append(32)
                case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                    let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    let rewritten = expansion?.linkDirectory.flatMap { dir in rewriteLinkWrittenIn.map { $0(destination, dir) } } ?? rewriteLink(destination)
                    let written = Self.runsCode(rewritten, allowed: options.allowedSchemes) ? "" : rewritten
                    if written != destination { cmark_node_set_url(node, written) }
                    let isImage = cmark_node_get_type(node) == CMARK_NODE_IMAGE
                    // The extension's autolinks (`https://…`, `www.…`) have no position.
                    let autolink = sourcePosition(of: node) == nil
                    var position = isImage || autolink ? here : linkPosition(node, destination: destination, reported: here)
                    if !autolink, expansion == nil { position = Self.startOfLink(node, reported: position) }
                    links.append(
                        MarkdownLink(
                            kind: isImage ? .image : (autolink ? .autolink : .link),
                            destination: destination, renderedDestination: rewritten, text: "", position: position))
                    // A link whose text is its URL (`<https://…>`, `https://…`) shows a URL, not prose.
                    let showsURL = autolink || Self.isAngleAutolink(node, destination: destination)
                    stack.append(.exitLink(index: links.count - 1, textStart: visibleText.count, proseStart: showsURL ? blockText.utf8.count : nil))
                    pushChildren(of: node, fallback: here, on: &stack)
                case CMARK_NODE_HTML_INLINE:
                    handleRawHTML(node)
                default:
                    pushChildren(of: node, fallback: here, on: &stack)
                }
            }
        }
    }

    /// cmark-gfm gives a link or image the column of its `[` (or `!`) but the line of its `]`: a
    /// link whose text spans lines would be reported on its last line. Its `[` is as many lines up
    /// as there are line breaks in its text.
    static func startOfLink(_ node: OpaquePointer, reported: LineColumn) -> LineColumn {
        var breaks = 0
        var stack: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            stack.append(current)
            child = cmark_node_next(current)
        }
        while let current = stack.popLast() {
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK { breaks += 1 }
            var inner = cmark_node_first_child(current)
            while let n = inner {
                stack.append(n)
                inner = cmark_node_next(n)
            }
        }
        guard breaks > 0, reported.line - breaks >= 1 else { return reported }
        return LineColumn(line: reported.line - breaks, column: reported.column)
    }

    /// Whether `node` (a link) is an angle autolink: its one child is text equal to its destination
    /// (without `mailto:` for an address).
    static func isAngleAutolink(_ node: OpaquePointer, destination: String) -> Bool {
        guard let first = cmark_node_first_child(node), cmark_node_next(first) == nil, cmark_node_get_type(first) == CMARK_NODE_TEXT else { return false }
        let text = cmark_node_get_literal(first).map { String(cString: $0) } ?? ""
        return destination == text || destination == "mailto:" + text
    }

    func pushChildren(of node: OpaquePointer, fallback: LineColumn, on stack: inout [InlineStep]) {
        var child = cmark_node_last_child(node)
        while let current = child {
            stack.append(.enter(current, fallback: fallback))
            child = cmark_node_previous(current)
        }
    }

    /// Schemes that cmark's safe mode blanks (`data:` but for PNG, GIF, JPEG and WebP images).
    /// Such a URL is reported by LinkChecker; blanking it too means that an exempted error
    /// (`<!-- ignore: link -->`) still cannot publish a script.
    static func runsCode(_ url: String, allowed: Set<String>) -> Bool {
        let bytes = url.utf8.drop { $0 <= 32 }
        guard let colon = bytes.prefix(16).firstIndex(of: UInt8(ascii: ":")) else { return false }
        let scheme = String(decoding: bytes[bytes.startIndex..<colon], as: UTF8.self).lowercased()
        guard ["javascript", "vbscript", "file", "data"].contains(scheme), !allowed.contains(scheme) else { return false }
        if scheme == "data" {
            let rest = String(decoding: bytes[bytes.index(after: colon)...].prefix(10), as: UTF8.self).lowercased()
            return !["image/png", "image/gif", "image/jpeg", "image/webp"].contains(where: rest.hasPrefix)
        }
        return true
    }

    mutating func appendRun(_ text: String, at position: LineColumn) {
        blockRuns.append((blockText.utf8.count, position))
        blockText += text
    }

    /// Appends a text node's literal to the block, expanding inline shortcodes in the node.
    mutating func handleText(_ node: OpaquePointer, at start: LineColumn) {
        let text = literal(node)
        let found = ShortcodeScanner.scan(text)
        guard !found.isEmpty else {
            appendRun(text, at: start)
            visibleText.append(contentsOf: text.utf8)
            return
        }
        var output = ""
        var cursor = text.utf8.startIndex
        for match in found {
            let before = String(text.utf8[cursor..<match.range.lowerBound])!
            let offset = text.utf8.distance(from: text.utf8.startIndex, to: cursor)
            appendRun(before, at: shifted(start, by: offset))
            output += before
            let column = text.utf8.distance(from: text.utf8.startIndex, to: match.range.lowerBound)
            let shortcode = Shortcode(
                name: match.name, argument: match.argument, position: shifted(start, by: column), standsAlone: false)
            shortcodes.append(shortcode)
            switch expandShortcode(shortcode) {
            case .text(let replacement): output += replacement
            case .markdown, .generatedMarkdown, .markdownWrittenIn, .keep: output += String(text.utf8[match.range])!
            }
            cursor = match.range.upperBound
        }
        let rest = String(text.utf8[cursor...])!
        appendRun(rest, at: shifted(start, by: text.utf8.distance(from: text.utf8.startIndex, to: cursor)))
        output += rest
        visibleText.append(contentsOf: output.utf8)
        cmark_node_set_literal(node, output)
    }

    /// `position` moved `offset` bytes to the right, except inside an expansion (all at the shortcode).
    func shifted(_ position: LineColumn, by offset: Int) -> LineColumn {
        expansion == nil ? LineColumn(line: position.line, column: position.column + offset) : position
    }

    /// A paragraph that is one shortcode alone may expand to blocks (a list, say): they replace the
    /// paragraph, and are returned to be walked, with how.
    mutating func expandStandaloneShortcode(_ paragraph: OpaquePointer) -> ([OpaquePointer], Expansion)? {
        guard let only = cmark_node_first_child(paragraph), cmark_node_next(only) == nil,
            cmark_node_get_type(only) == CMARK_NODE_TEXT
        else { return nil }
        let text = literal(only)
        let found = ShortcodeScanner.scan(text)
        guard found.count == 1, let match = found.first,
            String(text.utf8[match.range])! == text.trimmingCharacters(in: .whitespaces)
        else { return nil }
        let start = position(of: only) ?? position(of: paragraph) ?? LineColumn(line: 1, column: 1)
        let leading = text.utf8.distance(from: text.utf8.startIndex, to: match.range.lowerBound)
        let at = LineColumn(line: start.line, column: start.column + leading)
        let shortcode = Shortcode(name: match.name, argument: match.argument, position: at, standsAlone: true)
        shortcodes.append(shortcode)
        let markdown: String
        let expansion: Expansion
        switch expandShortcode(shortcode) {
        case .keep:
            return ([], Expansion(position: at, collectsText: false))
        case .text(let replacement):
            cmark_node_set_literal(only, replacement)
            return ([], Expansion(position: at, collectsText: false))
        case .markdown(let text):
            (markdown, expansion) = (text, Expansion(position: at, collectsText: true))
        case .generatedMarkdown(let text):
            (markdown, expansion) = (text, Expansion(position: at, collectsText: false))
        case .markdownWrittenIn(let text, let directory):
            (markdown, expansion) = (text, Expansion(position: at, collectsText: true, linkDirectory: directory))
        }
        let (parser, fragment) = MarkdownRenderer.parse(markdown, cmarkOptions: cmarkOptions)
        // The fragment's blocks take the paragraph's place, so they nest as deeply as it does.
        var depth = 0
        var up = cmark_node_parent(paragraph)
        while let node = up {
            depth += 1
            up = cmark_node_parent(node)
        }
        if !MarkdownRenderer.cutTooDeep(fragment, depthOfRoot: depth - 1).isEmpty {
            problems.append(MarkdownProblem(kind: .tooDeep, position: at))
        }
        var inserted: [OpaquePointer] = []
        var child = cmark_node_first_child(fragment)
        while let node = child {
            child = cmark_node_next(node)
            cmark_node_unlink(node)
            cmark_node_insert_before(paragraph, node)
            inserted.append(node)
        }
        cmark_node_free(fragment)
        cmark_parser_free(parser)
        cmark_node_unlink(paragraph)
        cmark_node_free(paragraph)
        return (inserted, expansion)
    }

    // MARK: Headings

    /// Replaces a heading with `<hN id="…">`: a custom block (for the line breaks around it)
    /// holding a custom inline that prints the tags and keeps the heading's inlines. Its text is
    /// the visible text just collected.
    mutating func giveHeadingAnID(_ heading: OpaquePointer) {
        let level = Int(cmark_node_get_heading_level(heading))
        let visible = String(decoding: visibleText, as: UTF8.self)
        let text = Trimming.spaces(visible)
        // The id from the text untrimmed, as GitHub makes it (`# &#x20;a` is `-a`).
        let id = slugger.unique(visible)
        headings.append(
            MarkdownHeading(
                level: level, text: text, id: id,
                position: position(of: heading) ?? LineColumn(line: 1, column: 1)))
        guard let block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, MarkdownRenderer.arena),
            let inline = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, MarkdownRenderer.arena)
        else { return }
        cmark_node_set_on_enter(block, "")
        cmark_node_set_on_exit(block, "")
        cmark_node_set_on_enter(inline, "<h\(level) id=\"\(id)\">")
        cmark_node_set_on_exit(inline, "</h\(level)>")
        cmark_node_append_child(block, inline)
        var child = cmark_node_first_child(heading)
        while let node = child {
            child = cmark_node_next(node)
            cmark_node_unlink(node)
            cmark_node_append_child(inline, node)
        }
        cmark_node_insert_before(heading, block)
        cmark_node_unlink(heading)
        cmark_node_free(heading)
    }


    func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    func typeName(_ node: OpaquePointer) -> String {
        cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
    }
}
