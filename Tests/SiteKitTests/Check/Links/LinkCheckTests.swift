import Foundation
import Testing
import TestSupport

@testable import SiteKit

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
