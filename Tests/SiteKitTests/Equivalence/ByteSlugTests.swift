import Foundation
import Testing

@testable import SiteMarkdown

/// ASCII headings are slugged byte by byte; the result must be the scalar-by-scalar slug.
@Suite struct ByteSlugTests {
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
}
