import Foundation
import Testing

@testable import SiteKit

@Suite struct PriceCatalogTests {
    @Test func formatsAmounts() {
        #expect(PriceCatalog.format(500, currency: "USD") == "$500")
        #expect(PriceCatalog.format(3000, currency: "USD") == "$3,000")
        #expect(PriceCatalog.format(Decimal(string: "49.5")!, currency: "USD") == "$49.50")
        #expect(PriceCatalog.format(1_234_567, currency: "EUR") == "EUR 1,234,567")
    }
}
