import FuzzCommon
@testable import SiteKit
import SiteMarkdown

// The shortcode scanner (`{{price ID}}`, the price-reference parser) and the Markdown renderer.
//
// Input: a Markdown body; its first byte chooses raw HTML on or off.
// Invariants:
// - shortcode matches lie inside the text, in order, without overlapping, each exactly
//   `{{name argument}}` on one line with a lowercase name;
// - heading ids are unique, non-conflicting with the HTML (no quote, '<', '>', '&', space), and each
//   is printed as id="…" in the HTML;
// - no script element ever reaches the HTML, as an HTML5 parser reads it (raw HTML is dropped, or
//   tag-filtered when allowed),
//   and with raw HTML off no HTML comment but cmark's own "raw HTML omitted" does either;
// - links, text runs, shortcodes and problems (nesting too deep) are at lines of the source, with
//   columns ≥ 1; text runs are in order inside their block's text.
// Deep nesting is rendered, not gated: the walk is iterative and cuts what nests too deeply.

@_cdecl("FuzzMarkdown_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMarkdown)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzMarkdown(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let first = input.first else { return 0 }
    // As the build does (SourceText.decode): line endings are LF before Markdown is rendered.
    let text = String(decoding: input.dropFirst(), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        .replacingOccurrences(of: "\r", with: "\n")
    let lines = lineCount(text)

    let matches = ShortcodeScanner.scan(text)
    var previous = text.utf8.startIndex
    for m in matches {
        invariant(m.range.lowerBound >= previous && m.range.upperBound <= text.utf8.endIndex, "shortcode range out of order or outside the text")
        let written = String(text.utf8[m.range])!
        invariant(written.hasPrefix("{{") && written.hasSuffix("}}") && !written.contains("\n"), "shortcode \(written.debugDescription)")
        invariant(!m.name.isEmpty && m.name.utf8.allSatisfy { $0 >= 97 && $0 <= 122 }, "shortcode name \(m.name.debugDescription)")
        invariant(written.contains(m.name) && written.contains(m.argument), "shortcode \(written.debugDescription) lacks its parts")
        previous = m.range.upperBound
    }

    let allowRawHTML = first & 1 == 1
    let rendered = MarkdownRenderer.render(
        text, options: MarkdownOptions(allowRawHTML: allowRawHTML),
        rewriteLink: { $0.hasSuffix(".md") ? "/page/" : $0 },
        expandShortcode: { shortcode in
            switch shortcode.name {
            case "price": return .text("$500")
            case "list": return shortcode.standsAlone ? .markdown("- one\n- two, [a link](faq.md)\n") : .keep
            case "table": return shortcode.standsAlone ? .markdown("| Service | Price |\n|:--|--:|\n| A *b* | $500 |\n") : .keep
            case "clinic": return .text("<script>alert(1)</script>")
            default: return .keep
            }
        })

    var ids = Set<String>()
    for heading in rendered.headings {
        invariant(ids.insert(heading.id).inserted, "heading id \(heading.id.debugDescription) given twice")
        invariant(!heading.id.contains(where: { "\"<>&' \t\n".contains($0) }), "heading id \(heading.id.debugDescription)")
        invariant(containsBytes(rendered.html, "<h\(heading.level) id=\"\(heading.id)\">"), "heading id \(heading.id.debugDescription) is not in the HTML")
        invariant(heading.position.line >= 1 && heading.position.line <= lines, "heading at line \(heading.position.line) of \(lines)")
    }
    // What a browser would run: script elements as an HTML5 parser (gumbo) sees them.
    invariant(HTMLScanner.scan(rendered.html).scripts == 0, "a <script> element reached the HTML: \(rendered.html.debugDescription)")
    if !allowRawHTML {
        invariant(!containsBytes(rendered.html.replacingOccurrences(of: "<!-- raw HTML omitted -->", with: ""), "<!--"), "an HTML comment reached the HTML")
    }
    for link in rendered.links {
        invariant(link.position.line >= 1 && link.position.line <= lines && link.position.column >= 1, "link at \(link.position) of \(lines) lines")
    }
    for problem in rendered.problems {
        invariant(problem.position.line >= 1 && problem.position.line <= lines && problem.position.column >= 1, "problem at \(problem.position)")
    }
    for shortcode in rendered.shortcodes {
        invariant(shortcode.position.line >= 1 && shortcode.position.line <= lines && shortcode.position.column >= 1, "shortcode at \(shortcode.position)")
    }
    for block in rendered.textBlocks {
        var last = 0
        for run in block.runs {
            invariant(run.offset >= last && run.offset <= block.text.utf8.count, "run at \(run.offset) after \(last) in \(block.text.utf8.count) bytes")
            invariant(run.position.line >= 1 && run.position.column >= 1, "run at \(run.position)")
            // Known bug (docs/robustness.md, "Open: a text run one line past the end"): a CI smoke
            // run once found a run at 2:1 of a 1-line input; the input was not kept.
            knownBug(run.position.line <= lines, "run at \(run.position) of \(lines) lines in \(text.debugDescription)")
            last = run.offset
        }
    }
    return 0
}
