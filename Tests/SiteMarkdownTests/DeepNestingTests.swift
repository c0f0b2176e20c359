import Foundation
import Testing

@testable import SiteMarkdown

/// Nesting costs heap, never stack: the walk is iterative, and what is nested deeper than
/// `MarkdownRenderer.maxDepth` is left out and reported (later stages and browsers recurse).
@Suite struct DeepNestingTests {
    static func deep(_ label: String) -> String {
        switch label {
        case "blockquotes": return String(repeating: ">", count: 20_000) + " deep\n"
        case "lists": return String(repeating: "- ", count: 20_000) + "deep\n"
        case "images": return String(repeating: "![a ", count: 20_000) + "x" + String(repeating: "](y)", count: 20_000) + "\n"
        case "emphasis": return String(repeating: "*a ", count: 20_000) + "x" + String(repeating: " a*", count: 20_000) + "\n"
        default: return String(repeating: "[![a ", count: 5_000) + "x" + String(repeating: "](y)](z)", count: 5_000) + "\n"
        }
    }

    /// Renders on a thread with a 256 KB stack, smaller than a Dispatch worker's.
    func renderOnSmallStack(_ source: String) -> RenderedMarkdown {
        nonisolated(unsafe) var result: RenderedMarkdown?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result = MarkdownRenderer.render(source)
            done.signal()
        }
        thread.stackSize = 256 * 1024
        thread.start()
        done.wait()
        return result!
    }

    @Test(arguments: ["blockquotes", "lists", "images", "emphasis", "links in images"])
    func deepNestingIsCutAndReportedWithoutOverflowingTheStack(label: String) throws {
        let out = renderOnSmallStack("Intro.\n\n" + Self.deep(label) + "\nAfter [it](after.md).\n")
        #expect(out.problems.map(\.kind) == [.tooDeep], "\(label)")
        let problem = try #require(out.problems.first)
        #expect(problem.position.line == 3)
        // The page around the deep part is kept.
        #expect(out.html.hasPrefix("<p>Intro.</p>\n"))
        #expect(out.html.contains("<p>After <a href=\"after.md\">it</a>.</p>"))
        #expect(out.links.contains { $0.destination == "after.md" && $0.position == LineColumn(line: 5, column: 7) })
        // What is left nests at most maxDepth elements.
        let opened = out.html.components(separatedBy: "<blockquote>").count - 1
        #expect(opened <= MarkdownRenderer.maxDepth)
        #expect(out.html.utf8.count < 200_000, "\(label): \(out.html.utf8.count) bytes of HTML")
    }

    @Test func blockquotesAreCutAtTheFirstLevelTooDeep() {
        let out = MarkdownRenderer.render(String(repeating: ">", count: 150) + " deep\n")
        // Each '>' is one level below the document: the 101st is left out.
        #expect(out.problems == [MarkdownProblem(kind: .tooDeep, position: LineColumn(line: 1, column: MarkdownRenderer.maxDepth + 1))])
        #expect(out.html.components(separatedBy: "<blockquote>").count - 1 == MarkdownRenderer.maxDepth)
        #expect(!out.html.contains("deep"))
    }

    @Test func nestingUpToTheLimitIsKept() {
        // 98 blockquotes, a paragraph (99), an emphasis (100) and its text: nothing is left out.
        let out = MarkdownRenderer.render(String(repeating: ">", count: MarkdownRenderer.maxDepth - 2) + " deep *x*\n")
        #expect(out.problems.isEmpty)
        #expect(out.html.contains("<p>deep <em>x</em></p>"))
        #expect(out.textBlocks.map(\.text) == ["deep x"])
    }

    @Test func aDeepExpansionIsCutAtTheShortcode() {
        let deep = String(repeating: "> ", count: 500) + "x\n"
        let out = MarkdownRenderer.render("> Quote\n>\n> {{list deep}}\n", expandShortcode: { _ in .markdown(deep) })
        #expect(out.problems == [MarkdownProblem(kind: .tooDeep, position: LineColumn(line: 3, column: 3))])
        #expect(out.html.components(separatedBy: "<blockquote>").count - 1 == MarkdownRenderer.maxDepth)
    }

    @Test func nestedImagesKeepTheStartOfTheirAltText() {
        let out = MarkdownRenderer.render(String(repeating: "![a ", count: 3_000) + "x" + String(repeating: "](y)", count: 3_000) + "\n")
        // The images inside the paragraph (depth 1) up to the limit are kept, each with its alt text.
        #expect(out.links.count == MarkdownRenderer.maxDepth - 1)
        #expect(out.links.allSatisfy { $0.kind == .image && $0.text.hasPrefix("a ") })
        #expect(out.links[0].text.utf8.count <= 1_000)
    }
}
