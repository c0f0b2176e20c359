import Foundation
import Testing

@testable import SiteMarkdown

@Suite struct MarkdownRendererTests {
    @Test func headingsGetUniqueGitHubStyleIDs() {
        let out = MarkdownRenderer.render("# Cost & insurance\n\n## FAQ\n\n## FAQ\n\n## FAQ-1\n")
        #expect(out.headings.map(\.id) == ["cost--insurance", "faq", "faq-1", "faq-1-1"])
        #expect(out.html.contains(#"<h1 id="cost--insurance">Cost &amp; insurance</h1>"#))
        #expect(out.html.contains(#"<h2 id="faq-1">FAQ</h2>"#))
        #expect(out.headings[1].position == LineColumn(line: 3, column: 1))
    }

    @Test func linksCarryTheirSourcePositionAndAreRewritten() {
        let source = "Intro.\n\nSee [the price list](pricing.md#cost) and ![a map](map.png).\n"
        let out = MarkdownRenderer.render(source, rewriteLink: { $0 == "pricing.md#cost" ? "/pricing/#cost" : $0 })
        #expect(out.links.count == 2)
        #expect(out.links[0].destination == "pricing.md#cost")
        #expect(out.links[0].renderedDestination == "/pricing/#cost")
        #expect(out.links[0].position == LineColumn(line: 3, column: 5))
        #expect(out.links[1].kind == .image)
        #expect(out.links[1].text == "a map")
        #expect(out.links[1].position == LineColumn(line: 3, column: 43))
        #expect(out.html.contains(#"<a href="/pricing/#cost">the price list</a>"#))
    }

    @Test func autolinksFallBackToTheirBlockPosition() {
        let out = MarkdownRenderer.render("\n\nVisit https://example.org today.\n")
        #expect(out.links.map(\.kind) == [.autolink])
        #expect(out.links[0].position.line == 3)
    }

    @Test func rawHTMLIsOmittedUnlessAllowed() {
        let source = "<div id=\"x\">hi</div>\n\nText <b>bold</b>.\n"
        let safe = MarkdownRenderer.render(source)
        #expect(!safe.html.contains("<div"))
        #expect(!safe.html.contains("<b>"))
        let unsafe = MarkdownRenderer.render(source, options: MarkdownOptions(allowRawHTML: true))
        #expect(unsafe.html.contains("<div id=\"x\">"))
    }

    @Test func tagfilterRunsWhenRawHTMLIsAllowed() {
        let out = MarkdownRenderer.render("<script>alert(1)</script>\n", options: MarkdownOptions(allowRawHTML: true))
        #expect(out.html.contains("&lt;script>"))
    }

    /// cmark-gfm's tagfilter reads only an inline HTML node's first tag; a browser ends an inline
    /// processing instruction, declaration or CDATA section at its first `>` and runs what follows.
    @Test(arguments: [
        "a<?<a href=\"x\">&amp;</div><script>alert(1)</script>?>",
        "a<!X y> <sCrIpT src=x>?>",
        "a <![CDATA[ x > <script>alert(1)</script> ]]>",
        "a<?x> <iframe srcdoc=x></iframe>?>",
        "a<?x>\n<style>b{}</style>?>",
        "a<?x></textarea><script/src=x>?>",
    ])
    func noDisallowedTagInsideInlineHTML(_ source: String) {
        let out = MarkdownRenderer.render(source + "\n", options: MarkdownOptions(allowRawHTML: true))
        let html = out.html.lowercased()
        for tag in ["<script", "<iframe", "<style", "</textarea"] {
            #expect(!html.contains(tag), "\(tag) reached the HTML: \(out.html)")
        }
        #expect(html.contains("&lt;"), "the tag is shown as text: \(out.html)")
    }

    @Test func tagsThatOnlyStartLikeFilteredOnesAreKept() {
        let out = MarkdownRenderer.render("a <scripts> <titles> <b>x</b>\n", options: MarkdownOptions(allowRawHTML: true))
        #expect(out.html.contains("<scripts> <titles> <b>x</b>"), "\(out.html)")
    }

    @Test func gfmExtensionsAreOn() {
        let out = MarkdownRenderer.render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ and www.example.com\n\n- [x] done\n")
        #expect(out.html.contains("<table>"))
        #expect(out.html.contains("<del>old</del>"))
        #expect(out.html.contains(#"<a href="http://www.example.com">"#))
        #expect(out.html.contains("checkbox"))
    }

    @Test func inlineShortcodesExpandAndLeaveTextBlocksWithPositions() {
        let source = "Title\n\nA session costs {{price treatment-session}} each; see {{price other}}.\n"
        let out = MarkdownRenderer.render(source, expandShortcode: { $0.argument == "other" ? .keep : .text("$500") })
        #expect(out.html.contains("A session costs $500 each; see {{price other}}."))
        #expect(out.shortcodes.map(\.position) == [LineColumn(line: 3, column: 17), LineColumn(line: 3, column: 55)])
        let block = out.textBlocks[1]
        #expect(block.text == "A session costs  each; see .")
        // "each" sits after the shortcode: its source column is kept.
        let offset = block.text.utf8.count - "each; see .".utf8.count
        #expect(block.position(atUTF8Offset: offset) == LineColumn(line: 3, column: 45))
    }

    @Test func aShortcodeAloneInItsParagraphCanExpandToBlocks() {
        let out = MarkdownRenderer.render("Before\n\n{{list contraindications}}\n\nAfter\n", expandShortcode: { _ in .markdown("- one\n- two\n") })
        #expect(out.html == "<p>Before</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>After</p>\n")
        #expect(out.shortcodes.first?.standsAlone == true)
    }

    @Test func tableRowsAreOneTextBlockEach() throws {
        let out = MarkdownRenderer.render("| item | price |\n|---|---|\n| Treatment session | $450 |\n")
        let rows = out.textBlocks.filter { $0.kind == .tableRow }
        try #require(rows.count == 2)
        #expect(rows[1].text.contains("Treatment session"))
        #expect(rows[1].text.contains("$450"))
        let dollar = rows[1].text.range(of: "$450")!
        let at = rows[1].text.utf8.distance(from: rows[1].text.startIndex, to: dollar.lowerBound)
        #expect(rows[1].position(atUTF8Offset: at) == LineColumn(line: 3, column: 23))
    }

    @Test func blockShortcodeExpansionsAreWalkedAtTheShortcodesPosition() throws {
        let out = MarkdownRenderer.render(
            "Intro.\n\n  {{list links}}\n", rewriteLink: { $0 == "faq.md" ? "/faq/" : $0 },
            expandShortcode: { _ in .markdown("- [FAQ](faq.md) costs $5\n- ![](x.png) and {{price a}}\n") })
        #expect(out.html.contains("<li><a href=\"/faq/\">FAQ</a> costs $5</li>"))
        #expect(out.links.map(\.renderedDestination) == ["/faq/", "x.png"])
        #expect(out.links.allSatisfy { $0.position == LineColumn(line: 3, column: 3) })
        // The list's text is read (every offset at the shortcode), and its shortcodes are expanded.
        let items = out.textBlocks.filter(\.fixedPosition)
        #expect(items.map(\.text) == ["FAQ costs $5", " and "])
        #expect(items[0].position(atUTF8Offset: 10) == LineColumn(line: 3, column: 3))
        #expect(out.shortcodes.map(\.position) == [LineColumn(line: 3, column: 3), LineColumn(line: 3, column: 3)])
    }

    @Test func aListThatShowsItselfIsExpandedOnce() {
        var calls: [Bool] = []
        let out = MarkdownRenderer.render("{{list loop}}\n", expandShortcode: { shortcode in
            calls.append(shortcode.standsAlone)
            return shortcode.standsAlone ? .markdown("{{list loop}}\n") : .keep
        })
        // Inside an expansion a block shortcode no longer stands alone (ShortcodeExpander reports it misplaced).
        #expect(calls == [true, false])
        #expect(out.html == "<p>{{list loop}}</p>\n")
    }

    @Test func generatedMarkdownIsWalkedForLinksButNotReadAsText() {
        let out = MarkdownRenderer.render(
            "{{table prices}}\n", expandShortcode: { _ in .generatedMarkdown("| a | b |\n|---|---|\n| [x](javascript:alert(1)) | $5 |\n") })
        #expect(out.links.map(\.destination) == ["javascript:alert(1)"])
        #expect(out.links.first?.position == LineColumn(line: 1, column: 1))
        #expect(out.textBlocks.isEmpty)
        #expect(out.html.contains("<a href=\"\">x</a>"))
    }

    @Test func urlsThatRunCodeAreWrittenBlankUnlessTheirSchemeIsAllowed() {
        let source = "[a](javascript:alert(1)) [b](data:text/html,x) ![c](data:image/png;base64,iVBO) [d](VBScript:x) [e](https://x.org/)\n"
        let out = MarkdownRenderer.render(source)
        #expect(out.html == "<p><a href=\"\">a</a> <a href=\"\">b</a> <img src=\"data:image/png;base64,iVBO\" alt=\"c\" /> <a href=\"\">d</a> <a href=\"https://x.org/\">e</a></p>\n")
        // The checks still see the destination as written.
        #expect(out.links.map(\.renderedDestination) == ["javascript:alert(1)", "data:text/html,x", "data:image/png;base64,iVBO", "VBScript:x", "https://x.org/"])
        let allowed = MarkdownRenderer.render(source, options: MarkdownOptions(allowedSchemes: ["DATA"]))
        #expect(allowed.html.contains("<a href=\"data:text/html,x\">b</a>"))
        #expect(allowed.html.contains("<a href=\"\">a</a>"))
    }

    @Test func rawHTMLIsReplacedByCmarksPlaceholderAndCommentsDropped() {
        let out = MarkdownRenderer.render("<div>x</div>\n\nA <b>b</b> <!-- note --> c.\n\n<!-- block -->\n")
        #expect(out.html == "<!-- raw HTML omitted -->\n<p>A <!-- raw HTML omitted -->b<!-- raw HTML omitted -->  c.</p>\n")
    }

    @Test(arguments: [
        ("A first line,\nthen <javascript:alert(1)> and <ftp://example.org/>.\n", [LineColumn(line: 2, column: 6), LineColumn(line: 2, column: 32)]),
        ("> one\n> two <xy:a> <xy:a>\n> <xy:b>\n", [LineColumn(line: 2, column: 7), LineColumn(line: 2, column: 14), LineColumn(line: 3, column: 3)]),
        ("- item\n  more <mail@example.org>\n", [LineColumn(line: 2, column: 8)]),
        ("<xy:a> first\n", [LineColumn(line: 1, column: 1)]),
        ("A [link](x:y) on one\nand [x:z](x:z) on two\n", [LineColumn(line: 1, column: 3), LineColumn(line: 2, column: 5)]),
    ])
    func angleAutolinksAreAtTheirColumnOnContinuationLines(source: String, positions: [LineColumn]) {
        #expect(MarkdownRenderer.render(source).links.map(\.position) == positions)
    }
}
