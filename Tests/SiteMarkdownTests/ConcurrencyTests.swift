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

    /// Renders take their memory from a per-thread arena (shim.h): pages far larger than its
    /// block, with buffers grown in place and moved, and renders nested in a shortcode, come out
    /// whole and the same on any thread, however many renders ran there before.
    @Test func arenaRendersLargePagesAndNestedRendersWhole() {
        var page = ""
        for i in 0..<3_000 {
            page += "## Part \(i)\n\nText \(i) with **bold**, `code`, [a link](/p/\(i)/) and www.example.com/\(i).\n\n| a | b |\n|---|---|\n| \(i) | ~~x~~ |\n\n"
        }
        page += String(repeating: "word ", count: 200_000) + "\n"
        let big = page
        let nested = "Intro.\n\n{{list items}}\n\nAfter.\n"
        @Sendable func render(_ source: String) -> RenderedMarkdown {
            MarkdownRenderer.render(
                source,
                expandShortcode: { shortcode in
                    shortcode.name == "list" ? .markdown((0..<500).map { "- item \($0) ~~x~~\n" }.joined()) : .keep
                })
        }
        let once = render(big)
        #expect(once.headings.count == 3_000)
        #expect(once.headings.last?.id == "part-2999")
        #expect(once.html.contains("<h2 id=\"part-2999\">Part 2999</h2>"))
        #expect(once.html.contains("<td><del>x</del></td>"))
        #expect(once.html.hasSuffix("word</p>\n"))
        let list = render(nested)
        #expect(list.html.contains("<li>item 499 <del>x</del></li>"))
        #expect(list.html.hasPrefix("<p>Intro.</p>"))
        let results = UnsafeMutableBufferPointer<(String, String)>.allocate(capacity: 8)
        results.initialize(repeating: ("", ""))
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            out[i] = (render(big).html, render(nested).html)
        }
        for i in 0..<8 {
            #expect(results[i].0 == once.html, "large page differs on thread run \(i)")
            #expect(results[i].1 == list.html, "nested render differs on thread run \(i)")
        }
        results.deallocate()
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
