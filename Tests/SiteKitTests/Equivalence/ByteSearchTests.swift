import Foundation
import Testing

@testable import SiteKit
import SiteMarkdown

@Suite struct ByteSearchTests {
    /// The first occurrence, as a plain search finds it, with and without ASCII case, at the
    /// edges, overlapping, with repeats of the first byte, and absent.
    @Test func findsTheFirstOccurrence() {
        let hays = ["", "a", "<", "<!-- ignore:", "x<!-- ignore: price -->", "<<!-- ignore:", "<!-- ignor", "AAAb", "aaab", "abab", "ABAB", "é<!-- IGNORE:", "<<<<"]
        let needles = ["<!-- ignore:", "a", "ab", "aab", "<<", "<", "b", "é<"]
        func plain(_ n: [UInt8], _ h: [UInt8], _ fold: Bool) -> Int? {
            guard n.count <= h.count else { return nil }
            let hh = fold ? h.map(ByteSearch.lower) : h
            return (0...(h.count - n.count)).first { Array(hh[$0..<($0 + n.count)]) == n }
        }
        for a in hays {
            for b in hays {
                let hay = a + b
                for needle in needles {
                    for fold in [false, true] {
                        #expect(
                            ByteSearch.firstOffset(of: needle, in: hay, ignoringASCIICase: fold) == plain(Array(needle.utf8), Array(hay.utf8), fold),
                            "\(needle.debugDescription) in \(hay.debugDescription), ignoring case: \(fold)")
                    }
                }
            }
        }
    }
}
