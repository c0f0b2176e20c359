import Foundation
import Testing
import TestSupport

@testable import SiteKit
import SiteMarkdown

@Suite struct ContentModelTests {
    @Test func prettyURLsFromFileNames() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/faq.md": page("FAQ"),
            "content/services/_index.md": page("Services"),
            "content/services/knee.md": page("Knee"),
            "content/team/index.md": page("Team"),
            "content/old.md": page("Old", extra: "slug: renamed\naliases: [/previous/]\n"),
            "content/missing.md": page("Not found", extra: "url: /404.html\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty)
        let paths = result.files.map(\.path)
        #expect(
            paths == [
                "404.html", "faq/index.html", "index.html", "previous/index.html", "renamed/index.html", "robots.txt",
                "services/index.html", "services/knee/index.html", "style.css", "team/index.html",
            ])
        #expect(site.html(result, "previous/index.html")?.contains(#"url=/renamed/"#) == true)
    }

    @Test func underscoreAndDotFilesAreNeitherPagesNorCopied() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/_data/notes.md": page("Notes"),
            "content/_draft-ideas.md": page("Ideas"),
            "content/.hidden.md": page("Hidden"),
            "content/files/leaflet.pdf": "PDF",
            "content/_site.yaml": "name: Test Clinic\n",
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.files.map(\.path) == ["files/leaflet.pdf", "index.html", "robots.txt", "style.css"])
        #expect(site.html(result, "index.html")?.contains("Home | Test Clinic") == true)
    }

    @Test func frontMatterKeysReachTemplates() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "Body text.", extra: "tagline: Calm care\nweight: 3\n"),
            "theme/templates/page.mustache": "<p>{{page.tagline}}|{{page.weight}}|{{site.name}}|{{page.url}}</p>{{{content}}}",
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(site.html(result, "index.html") == "<p>Calm care|3|Untitled site|/</p><p>Body text.</p>\n")
    }

    @Test func templateChosenByFrontMatter() throws {
        let site = try TestSite([
            "content/index.md": page("Home", extra: "template: special\n"),
            "theme/templates/page.mustache": "page {{{content}}}",
            "theme/templates/special.mustache": "special {{{content}}}",
        ])
        defer { site.remove() }
        #expect(site.html(site.build(), "index.html") == "special ")
    }

    @Test func outputIsHTMLEscapedUnlessTheTemplateAsksForRaw() throws {
        let site = try TestSite([
            "content/index.md": page(#""<script>alert('x')</script>""#, extra: "description: \"Tom & Jerry's \\\"quote\\\" </script>\"\n"),
            "theme/templates/page.mustache": "<title>{{page.title}}</title><meta content=\"{{page.description}}\">{{{content}}}",
        ])
        defer { site.remove() }
        let html = try #require(site.html(site.build(), "index.html"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.contains("\"quote\""))
    }

    @Test func navigationComesFromPagesWhenThereIsNoMenu() throws {
        let site = try TestSite([
            "content/_index.md": page("Home"),
            "content/b.md": page("Bravo", extra: "weight: 2\n"),
            "content/a.md": page("Alpha", extra: "weight: 1\n"),
            "content/sec/_index.md": page("Section", extra: "weight: 3\n"),
            "content/sec/deep.md": page("Deep"),
        ])
        defer { site.remove() }
        let html = try #require(site.html(site.build(), "a/index.html"))
        #expect(
            html.contains(
                #"<li><a href="/">Home</a></li><li><a href="/a/" aria-current="page">Alpha</a></li><li><a href="/b/">Bravo</a></li><li><a href="/sec/">Section</a></li></ul>"#
            ))
    }

    @Test func menuFromSettings() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/faq.md": page("FAQ"),
            "content/_site.yaml": "menu:\n  - title: Questions\n    url: /faq/\n",
        ])
        defer { site.remove() }
        let html = try #require(site.html(site.build(), "index.html"))
        #expect(html.contains(#"<nav><ul><li><a href="/faq/">Questions</a></li></ul></nav>"#))
    }

    @Test func draftsAreLeftOutUnlessAsked() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/soon.md": page("Soon", extra: "draft: true\n"),
        ])
        defer { site.remove() }
        #expect(!site.build().files.map(\.path).contains("soon/index.html"))
        #expect(site.build(drafts: true).files.map(\.path).contains("soon/index.html"))
    }

    @Test func aLinkFromAPublishedPageToADraftIsAnError() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "See [soon](soon.md)."),
            "content/soon.md": page("Soon", extra: "draft: true\n"),
        ])
        defer { site.remove() }
        #expect(site.build().lines == ["content/index.md:5:5: error: link.draft"])
    }

    @Test func aSiteWithoutSettingsBuildsWithDefaults() throws {
        let site = try TestSite(["content/index.md": page("Home")])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty)
        #expect(site.html(result, "index.html")?.contains("<html lang=\"en\">") == true)
        #expect(!result.files.map(\.path).contains("sitemap.xml"))
    }

    @Test func sitemapUsesFrontMatterDatesNeverTheClock() throws {
        let site = try TestSite([
            "content/index.md": page("Home", extra: "date: 2026-01-05\n"),
            "content/faq.md": page("FAQ"),
            "content/_site.yaml": "base_url: https://clinic.example/\n",
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(
            site.html(result, "sitemap.xml")
                == """
                <?xml version="1.0" encoding="UTF-8"?>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                  <url>
                    <loc>https://clinic.example/</loc>
                    <lastmod>2026-01-05</lastmod>
                  </url>
                  <url>
                    <loc>https://clinic.example/faq/</loc>
                  </url>
                </urlset>

                """)
        #expect(site.html(result, "robots.txt") == "User-agent: *\nAllow: /\nSitemap: https://clinic.example/sitemap.xml\n")
    }

    @Test func byteOrderMarkAndCRLFSimplyWork() throws {
        let site = try TestSite([
            "content/index.md": "\u{FEFF}---\r\ntitle: Home\r\n---\r\n\r\n## Intro\r\n\r\nSee [faq](faq.md#cost).\r\n",
            "content/faq.md": page("FAQ", "## Cost\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty)
        #expect(site.html(result, "index.html")?.contains(#"<a href="/faq/#cost">faq</a>"#) == true)
    }

    /// Foundation's `replacingOccurrences` kept a CR that a combining mark follows (it compares
    /// grapheme clusters); found by FuzzFrontMatter in CI.
    @Test(arguments: [
        ("a\r\u{0300}b", "a\n\u{0300}b"), ("\r\u{FE0F}", "\n\u{FE0F}"), ("e\u{0301}\r\u{0301}\r\n", "e\u{0301}\n\u{0301}\n"),
        ("\r\r\n\n\r", "\n\n\n\n"), ("no breaks", "no breaks"),
    ])
    func everyCarriageReturnBecomesALineFeed(input: String, expected: String) throws {
        let decoded = try SourceText.decode(Data(input.utf8), file: "content/x.md").get()
        #expect(Array(decoded.utf8) == Array(expected.utf8))
    }

    @Test func rawHTMLIsOffUnlessTheSettingsAllowIt() throws {
        let body = "<div class=\"x\" id=\"box\">Hi</div>\n\n[box](#box)\n"
        let off = try TestSite(["content/index.md": page("Home", body)])
        defer { off.remove() }
        let result = off.build()
        #expect(off.html(result, "index.html")?.contains("<div") == false)
        #expect(result.lines == ["content/index.md:5:1: warning: markdown.raw-html-dropped", "content/index.md:7:1: error: link.missing-fragment"])
        let on = try TestSite(["content/index.md": page("Home", body), "content/_site.yaml": "allow_raw_html: true\n"])
        defer { on.remove() }
        let allowed = on.build()
        #expect(on.html(allowed, "index.html")?.contains("<div class=\"x\" id=\"box\">") == true)
        #expect(allowed.diagnostics.isEmpty)
    }

    /// `allowed_schemes: data` used to be read silently as no scheme at all.
    @Test(arguments: [
        ("allowed_schemes: data\n", [String](), ["content/_site.yaml:1:18: settings.type"]),
        ("allowed_schemes: {data: true}\n", [], ["content/_site.yaml:1:18: settings.type"]),
        ("allowed_schemes: [data, 'ftp:', 3, [x], FTP]\n", ["data", "ftp"], [
            "content/_site.yaml:1:25: settings.type", "content/_site.yaml:1:33: settings.type", "content/_site.yaml:1:36: settings.type",
        ]),
        ("allowed_schemes:\n", [], []),
        ("allowed_schemes: [Data]\n", ["data"], []),
    ])
    func allowedSchemesMustBeAListOfSchemeNames(yaml: String, schemes: [String], expected: [String]) {
        let (settings, d) = SiteSettings.parse(SourceFile(relativePath: "_site.yaml", displayPath: "content/_site.yaml", text: yaml))
        #expect(settings.allowedSchemes == schemes)
        #expect(d.map { "\($0.position): \($0.code)" } == expected)
    }

    /// A '/' merged with a combining mark is still a '/' on disk: the output path keeps every scalar.
    @Test(arguments: [
        ("/", "index.html"), ("/faq/", "faq/index.html"), ("/404.html", "404.html"),
        ("/\u{301}x/", "\u{301}x/index.html"), ("/a/\u{301}/", "a/\u{301}/index.html"), ("/x\u{600}", "x\u{600}"),
    ])
    func outputPathsAreWorkedOutOnBytes(url: String, path: String) {
        #expect(PageLoader.outputPath(for: url).unicodeScalars.elementsEqual(path.unicodeScalars))
    }

    @Test(arguments: [("\u{301}x", "/\u{301}x/"), ("/\u{301}x/", "/\u{301}x/"), ("x\u{301}", "/x\u{301}/"), ("/a.b", "/a.b"), ("/\u{301}.b", "/\u{301}.b")])
    func explicitURLsAreNormalizedOnScalars(raw: String, url: String) {
        #expect(PageLoader.normalizeExplicitURL(raw).map { Array($0.unicodeScalars) } == Array(url.unicodeScalars))
    }

    /// A file to copy that cannot be read is found while reading the sources, so `check` (which
    /// writes nothing) reports it too, at the file, as an environment error (exit 2).
    @Test(
        .enabled(if: BadInput.canTestPermissions, "root ignores file permissions, and /usr/bin/setpriv is not there"),
        arguments: ["check", "build"])
    func anUnreadableFileToCopyIsReportedAtTheFile(command: String) throws {
        let root = try BadInput.temporaryFolder("unreadable-static")
        defer { BadInput.remove(root) }
        try FileManager.default.copyItem(at: BadInput.sharedTheme, to: root.appendingPathComponent("theme"))
        let content = root.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("images"), withIntermediateDirectories: true)
        try page("Home").write(to: content.appendingPathComponent("index.md"), atomically: true, encoding: .utf8)
        try "PNG".write(to: content.appendingPathComponent("images/photo.png"), atomically: true, encoding: .utf8)
        #expect(chmod(content.appendingPathComponent("images/photo.png").path, 0) == 0)
        BadInput.giveToNobody(root)
        let run = try BadInput.cli([command, "--format", "json", "--today", BadInput.today], in: root, user: .unprivileged)
        #expect(run.status == 2, "\(run)")
        let d = try #require(BadInput.diagnostics(run), "\(run)")
        #expect(d.map(\.line) == ["content/images/photo.png: error: io.unreadable"])
        #expect(d.first?.message.hasPrefix("cannot read 'content/images/photo.png'") == true)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
    }
}
