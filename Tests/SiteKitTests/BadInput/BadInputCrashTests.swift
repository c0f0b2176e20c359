import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// SIGKILL (which no handler sees: the OOM killer, `kill -9`, a CI runner torn down) at random
/// moments of writing a 3,000-page site: after each kill `output/` is one whole build, the old
/// one or the new one, byte for byte; the next build clears what the killed one left
/// (`.output.staging-PID`), and a finished build leaves nothing beside `output/` but the spare.
@Suite(.serialized) struct BadInputCrashTests {
    static let pages = 3_000
    static let kills = 50

    /// Two versions of one site, in `content-a/` and `content-b/`: every page differs, and each
    /// version has a page the other has not, so a mix of the two is never equal to either.
    static func makeSite() throws -> URL {
        let root = try BadInput.temporaryFolder("crash")
        try FileManager.default.copyItem(at: BadInput.sharedTheme, to: root.appendingPathComponent("theme"))
        for version in ["a", "b"] {
            let content = root.appendingPathComponent("content-\(version)")
            for s in 0..<30 {
                try FileManager.default.createDirectory(at: content.appendingPathComponent("s\(s)"), withIntermediateDirectories: true)
            }
            for i in 0..<pages {
                let text = page("Page \(i)", "Version \(version) of page \(i).\n")
                try Data(text.utf8).write(to: content.appendingPathComponent("s\(i % 30)/p\(i).md"))
            }
            try Data(page("Home", "Version \(version).\n").utf8).write(to: content.appendingPathComponent("index.md"))
            try Data(page("Only in \(version)").utf8).write(to: content.appendingPathComponent("only-\(version).md"))
        }
        return root
    }

    static func build(_ version: String) -> [String] {
        ["build", "--today", BadInput.today, "--content", "content-\(version)"]
    }

    /// Beside `output/`: anything a writer left but the spare.
    static func leftovers(_ root: URL) -> [String] {
        BadInput.entries(root).filter { $0.hasPrefix(".output.") && $0 != BadInput.spare }
    }

    @Test("SIGKILL at 50 random moments of writing leaves output/ one whole build", .tags(.badInput), .timeLimit(.minutes(10)))
    func killedWhileWriting() throws {
        let root = try Self.makeSite()
        defer { BadInput.remove(root) }
        let output = root.appendingPathComponent("output")

        // Each version built whole once: the two trees output/ may ever be.
        var reference: [String: [String: Data]] = [:]
        var writeSeconds = 0.0
        for version in ["a", "b"] {
            var appeared: Double?
            let run = try BadInput.cli(
                Self.build(version), in: root, timeout: 300,
                interrupt: BadInput.Interrupt(signal: 0) { pid, seconds in
                    if appeared == nil, BadInput.entries(root).contains(".output.staging-\(pid)") { appeared = seconds }
                    return false
                })
            try #require(run.status == 0, "the generated site does not build: \(run)")
            reference[version] = BadInput.tree(output)
            if let appeared { writeSeconds = max(writeSeconds, run.seconds - appeared) }
        }
        let a = try #require(reference["a"]), b = try #require(reference["b"])
        try #require(a.count > Self.pages && b.count == a.count && a != b)
        try #require(writeSeconds > 0, "the staging folder was never seen")

        var current = "b"
        var moments: [String] = []
        var replaced = 0
        for kill in 0..<Self.kills {
            let target = current == "a" ? "b" : "a"
            let delay = Double.random(in: 0...(writeSeconds * 1.2))
            var seenAt: Double?
            var othersWhenStaging: [String] = []
            let run = try BadInput.cli(
                Self.build(target), in: root, timeout: 300,
                interrupt: BadInput.Interrupt(signal: SIGKILL) { pid, seconds in
                    if seenAt == nil, BadInput.entries(root).contains(".output.staging-\(pid)") {
                        seenAt = seconds
                        // The killed build's folders are cleared before this one stages.
                        othersWhenStaging = Self.leftovers(root).filter { $0 != ".output.staging-\(pid)" }
                    }
                    guard let seenAt else { return false }
                    return seconds - seenAt >= delay
                })
            let what = "kill \(kill) (\(String(format: "%.3f", delay)) s into writing version \(target))"
            moments.append(what)
            #expect(!run.timedOut, "\(what): \(run)")
            #expect(othersWhenStaging.isEmpty, "\(what): the previous killed build's folders were still there: \(othersWhenStaging)")
            let now = BadInput.tree(output)
            if now == reference[target]! {
                current = target
                replaced += 1
            } else {
                #expect(now == reference[current]!, "\(what): output/ is neither build (\(now.count) files; \(Set(now.keys).symmetricDifference(reference[current]!.keys).count) names differ from the old one)")
            }
            if kill % 25 == 24 {
                // A build that runs to the end clears every leftover.
                let next = current == "a" ? "b" : "a"
                let whole = try BadInput.cli(Self.build(next), in: root, timeout: 300)
                #expect(whole.status == 0, "\(what), then a whole build: \(whole)")
                #expect(BadInput.tree(output) == reference[next]!, "\(what), then a whole build: output/ is not that build")
                #expect(Self.leftovers(root).isEmpty, "\(what), then a whole build: left beside output/: \(Self.leftovers(root))")
                current = next
            }
        }
        // Both outcomes happened, or the moments did not cover the write.
        #expect(replaced > 0 && replaced < Self.kills, "the new build was in place after \(replaced) of \(Self.kills) kills: \(moments)")
    }
}
