import Foundation
import Testing

@testable import SiteKit

/// The repository's own site: `output/` must be exactly the build of `content/` and `theme/`.
@Suite struct CommittedOutputTests {
    @Test func committedOutputEqualsAFreshBuild() throws {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        #expect(result.errors.isEmpty, "the clinic site has errors: \(result.errors)")
        let output = repositoryRoot.appendingPathComponent("output")
        var expected: [String: Data] = [:]
        for file in result.files {
            switch file.contents {
            case .text(let text): expected[file.path] = Data(text.utf8)
            case .copy(let url): expected[file.path] = try Data(contentsOf: url)
            }
        }
        let site = TestSite(root: repositoryRoot)
        let committed = site.listing("output")
        #expect(committed == expected.keys.sorted(), "output/ has other files than a fresh build: run `make site` and commit output/")
        for path in committed {
            let data = try Data(contentsOf: output.appendingPathComponent(path))
            #expect(data == expected[path], "output/\(path) differs from a fresh build: run `make site` and commit output/")
        }
    }

    @Test func theClinicSiteHasEveryPageInItsNavigation() throws {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        let pages = result.files.map(\.path).filter { $0.hasSuffix("/index.html") || $0 == "index.html" }
        #expect(pages.count == 8)
        let (settings, _) = SiteSettings.parse(sources.settings)
        let menu = Set((settings.menu ?? []).map(\.url))
        // The Notice of Privacy Practices is reached from every page's footer (privacy_url) instead.
        let privacy = settings.raw["privacy_url"]?.string
        #expect(privacy == "/privacy/")
        for path in pages {
            let url = OutputIndex.url(for: path)
            #expect(menu.contains(url) || url == privacy, "\(path) is neither in the menu nor in the footer")
        }
        #expect(result.files.contains { $0.path == "404.html" })
    }
}

/// A golden fixture site, compared file by file. Re-record with RECORD_SNAPSHOTS=1.
@Suite struct GoldenSiteTests {
    @Test func basicSiteMatchesItsGoldenOutput() throws {
        let fixture = repositoryRoot.appendingPathComponent("Tests/SiteKitTests/Fixtures/sites/basic")
        let sources = SiteSources.read(
            content: fixture.appendingPathComponent("content"), theme: fixture.appendingPathComponent("theme"),
            output: nil, workingDirectory: fixture)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        let expectedDir = fixture.appendingPathComponent("expected")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.removeItem(at: expectedDir)
            try OutputWriter.write(result.files, to: expectedDir, displayPath: "expected")
            let report = DiagnosticFormatter(format: .human).report(result.diagnostics, pages: result.pageCount)
            try Data(report.utf8).write(to: fixture.appendingPathComponent("expected-diagnostics.txt"))
        }
        let report = DiagnosticFormatter(format: .human).report(result.diagnostics, pages: result.pageCount)
        #expect(report == (try String(contentsOf: fixture.appendingPathComponent("expected-diagnostics.txt"), encoding: .utf8)))
        let golden = TestSite(root: fixture).listing("expected")
        #expect(golden == result.files.map(\.path))
        for file in result.files {
            guard case .text(let text) = file.contents else { continue }
            let want = try String(contentsOf: expectedDir.appendingPathComponent(file.path), encoding: .utf8)
            if text != want {
                let a = text.split(separator: "\n", omittingEmptySubsequences: false)
                let b = want.split(separator: "\n", omittingEmptySubsequences: false)
                let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
                Issue.record("\(file.path) differs from the golden file at line \(line + 1): got «\(line < a.count ? a[line] : "")», want «\(line < b.count ? b[line] : "")» (RECORD_SNAPSHOTS=1 re-records)")
            }
        }
    }
}

/// Faults injected into the real clinic content give exactly the expected diagnostics.
@Suite struct RealContentTests {
    func copyOfTheSite() throws -> TestSite {
        let site = try TestSite([:], theme: false)
        for folder in ["content", "theme"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: site.url(folder))
        }
        return site
    }

    @Test func theClinicSiteChecksCleanWithOnlyExpectedWarnings() throws {
        let site = try copyOfTheSite()
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty, "\(result.errors)")
        let allowed: Set<String> = ["price.unconfirmed", "data.unconfirmed", "review.pending"]
        #expect(Set(result.codes(.warning)).isSubset(of: allowed), "\(result.diagnostics.filter { !allowed.contains($0.code) })")
    }

    @Test func injectedFaultsInTheFAQAreReportedExactly() throws {
        let site = try copyOfTheSite()
        defer { site.remove() }
        var faq = try #require(site.read("content/faq.md"))
        if !faq.hasSuffix("\n") { faq += "\n" }
        let first = faq.split(separator: "\n", omittingEmptySubsequences: false).count
        faq += "\nEach treatment session is $450 at the moment.\n\nSee [our team](team.md) and [costs](pricing.md#what-it-costs).\n"
        try site.write("content/faq.md", faq)
        let result = site.build()
        let errors = result.errors
        #expect(
            errors.map { "\($0.position): \($0.code)" } == [
                "content/faq.md:\(first + 1):27: price.mismatch",
                "content/faq.md:\(first + 3):5: link.missing-page",
                "content/faq.md:\(first + 3):29: link.missing-fragment",
            ])
        #expect(errors.first?.message.hasPrefix("$450 for \"treatment session\", but the pricing page says $500 (content/pricing.md:") == true)
        #expect(errors.last?.message == "'/pricing/#what-it-costs' points to '#what-it-costs', but /pricing/ has no such id")
    }
}

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

extension TestSite {
    init(root: URL) { self.root = root }
}
