import Foundation
import Testing

@testable import SiteKit

/// Amounts' digits are read into `Decimal` by hand, not by Foundation's parser; the values must
/// be the ones `Decimal(string:)` gives.
@Suite struct AmountDecimalTests {
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
