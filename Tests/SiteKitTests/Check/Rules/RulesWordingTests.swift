import Foundation
import Testing

@testable import SiteKit

/// Wording rules (`wording.*`), with the clinic's own `content/_wording.yaml`.
@Suite struct RulesWordingTests {
    /// Builds one page whose body starts on line 6 (after a 4-line front matter and a blank line).
    func body(_ text: String, frontMatter: String = "title: About\ndescription: Us.") throws -> BuildResult {
        try buildRulesSite([
            "content/_wording.yaml": RulesFixtures.clinicWording,
            "content/about.md": "---\n\(frontMatter)\n---\n\n\(text)\n",
        ])
    }

    @Test func theClinicsRulesFileLoadsCleanly() {
        let file = SourceFile(relativePath: "_wording.yaml", displayPath: "content/_wording.yaml", text: RulesFixtures.clinicWording)
        let (rules, diagnostics) = WordingRules.load(file)
        #expect(diagnostics.isEmpty)
        let ids = rules.rules.map(\.id)
        for id in ["fda-approved-ketamine", "cure", "guarantee", "committed-suicide", "successful-suicide", "miracle"] {
            #expect(ids.contains(id))
        }
        #expect(rules.rules.allSatisfy { !$0.source.isEmpty && !$0.message.isEmpty })
        // Every rule names a word it needs, so blocks without it are skipped quickly.
        #expect(rules.rules.filter { $0.filter == nil }.map(\.id) == [])
    }

    // MARK: fda-approved-ketamine

    @Test func fdaApprovedNextToKetamineIsAnError() throws {
        let result = try body("Ketamine is FDA-approved for depression.")
        #expect(result.ruleLines == ["content/about.md:6:13 error wording.fda-approved-ketamine"])
        let d = try #require(result.diagnostic("wording.fda-approved-ketamine"))
        #expect(d.message.hasPrefix("'FDA-approved': ketamine is not FDA-approved for depression"))
        #expect(d.suggestion?.contains("(source: FDA,") == true)
    }

    @Test(arguments: [
        "Esketamine is FDA-approved for depression.",
        "Ketamine is FDA-approved as an anesthetic.",
        "Ketamine is prescribed off-label. Many other medicines are FDA-approved.",
        "Spravato, a form of ketamine, is FDA-approved for treatment-resistant depression.",
    ])
    func fdaApprovedElsewhereIsFine(_ text: String) throws {
        #expect(try body(text).ruleLines == [])
    }

    @Test func fdaApprovalWordedOtherwiseIsCaughtToo() throws {
        #expect(try body("Ketamine was approved by the FDA for PTSD.").ruleLines == ["content/about.md:6:14 error wording.fda-approved-ketamine"])
    }

    // MARK: cure, guarantee, miracle

    @Test func cureIsAnError() throws {
        #expect(try body("Ketamine cures depression.").ruleLines == ["content/about.md:6:10 error wording.cure"])
    }

    @Test(arguments: ["There is no cure for depression, but treatment can help.", "Ketamine is not a cure.", "We keep your records secure.", "A curious mind."])
    func honestOrUnrelatedCureWordsAreFine(_ text: String) throws {
        #expect(try body(text).ruleLines == [])
    }

    @Test func guaranteedIsAnError() throws {
        #expect(try body("Results guaranteed.").ruleLines == ["content/about.md:6:9 error wording.guarantee"])
    }

    @Test(arguments: ["We cannot guarantee results.", "There are no guarantees.", "We can't promise or guarantee anything."])
    func denyingAGuaranteeIsFine(_ text: String) throws {
        #expect(try body(text).ruleLines == [])
    }

    @Test func miracleIsAWarning() throws {
        #expect(try body("A miracle for depression.").ruleLines == ["content/about.md:6:3 warning wording.miracle"])
    }

    // MARK: Safe messaging about suicide

    @Test func committedSuicideIsAnErrorAtItsUTF8Column() throws {
        // "Über — he " is 13 bytes in UTF-8 (Ü and — take 2 and 3), so the match starts at byte 14.
        let result = try body("Über — he committed suicide. If you are struggling, call or text 988.")
        #expect(result.ruleLines == ["content/about.md:6:14 error wording.committed-suicide"])
        #expect(result.diagnostic("wording.committed-suicide")?.suggestion?.hasPrefix("write \"died by suicide\"") == true)
    }

    @Test func successOrFailureWordsAboutSuicideAreErrors() throws {
        let result = try body("He survived a failed suicide attempt. Call or text 988 if you need help.")
        #expect(result.ruleLines == ["content/about.md:6:15 error wording.successful-suicide"])
    }

    @Test func aFailedAttemptAtSomethingElseIsFine() throws {
        #expect(try body("After a failed attempt to log in, call us.").ruleLines == [])
    }

    // MARK: Where matches are reported

    @Test func aMatchOnTheSecondLineOfAParagraph() throws {
        #expect(try body("First line of text\nand it cures everything.").ruleLines == ["content/about.md:7:8 error wording.cure"])
    }

    @Test func headingsListItemsLinksAndEmphasisAreRead() throws {
        let result = try body("## Guaranteed results\n\n- Ketamine cures anxiety\n\nSee [miracle stories](about.md).\n\nIt **cures** it.")
        #expect(
            result.ruleLines == [
                "content/about.md:6:4 error wording.guarantee",
                "content/about.md:8:12 error wording.cure",
                "content/about.md:10:6 warning wording.miracle",
                "content/about.md:12:6 error wording.cure",
            ])
    }

    @Test func codeBlocksAreNotRead() throws {
        #expect(try body("```\nguaranteed cure\n```").ruleLines == [])
    }

    @Test func frontMatterTextIsReadAtItsColumn() throws {
        let result = try body("Text.", frontMatter: "title: About\ndescription: A miracle cure for depression.")
        #expect(result.ruleLines == ["content/about.md:3:16 warning wording.miracle", "content/about.md:3:24 error wording.cure"])
        let quoted = try body("Text.", frontMatter: "title: About\ndescription: \"Guaranteed relief.\"")
        #expect(quoted.ruleLines == ["content/about.md:3:15 error wording.guarantee"])
    }

    // MARK: Exemptions, end to end

    @Test func aLineExemptionSilencesThatRuleOnThatLineOnly() throws {
        let result = try body(
            "Ketamine cures depression. <!-- ignore: wording.cure -->\n\nKetamine cures anxiety.\n\nResults guaranteed. <!-- ignore: wording.cure -->")
        #expect(result.ruleLines == ["content/about.md:8:10 error wording.cure", "content/about.md:10:9 error wording.guarantee"])
    }

    @Test func aLineExemptionByPrefixSilencesEveryWordingRule() throws {
        #expect(try body("Guaranteed cure! <!-- ignore: wording -->").ruleLines == [])
    }

    @Test func aPageExemptionSilencesTheRuleOnTheWholePage() throws {
        let result = try body("Ketamine cures depression.\n\nResults guaranteed.", frontMatter: "title: About\ndescription: Us.\nignore: [wording.cure]")
        #expect(result.ruleLines == ["content/about.md:9:9 error wording.guarantee"])
    }

    @Test func aFrontMatterLineIsExemptedWithAYAMLComment() throws {
        let result = try body(
            "Text.", frontMatter: "title: About\ndescription: A miracle of a garden.  # <!-- ignore: wording.miracle -->")
        #expect(result.ruleLines == [])
    }

    @Test func withoutAWordingFileThereAreNoWordingRules() throws {
        let result = try buildRulesSite(["content/about.md": "---\ntitle: About\n---\n\nGuaranteed miracle cure.\n"])
        #expect(result.ruleLines == [])
    }
}
