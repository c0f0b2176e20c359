import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct PriceCheckTests {
    static let pricing = """
        ---
        title: Pricing
        prices:
          - id: treatment-session
            name: Ketamine treatment session
            amount: 500
            aliases: [treatment session]
          - id: six-treatment-course
            name: Six treatments
            bundle: {treatment-session: 6}
            amount: 3000
          - id: psychiatric-evaluation
            name: Psychiatric evaluation
            unconfirmed: true
        ---

        {{table prices}}

        """

    func build(_ body: String, extra: [String: String] = [:]) throws -> (TestSite, BuildResult) {
        var files = ["content/pricing.md": Self.pricing, "content/faq.md": page("FAQ", body)]
        files.merge(extra) { _, b in b }
        let site = try TestSite(files)
        return (site, site.build())
    }

    @Test func referencesRenderTheAmountOrTheUnconfirmedWording() throws {
        let (site, result) = try build("A session costs {{price treatment-session}}; an evaluation: {{price psychiatric-evaluation}}.\n")
        defer { site.remove() }
        #expect(site.html(result, "faq/index.html")?.contains("A session costs $500; an evaluation: ask us for the current fee.") == true)
        #expect(
            result.lines == [
                "content/faq.md:5:61: warning: price.unconfirmed",
                "content/pricing.md:17:1: warning: price.unconfirmed",
            ])
        #expect(result.diagnostics[0].message == "price of psychiatric-evaluation is unconfirmed; the page says \"ask us for the current fee\"")
    }

    @Test func thePriceTableIsRenderedFromTheData() throws {
        let (site, result) = try build("")
        defer { site.remove() }
        let html = try #require(site.html(result, "pricing/index.html"))
        #expect(html.contains("<td style=\"text-align: left\">Ketamine treatment session</td>\n<td style=\"text-align: right\">$500</td>"))
        #expect(html.contains("<td style=\"text-align: left\">Six treatments</td>\n<td style=\"text-align: right\">$3,000 (6 × ketamine treatment session)</td>"))
        #expect(html.contains("<td style=\"text-align: left\">Psychiatric evaluation</td>\n<td style=\"text-align: right\">ask us for the current fee</td>"))
    }

    @Test func aWrongAmountNextToANamedItemIsAnErrorNamingBoth() throws {
        let (site, result) = try build("Intro.\n\nEach treatment session is $450. Dr. Smith says hello.\n")
        defer { site.remove() }
        #expect(result.errors.map { "\($0.position): \($0.code)" } == ["content/faq.md:7:27: price.mismatch"])
        #expect(result.errors[0].message == "$450 for \"treatment session\", but the pricing page says $500 (content/pricing.md:4)")
        #expect(result.errors[0].suggestion == "write {{price treatment-session}} instead of $450, so the page always shows the declared price")
    }

    @Test func anAmountNamingNoItemMustBeADeclaredAmount() throws {
        let (site, result) = try build("Parking costs $7.\n\nIt is $3,000 in all.\n")
        defer { site.remove() }
        #expect(
            result.lines.filter { !$0.contains("pricing.md") } == [
                "content/faq.md:5:15: error: price.unknown-amount",
                "content/faq.md:7:7: warning: price.literal",
            ])
    }

    @Test func aMatchingLiteralIsAWarningSuggestingTheReference() throws {
        let (site, result) = try build("| Service | Price |\n|---|---|\n| Ketamine treatment session | $500 |\n")
        defer { site.remove() }
        let literal = try #require(result.diagnostics.first { $0.code == "price.literal" })
        #expect("\(literal.position)" == "content/faq.md:7:32")
        #expect(literal.suggestion == "write {{price treatment-session}} so it stays in sync with the pricing page")
    }

    @Test func sentencesAndListItemsAreTheContext() throws {
        // "$500" is in another sentence than "six treatments", so it is checked against "treatment session".
        let (site, result) = try build("Six treatments are planned. A treatment session is $500.\n\n- Six treatments: $3,000\n- Treatment session: $510\n")
        defer { site.remove() }
        #expect(result.errors.map { "\($0.position)" } == ["content/faq.md:8:22"])
    }

    @Test func percentagesCountsAndYearsAreNotPrices() throws {
        let (site, result) = try build("91.6% improved after 6 treatments; in use since 1970.\n")
        defer { site.remove() }
        #expect(result.diagnostics.filter { $0.position.file == "content/faq.md" }.isEmpty)
    }

    @Test func aLineOrAPageCanBeExempted() throws {
        let (site, result) = try build("In 2019 a session was $400. <!-- ignore: price -->\n\nNow it is $350.\n")
        defer { site.remove() }
        #expect(result.errors.map { "\($0.position)" } == ["content/faq.md:7:11"])
        #expect(site.html(result, "faq/index.html")?.contains("ignore") == false)
        let (site2, exempt) = try build("Old price: $400.\n", extra: ["content/faq.md": page("FAQ", "Old price: $400.\n", extra: "ignore: [price]\n")])
        defer { site2.remove() }
        #expect(exempt.errors.isEmpty)
    }

    @Test func unknownIDsSuggestTheNearest() throws {
        let (site, result) = try build("Cost: {{price treatment-sesion}}.\n")
        defer { site.remove() }
        #expect(result.lines.first == "content/faq.md:5:7: error: price.unknown-id")
        #expect(result.diagnostics.first?.suggestion == "did you mean 'treatment-session'?")
    }

    @Test func aBundleMustEqualTheSumOfItsParts() throws {
        let pricing = Self.pricing.replacingOccurrences(of: "amount: 3000", with: "amount: 2800")
        let site = try TestSite(["content/pricing.md": pricing])
        defer { site.remove() }
        let result = site.build()
        let bundle = try #require(result.errors.first)
        #expect("\(bundle.position): \(bundle.code)" == "content/pricing.md:8:5: price.bundle-total")
        #expect(bundle.message == "the bundle 'six-treatment-course' costs $2,800, but its parts add up to $3,000 (6 × $500)")
    }

    /// The errors of the pricing site built with `html` in the page template, before the content.
    static func errorsWithTemplateText(_ html: String) throws -> [String] {
        var files = TestSite.minimalTheme
        files["theme/templates/page.mustache"] = "{{<base}}{{$main}}\(html){{{content}}}{{/main}}{{/base}}\n"
        files["content/pricing.md"] = Self.pricing
        let site = try TestSite(files)
        defer { site.remove() }
        return site.build().errors.map { "\($0.position): \($0.code)" }
    }

    @Test func pricesInTemplatesAreCheckedToo() throws {
        #expect(try Self.errorsWithTemplateText("<p>Sessions from $450.</p>") == ["theme/templates/page.mustache:1:36: price.unknown-amount"])
    }

    /// A template's amount is reported where it is written as a whole (`450 dollars`), not where
    /// a part of it first appears in the theme.
    @Test func aTemplatePriceIsPlacedAtItsLiteral() throws {
        #expect(
            try Self.errorsWithTemplateText("<p data-n=\"450\">Sessions: 450 dollars.</p>") == ["theme/templates/page.mustache:1:45: price.unknown-amount"])
    }
}
