import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// What authors type never becomes markup: front-matter values in HTML and in JSON-LD, settings
/// and shortcode values, link schemes, raw HTML (issue 8, item 2).
@Suite struct BadInputEscapingTests {
    /// Text that would break out of an element, an attribute or a `<script>` if printed as it is.
    static let hostile = #"<script>alert(1)</script> "double" 'single' & </script><!-- x"#

    /// The shared theme of the catalogue (title, meta description, JSON-LD, menu), as TestSite files.
    static func theme() throws -> [String: String] {
        var files: [String: String] = [:]
        for (path, data) in BadInput.tree(BadInput.sharedTheme) {
            files["theme/" + path] = String(decoding: data, as: UTF8.self)
        }
        return files
    }

    func build(_ files: [String: String]) throws -> (TestSite, BuildResult) {
        let site = try TestSite(try Self.theme().merging(files) { _, own in own })
        return (site, site.build())
    }

    /// YAML for `value` as a double-quoted scalar.
    static func yaml(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The `<script type="application/ld+json">` blocks of a page, as written.
    static func jsonLD(_ html: String) -> [String] {
        html.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst().map {
            $0.components(separatedBy: "</script>")[0]
        }
    }

    /// Every string in a JSON value.
    static func strings(_ value: Any) -> [String] {
        switch value {
        case let s as String: return [s]
        case let a as [Any]: return a.flatMap(strings)
        case let d as [String: Any]: return d.values.flatMap(strings)
        default: return []
        }
    }

    @Test(.tags(.badInput)) func frontMatterValuesAreEscapedInHTML() throws {
        let (site, result) = try build([
            "content/index.md": "---\ntitle: \(Self.yaml(Self.hostile))\ndescription: \(Self.yaml(Self.hostile))\n---\n\nHello.\n"
        ])
        defer { site.remove() }
        #expect(result.diagnostics.isEmpty, "\(result.lines)")
        let html = try #require(site.html(result, "index.html"))
        let escaped = #"&lt;script&gt;alert(1)&lt;/script&gt; &quot;double&quot; &#39;single&#39; &amp; &lt;/script&gt;&lt;!-- x"#
        #expect(html.contains("<title>\(escaped) | Untitled site</title>"))
        #expect(html.contains("<meta name=\"description\" content=\"\(escaped)\">"))
        #expect(html.contains("<h1>\(escaped)</h1>"))
        #expect(html.contains("<li><a href=\"/\">\(escaped)</a></li>"))
        // An HTML5 parser finds no script element and no comment: the text stayed text.
        #expect(HTMLScanner.scan(html).scripts == 0)
        #expect(!html.contains("<script") && !html.contains("<!--"))
    }

    @Test(.tags(.badInput)) func frontMatterAndSettingsValuesAreEscapedInJSONLD() throws {
        let value = Self.hostile + " </SCRIPT > ]]> \\u003c"
        let (site, result) = try build([
            "content/_site.yaml": "name: \(Self.yaml(value))\nclinic:\n  name: \(Self.yaml(value))\n  area_served: \(Self.yaml(value))\n",
            "content/index.md": "---\ntitle: \(Self.yaml(value))\ndescription: \(Self.yaml(value))\nreviewed: 2026-01-05\nreviewed_by: \(Self.yaml(value))\n---\n\nHello.\n",
            "content/faq.md": "---\ntitle: FAQ\ntype: faq\n---\n\n## Is `</script><script>alert(1)</script>` safe?\n\nYes: `</script>` & \"quotes\".\n",
        ])
        defer { site.remove() }
        #expect(result.errors.isEmpty, "\(result.lines)")
        for page in ["index.html", "faq/index.html"] {
            let html = try #require(site.html(result, page))
            let blocks = Self.jsonLD(html)
            #expect(blocks.count == (page == "index.html" ? 2 : 1), "\(page): \(blocks)")
            // Nothing inside a block can end it or open a comment, and each block parses.
            #expect(HTMLScanner.scan(html).scripts == blocks.count, "\(page): an extra script element")
            var strings: [String] = []
            for block in blocks {
                #expect(!block.lowercased().contains("</script"), "\(page): \(block)")
                #expect(!block.contains("<!--") && !block.contains("<") && !block.contains(">"), "\(page): \(block)")
                strings += Self.strings(try JSONSerialization.jsonObject(with: Data(block.utf8)))
            }
            if page == "index.html" {
                // The values come back exactly as written: clinic name, area, description, title, reviewer.
                #expect(strings.filter { $0 == value }.count == 5, "\(page): \(strings)")
            } else {
                #expect(strings.contains("Is </script><script>alert(1)</script> safe?"), "\(strings)")
                #expect(strings.contains("Yes: </script> & \"quotes\"."), "\(strings)")
            }
        }
    }

    @Test(.tags(.badInput)) func shortcodeMenuAndURLValuesAreEscaped() throws {
        let (site, result) = try build([
            "content/_site.yaml": "clinic:\n  phone: \(Self.yaml(Self.hostile))\nmenu:\n  - title: \(Self.yaml(Self.hostile))\n    url: /\n",
            "content/index.md": page("Home", "Call {{clinic phone}}.\n"),
            "content/moved.md": page("Moved", "Text.\n", extra: "url: \(Self.yaml("/new\"><b>x</b>/"))\naliases: [/old/]\n"),
        ])
        defer { site.remove() }
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains("<p>Call &lt;script&gt;alert(1)&lt;/script&gt; &quot;double&quot; 'single' &amp; &lt;/script&gt;&lt;!-- x.</p>"))
        #expect(html.contains("<li><a href=\"/\">&lt;script&gt;"))
        // The one script element is the clinic's JSON-LD.
        #expect(HTMLScanner.scan(html).scripts == Self.jsonLD(html).count)
        #expect(!html.contains("<!--"))
        let redirect = try #require(site.html(result, "old/index.html"))
        #expect(redirect.contains("url=/new&quot;&gt;&lt;b&gt;x&lt;/b&gt;/\""))
        #expect(!redirect.contains("<b>"))
    }

    @Test(
        .tags(.badInput),
        arguments: [
            ("[a](javascript:alert(1))", "javascript"), ("[a](JAVASCRIPT:alert(1))", "javascript"), ("[a](  javascript:alert(1) )", "javascript"),
            ("[a](data:text/html;base64,PHNjcmlwdD4=)", "data"), ("![a](data:image/svg+xml;base64,PHN2Zz4=)", "data"),
            ("[a](vbscript:msgbox)", "vbscript"), ("<javascript:alert(1)>", "javascript"), ("[a][r]\n\n[r]: javascript:alert(1)", "javascript"),
        ])
    func unsafeSchemesAreRefused(markdown: String, scheme: String) throws {
        let (site, result) = try build(["content/index.md": page("Home", markdown + "\n")])
        defer { site.remove() }
        #expect(result.lines == ["content/index.md:5:1: error: link.unsafe-scheme"])
        #expect(result.errors.first?.message.hasPrefix("'\(scheme):' links are refused") == true)
    }

    @Test(.tags(.badInput)) func dataLinksPassWhenTheSettingsAllowThem() throws {
        let body = "![dot](data:image/png;base64,iVBORw0KGgo=)\n\n[bad](javascript:alert(1))\n"
        let (site, result) = try build(["content/_site.yaml": "allowed_schemes: [data]\n", "content/index.md": page("Home", body)])
        defer { site.remove() }
        // data: is allowed, javascript: is still refused.
        #expect(result.lines == ["content/index.md:7:1: error: link.unsafe-scheme"])
        let (allowed, ok) = try build(["content/_site.yaml": "allowed_schemes: [data]\n", "content/index.md": page("Home", "![dot](data:image/png;base64,iVBORw0KGgo=)\n")])
        defer { allowed.remove() }
        #expect(ok.diagnostics.isEmpty)
        #expect(allowed.html(ok, "index.html")?.contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\" />") == true)
    }

    @Test(.tags(.badInput)) func allowedDataLinksArePublishedAsWritten() throws {
        let (site, result) = try build([
            "content/_site.yaml": "allowed_schemes: [data]\n",
            "content/index.md": page("Home", "[notes](data:text/plain;base64,aGk=) ![logo](data:image/svg+xml;base64,PHN2Zz4=)\n"),
        ])
        defer { site.remove() }
        #expect(result.diagnostics.isEmpty)
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains("<a href=\"data:text/plain;base64,aGk=\">notes</a>"))
        #expect(html.contains("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\" alt=\"logo\" />"))
    }

    static let rawHTML = """
        Before <b>bold</b> <span onclick="alert(1)">click</span> after.

        <script>alert(2)</script>

        <div class="note">A note.</div>

        <iframe src="https://example.org/"></iframe>

        """

    @Test(.tags(.badInput)) func rawHTMLIsDroppedByDefault() throws {
        let (site, result) = try build(["content/index.md": page("Home", Self.rawHTML)])
        defer { site.remove() }
        // Each piece left out is a warning at its position (issue 14: nothing dropped silently).
        #expect(result.lines == [
            "content/index.md:5:8: warning: markdown.raw-html-dropped", "content/index.md:5:20: warning: markdown.raw-html-dropped",
            "content/index.md:7:1: warning: markdown.raw-html-dropped", "content/index.md:9:1: warning: markdown.raw-html-dropped",
            "content/index.md:11:1: warning: markdown.raw-html-dropped",
        ])
        let html = try #require(site.html(result, "index.html"))
        for tag in ["<b>", "<span", "onclick", "<script", "<div class", "<iframe"] {
            #expect(!html.contains(tag), "raw HTML passed: \(tag)")
        }
        #expect(html.contains("<p>Before <!-- raw HTML omitted -->bold<!-- raw HTML omitted --> <!-- raw HTML omitted -->click<!-- raw HTML omitted --> after.</p>"))
        #expect(HTMLScanner.scan(html).scripts == 0)
    }

    @Test(.tags(.badInput)) func rawHTMLPassesWhenAllowedButScriptsAreFiltered() throws {
        let (site, result) = try build(["content/_site.yaml": "allow_raw_html: true\n", "content/index.md": page("Home", Self.rawHTML)])
        defer { site.remove() }
        #expect(result.diagnostics.isEmpty, "\(result.lines)")
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains("<p>Before <b>bold</b> <span onclick=\"alert(1)\">click</span> after.</p>"))
        #expect(html.contains("<div class=\"note\">A note.</div>"))
        // GFM's tagfilter still disarms <script> and <iframe>.
        #expect(html.contains("&lt;script>alert(2)&lt;/script>"))
        #expect(html.contains("&lt;iframe src=\"https://example.org/\">&lt;/iframe>"))
        #expect(HTMLScanner.scan(html).scripts == 0)
    }
}
