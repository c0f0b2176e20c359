import CCmarkGFM
import Foundation

/// Raw HTML and source positions: the parts of the walk that read the page's source bytes.
extension TreeWalker {
    // MARK: Raw HTML

    /// HTML comments are notes for authors (and exemptions such as `<!-- ignore: price -->`):
    /// they never reach the page, whatever the raw-HTML setting. What is around them is kept as
    /// GitHub shows it: `<!-- TODO --> This sentence.` (one HTML block to cmark) publishes the
    /// sentence, as raw HTML when the site allows it, else as a paragraph of text. Other raw HTML
    /// is replaced by cmark's placeholder unless the site allows it, with a warning at its
    /// position (`markdown.raw-html-dropped`): nothing is left out silently.
    mutating func handleRawHTML(_ node: OpaquePointer) {
        let html = literal(node)
        let kept = html.utf8.contains(UInt8(ascii: "<")) ? Self.removingComments(html) : html
        let rest = kept.trimmingCharacters(in: .whitespacesAndNewlines)
        if rest.isEmpty {
            cmark_node_unlink(node)
            cmark_node_free(node)
            return
        }
        if options.allowRawHTML {
            let filtered = Self.filteringTags(kept)
            if filtered != html { cmark_node_set_literal(node, filtered) }
            // Published as written: kept with its position, so the site checks its links.
            rawHTML.append(RawHTML(html: filtered, position: position(of: node) ?? LineColumn(line: 1, column: 1)))
            return
        }
        let at = position(of: node) ?? LineColumn(line: 1, column: 1)
        if kept != html, !rest.contains("<"), cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK,
            let paragraph = cmark_node_new_with_mem(CMARK_NODE_PARAGRAPH, MarkdownRenderer.arena),
            let text = cmark_node_new_with_mem(CMARK_NODE_TEXT, MarkdownRenderer.arena)
        {
            // Text beside a comment: a paragraph of that text, read by the checks like any other.
            cmark_node_set_literal(text, rest)
            cmark_node_append_child(paragraph, text)
            cmark_node_insert_before(node, paragraph)
            cmark_node_unlink(node)
            cmark_node_free(node)
            collectText(of: paragraph, kind: .paragraph, at: Self.position(of: rest, in: html, startingAt: at))
            return
        }
        cmark_node_set_literal(node, "<!-- raw HTML omitted -->")
        // A closing tag is named by its opening tag's warning.
        if rest.hasPrefix("</") { return }
        let shown = rest.split(whereSeparator: \.isNewline).first.map(String.init) ?? rest
        problems.append(MarkdownProblem(kind: .rawHTMLDropped(shown.count > 60 ? String(shown.prefix(60)) + "…" : shown), position: at))
    }

    /// The tags GFM's tag filter disallows: a browser runs or swallows what follows them.
    static let filteredTags: [[UInt8]] = ["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"]
        .map { Array($0.utf8) }

    /// `html` with the `<` of every disallowed tag (`<script`, `</style`, …: see `filteredTags`)
    /// written `&lt;`, wherever it stands. cmark-gfm's tagfilter does this for HTML blocks, but
    /// for an inline HTML node it looks only at the node's first tag: an inline processing
    /// instruction, declaration or CDATA section (`<?<a href="x">…<script>?>`) reaches the page
    /// whole, and a browser ends those at their first `>`, so the `<script>` after it runs.
    static func filteringTags(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var i = 0
        var found = false
        var out: [UInt8] = []
        var copied = 0
        while i < bytes.count {
            defer { i += 1 }
            guard bytes[i] == UInt8(ascii: "<") else { continue }
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "/") { j += 1 }
            for tag in filteredTags where ASCII.hasWord(tag, in: bytes, at: j) {
                let end = j + tag.count
                // A tag name ends at a blank, `/`, `>` or the end, as an HTML tokenizer reads it.
                guard end == bytes.count || [9, 10, 12, 13, 32, UInt8(ascii: "/"), UInt8(ascii: ">")].contains(bytes[end]) else { continue }
                out += bytes[copied..<i]
                out += Array("&lt;".utf8)
                copied = i + 1
                found = true
                break
            }
        }
        guard found else { return html }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Where `part` (found in `text`, which starts at `start`) starts in the source.
    static func position(of part: String, in text: String, startingAt start: LineColumn) -> LineColumn {
        guard let range = text.range(of: part) else { return start }
        return LineLocator(text).position(ofOffset: text.utf8.distance(from: text.startIndex, to: range.lowerBound), from: start)
    }

    /// `html` without its `<!-- … -->` comments (an unclosed one runs to the end). By bytes:
    /// `<!--` followed by a combining mark is no "<!--" of Characters, but a browser opens a
    /// comment there.
    static func removingComments(_ html: String) -> String {
        let bytes = Array(html.utf8)
        let open = Array("<!--".utf8), close = Array("-->".utf8)
        func find(_ needle: [UInt8], from: Int) -> Int? {
            var i = from
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }
        var out: [UInt8] = []
        var i = 0
        while let start = find(open, from: i) {
            out += bytes[i..<start]
            guard let end = find(close, from: start + open.count) else { return String(decoding: out, as: UTF8.self) }
            i = end + close.count
        }
        out += bytes[i...]
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Positions

    /// cmark-gfm 0.29 gives an angle autolink (`<scheme:…>`) on a paragraph's continuation line
    /// a column shifted by the earlier lines (its line is right). When the source at the
    /// reported column is not `[` (a link) or `<` + the link's text + `>`, the autolink is looked
    /// up on its line, after the previous one found there and not after the reported column.
    mutating func linkPosition(_ node: OpaquePointer, destination: String, reported: LineColumn) -> LineColumn {
        guard expansion == nil, let first = cmark_node_first_child(node), cmark_node_next(first) == nil,
            cmark_node_get_type(first) == CMARK_NODE_TEXT
        else { return reported }
        // An autolink's text is its destination (without `mailto:` for an address).
        let text = literal(first)
        guard destination == text || destination == "mailto:" + text else { return reported }
        let needle = Array(("<" + text + ">").utf8)
        let lines = lineLocator()
        let bytes = source.utf8
        func matches(line: Int, column: Int) -> Bool {
            guard let start = lines.start(ofLine: line) else { return false }
            let offset = start + column - 1
            guard offset >= 0, offset + needle.count <= bytes.count else { return false }
            let from = bytes.index(bytes.startIndex, offsetBy: offset)
            return bytes[from...].starts(with: needle)
        }
        func found(_ at: LineColumn) -> LineColumn {
            autolinkCursor = (at.line, at.column + needle.count)
            return at
        }
        if matches(line: reported.line, column: reported.column) { return found(reported) }
        guard let lineRange = lines.range(ofLine: reported.line) else { return reported }
        let offset = lineRange.lowerBound + reported.column - 1
        if offset < bytes.count, bytes[bytes.index(bytes.startIndex, offsetBy: offset)] == UInt8(ascii: "[") { return reported }
        // The line is right, only the column is off: look the autolink up among the line's
        // `<…>` spans (made once per line, so many autolinks on one line stay linear).
        if angleSpans?.line != reported.line {
            angleSpans = (reported.line, Self.angleSpans(in: bytes, from: lineRange.lowerBound, to: lineRange.upperBound))
        }
        let after = autolinkCursor.line == reported.line ? autolinkCursor.column : 0
        guard let columns = angleSpans?.spans[needle], let column = columns.first(where: { $0 >= after && $0 <= reported.column }) else {
            return reported
        }
        return found(LineColumn(line: reported.line, column: column))
    }

    /// Every `<…>` in `bytes[from..<to]` (one line, without its LF) without a space, `<` or `>` inside, with the
    /// columns where it starts.
    static func angleSpans(in bytes: String.UTF8View, from: Int, to: Int) -> [[UInt8]: [Int]] {
        let line = Array(bytes[bytes.index(bytes.startIndex, offsetBy: from)..<bytes.index(bytes.startIndex, offsetBy: to)])
        var spans: [[UInt8]: [Int]] = [:]
        var i = 0
        while i < line.count {
            guard line[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            var j = i + 1
            while j < line.count, line[j] != UInt8(ascii: ">"), line[j] != UInt8(ascii: "<"), line[j] > 32 { j += 1 }
            if j < line.count, line[j] == UInt8(ascii: ">") {
                spans[Array(line[i...j]), default: []].append(i + 1)
                i = j + 1
            } else {
                i = j
            }
        }
        return spans
    }

    mutating func lineLocator() -> LineLocator {
        if let sourceLines { return sourceLines }
        let lines = LineLocator(source)
        sourceLines = lines
        return lines
    }

    // MARK: Node helpers

    /// Where `node` is in the page's source: its own position, or inside an expansion the shortcode's.
    func position(of node: OpaquePointer) -> LineColumn? {
        if let expansion { return expansion.position }
        return sourcePosition(of: node)
    }

    func sourcePosition(of node: OpaquePointer) -> LineColumn? {
        let line = Int(cmark_node_get_start_line(node))
        let column = Int(cmark_node_get_start_column(node))
        return line > 0 && column > 0 ? LineColumn(line: line, column: column) : nil
    }
}
