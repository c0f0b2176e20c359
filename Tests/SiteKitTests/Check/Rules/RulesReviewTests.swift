import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Medical review (`review.*`), measured to `--today` 2026-11-24 unless a test says otherwise.
@Suite struct RulesReviewTests {
    /// A clinical page whose review lines are `review` (placed from line 5 on).
    func faq(_ review: String, schema: String = RulesFixtures.schema, today: String = "2026-11-24") throws -> BuildResult {
        try buildRulesSite(
            [
                "content/_schemas.yaml": schema,
                "content/faq.md": "---\ntitle: FAQ\ndescription: Answers.\ntype: faq\n\(review)\n---\n\nAnswers.\n",
            ], today: today)
    }

    @Test func aPendingReviewIsAWarningAtItsValue() throws {
        let result = try faq("reviewed: pending")
        #expect(result.ruleLines == ["content/faq.md:5:11 warning review.pending"])
        let d = try #require(result.diagnostic("review.pending"))
        #expect(d.message.contains("not been medically reviewed yet"))
        #expect(d.suggestion?.contains("reviewed: 2026-11-24 and reviewed_by: NAME") == true)
    }

    @Test func aPendingReviewShowsNoReviewedByLine() throws {
        let site = try TestSite(
            [
                "content/_schemas.yaml": RulesFixtures.schema,
                "content/faq.md": "---\ntitle: FAQ\ndescription: Answers.\ntype: faq\nreviewed: pending\n---\n\nAnswers.\n",
                "content/safety.md": "---\ntitle: Safety\ndescription: Safety.\ntype: clinical\nreviewed: 2026-06-01\nreviewed_by: Dr. Test Reviewer\n---\n\nSafety.\n",
            ], theme: RulesFixtures.crisisTheme)
        defer { site.remove() }
        let result = site.build(output: nil)
        #expect(site.html(result, "faq/index.html")?.contains("Medically reviewed") == false)
        #expect(site.html(result, "safety/index.html")?.contains("Medically reviewed by Dr. Test Reviewer on 2026-06-01") == true)
        #expect(result.ruleLines == ["content/faq.md:5:11 warning review.pending"])
    }

    @Test func aRecentReviewPasses() throws {
        #expect(try faq("reviewed: 2026-03-01\nreviewed_by: Dr. Test Reviewer").ruleLines == [])
    }

    @Test func aReviewExactlyTwelveMonthsOldIsStillValid() throws {
        #expect(try faq("reviewed: 2025-11-24\nreviewed_by: Dr. Test Reviewer").ruleLines == [])
    }

    @Test func aReviewOlderThanTwelveMonthsIsOverdue() throws {
        let result = try faq("reviewed: 2025-11-23\nreviewed_by: Dr. Test Reviewer")
        #expect(result.ruleLines == ["content/faq.md:5:11 warning review.overdue"])
        #expect(
            result.diagnostic("review.overdue")?.message
                == "the medical review of 2025-11-23 by Dr. Test Reviewer is 12 months old; reviews are due every 12 months, and this one was due on 2026-11-23"
        )
    }

    @Test func theReviewPeriodIsConfigurable() throws {
        let schema = RulesFixtures.schema.replacingOccurrences(of: "review_period_months: 12", with: "review_period_months: 6")
        let result = try faq("reviewed: 2026-05-01\nreviewed_by: Dr. Test Reviewer", schema: schema)
        #expect(result.ruleLines == ["content/faq.md:5:11 warning review.overdue"])
        #expect(try faq("reviewed: 2026-06-01\nreviewed_by: Dr. Test Reviewer", schema: schema).ruleLines == [])
    }

    @Test func todayComesFromTheOption() throws {
        #expect(try faq("reviewed: 2025-01-10\nreviewed_by: Dr. Test Reviewer", today: "2026-01-10").ruleLines == [])
        #expect(
            try faq("reviewed: 2025-01-10\nreviewed_by: Dr. Test Reviewer", today: "2026-01-11").ruleLines == [
                "content/faq.md:5:11 warning review.overdue"
            ])
    }

    @Test func aReviewDatedAfterTodayIsInvalid() throws {
        let result = try faq("reviewed: 2026-12-01\nreviewed_by: Dr. Test Reviewer")
        #expect(result.ruleLines == ["content/faq.md:5:11 error review.invalid"])
        #expect(result.diagnostic("review.invalid")?.message == "the review date 2026-12-01 is after today (2026-11-24)")
    }

    @Test func aQuotedDateIsInvalidBecauseItIsReadAsText() throws {
        let result = try faq("reviewed: \"2026-03-01\"\nreviewed_by: Dr. Test Reviewer")
        #expect(result.ruleLines == ["content/faq.md:5:11 error review.invalid"])
        #expect(result.diagnostic("review.invalid")?.suggestion == "remove the quotes: reviewed: 2026-03-01")
    }

    @Test func aDateThatDoesNotExistIsInvalid() throws {
        let result = try faq("reviewed: 2026-02-30\nreviewed_by: Dr. Test Reviewer")
        #expect(result.ruleLines == ["content/faq.md:5:11 error review.invalid"])
        #expect(result.diagnostic("review.invalid")?.message == "'2026-02-30' is not a date that exists")
    }

    @Test func aMisspeltPendingIsInvalidWithDidYouMean() throws {
        let result = try faq("reviewed: pendng")
        #expect(result.ruleLines == ["content/faq.md:5:11 error review.invalid"])
        #expect(result.diagnostic("review.invalid")?.suggestion == "did you mean 'pending'?")
    }

    @Test func aClinicalPageWithoutAnyReviewNeedsOne() throws {
        let result = try faq("weight: 1")
        #expect(result.ruleLines == ["content/faq.md:1:1 error schema.missing-key", "content/faq.md:1:1 error schema.missing-key"])
    }

    @Test func aReviewerWithoutADateIsInvalid() throws {
        let result = try buildRulesSite([
            "content/_schemas.yaml": RulesFixtures.schema,
            "content/about.md": "---\ntitle: About\ndescription: Us.\nreviewed_by: Dr. Test Reviewer\n---\n\nText.\n",
        ])
        #expect(result.ruleLines == ["content/about.md:4:1 error review.invalid"])
    }

    @Test func aPlainPageMayCarryAReviewToo() throws {
        let files = { (review: String) in
            [
                "content/_schemas.yaml": RulesFixtures.schema,
                "content/about.md": "---\ntitle: About\ndescription: Us.\n\(review)\n---\n\nText.\n",
            ]
        }
        #expect(try buildRulesSite(files("reviewed: 2026-01-01\nreviewed_by: Dr. Test Reviewer")).ruleLines == [])
        #expect(
            try buildRulesSite(files("reviewed: 2024-01-01\nreviewed_by: Dr. Test Reviewer")).ruleLines == [
                "content/about.md:4:11 warning review.overdue"
            ])
        #expect(try buildRulesSite(files("reviewed: pending")).ruleLines == ["content/about.md:4:11 warning review.pending"])
        // A date alone (as in the benchmark corpus) is a plain date: no review to show or renew.
        #expect(try buildRulesSite(files("reviewed: 2020-01-01")).ruleLines == [])
    }
}
