import CCmarkGFM
import Foundation

/// Renders Markdown with cmark-gfm. The only file that touches cmark pointers: it parses, edits
/// the tree (heading ids, rewritten links, shortcodes), renders, and frees everything before
/// returning Swift values.
public enum MarkdownRenderer {
    /// The GFM extensions every page gets.
    public static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    private static let registration: Void = { cmark_gfm_core_extensions_ensure_registered() }()

    /// cmark-gfm's `cmark_parser_finish` edits a process-global table of special characters, so two
    /// threads finishing at once corrupt each other's inline parsing (see architecture.md). Feeding
    /// and rendering stay parallel; only finishing is serialised.
    private static let finishLock = NSLock()

    /// Renders `source` to HTML and collects what later checks need.
    /// - Parameters:
    ///   - rewriteLink: maps a link destination as written to the one written into the HTML.
    ///   - expandShortcode: expands `{{name argument}}`.
    public static func render(
        _ source: String,
        options: MarkdownOptions = MarkdownOptions(),
        rewriteLink: (String) -> String = { $0 },
        expandShortcode: (Shortcode) -> ShortcodeExpansion = { _ in .keep }
    ) -> RenderedMarkdown {
        _ = registration
        // Table alignment as style attributes: HTML5 has no `align` attribute.
        let cmarkOptions = (options.allowRawHTML ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT) | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
        let (parser, document) = parse(source, cmarkOptions: cmarkOptions)
        defer {
            cmark_node_free(document)
            cmark_parser_free(parser)
        }
        let walked = withoutActuallyEscaping(rewriteLink) { rewrite in
            withoutActuallyEscaping(expandShortcode) { expand in
                var walker = TreeWalker(rewriteLink: rewrite, expandShortcode: expand, cmarkOptions: cmarkOptions)
                walker.walkBlock(document)
                return RenderedMarkdown(
                    html: "", headings: walker.headings, links: walker.links,
                    textBlocks: walker.textBlocks, shortcodes: walker.shortcodes)
            }
        }
        let rendered = cmark_render_html(document, cmarkOptions, cmark_parser_get_syntax_extensions(parser))!
        let html = String(cString: rendered)
        free(rendered)
        var result = walked
        result.html = html
        return result
    }

    static func parse(_ source: String, cmarkOptions: Int32) -> (OpaquePointer, OpaquePointer) {
        let parser = cmark_parser_new(cmarkOptions)!
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        var source = source
        source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        finishLock.lock()
        let document = cmark_parser_finish(parser)!
        finishLock.unlock()
        cmark_consolidate_text_nodes(document)
        return (parser, document)
    }
}

/// Walks a parsed tree once, editing it in place and collecting headings, links and text.
private struct TreeWalker {
    // The closures live only as long as one render (see `withoutActuallyEscaping` above).
    let rewriteLink: (String) -> String
    let expandShortcode: (Shortcode) -> ShortcodeExpansion
    let cmarkOptions: Int32

    var headings: [MarkdownHeading] = []
    var links: [MarkdownLink] = []
    var textBlocks: [TextBlock] = []
    var shortcodes: [Shortcode] = []
    var slugger = Slugger()

    /// The text block being collected, and its runs.
    private var blockText = ""
    private var blockRuns: [(offset: Int, position: LineColumn)] = []

    init(
        rewriteLink: @escaping (String) -> String,
        expandShortcode: @escaping (Shortcode) -> ShortcodeExpansion,
        cmarkOptions: Int32
    ) {
        self.rewriteLink = rewriteLink
        self.expandShortcode = expandShortcode
        self.cmarkOptions = cmarkOptions
    }

    mutating func walkBlock(_ node: OpaquePointer) {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            if expandStandaloneShortcode(node) { return }
            collectText(of: node, kind: .paragraph)
        case CMARK_NODE_HEADING:
            collectText(of: node, kind: .heading)
            giveHeadingAnID(node)
        case CMARK_NODE_HTML_BLOCK:
            removeIfComment(node)
        case CMARK_NODE_CODE_BLOCK, CMARK_NODE_THEMATIC_BREAK:
            return
        default:
            if ["table_row", "table_header"].contains(typeName(node)) {
                collectText(of: node, kind: .tableRow)
                return
            }
            var child = cmark_node_first_child(node)
            while let current = child {
                child = cmark_node_next(current)
                walkBlock(current)
            }
        }
    }

    // MARK: Text blocks and inlines

    private mutating func collectText(of node: OpaquePointer, kind: TextBlock.Kind) {
        blockText = ""
        blockRuns = []
        let fallback = position(of: node) ?? LineColumn(line: 1, column: 1)
        walkInlines(node, fallback: fallback)
        if blockText.utf8.contains(where: { $0 != 32 && $0 != 9 }) {
            textBlocks.append(TextBlock(kind: kind, text: blockText, runs: blockRuns))
        }
    }

    private mutating func walkInlines(_ parent: OpaquePointer, fallback: LineColumn) {
        var child = cmark_node_first_child(parent)
        while let node = child {
            child = cmark_node_next(node)
            let here = position(of: node) ?? fallback
            switch cmark_node_get_type(node) {
            case CMARK_NODE_TEXT:
                handleText(node, at: here)
            case CMARK_NODE_CODE:
                appendRun(literal(node), at: here)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                blockText += " "
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                let rewritten = rewriteLink(destination)
                if rewritten != destination { cmark_node_set_url(node, rewritten) }
                let isImage = cmark_node_get_type(node) == CMARK_NODE_IMAGE
                let autolink = position(of: node) == nil
                links.append(
                    MarkdownLink(
                        kind: isImage ? .image : (autolink ? .autolink : .link),
                        destination: destination, renderedDestination: rewritten,
                        text: plainText(node), position: here))
                walkInlines(node, fallback: here)
            case CMARK_NODE_HTML_INLINE:
                removeIfComment(node)
            default:
                walkInlines(node, fallback: here)
            }
        }
    }

    private mutating func appendRun(_ text: String, at position: LineColumn) {
        blockRuns.append((blockText.utf8.count, position))
        blockText += text
    }

    /// Appends a text node's literal to the block, expanding inline shortcodes in the node.
    private mutating func handleText(_ node: OpaquePointer, at start: LineColumn) {
        let text = literal(node)
        let found = ShortcodeScanner.scan(text)
        guard !found.isEmpty else {
            appendRun(text, at: start)
            return
        }
        var output = ""
        var cursor = text.utf8.startIndex
        for match in found {
            let before = String(text.utf8[cursor..<match.range.lowerBound])!
            let offset = text.utf8.distance(from: text.utf8.startIndex, to: cursor)
            appendRun(before, at: LineColumn(line: start.line, column: start.column + offset))
            output += before
            let column = start.column + text.utf8.distance(from: text.utf8.startIndex, to: match.range.lowerBound)
            let shortcode = Shortcode(
                name: match.name, argument: match.argument,
                position: LineColumn(line: start.line, column: column), standsAlone: false)
            shortcodes.append(shortcode)
            switch expandShortcode(shortcode) {
            case .text(let replacement): output += replacement
            case .markdown, .keep: output += String(text.utf8[match.range])!
            }
            cursor = match.range.upperBound
        }
        let rest = String(text.utf8[cursor...])!
        appendRun(rest, at: LineColumn(line: start.line, column: start.column + text.utf8.distance(from: text.utf8.startIndex, to: cursor)))
        output += rest
        cmark_node_set_literal(node, output)
    }

    /// A paragraph that is one shortcode alone may expand to blocks (a list, say).
    private mutating func expandStandaloneShortcode(_ paragraph: OpaquePointer) -> Bool {
        guard let only = cmark_node_first_child(paragraph), cmark_node_next(only) == nil,
            cmark_node_get_type(only) == CMARK_NODE_TEXT
        else { return false }
        let text = literal(only)
        let found = ShortcodeScanner.scan(text)
        guard found.count == 1, let match = found.first,
            String(text.utf8[match.range])! == text.trimmingCharacters(in: .whitespaces)
        else { return false }
        let start = position(of: only) ?? position(of: paragraph) ?? LineColumn(line: 1, column: 1)
        let leading = text.utf8.distance(from: text.utf8.startIndex, to: match.range.lowerBound)
        let shortcode = Shortcode(
            name: match.name, argument: match.argument,
            position: LineColumn(line: start.line, column: start.column + leading), standsAlone: true)
        switch expandShortcode(shortcode) {
        case .keep:
            shortcodes.append(shortcode)
            return true
        case .text(let replacement):
            shortcodes.append(shortcode)
            cmark_node_set_literal(only, replacement)
            return true
        case .markdown(let markdown):
            shortcodes.append(shortcode)
            let (parser, fragment) = MarkdownRenderer.parse(markdown, cmarkOptions: cmarkOptions)
            var child = cmark_node_first_child(fragment)
            while let node = child {
                child = cmark_node_next(node)
                cmark_node_unlink(node)
                cmark_node_insert_before(paragraph, node)
            }
            cmark_node_free(fragment)
            cmark_parser_free(parser)
            cmark_node_unlink(paragraph)
            cmark_node_free(paragraph)
            return true
        }
    }

    /// HTML comments are notes for authors (and exemptions such as `<!-- ignore: price -->`):
    /// they never reach the page, whatever the raw-HTML setting.
    private func removeIfComment(_ node: OpaquePointer) {
        guard literal(node).trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<!--") else { return }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    // MARK: Headings

    /// Replaces a heading with `<hN id="…">`: a custom block (for the line breaks around it)
    /// holding a custom inline that prints the tags and keeps the heading's inlines.
    private mutating func giveHeadingAnID(_ heading: OpaquePointer) {
        let level = Int(cmark_node_get_heading_level(heading))
        let text = plainText(heading).trimmingCharacters(in: .whitespaces)
        let id = slugger.unique(text)
        headings.append(
            MarkdownHeading(
                level: level, text: text, id: id,
                position: position(of: heading) ?? LineColumn(line: 1, column: 1)))
        guard let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK),
            let inline = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)
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

    // MARK: Node helpers

    private func position(of node: OpaquePointer) -> LineColumn? {
        let line = Int(cmark_node_get_start_line(node))
        let column = Int(cmark_node_get_start_column(node))
        return line > 0 && column > 0 ? LineColumn(line: line, column: column) : nil
    }

    private func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    private func typeName(_ node: OpaquePointer) -> String {
        cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
    }

    /// The text a reader sees in `node`: text and code literals, breaks as spaces.
    private func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: out += literal(current)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: out += " "
            default: out += plainText(current)
            }
            child = cmark_node_next(current)
        }
        return out
    }
}
