import Foundation
import Testing

@testable import SiteKit

@Suite struct LinkResolverTests {
    @Test(arguments: [
        ("/pricing/", "/faq/", LinkResolver.Target.local(path: "/pricing/", fragment: nil)),
        ("../pricing/#cost", "/faq/", .local(path: "/pricing/", fragment: "cost")),
        ("pricing", "/faq/", .local(path: "/faq/pricing", fragment: nil)),
        ("#cost", "/faq/", .samePage(fragment: "cost")),
        ("/a%20b/", "/", .local(path: "/a b/", fragment: nil)),
        ("https://example.org/x", "/", .external(scheme: "https")),
        ("mailto:care@example.org", "/", .external(scheme: "mailto")),
        ("tel:+1-601-555-0100", "/", .external(scheme: "tel")),
        ("javascript:alert(1)", "/", .unsafe(scheme: "javascript")),
        ("data:text/html,hi", "/", .unsafe(scheme: "data")),
        ("../../x/", "/faq/", .malformed(reason: "the link climbs above the site's root with '..'")),
        ("https://", "/", .malformed(reason: "'https://' is not a well-formed web address")),
        ("mailto:nobody", "/", .malformed(reason: "'mailto:nobody' is not a well-formed e-mail link (mailto:name@example.org)")),
    ])
    func resolves(href: String, from: String, expected: LinkResolver.Target) {
        #expect(LinkResolver.resolve(href, from: from) == expected)
    }

    /// A '/', '#', ':' or ' ' followed by a combining mark forms one Character with it; the
    /// resolver works on scalars and bytes, as browsers and the file system do (FuzzLinks found
    /// `/\u{300}!` resolving to `//\u{300}!`).
    @Test(arguments: [
        ("/\u{300}x", "/", LinkResolver.Target.local(path: "/\u{300}x", fragment: nil)),
        ("/\u{300}!", "/faq/", .local(path: "/\u{300}!", fragment: nil)),
        ("a/\u{301}b/", "/faq/", .local(path: "/faq/a/\u{301}b/", fragment: nil)),
        ("../\u{301}b", "/faq/x/", .local(path: "/faq/\u{301}b", fragment: nil)),
        ("x\u{600}/../y", "/", .local(path: "/y", fragment: nil)),
        ("/../\u{301}", "/", .malformed(reason: "the link climbs above the site's root with '..'")),
        ("#\u{301}x", "/faq/", .samePage(fragment: "\u{301}x")),
        ("/faq/#\u{301}", "/", .local(path: "/faq/", fragment: "\u{301}")),
        ("/faq/?\u{301}q", "/", .local(path: "/faq/", fragment: nil)),
        ("javascript:\u{301}alert(1)", "/", .unsafe(scheme: "javascript")),
        ("/a \u{301}b/", "/", .malformed(reason: "a link destination cannot contain spaces or backslashes (use %20 or a hyphen)")),
        ("//\u{301}evil.example/", "/", .malformed(reason: "a link starting with // needs a scheme: write https://…")),
        // Browsers drop tabs and newlines anywhere, and C0 controls and spaces around a URL.
        ("java\tscript:alert(1)", "/", .unsafe(scheme: "javascript")),
        ("\u{1}\u{1F} javascript:alert(1)", "/", .unsafe(scheme: "javascript")),
        ("JaVa\nScRiPt\r:alert(1)", "/", .unsafe(scheme: "javascript")),
    ])
    func pathsAreHandledAsScalarsNotCharacters(href: String, from: String, expected: LinkResolver.Target) {
        #expect(LinkResolver.resolve(href, from: from) == expected)
    }

    @Test func normalizeSplitsOnTheByteSlash() {
        #expect(LinkResolver.normalize(path: "../\u{301}x", base: "a/b") == "a/\u{301}x")
        #expect(LinkResolver.normalize(path: "\u{600}/../..", base: "a") == "")
        #expect(LinkResolver.normalize(path: "../../\u{301}", base: "a") == nil)
    }

    @Test func sourceLinksAreRewrittenByScalars() throws {
        var diagnostics: [Diagnostic] = []
        let pages = ["faq.md", "a\u{600}.md", "guide/\u{301}x.md"].map {
            PageLoader.load(SourceFile(relativePath: $0, displayPath: "content/" + $0, text: "---\ntitle: T\n---\n")).0!
        }
        #expect(pages.map(\.url) == ["/faq/", "/a\u{600}/", "/guide/\u{301}x/"])
        let index = SiteIndex(pages: pages, diagnostics: &diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(index.rewriteSourceLink("faq.md#\u{301}x", from: pages[0]) == "/faq/#\u{301}x")
        #expect(index.rewriteSourceLink("a\u{600}.md", from: pages[0]) == "/a\u{600}/")
        #expect(index.rewriteSourceLink("/guide/\u{301}x.md", from: pages[0]) == "/guide/\u{301}x/")
        #expect(index.rewriteSourceLink("\u{301}x.md", from: pages[2]) == "/guide/\u{301}x/")
        #expect(index.rewriteSourceLink("../faq.md", from: pages[2]) == "/faq/")
        // '..' hidden behind a combining mark still climbs, and above the root nothing is rewritten.
        #expect(index.rewriteSourceLink("/../\u{301}faq.md", from: pages[0]) == "/../\u{301}faq.md")
    }
}
