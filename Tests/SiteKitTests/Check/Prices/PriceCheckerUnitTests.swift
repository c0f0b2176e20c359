import Foundation
import Testing

@testable import SiteKit

/// The checker's choices, unit by unit: nearest item, ties, names that hold an amount, sentences.
@Suite struct PriceCheckerUnitTests {
    static let checker: PriceChecker = {
        let yaml = """
            ---
            title: Pricing
            prices:
              - id: session
                name: Treatment session
                amount: 500
              - id: evaluation
                name: Evaluation
                amount: 300
              - id: plan
                name: The 100 dollars plan
                amount: 90
            ---
            """
        let (page, _) = PageLoader.load(SourceFile(relativePath: "pricing.md", displayPath: "content/pricing.md", text: yaml))
        return PriceChecker(catalog: PriceCatalog.build(from: [page!]).0)
    }()

    func check(_ text: String, sentences: Bool = true) -> [String] {
        let unit = PriceChecker.Unit(text: text, splitSentences: sentences) { SourcePosition(file: "p.md", line: 1, column: $0 + 1) }
        return Self.checker.check(unit).map { "\($0.position.column) \($0.code) \($0.message)" }
    }

    @Test func theNearestItemIsTheOnePricedAndATieGoesToTheLongerName() {
        #expect(check("An evaluation costs $350. A treatment session is $450.") == [
            "21 price.mismatch $350 for \"evaluation\", but the pricing page says $300 (content/pricing.md:7)",
            "50 price.mismatch $450 for \"treatment session\", but the pricing page says $500 (content/pricing.md:4)",
        ])
        // "$400" starts 14 bytes after one name and 14 before the other: the longer name (found first) wins.
        #expect(check("evaluation is $400 and then treatment session").first?.hasPrefix("15 price.mismatch $400 for \"treatment session\"") == true)
        #expect(check("evaluation is $400 and then an evaluation").first?.hasPrefix("15 price.mismatch $400 for \"evaluation\"") == true)
        // Any item of the sentence with that price makes it a literal.
        #expect(check("Evaluation or treatment session: $500.").first?.hasPrefix("34 price.literal") == true)
    }

    @Test func sentencesBoundTheContextButAbbreviationsAndNumbersDoNot() {
        #expect(check("Dr. Smith does the evaluation. A visit is $350.").first?.hasPrefix("43 price.unknown-amount") == true)
        #expect(check("Dr. Smith: evaluation at $350.").first?.hasPrefix("26 price.mismatch") == true)
        #expect(check("Evaluation. $350", sentences: false).first?.hasPrefix("13 price.mismatch") == true)
    }

    @Test func aNameHoldingTheAmountIsNotItsContext() {
        // "100 dollars" is inside the name "the 100 dollars plan": that mention is left out for it.
        #expect(check("The 100 dollars plan is $90.") == [
            "5 price.unknown-amount 100 dollars matches no price on the pricing page (content/pricing.md)",
            "25 price.literal $90 is typed by hand; it equals the price of plan today",
        ])
    }

    @Test func thousandsOfAmountsInOneSentenceTakeLinearTime() {
        let text = String(repeating: "An evaluation is $300 or a treatment session $450, ", count: 5_000)
        let start = Date()
        let diagnostics = check(text)
        let seconds = Date().timeIntervalSince(start)
        #expect(diagnostics.count == 10_000)
        #expect(diagnostics[0].hasPrefix("18 price.literal"))
        // (The next repetition's "evaluation" starts nearer to "$450" than "treatment session".)
        #expect(diagnostics[1].hasPrefix("46 price.mismatch $450 for \"evaluation\""))
        #expect(diagnostics.last?.hasPrefix("\(46 + 51 * 4_999) price.mismatch $450 for \"treatment session\"") == true)
        // The cubic checker took minutes for 5,000 amounts; this takes well under a second.
        #expect(seconds < 10, "\(seconds) s")
    }
}
