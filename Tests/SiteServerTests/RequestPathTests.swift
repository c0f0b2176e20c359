import SiteKit
import Testing

@testable import SiteServer

@Suite("Request paths")
struct RequestPathTests {
    @Test(arguments: [
        ("/", ""),
        ("/faq/", "faq/"),
        ("/faq", "faq"),
        ("/style.css", "style.css"),
        ("/files/my%20guide.pdf", "files/my guide.pdf"),
        ("/caf%C3%A9/", "café/"),
        ("/faq/?since=1", "faq/"),
        ("http://localhost:8000/faq/", "faq/"),
    ])
    func accepted(raw: String, path: String) {
        #expect(RequestPath.decode(raw) == .path(path))
    }

    @Test(arguments: [
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/..%2F..%2Fetc/passwd",
        "/a%00b",
        "/a\u{0}b",
        "/..\\..\\etc\\passwd",
        "/%5c..%5cetc%5cpasswd",
        "/faq/./index.html",
        "/faq/%2e/index.html",
        "/faq/..",
        "/a%2fb",
        "/%ff%fe",
        "/a%0d%0aSet-Cookie:x",
        "faq/",
        "*",
    ])
    func refused(raw: String) {
        guard case .rejected = RequestPath.decode(raw) else {
            Issue.record("\(raw) was accepted as \(RequestPath.decode(raw))")
            return
        }
    }

    @Test(arguments: [
        ("index.html", "text/html; charset=utf-8"), ("style.css", "text/css; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"), ("logo.svg", "image/svg+xml"), ("a.png", "image/png"),
        ("a.JPG", "image/jpeg"), ("a.jpeg", "image/jpeg"), ("a.webp", "image/webp"), ("guide.pdf", "application/pdf"),
        ("sitemap.xml", "application/xml; charset=utf-8"), ("robots.txt", "text/plain; charset=utf-8"),
        ("data.json", "application/json"), ("favicon.ico", "image/x-icon"), ("font.woff2", "font/woff2"),
        ("LICENSE", "application/octet-stream"), ("a.unknown", "application/octet-stream"),
    ])
    func contentTypes(path: String, type: String) {
        #expect(ContentTypes.forPath(path) == type)
    }
}

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

@Suite("Addresses")
struct AddressTests {
    @Test(arguments: [
        ("127.0.0.1", "http://127.0.0.1:8000/"), ("0.0.0.0", "http://127.0.0.1:8000/"), ("::1", "http://[::1]:8000/"),
        ("::", "http://[::1]:8000/"), ("localhost", "http://localhost:8000/"),
    ])
    func browserURL(host: String, url: String) {
        #expect(PreviewServer.browserURL(host: host, port: 8000).absoluteString == url)
    }

    @Test(arguments: ["127.0.0.1", "::1", "localhost", "0.0.0.0", "[::1]"])
    func hostsThatAreAccepted(host: String) throws {
        _ = try PreviewServer.socketAddress(host: host, port: 0)
    }

    @Test(arguments: ["example.com", "", "300.1.1.1", "127.0.0.1:80"])
    func hostsThatAreRefused(host: String) {
        #expect(throws: PreviewError.self) { try PreviewServer.socketAddress(host: host, port: 0) }
    }
}
