import Mustache

/// The one escape for text the build (or the preview server) writes into HTML, and the one for
/// JSON written into a `<script>` element. Every template value, generated page and overlay
/// goes through these.
///
/// Byte by byte over UTF-8, never Character by Character: an HTML parser reads code points, so a
/// `<` that Swift sees inside one extended grapheme cluster with its neighbour (after U+0600 or
/// another prepended concatenation mark, before a combining mark such as U+0301 or a ZWJ) is
/// still a `<` to the browser. `Character == "<"` is false for such a cluster, which is how
/// swift-mustache's own escape (`String.htmlEscape`) let markup through (issue 13). In UTF-8 the
/// bytes `<>&"'` only ever stand for those characters (no multi-byte sequence holds an ASCII byte),
/// so escaping bytes is exact for every string.
public enum Escape {
    /// `&`, `<`, `>`, `"` and `'` as character references: safe in element text and in quoted
    /// attribute values (what Mustache's `{{name}}` promises).
    public static func html(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard bytes.contains(where: needsHTMLEscape) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            for b in bytes {
                switch b {
                case 38: out.append(contentsOf: amp)
                case 60: out.append(contentsOf: lt)
                case 62: out.append(contentsOf: gt)
                case 34: out.append(contentsOf: quot)
                case 39: out.append(contentsOf: apos)
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    /// `text` as a JSON string literal, quotes included, as `JSONEncoder` writes it with
    /// `.withoutEscapingSlashes`: `"` and `\\` escaped, control characters as `\\n`, `\\t`, …
    /// or `\\u00XX`, everything else as it is.
    public static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        var text = text
        out.append(34)
        text.withUTF8 { bytes in
            guard bytes.contains(where: { $0 < 0x20 || $0 == 34 || $0 == 92 }) else {
                out.append(contentsOf: bytes)
                return
            }
            for c in bytes {
                switch c {
                case 34: out += [92, 34]
                case 92: out += [92, 92]
                case 10: out += [92, 110]
                case 13: out += [92, 114]
                case 9: out += [92, 116]
                case 8: out += [92, 98]
                case 12: out += [92, 102]
                case 0..<0x20: out += [92, 117, 48, 48, hexDigits[Int(c >> 4)], hexDigits[Int(c & 15)]]
                default: out.append(c)
                }
            }
        }
        out.append(34)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// JSON text made safe inside `<script type="application/ld+json">`: `<`, `>` and `&` become
    /// `\u003c`, `\u003e`, `\u0026` (the same string to a JSON reader), so no value can close the
    /// element or open a comment (`<!--`) in it. Only for JSON text, where those bytes can only
    /// stand inside strings.
    public static func jsonInScript(_ json: String) -> String {
        var json = json
        return json.withUTF8 { bytes -> String? in
            guard bytes.contains(where: { $0 == 60 || $0 == 62 || $0 == 38 }) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            for b in bytes {
                switch b {
                case 60: out.append(contentsOf: jsonLT)
                case 62: out.append(contentsOf: jsonGT)
                case 38: out.append(contentsOf: jsonAmp)
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? json
    }

    /// The character references `html` writes (and cmark's `&#x27;`) read back, in one pass, so
    /// `&amp;lt;` is `&lt;`, never `<`. Any other reference is left as written. For attribute
    /// values and text the build itself wrote (an image's `src`, a heading's HTML).
    public static func unescapeHTML(_ text: String) -> String {
        guard text.utf8.contains(38) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        scan: while i < bytes.count {
            if bytes[i] == 38 {
                for (reference, byte) in references where bytes.count - i >= reference.count && bytes[i..<(i + reference.count)].elementsEqual(reference) {
                    out.append(byte)
                    i += reference.count
                    continue scan
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let references: [([UInt8], UInt8)] = [
        (amp, 38), (lt, 60), (gt, 62), (quot, 34), (apos, 39), (Array("&#x27;".utf8), 39),
    ]

    @inline(__always) static func needsHTMLEscape(_ b: UInt8) -> Bool {
        b == 38 || b == 60 || b == 62 || b == 34 || b == 39
    }

    private static let amp = Array("&amp;".utf8)
    private static let lt = Array("&lt;".utf8)
    private static let gt = Array("&gt;".utf8)
    private static let quot = Array("&quot;".utf8)
    private static let apos = Array("&#39;".utf8)
    private static let jsonLT = Array(#"\u003c"#.utf8)
    private static let jsonGT = Array(#"\u003e"#.utf8)
    private static let jsonAmp = Array(#"\u0026"#.utf8)

    // MARK: Mustache

    /// swift-mustache's content type for HTML, escaping with `html`. swift-mustache starts every
    /// template (partials included) in its own `HTMLContentType`, whose escape goes Character by
    /// Character, and offers no option to replace it; a template can only switch with the pragma
    /// `{{% CONTENT_TYPE: NAME }}`. So `Theme` registers this type under the name `HTML` (a
    /// theme's own `{{% CONTENT_TYPE: HTML }}` gets it too) and puts that pragma, alone on a line
    /// above the first (a standalone tag, which prints nothing), in front of every template.
    struct MustacheHTML: MustacheContentType {
        func escapeText(_ text: String) -> String { Escape.html(text) }
    }

    /// The pragma `Theme` puts above each template: one line, so a template's line N is line N+1
    /// of what swift-mustache parses.
    static let mustachePragma = "{{% CONTENT_TYPE: HTML }}\n"

    /// Registers `MustacheHTML` (once, before any template is parsed: the parser looks the name up).
    static let registerMustacheContentType: Void = {
        MustacheContentTypes.register(MustacheHTML(), named: "HTML")
    }()
}
