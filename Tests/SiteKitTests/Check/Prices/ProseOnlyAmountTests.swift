import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct ProseOnlyAmountTests {
    @Test func amountsInInlineCodeAndURLsAreNoPrices() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "Groups are `$1`, `$2`; see <https://example.org/$5> and https://example.org/$6 but $7 is a price.")
        ])
        defer { site.remove() }
        let result = site.build()
        let prices = result.diagnostics.filter { $0.code.hasPrefix("price.") }
        #expect(prices.map(\.code) == ["price.unknown-amount"], "\(result.lines)")
        #expect(prices.first?.message.contains("$7") == true)
    }
}
