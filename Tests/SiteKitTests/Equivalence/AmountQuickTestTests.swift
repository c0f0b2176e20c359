import Foundation
import Testing

@testable import SiteKit

/// A quick test (`mayHoldAmounts`) rules out text with no amount before the full scan; it must never rule out
/// one the scan would find.
@Suite struct AmountQuickTestTests {
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
}
