import Dispatch
import Foundation
import Testing

@testable import SiteMarkdown

@Suite struct TrimmingTests {
    /// The same as Foundation's `.whitespaces` trimming, on every space-like scalar at either end.
    @Test func trimsWhatFoundationTrims() {
        let pieces = ["", " ", "\t", "\u{00A0}", "\u{2003}", "\u{3000}", "\u{1680}", "\u{202F}", "\n", "\u{0085}", "\u{2028}", "\u{200B}", "\u{FEFF}",
                      "a", "é", "e\u{0301}", " x y ", "💊", "\r"]
        var count = 0
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = a + b + "mid" + c + a
                    let alone = a + b + c
                    for t in [text, alone] {
                        #expect(Array(Trimming.spaces(t).unicodeScalars) == Array(t.trimmingCharacters(in: .whitespaces).unicodeScalars), "\(t.debugDescription)")
                        count += 1
                    }
                }
            }
        }
        #expect(count == 2 * pieces.count * pieces.count * pieces.count)
    }
}
