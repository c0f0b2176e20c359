import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The synthetic benchmark corpus with injected faults: every fault found at its file and
/// position, and no other error.
@Suite struct CorpusTests {
    static let generator = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_corpus.py")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: generator.path), "needs ../shared/bench/gen_corpus.py"))
    func checkFindsExactlyTheInjectedFaults() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.generator.path, "--pages", "400", "--out", dir.path, "--clinic-site", "--broken", "30", "--price-drift", "10"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("theme"), to: dir.appendingPathComponent("theme"))
        let sources = SiteSources.read(
            content: dir.appendingPathComponent("content"), theme: dir.appendingPathComponent("theme"), output: nil, workingDirectory: dir)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)

        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected-broken.json"))) as! [String: Any]
        var want: [String] = []
        for fault in expected["broken_links"] as! [[String: Any]] {
            let source = fault["source"] as! String
            let href = fault["href"] as! String
            let code = ["missing-page": "link.missing-page", "missing-anchor": "link.missing-fragment", "missing-asset": "link.missing-asset"][fault["kind"] as! String]!
            let text = try String(contentsOf: dir.appendingPathComponent(source), encoding: .utf8)
            want.append("\(source):\(try #require(Self.position(of: "](\(href))", in: text, backTo: "[", orImage: true))): \(code)")
        }
        for drift in expected["price_drift"] as! [[String: Any]] {
            let source = drift["source"] as! String
            let text = try String(contentsOf: dir.appendingPathComponent(source), encoding: .utf8)
            let literal = "A \(drift["service"] as! String) costs $\(drift["written"] as! Int)."
            let at = try #require(Self.position(of: literal, in: text, backTo: nil, orImage: false, offset: literal.utf8.count - "$\(drift["written"] as! Int).".utf8.count))
            want.append("\(source):\(at): price.mismatch")
        }
        // The byte scanner for template output agrees with gumbo on every page of the corpus.
        for file in result.files where file.path.hasSuffix(".html") {
            guard case .text(let html) = file.contents else { continue }
            let fast = ChromeScanner.scan(html)
            let gumbo = HTMLScanner.scan(html)
            #expect(fast.links.map(\.value) == gumbo.links.map(\.value) && fast.ids == gumbo.ids && fast.texts.map(\.text) == gumbo.texts.map(\.text), "\(file.path)")
        }
        let got = result.errors.map { "\($0.position): \($0.code)" }
        #expect(got.sorted() == want.sorted())
        #expect(result.errors.count == 40)
    }

    /// "line:column" of `needle` in `text`; for links, of the `[` (or `![`) that opens it.
    static func position(of needle: String, in text: String, backTo opener: Character?, orImage: Bool, offset: Int = 0) -> String? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let range = line.range(of: needle) else { continue }
            var start = range.lowerBound
            if let opener {
                var depth = 0
                var i = line.index(before: range.lowerBound)
                while true {
                    if line[i] == "]" { depth += 1 }
                    if line[i] == opener {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    guard i > line.startIndex else { return nil }
                    i = line.index(before: i)
                }
                start = i
                if orImage, i > line.startIndex, line[line.index(before: i)] == "!" { start = line.index(before: i) }
            }
            let column = line.utf8.distance(from: line.startIndex, to: start) + 1 + offset
            return "\(index + 1):\(column)"
        }
        return nil
    }
}
