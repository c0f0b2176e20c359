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
