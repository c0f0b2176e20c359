import Foundation
import Testing

@testable import SiteKit

/// Prices are formatted from the declared decimal, digit for digit (issue 13, item 9): through
/// `Double`, `9223372036854775807` showed as `$9,223,372,036,854,776,000`.
@Suite struct PriceFormatTests {
    @Test(arguments: [
        ("500", "USD", "$500"), ("3000", "USD", "$3,000"), ("49.5", "USD", "$49.50"), ("49.50", "USD", "$49.50"),
        ("0.05", "USD", "$0.05"), ("1000000", "USD", "$1,000,000"), ("123456.78", "USD", "$123,456.78"),
        ("9223372036854775807", "USD", "$9,223,372,036,854,775,807"), ("1e30", "USD", "$1,000,000,000,000,000,000,000,000,000,000"),
        ("12.345", "USD", "$12.345"), ("500", "EUR", "EUR 500"), ("1.5", "KWD", "KWD 1.500"), ("1500", "JPY", "JPY 1,500"),
    ])
    func formatsTheDecimalExactly(amount: String, currency: String, shown: String) throws {
        let value = try #require(Decimal(string: amount))
        #expect(PriceCatalog.format(value, currency: currency) == shown)
    }

    @Test func declaredDecimalsAreReadAsWritten() throws {
        let value = try YAMLReader.parse("a: 49.50\nb: 0.1\nc: 1.0e+3\n", file: "x", firstLine: 1)
        #expect(value["a"]?.decimal == Decimal(string: "49.5"))
        #expect(value["b"]?.decimal == Decimal(string: "0.1"))
        #expect(value["c"]?.decimal == Decimal(1000))
        #expect(value["a"]?.writtenNumber == "49.50")
    }
}
