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

    @Test func valuesAreExact() {
        #expect(AmountScanner.scan("$3,000.50").first?.value == Decimal(string: "3000.50"))
    }
}
