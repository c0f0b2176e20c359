import Dispatch
import Foundation
import Testing

@testable import SiteMarkdown

@Suite struct SluggerTests {
    @Test(arguments: [
        ("Costs & Insurance", "costs--insurance"), ("Step 2: Recovery", "step-2-recovery"),
        ("Is it scary?", "is-it-scary"), ("Café  au lait", "café--au-lait"), ("snake_case-and-dash", "snake_case-and-dash"),
    ])
    func slugs(text: String, slug: String) {
        #expect(Slugger.slug(text) == slug)
    }

    /// The byte-by-byte path for ASCII headings gives what the scalar-by-scalar path gives.
    @Test func asciiSlugsAreTheSameByBytesAndByScalars() {
        // Every ASCII character alone, between letters, and in random mixes.
        for byte in UInt8(0)..<128 {
            let c = String(decoding: [byte], as: UTF8.self)
            for text in [c, "A\(c)b", "\(c)\(c) 9"] {
                #expect(Slugger.slug(text) == Slugger.slugByScalars(text), "\(Array(text.utf8))")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let text = String(decoding: (0..<length).map { _ in UInt8.random(in: 0..<128, using: &generator) }, as: UTF8.self)
            #expect(Slugger.slug(text) == Slugger.slugByScalars(text), "\(Array(text.utf8))")
        }
    }

    @Test func repeatsGetSuffixes() {
        var s = Slugger()
        #expect(["Details", "Details", "Details-1", "Details"].map { s.unique($0) } == ["details", "details-1", "details-1-1", "details-2"])
    }
}
