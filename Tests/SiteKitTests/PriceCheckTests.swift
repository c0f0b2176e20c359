import Foundation
import Testing

@testable import SiteKit

@Suite struct AmountScannerTests {
    @Test(arguments: [
        ("A session costs $500.", ["$500"]),
        ("The course is $3,000 in all", ["$3,000"]),
        ("Parking is $49.50 a day", ["$49.50"]),
        ("Pay USD 500 or 500 USD or 500 dollars or US$20", ["USD 500", "500 USD", "500 dollars", "US$20"]),
        ("91.6% responded after 6 treatments since 1970", []),
        ("$5%, 1.234 dollars, $ 12", ["$ 12"]),
        ("$", []),
        ("Version 2.0 has 3,000 users", []),
    ])
    func findsAmounts(text: String, expected: [String]) {
        #expect(AmountScanner.scan(text).map(\.literal) == expected)
    }

    /// The quick test before the scan never rules out text that holds an amount.
    @Test func theQuickTestNeverHidesAnAmount() {
        let words = ["500", "$", "US", "USD", "usd", "U", "SD", "dollar", "Dollars", "DOLLARS", "dolla", "ollar", " ", "3,000.50", "49.5", "1970", "%", "é", "US$", "x"]
        var holding = 0
        for a in words {
            for b in words {
                for c in words {
                    let text = a + b + " " + c
                    let found = AmountScanner.scanAll(text)
                    if !found.isEmpty {
                        holding += 1
                        #expect(AmountScanner.mayHoldAmounts(text), "\(text.debugDescription) holds \(found.map(\.literal))")
                    }
                    #expect(AmountScanner.scan(text).map(\.literal) == found.map(\.literal))
                }
            }
        }
        #expect(holding > 400)  // 462 of the 8,000 texts hold an amount
    }

    @Test func valuesAreExact() {
        #expect(AmountScanner.scan("$3,000.50").first?.value == Decimal(string: "3000.50"))
    }

    /// Amounts are read without Foundation's parser, and must equal, hash and print like what it
    /// reads (the catalogue's prices come from YAML through `Decimal(string:)`).
    @Test func valuesAreWhatDecimalStringGives() {
        var texts = ["0", "00", "5", "50", "500", "0500", "450.5", "450.50", "450.05", "0.01", "0.10", "1.00", "3000.50", "999999999999999999",
                     "1000000000000000000", "123456789012345678901234.56", "18446744073709551615", "18446744073709551616"]
        for n in stride(from: 0, to: 100_000, by: 37) { texts += ["\(n)", "\(n).\(n % 10)", "\(n).\(n % 100 < 10 ? "0" : "")\(n % 100)"] }
        for text in texts {
            let digits = Array(text.utf8).filter { $0 != UInt8(ascii: ".") }
            let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
            let ours = AmountScanner.decimal(digits: digits, decimals: decimals)
            let theirs = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
            #expect(ours == theirs, "\(text)")
            #expect(ours.hashValue == theirs.hashValue, "\(text)")
            #expect(ours.description == theirs.description, "\(text)")
            #expect(Set([ours]).contains(theirs), "\(text)")
        }
    }
}

@Suite struct PriceCatalogTests {
    @Test func formatsAmounts() {
        #expect(PriceCatalog.format(500, currency: "USD") == "$500")
        #expect(PriceCatalog.format(3000, currency: "USD") == "$3,000")
        #expect(PriceCatalog.format(Decimal(string: "49.5")!, currency: "USD") == "$49.50")
        #expect(PriceCatalog.format(1_234_567, currency: "EUR") == "EUR 1,234,567")
    }
}

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

    @Test func pricesInTemplatesAreCheckedToo() throws {
        var files = TestSite.minimalTheme
        files["theme/templates/page.mustache"] = "{{<base}}{{$main}}<p>Sessions from $450.</p>{{{content}}}{{/main}}{{/base}}\n"
        files["content/pricing.md"] = Self.pricing
        let site = try TestSite(files)
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.map { "\($0.position): \($0.code)" } == ["theme/templates/page.mustache:1:36: price.unknown-amount"])
    }
}

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
