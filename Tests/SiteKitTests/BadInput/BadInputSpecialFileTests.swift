import Foundation
import Testing

@testable import SiteKit

/// Special files in `content/` found by `check` as well as `build` (the catalogue runs `build`):
/// a static file that is a link to a FIFO passed `check` and hung `build`.
@Suite struct BadInputSpecialFileTests {
    @Test("check reports a link to a FIFO at its path, exit 1, without hanging", .tags(.badInput), arguments: ["static-link-to-fifo", "symlink-to-fifo"])
    func checkFindsFIFOs(_ name: String) throws {
        let c = try BadInputCase(name: name, folder: BadInput.fixtures.appendingPathComponent(name))
        let root = try c.materialize(withPreviousOutput: [:])
        defer { BadInput.remove(root) }
        let run = try BadInput.cli(["check", "--format", "json", "--today", BadInput.today], in: root, timeout: 30)
        #expect(!run.timedOut && !run.crashed, "\(run)")
        #expect(run.status == 1, "\(run)")
        let lines = try #require(BadInput.diagnostics(run), "no JSON report: \(run)").map(\.line)
        #expect(lines == c.diagnostics.map(\.line))
    }
}
