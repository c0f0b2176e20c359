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

@Suite struct LinkCheckTests {
    static let faq = page("FAQ", "## What does it cost?\n\nA lot of care.\n\n## Cost\n\nText.\n")

    @Test func linksWrittenAsPeopleWriteThemResolve() throws {
        let site = try TestSite([
            "content/index.md": page(
                "Home",
                """
                [a](/faq/) [b](/faq) [c](/faq/index.html) [d](faq/) [e](faq.md) [f](./faq.md#cost)
                [g](/faq.md#what-does-it-cost) [h](#top-section) [i](/files/x.pdf) [j](https://example.org)

                ## Top section
                """),
            "content/faq.md": Self.faq,
            "content/files/x.pdf": "PNG",
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty)
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains(#"<a href="/faq/">e</a> <a href="/faq/#cost">f</a>"#))
        #expect(html.contains(#"<a href="/faq/#what-does-it-cost">g</a>"#))
    }

    @Test func relativeSourceLinksFromSubfolders() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/services/knee.md": page("Knee", "[faq](../faq.md#cost) [hip](hip.md) [hip2](../hip/)"),
            "content/services/hip.md": page("Hip"),
            "content/faq.md": Self.faq,
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty)
        #expect(site.html(result, "services/knee/index.html")?.contains(#"<a href="/faq/#cost">faq</a> <a href="/services/hip/">hip</a>"#) == true)
    }

    @Test func everyBrokenMarkdownLinkIsReportedAtItsPositionWithASuggestion() throws {
        let site = try TestSite([
            "content/index.md": page(
                "Home",
                """
                Read [the FAQ](/faqs/) and [costs](faq.md#costs).
                See ![the room](/images/room.png) and [x](javascript:alert(1)).
                Also [same page](#nowhere) and [mail](mailto:nobody).
                """),
            "content/faq.md": Self.faq,
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(
            result.lines == [
                "content/index.md:5:6: error: link.missing-page",
                "content/index.md:5:28: error: link.missing-fragment",
                "content/index.md:6:5: error: link.missing-asset",
                "content/index.md:6:39: error: link.unsafe-scheme",
                "content/index.md:7:6: error: link.missing-fragment",
                "content/index.md:7:32: error: link.malformed",
            ])
        let d = result.diagnostics
        #expect(d[0].message == "'/faqs/' links to a page that does not exist")
        #expect(d[0].suggestion == "did you mean '/faq/'?")
        #expect(d[1].message == "'/faq/#costs' points to '#costs', but /faq/ has no such id")
        #expect(d[1].suggestion == "did you mean '/faq/#cost'?")
        #expect(d[2].message == "'/images/room.png' links to a file that does not exist")
    }

    @Test func imagesWithoutAltTextAreAWarning() throws {
        let site = try TestSite(["content/index.md": page("Home", "![](/style.css)\n")])
        defer { site.remove() }
        #expect(site.build().lines == ["content/index.md:5:1: warning: a11y.missing-alt"])
    }

    @Test func brokenTemplateLinksNameTheTemplateLineAndThePages() throws {
        var files = TestSite.minimalTheme
        files["theme/templates/page.mustache"] = "{{<base}}{{$main}}<a href=\"/contact-us/\">Contact</a>\n<img src=\"/logo.png\" alt=\"\">{{{content}}}{{/main}}{{/base}}\n"
        files["content/index.md"] = page("Home")
        files["content/faq.md"] = page("FAQ")
        files["content/contact.md"] = page("Contact")
        let site = try TestSite(files)
        defer { site.remove() }
        let result = site.build()
        #expect(
            result.lines == [
                "theme/templates/page.mustache:1:28: error: link.missing-page",
                "theme/templates/page.mustache:2:11: error: link.missing-asset",
            ])
        #expect(result.diagnostics[0].message == "'/contact-us/' links to a page that does not exist on 3 pages, e.g. content/contact.md (template 'page')")
        #expect(result.diagnostics[0].suggestion == "did you mean '/contact/'?")
    }

    @Test func aBrokenMenuEntryIsReportedInTheSettingsFile() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/_site.yaml": "name: X\nmenu:\n  - title: Prices\n    url: /prices/\n",
        ])
        defer { site.remove() }
        #expect(site.build().lines == ["content/_site.yaml:4:10: error: link.missing-page"])
    }
}
