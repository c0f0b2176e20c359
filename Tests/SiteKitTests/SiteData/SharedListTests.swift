import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct SharedListTests {
    @Test func aListIsDeclaredOnceAndShownAnywhere() throws {
        let site = try TestSite([
            "content/contraindications.md": page("Who should not", "{{list contraindications}}\n", extra: "lists:\n  contraindications:\n    - Psychosis\n    - Severe *sleep apnea*\n"),
            "content/faq.md": page("FAQ", "Who should not?\n\n{{list contraindications}}\n\nEnd.\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.diagnostics.isEmpty)
        #expect(site.html(result, "faq/index.html")?.contains("<p>Who should not?</p>\n<ul>\n<li>Psychosis</li>\n<li>Severe <em>sleep apnea</em></li>\n</ul>\n<p>End.</p>") == true)
    }

    @Test func aListsLinksAreRewrittenAndCheckedAndItsTextIsCheckedAtTheShortcode() throws {
        let site = try TestSite([
            "content/index.md": page(
                "Home", "Intro.\n\n{{list links}}\n",
                extra: "lists:\n  links:\n    - \"[FAQ](faq.md#cost)\"\n    - \"[Gone](nowhere.md)\"\n    - A treatment session is $450.\n"),
            "content/faq.md": page("FAQ", "## Cost\n"),
            "content/pricing.md": PriceCheckTests.pricing,
        ])
        defer { site.remove() }
        let result = site.build()
        // Everything the list holds is reported at the {{list}} shortcode (line 12).
        #expect(result.lines.filter { $0.hasPrefix("content/index.md") } == ["content/index.md:12:1: error: link.missing-page", "content/index.md:12:1: error: price.mismatch"])
        let html = try #require(site.html(result, "index.html"))
        #expect(html.contains("<li><a href=\"/faq/#cost\">FAQ</a></li>"))
    }

    @Test func unknownOrMisplacedListsAreErrors() throws {
        let site = try TestSite([
            "content/a.md": page("A", "{{list contraindication}}\n\nInline {{list contraindications}} here.\n", extra: "lists:\n  contraindications: [x]\n")
        ])
        defer { site.remove() }
        #expect(site.build().lines == ["content/a.md:7:1: error: list.unknown-id", "content/a.md:9:8: error: shortcode.misplaced"])
    }
}
