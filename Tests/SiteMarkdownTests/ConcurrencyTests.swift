import Dispatch
import Foundation
import Testing

@testable import SiteMarkdown

/// cmark-gfm's `cmark_parser_finish` edits a process-global table; without the lock, concurrent
/// renders silently drop autolinks and strikethrough (architecture.md measured 16–33 of 80 runs).
@Suite struct ConcurrencyTests {
    @Test func concurrentRendersEqualSerialOnes() {
        let sources = (0..<200).map { i in
            "# Page \(i)\n\nVisit www.example.com/\(i) or https://example.org and ~~old \(i)~~ text.\n\n| a | b |\n|---|---|\n| \(i) | x |\n\n- [x] done \(i)\n"
        }
        let serial = sources.map { MarkdownRenderer.render($0).html }
        for _ in 0..<5 {
            let results = UnsafeMutableBufferPointer<String>.allocate(capacity: sources.count)
            results.initialize(repeating: "")
            nonisolated(unsafe) let out = results
            DispatchQueue.concurrentPerform(iterations: sources.count) { i in
                out[i] = MarkdownRenderer.render(sources[i]).html
            }
            let differing = (0..<sources.count).filter { results[$0] != serial[$0] }
            #expect(differing.isEmpty, "pages rendered differently on many threads: \(differing)")
            results.deallocate()
        }
        #expect(serial[7].contains("<del>old 7</del>"))
        #expect(serial[7].contains(#"<a href="http://www.example.com/7">"#))
    }
}

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
