import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Inputs too big or too deep to commit, generated at test time: a 50 MB page, deeply nested
/// Markdown, a paragraph full of prices. Each must build, or fail cleanly, in bounded time.
@Suite(.serialized) struct BadInputLargeInputTests {
    func site(_ label: String) throws -> URL {
        let root = try BadInput.temporaryFolder(label)
        try FileManager.default.copyItem(at: BadInput.sharedTheme, to: root.appendingPathComponent("theme"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try Data(page("Home", "Welcome.\n").utf8).write(to: root.appendingPathComponent("content/index.md"))
        return root
    }

    /// Writes a Markdown page of about `megabytes` MB of ordinary prose: sections, paragraphs with
    /// links to the sections and `{{price}}` shortcodes, lists and tables. Returns its line count.
    func writeBigPage(_ url: URL, megabytes: Int) throws -> Int {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var chunk = "---\ntitle: Everything in one page\nprices:\n  - id: session\n    name: Treatment session\n    amount: 500\n---\n\n"
        var lines = 8
        var written = 0
        var section = 0
        let words = "the clinic offers care with time to talk about what matters to you and your family".split(separator: " ")
        while written < megabytes * 1_048_576 {
            section += 1
            chunk += "## Section \(section)\n\n"
            lines += 2
            for p in 0..<12 {
                var sentence = ""
                for i in 0..<70 { sentence += words[(i * 7 + p + section) % words.count] + " " }
                chunk += sentence + "A session costs {{price session}}; see [the start](#section-\(max(1, section - 1))).\n\n"
                lines += 2
            }
            chunk += "- one item\n- another item with `code`\n\n| a | b |\n|---|---|\n| \(section) | x |\n\n"
            lines += 7
            if chunk.utf8.count > 1_000_000 {
                written += chunk.utf8.count
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        written += chunk.utf8.count
        handle.write(Data(chunk.utf8))
        return lines
    }

    @Test("A 50 MB page builds, and fails cleanly, in bounded time and memory", .tags(.badInput), .timeLimit(.minutes(10)))
    func fiftyMegabytePage() throws {
        let root = try site("50mb")
        defer { BadInput.remove(root) }
        let file = root.appendingPathComponent("content/big.md")
        let lines = try writeBigPage(file, megabytes: 50)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
        #expect(size >= 50 * 1_048_576)

        let built = try BadInput.cli(["build", "--format", "json", "--today", BadInput.today], in: root, timeout: 300)
        print("50 MB page (\(size) bytes, \(lines) lines): \(built.status) in \(String(format: "%.1f", built.seconds)) s, max RSS of a child so far \(maxChildRSSMegabytes()) MB")
        #expect(!built.crashed && !built.timedOut, "\(built)")
        #expect(built.status == 0, "\(built)")
        #expect(BadInput.diagnostics(built)?.map(\.line) == [])
        #expect(built.seconds < 180, "a 50 MB page took \(built.seconds) s")
        let html = try Data(contentsOf: root.appendingPathComponent("output/big/index.html"))
        #expect(html.count > size)

        // The same page with a broken link on its last line: exit 1, the exact line, output kept.
        let before = BadInput.tree(root.appendingPathComponent("output"))
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data("See [the missing page](missing.md).\n".utf8))
        try handle.close()
        let failed = try BadInput.cli(["build", "--format", "json", "--today", BadInput.today], in: root, timeout: 300)
        print("50 MB page with a broken link: \(failed.status) in \(String(format: "%.1f", failed.seconds)) s")
        #expect(!failed.crashed && !failed.timedOut, "\(failed)")
        #expect(failed.status == 1)
        #expect(BadInput.diagnostics(failed)?.map(\.line) == ["content/big.md:\(lines + 1):5: error: link.missing-page"])
        #expect(BadInput.tree(root.appendingPathComponent("output")) == before)
        #expect(maxChildRSSMegabytes() < 3000)
    }

    func maxChildRSSMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    @Test(
        "Deeply nested Markdown does not crash the build", .tags(.badInput),
        arguments: [
            ("blockquotes", String(repeating: ">", count: 20_000) + " deep\n", 101),
            ("lists", String(repeating: "- ", count: 20_000) + "deep\n", 101),
            ("images", String(repeating: "![a ", count: 20_000) + "x" + String(repeating: "](y)", count: 20_000) + "\n", 397),
            ("emphasis", String(repeating: "*a ", count: 20_000) + "x" + String(repeating: " a*", count: 20_000) + "\n", 298),
        ])
    func deepNesting(label: String, markdown: String, column: Int) throws {
        let root = try site("deep-\(label)")
        defer { BadInput.remove(root) }
        try Data(page("Deep", markdown).utf8).write(to: root.appendingPathComponent("content/deep.md"))
        let run = try BadInput.cli(["build", "--format", "json", "--today", BadInput.today], in: root, timeout: 120)
        #expect(!run.crashed && !run.timedOut, "\(run.status) \(run.stderr.prefix(2_000))")
        // Refused at the first level too deep (the page's body starts on line 5), nothing written.
        #expect(run.status == 1)
        // (The images' destination `y` does not exist: the 99 kept are reported too.)
        let lines = BadInput.diagnostics(run)?.map(\.line).filter { !$0.hasSuffix("error: link.missing-page") }
        #expect(lines == ["content/deep.md:5:\(column): error: markdown.too-deep"])
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
    }

    /// The old checker was cubic here (250 → 1 s, 500 → 6 s, 1,000 → 46 s, 5,000 → over 10 minutes);
    /// the bounds are far below that and far above what a loaded debug build needs.
    @Test(
        "A paragraph with thousands of prices is checked in bounded time", .tags(.badInput),
        arguments: [(1_000, 20.0), (5_000, 30.0)])
    func manyPricesInOneParagraph(count: Int, seconds: Double) throws {
        let root = try site("prices")
        defer { BadInput.remove(root) }
        let sentence = String(repeating: "A session is $5 and more words here, ", count: count)
        let text = "---\ntitle: Prices\nprices:\n  - id: session\n    name: Session\n    amount: 5\n---\n\n\(sentence)\n"
        try Data(text.utf8).write(to: root.appendingPathComponent("content/prices.md"))
        let run = try BadInput.cli(["check", "--format", "json", "--today", BadInput.today], in: root, timeout: 60)
        print("one paragraph with \(count) prices (\(sentence.utf8.count) bytes): exit \(run.status) in \(String(format: "%.2f", run.seconds)) s")
        #expect(!run.crashed && !run.timedOut, "\(run)")
        #expect(run.status == 0)
        let lines = BadInput.diagnostics(run)?.map(\.line) ?? []
        #expect(lines.count == count)
        // Each amount is a literal of the declared price, at its own column.
        #expect(lines.first == "content/prices.md:9:14: warning: price.literal")
        #expect(lines.last == "content/prices.md:9:\(14 + 37 * (count - 1)): warning: price.literal")
        #expect(run.seconds < seconds, "\(count) prices took \(run.seconds) s")
    }
}
