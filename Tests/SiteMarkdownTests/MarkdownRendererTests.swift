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
}
