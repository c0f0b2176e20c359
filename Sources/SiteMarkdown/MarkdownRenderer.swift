import CArena
import CCmarkGFM
import Foundation

/// Renders Markdown with cmark-gfm. The only file that touches cmark pointers: it parses, edits
/// the tree (heading ids, rewritten links, shortcodes), renders, and frees everything before
/// returning Swift values.
public enum MarkdownRenderer {
    /// The GFM extensions every page gets.
    public static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    private static let registration: Void = { cmark_gfm_core_extensions_ensure_registered() }()

    /// cmark's allocator for every render: the thread's arena (Sources/CArena). Made once, never
    /// freed.
    nonisolated(unsafe) static let arena: UnsafeMutablePointer<cmark_mem> = {
        let mem = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
        mem.initialize(to: cmark_mem(calloc: clinic_arena_calloc, realloc: clinic_arena_realloc, free: clinic_arena_free))
        return mem
    }()

    /// cmark-gfm's `cmark_parser_finish` edits a process-global table of special characters, so two
    /// threads finishing at once corrupt each other's inline parsing (see docs/architecture.md). Feeding
    /// and rendering stay parallel; only finishing is serialised.
    private static let finishLock = NSLock()

    /// How deeply blocks and inline containers may nest below the document (a list item in a
    /// list is two levels, a blockquote, a paragraph, an emphasis or a link one each). Deeper parts are left out and reported: later stages (the HTML
    /// scanner, browsers) walk the HTML recursively, and no page a person writes comes near it.
    public static let maxDepth = 100

    /// Renders `source` to HTML and collects what later checks need.
    /// - Parameters:
    ///   - rewriteLink: maps a link destination as written to the one written into the HTML.
    ///   - expandShortcode: expands `{{name argument}}`.
    public static func render(
        _ source: String,
        options: MarkdownOptions = MarkdownOptions(),
        rewriteLink: (String) -> String = { $0 },
        expandShortcode: (Shortcode) -> ShortcodeExpansion = { _ in .keep },
        rewriteLinkWrittenIn: (@Sendable (String, String) -> String)? = nil
    ) -> RenderedMarkdown {
        _ = registration
        // Unsafe rendering: cmark's safe mode blanks `data:` URLs that the site may allow. Raw HTML
        // is dropped by the walker when it is not allowed, and URLs with a scheme that can run
        // code are blanked by it unless the site allows the scheme (LinkChecker reports them).
        // Table alignment as style attributes: HTML5 has no `align` attribute.
        let cmarkOptions = CMARK_OPT_UNSAFE | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
        // Everything cmark allocates for this render comes from the thread's arena (Sources/CArena),
        // released at once at the end: cmark's calloc and free of every node, buffer and string
        // were half of the allocator's time in a build. The tree is still freed node by node
        // first, as any node not from the arena must be.
        clinic_arena_begin()
        defer { clinic_arena_end() }
        let (source, wideTables) = TableLimit.neutralize(source)
        let (parser, document) = parse(source, cmarkOptions: cmarkOptions)
        defer {
            cmark_node_free(document)
            cmark_parser_free(parser)
        }
        let walked = withoutActuallyEscaping(rewriteLink) { rewrite in
            withoutActuallyEscaping(expandShortcode) { expand in
                var walker = TreeWalker(
                    source: source, options: options, rewriteLink: rewrite, expandShortcode: expand, cmarkOptions: cmarkOptions)
                walker.rewriteLinkWrittenIn = rewriteLinkWrittenIn
                walker.problems = cutTooDeep(document, depthOfRoot: 0).map { MarkdownProblem(kind: .tooDeep, position: $0) }
                    + wideTables.map { MarkdownProblem(kind: .tooWide, position: $0) }
                walker.walk(document)
                return RenderedMarkdown(
                    html: "", headings: walker.headings, links: walker.links,
                    textBlocks: walker.textBlocks, shortcodes: walker.shortcodes, problems: walker.problems, rawHTML: walker.rawHTML)
            }
        }
        // The HTML is in the arena too: copied out here, released with it.
        let rendered = cmark_render_html_with_mem(document, cmarkOptions, cmark_parser_get_syntax_extensions(parser), MarkdownRenderer.arena)!
        let html = String(cString: rendered)
        var result = walked
        result.html = html
        return result
    }

    /// Removes every container nested deeper than `maxDepth` (with everything inside it) and returns
    /// where each removed part started. `depthOfRoot` is the depth `root` has (0 for a document).
    /// Iterative (cmark's iterator): a page may nest thousands of levels.
    static func cutTooDeep(_ root: OpaquePointer, depthOfRoot: Int) -> [LineColumn] {
        guard let iterator = cmark_iter_new(root) else { return [] }
        defer { cmark_iter_free(iterator) }
        var cut: [OpaquePointer] = []
        var depth = depthOfRoot - 1  // the depth of the innermost container entered
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { break }
            if event == CMARK_EVENT_EXIT {
                depth -= 1
                continue
            }
            // Leaves (text, code) hold nothing: only containers deepen the nesting.
            if isLeaf(node) { continue }
            if depth + 1 > maxDepth {
                cut.append(node)
                // Skip what is inside: the iterator moves on from the node's exit.
                cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT)
                continue
            }
            depth += 1
        }
        var positions: [LineColumn] = []
        for node in cut {
            // The first ancestor with a position (autolinks of the extension have none).
            var current: OpaquePointer? = node
            var at: LineColumn?
            while let n = current, at == nil {
                let line = Int(cmark_node_get_start_line(n))
                let column = Int(cmark_node_get_start_column(n))
                if line > 0 && column > 0 { at = LineColumn(line: line, column: column) }
                current = cmark_node_parent(n)
            }
            let position = at ?? LineColumn(line: 1, column: 1)
            if positions.last != position { positions.append(position) }
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
        return positions
    }

    /// Nodes that cmark's iterator enters but never exits.
    static func isLeaf(_ node: OpaquePointer) -> Bool {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_HTML_BLOCK, CMARK_NODE_THEMATIC_BREAK, CMARK_NODE_CODE_BLOCK, CMARK_NODE_TEXT,
            CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE:
            return true
        default:
            return false
        }
    }

    static func parse(_ source: String, cmarkOptions: Int32) -> (OpaquePointer, OpaquePointer) {
        let parser = cmark_parser_new_with_mem(cmarkOptions, MarkdownRenderer.arena)!
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
