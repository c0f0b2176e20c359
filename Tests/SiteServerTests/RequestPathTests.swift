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
