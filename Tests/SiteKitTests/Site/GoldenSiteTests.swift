import Foundation
import Testing
import TestSupport

@testable import SiteKit

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
