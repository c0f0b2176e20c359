/// A 1-based line and column in a text, without its file. Columns count UTF-8 bytes, as cmark
/// does: the one line-and-column type (a Markdown node's start, a fix's range); `SourcePosition`
/// adds the file for diagnostics, and `LineLocator` finds both from a byte offset.
public struct LineColumn: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: LineColumn, b: LineColumn) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A heading of a rendered page, with the id written into its HTML.
public struct MarkdownHeading: Sendable, Hashable {
    public var level: Int
    public var text: String
    public var id: String
    public var position: LineColumn
}

/// A link or image as written in the Markdown, before and after rewriting.
public struct MarkdownLink: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case link, image, autolink }
    public var kind: Kind
    /// The destination as the author wrote it.
    public var destination: String
    /// The destination written into the HTML (after the site rewrote it, e.g. `faq.md` → `/faq/`).
    public var renderedDestination: String
    /// For images: the alt text; for links: the link text.
    public var text: String
    public var position: LineColumn
}

/// The plain text of one unit that prose checks read as a whole: a paragraph, a heading, a list
/// item's paragraph or a table row. Text produced by shortcodes is left out.
public struct TextBlock: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case paragraph, heading, tableRow, codeBlock }
    public var kind: Kind
    public var text: String
    /// Where each run of `text` starts: its UTF-8 offset in `text` and its source position.
    public var runs: [(offset: Int, position: LineColumn)]
    /// True for text that a block shortcode inserted (a `{{list ID}}`): it is not in the page's
    /// source, so every offset is at its run's position (the shortcode's), not columns after it.
    public var fixedPosition: Bool
    /// UTF-8 ranges of `text` that a visitor does not read as prose: inline code and URLs shown
    /// as links (autolinks). Checks of amounts skip them (`$1` in `` `$1` `` is no price).
    public var notProse: [Range<Int>]

    public init(
        kind: Kind, text: String, runs: [(offset: Int, position: LineColumn)], fixedPosition: Bool = false, notProse: [Range<Int>] = []
    ) {
        self.kind = kind
        self.text = text
        self.runs = runs
        self.fixedPosition = fixedPosition
        self.notProse = notProse
    }

    /// The source position of the byte at `utf8Offset` in `text`.
    public func position(atUTF8Offset utf8Offset: Int) -> LineColumn {
        guard !runs.isEmpty else { return LineColumn(line: 1, column: 1 + utf8Offset) }
        // The last run starting at or before the offset (runs are in order): binary search, since
        // a paragraph may hold thousands of runs and of amounts.
        var low = 0
        var high = runs.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if runs[middle].offset <= utf8Offset { low = middle } else { high = middle }
        }
        let best = runs[low]
        if fixedPosition { return best.position }
        return LineColumn(line: best.position.line, column: best.position.column + (utf8Offset - best.offset))
    }

    public static func == (a: TextBlock, b: TextBlock) -> Bool {
        a.kind == b.kind && a.text == b.text && a.runs.map(\.offset) == b.runs.map(\.offset)
            && a.runs.map(\.position) == b.runs.map(\.position) && a.fixedPosition == b.fixedPosition
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(text)
    }
}

/// A `{{name argument}}` shortcode found in a text run.
public struct Shortcode: Sendable, Hashable {
    public var name: String
    public var argument: String
    public var position: LineColumn
    /// True when the shortcode is the whole content of its paragraph (so it may expand to blocks).
    public var standsAlone: Bool
}

/// What a shortcode expands to.
public enum ShortcodeExpansion: Sendable, Hashable {
    /// Plain text, escaped in the HTML.
    case text(String)
    /// Markdown parsed and put in place of the paragraph (only when the shortcode stands alone).
    /// Its links are rewritten and checked, and its text is checked, all at the shortcode.
    case markdown(String)
    /// Like `markdown`, for Markdown made from the site's data (the price table): its links are
    /// rewritten and checked, but its text is not read as prose (its amounts are the prices).
    case generatedMarkdown(String)
    /// Like `markdown`, for Markdown written in another file (a shared list declared in another
    /// page): its relative links are read from `directory`, that file's folder below `content/`.
    case markdownWrittenIn(String, directory: String)
    /// Leave the shortcode as written (an error has been reported).
    case keep
}

/// Options of one render.
public struct MarkdownOptions: Sendable, Hashable {
    /// Pass raw HTML through (cmark's UNSAFE); off by default, so raw HTML is omitted.
    public var allowRawHTML: Bool
    /// Lowercase link schemes the site allows although they can carry code or data (`data`):
    /// written into the HTML as they are. Other `javascript:`, `vbscript:`, `file:` and `data:`
    /// URLs (but images of common types) are written blank, as cmark's safe mode does, and are
    /// reported by the link check.
    public var allowedSchemes: Set<String>
    /// Ids the page already has before its headings are numbered (those the theme writes, such as
    /// `main`): a heading never gets one of them (`## Main` is `main-1`).
    public var reservedIDs: Set<String>

    public init(allowRawHTML: Bool = false, allowedSchemes: Set<String> = [], reservedIDs: Set<String> = []) {
        self.allowRawHTML = allowRawHTML
        self.allowedSchemes = Set(allowedSchemes.map { $0.lowercased() })
        self.reservedIDs = reservedIDs
    }
}

/// A problem in the Markdown itself, found while rendering.
public struct MarkdownProblem: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Blocks or inlines nested deeper than `MarkdownRenderer.maxDepth`: the deeper part is left out.
        case tooDeep
        /// Raw HTML left out because the site does not allow it: its start, as written.
        case rawHTMLDropped(String)
        /// A table with more columns than `TableLimit.maxColumns`: left out (it is not a table).
        case tooWide
    }
    public var kind: Kind
    /// Where the part left out starts (or the shortcode that inserted it).
    public var position: LineColumn

    public init(kind: Kind, position: LineColumn) {
        self.kind = kind
        self.position = position
    }
}

/// The result of rendering one Markdown body.
/// A piece of raw HTML of a page (an HTML block or an inline tag) and where it starts.
public struct RawHTML: Sendable, Hashable {
    public var html: String
    public var position: LineColumn

    public init(html: String, position: LineColumn) {
        self.html = html
        self.position = position
    }
}

public struct RenderedMarkdown: Sendable {
    public var html: String
    public var headings: [MarkdownHeading]
    public var links: [MarkdownLink]
    public var textBlocks: [TextBlock]
    public var shortcodes: [Shortcode]
    /// Problems found while rendering (nesting too deep), in document order.
    public var problems: [MarkdownProblem] = []
    /// Raw HTML written into the page as it is (allowed by the site), where it starts: its links
    /// are checked like Markdown's (`LinkChecker.checkBody`).
    public var rawHTML: [RawHTML] = []
    /// Ids present in the HTML: heading ids (raw HTML ids are found by the site's HTML scan).
    public var ids: [String] { headings.map(\.id) }
}
