import Foundation
import Testing

@testable import SiteKit

/// Required notices (`notice.missing`), checked in each page's final HTML.
@Suite struct RulesNoticeTests {
    static let pricingFrontMatter = """
        ---
        title: Pricing
        description: Costs.
        type: pricing
        prices:
          - id: session
            name: Session
            amount: 100
            currency: USD
        ---

        """

    static let goodFaithEstimate = """
        ## Your right to a Good Faith Estimate

        Under the No Surprises Act, if you do not have health insurance or are not using it, you have the right to receive a Good Faith Estimate of the expected charges. You get it when you schedule care, or when you ask. If your bill is at least $400 more than the estimate, you can dispute it. Learn more at cms.gov/nosurprises or 1-800-985-3059.

        """

    func pricing(_ body: String, theme: [String: String] = RulesFixtures.bareTheme) throws -> BuildResult {
        try buildRulesSite(
            ["content/_schemas.yaml": RulesFixtures.schema, "content/pricing.md": Self.pricingFrontMatter + "\n" + body], theme: theme)
    }

    @Test func aPricingPageWithoutTheGoodFaithEstimateNoticeFails() throws {
        let result = try pricing("A session costs $100.\n")
        #expect(result.ruleLines == ["content/pricing.md:4:7 error notice.missing"])
        let d = try #require(result.diagnostic("notice.missing"))
        #expect(d.message.contains("pages of type 'pricing' must show the No Surprises Act notice of the right to a Good Faith Estimate"))
        #expect(d.message.contains("the right to a Good Faith Estimate, nor the No Surprises Act, nor who it is for"))
        #expect(d.suggestion?.contains("https://www.cms.gov/nosurprises") == true)
    }

    @Test func aNoticeThatLeavesOutWhoItIsForFails() throws {
        let result = try pricing(
            "Under the No Surprises Act you have the right to a Good Faith Estimate when you schedule care. If your bill is at least $400 more, you can dispute it (cms.gov/nosurprises, 1-800-985-3059).\n")
        #expect(result.ruleLines == ["content/pricing.md:4:7 error notice.missing"])
        #expect(result.diagnostic("notice.missing")?.message.hasSuffix("does not mention who it is for (people without insurance, or not using it)") == true)
    }

    /// The federal standard notice's facts: a notice that leaves out each of them fails, naming it.
    @Test func eachFactOfTheFederalNoticeIsRequired() throws {
        let facts: [(String, String)] = [
            ("when you schedule care", "that the estimate is given when you schedule care"),
            ("at least $400", "the threshold (a bill at least $400 more than the estimate)"),
            ("you can dispute it", "that you can dispute such a bill"),
            ("cms.gov/nosurprises", "where to learn more (cms.gov/nosurprises)"),
            ("1-800-985-3059", "the federal help line (1-800-985-3059)"),
        ]
        for (fact, missing) in facts {
            let body = Self.goodFaithEstimate.replacingOccurrences(of: fact, with: "something")
            #expect(body != Self.goodFaithEstimate, "the fixture holds '\(fact)'")
            let result = try pricing("A session costs $100.\n\n" + body)
            #expect(result.ruleLines == ["content/pricing.md:4:7 error notice.missing"], "without \(fact)")
            #expect(result.diagnostic("notice.missing")?.message.contains(missing) == true, "without \(fact)")
        }
    }

    @Test func aPricingPageWithTheNoticePasses() throws {
        #expect(try pricing("A session costs $100.\n\n" + Self.goodFaithEstimate).ruleLines == [])
    }

    @Test func theNoticeMayComeFromTheTemplate() throws {
        let theme = [
            "theme/templates/page.mustache": """
                <html><body><main>{{{content}}}</main>
                <footer><p>You have the right to a Good Faith Estimate (No Surprises Act) if you are uninsured or self-pay, when you schedule care. A bill at least $400 above it can be disputed: cms.gov/nosurprises, 1-800-985-3059.</p></footer></body></html>

                """
        ]
        #expect(try pricing("A session costs $100.\n", theme: theme).ruleLines == [])
    }

    @Test func aPageOfAnotherTypeNeedsNoNotice() throws {
        let result = try buildRulesSite([
            "content/_schemas.yaml": RulesFixtures.schema, "content/about.md": "---\ntitle: About\ndescription: Us.\n---\n\nWe are a clinic.\n",
        ])
        #expect(result.ruleLines == [])
    }

    @Test func withoutASchemaFileAPricingTypeStillNeedsTheNotice() throws {
        let result = try buildRulesSite(["content/pricing.md": "---\ntitle: Pricing\ntype: pricing\n---\n\nA session costs money.\n"])
        #expect(result.ruleLines == ["content/pricing.md:3:7 error notice.missing"])
    }

    static let mention = "---\ntitle: Support\ndescription: Help.\n---\n\nWe are here for you.\n\nIf you have thoughts of suicide, please talk to us.\n"

    @Test func aPageMentioningSuicideWithoutCrisisHelpFailsAtTheMention() throws {
        let result = try buildRulesSite(["content/_schemas.yaml": RulesFixtures.schema, "content/support.md": Self.mention])
        #expect(result.ruleLines == ["content/support.md:8:25 error notice.missing"])
        let d = try #require(result.diagnostic("notice.missing"))
        #expect(d.message == "this page mentions 'suicide', so it must show crisis help (the 988 Suicide & Crisis Lifeline), but its HTML does not mention the number 988")
    }

    @Test func theThemesCrisisNoticeSatisfiesIt() throws {
        let result = try buildRulesSite(["content/_schemas.yaml": RulesFixtures.schema, "content/support.md": Self.mention], theme: RulesFixtures.crisisTheme)
        #expect(result.ruleLines == [])
    }

    @Test func crisisHelpInThePageItselfSatisfiesIt() throws {
        let page = Self.mention + "\nIn the US, call or text **988**, any time.\n"
        #expect(try buildRulesSite(["content/_schemas.yaml": RulesFixtures.schema, "content/support.md": page]).ruleLines == [])
    }

    @Test func selfHarmCountsAndTheWordFoundIsNamed() throws {
        let page = "---\ntitle: Support\ndescription: Help.\n---\n\nSome people self-harm when things feel too much.\n"
        let result = try buildRulesSite(["content/_schemas.yaml": RulesFixtures.schema, "content/support.md": page])
        #expect(result.ruleLines == ["content/support.md:6:13 error notice.missing"])
        #expect(result.diagnostic("notice.missing")?.message.hasPrefix("this page mentions 'self-harm'") == true)
    }

    @Test func aNumberInsideAnotherNumberDoesNotCount() throws {
        let page = Self.mention + "\nCall 1-800-555-9880 to book.\n"
        #expect(try buildRulesSite(["content/_schemas.yaml": RulesFixtures.schema, "content/support.md": page]).ruleLines == [
            "content/support.md:8:25 error notice.missing"
        ])
    }

    @Test func aLineExemptionCoversTheMention() throws {
        let page = "---\ntitle: Support\ndescription: Help.\n---\n\nThe word suicide appears here. <!-- ignore: notice.missing -->\n"
        #expect(try buildRulesSite(["content/_schemas.yaml": RulesFixtures.schema, "content/support.md": page]).ruleLines == [])
    }
}
