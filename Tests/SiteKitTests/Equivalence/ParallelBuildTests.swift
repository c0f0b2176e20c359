import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Pages are rendered, assembled and checked on many threads; the result must be the serial one.
@Suite struct ParallelBuildTests {
    @Test func parallelAndSerialBuildsAreByteForByteEqual() throws {
        var files: [String: String] = ["content/_site.yaml": "base_url: https://x.example\n"]
        for i in 0..<120 {
            files["content/p\(i).md"] = page(
                "Page \(i)",
                "Visit www.example.com and ~~old~~ text, https://example.org/\(i).\n\n## Part\n\n| a | b |\n|---|---|\n| \(i) | x |\n\n[next](p\((i + 1) % 120).md#part)\n")
        }
        let site = try TestSite(files)
        defer { site.remove() }
        func texts(_ r: BuildResult) -> [String] {
            r.files.map { f in if case .text(let t) = f.contents { return f.path + "\n" + t } else { return f.path } }
        }
        let serial = site.build(parallel: false)
        #expect(serial.diagnostics.isEmpty)
        for _ in 0..<3 {
            #expect(texts(site.build(parallel: true)) == texts(serial))
        }
    }
}
