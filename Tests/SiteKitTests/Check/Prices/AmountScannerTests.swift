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
