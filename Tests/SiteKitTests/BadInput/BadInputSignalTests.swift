import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// SIGINT (Ctrl-C) and SIGTERM (a CI job cancelled) in the middle of a build: exit 130 / 143,
/// no staging folder left beside `output/`, and `output/` as it was.
@Suite(.serialized) struct BadInputSignalTests {
    /// A site big enough that a build takes a few seconds here: 1,500 pages in 30 sections.
    static let pages = 1_500

    /// A generated site with a previous build in `output/`, and every page changed since.
    static func makeSite() throws -> URL {
            let root = try BadInput.temporaryFolder("signals")
            try FileManager.default.copyItem(at: BadInput.sharedTheme, to: root.appendingPathComponent("theme"))
            let content = root.appendingPathComponent("content")
            let filler = String(repeating: "Time to talk about what matters, with a clinician who listens. ", count: 30)
            for i in 0..<pages {
                let folder = content.appendingPathComponent("s\(i % 30)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let text = page("Page \(i)", "## Part one\n\n\(filler)\n\n[next](p\((i + 30) % pages).md#part-one)\n")
                try Data(text.utf8).write(to: folder.appendingPathComponent("p\(i).md"))
            }
            try Data(page("Home", "Welcome.\n").utf8).write(to: content.appendingPathComponent("index.md"))
            let run = try BadInput.cli(["build", "--today", BadInput.today], in: root, timeout: 600)
            guard run.status == 0 else { throw BadInput.SetupError(message: "the generated site does not build: \(run)") }
            // Change the home page, so that an interrupted build would write a different site.
            try Data(page("Home", "Welcome, again.\n").utf8).write(to: content.appendingPathComponent("index.md"))
            return root
    }

    enum Moment: String, CaseIterable, Sendable {
        /// ~200 ms after the start: reading and checking.
        case whileBuilding
        /// As soon as the staging folder appears beside `output/`: writing.
        case whileWriting
    }

    /// Writing is interrupted several times: the race it once lost (bug 9) did not show every time.
    static let cases: [(Int32, Moment)] =
        [(SIGINT, .whileBuilding), (SIGTERM, .whileBuilding)] + Array(repeating: [(SIGINT, Moment.whileWriting), (SIGTERM, .whileWriting)], count: 5).joined()

    @Test("An interrupted build leaves output/ as it was", .tags(.badInput), .timeLimit(.minutes(15)))
    func interrupted() throws {
        let root = try Self.makeSite()
        defer { BadInput.remove(root) }
        for (signal, moment) in Self.cases {
            try interrupt(root, signal: signal, moment: moment)
        }
    }

    func interrupt(_ root: URL, signal: Int32, moment: Moment) throws {
        let output = root.appendingPathComponent("output")
        let before = BadInput.tree(output)
        let siblings = BadInput.entries(root)
        #expect(Set(siblings).subtracting([BadInput.spare]) == ["content", "output", "theme"])
        // The signal goes once the CLI has installed its handlers (before that, a shell may have
        // left SIGINT ignored, or the default action kills it, and nothing was written anyway),
        // and ~200 ms after the start, or as soon as the staging folder appears beside output/.
        let run = try BadInput.cli(
            ["build", "--today", BadInput.today], in: root, timeout: 300,
            interrupt: BadInput.Interrupt(signal: signal) { pid, seconds in
                guard BadInput.catches(pid, signal) else { return false }
                switch moment {
                case .whileBuilding: return seconds >= 0.2
                case .whileWriting: return BadInput.entries(root).contains { $0.hasPrefix(".output.staging-") }
                }
            })
        let expectedStatus: Int32 = signal == SIGINT ? 130 : 143
        let left = BadInput.entries(root)
        // Clean up whatever the build left, so that the next case starts from the same state.
        for name in left where !siblings.contains(name) && name != BadInput.spare { BadInput.remove(root.appendingPathComponent(name)) }

        let what = "\(signal == SIGINT ? "SIGINT" : "SIGTERM") \(moment.rawValue)"
        #expect(!run.crashed && !run.timedOut, "\(what): \(run)")
        #expect(run.status == expectedStatus, "\(what): \(run)")
        #expect(run.stderr.contains("interrupted; the output folder is unchanged"))
        #expect(BadInput.tree(output) == before, "\(what): output/ changed")
        // Nothing beside output/ but the writer's spare: the handler and the writer take turns
        // (StagingCleanup), so the staging folder is put away whole.
        #expect(Set(left).subtracting(siblings + [BadInput.spare]).isEmpty, "\(what): left beside output/: \(left)")
    }
}
