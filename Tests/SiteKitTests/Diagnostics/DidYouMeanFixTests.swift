import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Every "did you mean" that names an exact replacement carries it as `Diagnostic.fix` (which
/// the SARIF report and the editor's quick fixes read): applied to the source, it gives the line
/// the suggestion describes.
@Suite("Did-you-mean fixes")
struct DidYouMeanFixTests {
    static let pricing = """
        ---
        title: Prices
        description: What things cost.
        prices:
          - id: treatment-session
            name: Treatment session
            amount: 500
          - id: evaluation
            name: Evaluation
            unconfirmed: true
        ---

        A treatment session is {{price treatment-sesion}}; see {{lisst conditions}}.

        An evaluation is $300 for now.

        Call {{clinic phne}}.

        """

    static let page = """
        ---
        title: Café
        description: A page.
        template: pge
        type: clinicl
        reviewed: pendng
        ---

        Text.

        """

    static let schemas = """
        review_period_month: 12
        types:
          page:
            required:
              title: text
              description: text
            optional:
              reviewed: text
              template: text
          clinical:
            extends: pag
            optional:
              size: nmber
            notices: [privacy-practice]

        """

    @Test func eachSuggestionIsAnExactEdit() throws {
        var files = TestSite.minimalTheme
        files["theme/templates/card.mustache"] = "<p>{{> partials/nva}}</p>\n"
        files["content/pricing.md"] = Self.pricing
        files["content/cafe.md"] = Self.page
        files["content/_schemas.yaml"] = Self.schemas
        files["content/_site.yaml"] = "name: Test\nbase_url: https://example.org\nlanguage: en\nclinic:\n  phone: 555-0100\n"
        let site = try TestSite(files)
        defer { site.remove() }
        let result = site.build()
        // (code, file, what the fixed file holds)
        let expected: [(String, String, String)] = [
            ("price.unknown-id", "content/pricing.md", "A treatment session is {{price treatment-session}};"),
            ("shortcode.unknown", "content/pricing.md", "see {{list conditions}}."),
            ("price.mismatch", "content/pricing.md", "An evaluation is {{price evaluation}} for now."),
            ("shortcode.unknown-key", "content/pricing.md", "Call {{clinic phone}}."),
            ("template.missing", "content/cafe.md", "template: page\n"),
            ("schema.unknown-type", "content/cafe.md", "type: clinical\n"),
            ("review.invalid", "content/cafe.md", "reviewed: pending\n"),
            ("rules.unknown-key", "content/_schemas.yaml", "review_period_months: 12\n"),
            ("rules.invalid", "content/_schemas.yaml", "extends: page\n"),
            ("rules.invalid", "content/_schemas.yaml", "size: number\n"),
            ("rules.invalid", "content/_schemas.yaml", "notices: [privacy-practices]\n"),
            ("template.missing", "theme/templates/card.mustache", "<p>{{> partials/nav}}</p>"),
        ]
        let codes = result.diagnostics.map { "\($0.position) \($0.code) \($0.fix?.replacement ?? "-")" }.joined(separator: "\n")
        for (code, file, wanted) in expected {
            let source = try #require(site.read(file))
            let fixed = result.diagnostics.filter { $0.code == code && $0.position.file == file }.compactMap { $0.fix?.applied(to: source) }
            #expect(fixed.contains { $0.contains(wanted) }, "no fix of \(code) in \(file) gives '\(wanted)'; diagnostics:\n\(codes)")
        }
    }

    /// A value written otherwise than the check reads it (quoted, spaced) gets no edit rather
    /// than a wrong one.
    @Test func noEditWhereTheSourceDiffers() throws {
        let page = "---\ntitle: A\ndescription: B\ntemplate: \"pge\"\n---\n\nUse {{ price treatment-sesion }}.\n"
        var files = TestSite.minimalTheme
        files["content/pricing.md"] = Self.pricing
        files["content/a.md"] = page
        let site = try TestSite(files)
        defer { site.remove() }
        let result = site.build()
        let own = result.diagnostics.filter { $0.position.file == "content/a.md" }
        #expect(own.contains { $0.code == "template.missing" } && own.contains { $0.code == "price.unknown-id" })
        #expect(own.allSatisfy { $0.fix == nil })
    }
}
