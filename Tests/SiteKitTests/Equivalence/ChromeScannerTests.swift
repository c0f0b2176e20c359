import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The byte scanner used on template output must find exactly what gumbo finds.
@Suite struct ChromeScannerTests {
    /// Texts with nothing to collapse are returned as they are; the result is the long way's for
    /// every mix of spaces, tabs, line breaks and other characters.
    @Test func collapsingWhitespaceHasAShortcutThatChangesNothing() {
        let pieces = ["a", "b", " ", "  ", "\t", "\n", "\r", "\u{0C}", "\r\n", "é", "\u{A0}", "e\u{301}", "&amp;"]
        var generator = SystemRandomNumberGenerator()
        var checked = 0
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(HTMLScanner.collapseWhitespace(text) == HTMLScanner.collapsingWhitespace(text), "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked == 5_000)
        #expect(HTMLScanner.collapseWhitespace(" a \n\t b ") == "a b")
    }

    func expectSame(_ html: String, _ label: String) {
        let fast = ChromeScanner.scan(html)
        let gumbo = HTMLScanner.scan(html)
        #expect(fast.links.map { "\($0.element) \($0.attribute)=\($0.value)" } == gumbo.links.map { "\($0.element) \($0.attribute)=\($0.value)" }, "links differ in \(label)")
        #expect(fast.ids == gumbo.ids, "ids differ in \(label)")
        #expect(fast.texts.map(\.text) == gumbo.texts.map(\.text), "texts differ in \(label)")
        #expect(fast.scripts == gumbo.scripts, "script count differs in \(label)")
        #expect(fast.links.map { "\($0.line):\($0.column)" } == gumbo.links.map { "\($0.line):\($0.column)" }, "link positions differ in \(label)")
    }

    @Test func agreesWithGumboOnTrickyTemplateOutput() {
        expectSame(
            """
            <!DOCTYPE html><html lang="en"><head><title>A &amp; B | Site</title>
            <link rel=stylesheet href=/style.css><script type="application/ld+json">{"a":"<a href='/x/'>"}</script></head>
            <body><!-- <a href="/commented/"> --><a class="skip" href="#main">Skip</a>
            <nav aria-label="Main"><ul><li><a href="/" aria-current="page">Home</a></li><li><a href='/faq/'>FAQ &#38; more</a></li></ul></nav>
            <main id="main"><h1 id=title>Title</h1><p>Costs <strong>$500</strong>now.<br>Next line</p><textarea><a href="/no/"></textarea>
            <img src="/logo.svg" alt=""></main><footer><p>Call <a href="tel:988">988</a>.</p><address>Town</address></footer></body></html>
            """, "tricky sample")
    }

    @Test func agreesWithGumboOnEveryPageOfTheClinicSite() throws {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        var checked = 0
        for file in result.files where file.path.hasSuffix(".html") {
            guard case .text(let html) = file.contents else { continue }
            expectSame(html, file.path)
            checked += 1
        }
        #expect(checked >= 8)
    }
}
