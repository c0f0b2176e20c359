import Foundation
import Testing

@testable import SiteKit

/// Page schemas (`schema.*`): one fault per test, its exact position, and the page that passes.
@Suite struct RulesSchemaTests {
    func site(_ pages: [String: String]) throws -> BuildResult {
        var files = pages
        files["content/_schemas.yaml"] = RulesFixtures.schema
        return try buildRulesSite(files)
    }

    @Test func aCompletePageOfEveryKindPasses() throws {
        let result = try site([
            "content/index.md": "---\ntitle: Home\ndescription: Welcome.\ntype: home\n---\n\nHello.\n",
            "content/faq.md": "---\ntitle: FAQ\ndescription: Answers.\ntype: faq\nreviewed: 2026-03-01\nreviewed_by: Dr. Test Reviewer\n---\n\nAnswers.\n",
            "content/conditions/anxiety.md": "---\ntitle: Anxiety\ndescription: About anxiety.\nreviewed: pending\n---\n\nText.\n",
            "content/open-day.md": "---\ntitle: Open day\ndescription: Come and see.\ntype: event\nstarts: 2026-12-05\nseats: 12\n---\n\nText.\n",
        ])
        #expect(result.ruleLines == ["content/conditions/anxiety.md:4:11 warning review.pending"])
    }

    @Test func aMissingDescriptionIsReportedAtTheStartOfTheFile() throws {
        let result = try site(["content/a.md": "---\ntitle: A\n---\n\nBody.\n"])
        #expect(result.ruleLines == ["content/a.md:1:1 error schema.missing-key"])
        let d = try #require(result.diagnostic("schema.missing-key"))
        #expect(d.message == "this page has no 'description', and every page needs one")
        #expect(d.suggestion?.contains("description: ") == true)
    }

    @Test func aMissingTitleIsReportedAtTheStartOfTheFile() throws {
        let result = try site(["content/a.md": "Just text, no front matter.\n"])
        let mine = result.diagnostics.filter { $0.code == "schema.missing-key" && $0.message.contains("'title'") && $0.message.contains("every page") }
        #expect(mine.map(\.compactLine) == ["content/a.md:1:1 error schema.missing-key"])
    }

    @Test func aClinicalPageWithADateButNoReviewerNeedsReviewedBy() throws {
        let result = try site([
            "content/faq.md": "---\ntitle: FAQ\ndescription: Answers.\ntype: faq\nreviewed: 2026-03-01\n---\n\nAnswers.\n"
        ])
        #expect(result.ruleLines == ["content/faq.md:1:1 error schema.missing-key"])
        let d = try #require(result.diagnostic("schema.missing-key"))
        #expect(d.message.contains("no 'reviewed_by'"))
        #expect(d.message.contains("pages of type 'clinical' need one (a 'faq' page is a kind of 'clinical' page)"))
        #expect(d.message.contains("'type: faq' on line 4"))
        #expect(d.suggestion == "add reviewed_by: NAME, the clinician who reviewed the page on 2026-03-01")
    }

    @Test func aPageGetsTheTypeOfItsFolder() throws {
        let result = try site(["content/conditions/anxiety.md": "---\ntitle: Anxiety\ndescription: About anxiety.\n---\n\nText.\n"])
        #expect(
            result.ruleLines == [
                "content/conditions/anxiety.md:1:1 error schema.missing-key", "content/conditions/anxiety.md:1:1 error schema.missing-key",
            ])
        let messages = result.diagnostics.filter { $0.code == "schema.missing-key" }.map(\.message)
        #expect(messages.contains { $0.contains("no 'reviewed'") && $0.contains("its folder 'conditions/'") })
        #expect(messages.contains { $0.contains("no 'reviewed_by'") })
    }

    @Test func frontMatterTypeWinsOverTheFolder() throws {
        let result = try site(["content/conditions/index.md": "---\ntitle: Conditions\ndescription: All of them.\ntype: page\n---\n\nList.\n"])
        #expect(result.ruleLines == [])
    }

    @Test func anEmptyRequiredValueIsReportedAtItsKey() throws {
        let result = try site(["content/a.md": "---\ntitle: A\ndescription:\n---\n\nBody.\n"])
        #expect(result.ruleLines == ["content/a.md:3:1 error schema.missing-key"])
        #expect(result.diagnostic("schema.missing-key")?.message == "'description' is empty, and every page needs one")
    }

    @Test func valuesOfTheWrongTypeAreReportedAtTheValue() throws {
        let result = try site([
            "content/open-day.md": "---\ntitle: Open day\ndescription: Come and see.\ntype: event\nstarts: next week\nseats: many\n---\n\nText.\n"
        ])
        #expect(result.ruleLines == ["content/open-day.md:5:9 error schema.type", "content/open-day.md:6:8 error schema.type"])
        let messages = result.diagnostics.filter { $0.code == "schema.type" }.map(\.message)
        #expect(messages == ["'starts' must be a date such as 2026-11-24, not text", "'seats' must be a whole number, not text"])
    }

    @Test func aTitleReadAsTrueOrFalseIsToldToUseQuotes() throws {
        let result = try site(["content/a.md": "---\ntitle: true\ndescription: A page called True.\n---\n\nBody.\n"])
        #expect(result.ruleLines == ["content/a.md:2:8 error schema.type"])
        #expect(result.diagnostic("schema.type")?.suggestion == "put the value in quotes, so it is read as text: title: \"true\"")
    }

    @Test func draftAndWeightAreCheckedOnceByThePageLoader() throws {
        let result = try site(["content/a.md": "---\ntitle: A\ndescription: B\ndraft: maybe\nweight: heavy\n---\n\nBody.\n"])
        #expect(result.diagnostics.filter { $0.code == "schema.type" }.map(\.compactLine) == [
            "content/a.md:4:8 error schema.type", "content/a.md:5:9 error schema.type",
        ])
    }

    @Test func anUnknownKeyIsAWarningWithDidYouMean() throws {
        let result = try site(["content/a.md": "---\ntitle: A\ndescription: B\nreviwed: 2026-01-01\n---\n\nBody.\n"])
        #expect(result.ruleLines == ["content/a.md:4:1 warning schema.unknown-key"])
        let d = try #require(result.diagnostic("schema.unknown-key"))
        #expect(d.message == "unknown front-matter key 'reviwed'")
        #expect(d.suggestion == "did you mean 'reviewed'? (a key meant for the template as page.reviwed may stay)")
    }

    @Test func aMissingKeyPointsAtItsMisspelling() throws {
        let result = try site(["content/faq.md": "---\ntitle: FAQ\ndescription: Answers.\ntype: faq\nreviwed: pending\n---\n\nAnswers.\n"])
        #expect(
            result.ruleLines == [
                "content/faq.md:1:1 error schema.missing-key", "content/faq.md:1:1 error schema.missing-key",
                "content/faq.md:5:1 warning schema.unknown-key",
            ])
        let missing = result.diagnostics.first { $0.code == "schema.missing-key" && $0.message.contains("no 'reviewed',") }
        #expect(missing?.suggestion?.hasPrefix("is 'reviwed' on line 5 meant to be 'reviewed'? Otherwise add it to the front matter") == true)
    }

    @Test func aKeyOfAnotherTypeSaysWhichType() throws {
        let result = try site(["content/a.md": "---\ntitle: A\ndescription: B\nseats: 3\n---\n\nBody.\n"])
        #expect(result.ruleLines == ["content/a.md:4:1 warning schema.unknown-key"])
        #expect(result.diagnostic("schema.unknown-key")?.message.contains("belongs to pages of type 'event'") == true)
    }

    @Test func anUnknownTypeIsAnErrorWithDidYouMean() throws {
        let result = try site(["content/a.md": "---\ntitle: A\ndescription: B\ntype: clincal\n---\n\nBody.\n"])
        #expect(result.ruleLines == ["content/a.md:4:7 error schema.unknown-type"])
        #expect(result.diagnostic("schema.unknown-type")?.suggestion?.hasPrefix("did you mean 'clinical'?") == true)
    }

    @Test func thePricingPageNeedsItsPrices() throws {
        let body = "Under the No Surprises Act, if you do not have insurance, you have the right to receive a Good Faith Estimate when you schedule care. If the bill is at least $400 more, you can dispute it: cms.gov/nosurprises, 1-800-985-3059.\n"
        let result = try site(["content/pricing.md": "---\ntitle: Pricing\ndescription: Costs.\ntype: pricing\n---\n\n\(body)"])
        #expect(result.ruleLines == ["content/pricing.md:1:1 error schema.missing-key"])
        #expect(result.diagnostic("schema.missing-key")?.message.contains("no 'prices'") == true)
    }

    @Test func anUnquotedColonGetsAHintToQuoteTheValue() throws {
        let result = try site(["content/a.md": "---\ntitle: Ketamine: what to expect\ndescription: B\n---\n\nBody.\n"])
        let d = try #require(result.diagnostic("frontmatter.invalid"))
        #expect(d.position.line == 2)
        #expect(d.suggestion?.contains("quotes") == true)
        #expect(d.suggestion?.contains(#"title: "Ketamine: what to expect""#) == true)
    }

    @Test func withoutASchemaFileTheCommonKeysAreKnown() throws {
        // The keys of the synthetic benchmark corpus, and a few more the build reads.
        let result = try buildRulesSite([
            "content/services/knee-pain-00012.md": """
                ---
                title: "Knee Pain 12"
                description: "Knee pain at our clinic: what it involves, costs and how to book."
                date: 2021-03-04
                weight: 13
                tags: [knee, family, urgent]
                reviewed: 2022-05-06
                ---

                Text.

                """,
            "content/about.md": "---\ntitle: About\nlastmod: 2026-01-02\nslug: about-us\nsitemap: false\naliases: [/old-about/]\nignore: wording\ntype: faq\n---\n\nText.\n",
        ])
        #expect(result.ruleLines == [])
    }

    @Test func withoutASchemaFileOnlyTheTitleIsRequired() throws {
        let result = try buildRulesSite(["content/a.md": "---\ndescription: No title here.\n---\n\nBody.\n"])
        let mine = result.diagnostics.filter { $0.code == "schema.missing-key" && $0.message.contains("every page needs one") }
        #expect(mine.map(\.compactLine) == ["content/a.md:1:1 error schema.missing-key"])
        #expect(result.diagnostics.allSatisfy { $0.code != "schema.unknown-key" })
    }
}
