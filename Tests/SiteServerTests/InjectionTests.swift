import SiteKit
import Testing

@testable import SiteServer

@Suite("Live-reload injection")
struct InjectionTests {
    @Test func scriptGoesBeforeTheLastClosingBody() {
        let html = "<html><body><p>Hi</p></body></html>"
        let result = LiveReload.inject(into: html, token: "abc-1", overlay: nil)
        #expect(result == "<html><body><p>Hi</p><script src=\"/__clinic-site/live-reload.js\" data-token=\"abc-1\"></script></body></html>")
    }

    @Test func overlayGoesRightAfterTheOpeningBody() {
        let html = "<html><BODY class=\"x\"><p>Hi</p></BODY></html>"
        let result = LiveReload.inject(into: html, token: "t", overlay: "<section>E</section>")
        #expect(result.hasPrefix("<html><BODY class=\"x\"><section>E</section><p>Hi</p><script"))
    }

    @Test func withoutBodyTagsTheScriptIsAppended() {
        let result = LiveReload.inject(into: "<p>Hi</p>", token: "t", overlay: nil)
        #expect(result.hasPrefix("<p>Hi</p><script src="))
    }

    @Test func overlayListsCausesBeforeTheBrokenLinksTheyCause() throws {
        let link = Diagnostic.error("link.missing-page", at: .init(file: "content/a.md", line: 1, column: 1), "links to faq.md")
        let cause = Diagnostic.error("frontmatter.invalid", at: .init(file: "content/faq.md", line: 2, column: 8), "invalid YAML")
        let html = ErrorOverlay(errors: [link, cause], warningCount: 0, sourceLine: { _ in nil }).overlay()
        let causeAt = try #require(html.range(of: "invalid YAML"))
        let linkAt = try #require(html.range(of: "links to faq.md"))
        #expect(causeAt.lowerBound < linkAt.lowerBound)
    }

    @Test func overlayEscapesDiagnosticText() {
        let overlay = ErrorOverlay(
            errors: [.error("x.y", at: .init(file: "content/<a>.md", line: 2, column: 3), "bad <script>alert(1)</script>", suggestion: "use \"quotes\" & more")],
            warningCount: 1, sourceLine: { _ in "title: <b>" })
        let html = overlay.overlay()
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("content/&lt;a&gt;.md:2:3"))
        #expect(html.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("use &quot;quotes&quot; &amp; more"))
        #expect(html.contains("title: &lt;b&gt;"))
        #expect(html.contains("role=\"alert\""))
        #expect(html.contains("1 warning"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external resources")
    }
}
