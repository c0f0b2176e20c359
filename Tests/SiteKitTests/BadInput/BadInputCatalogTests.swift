import Foundation
import Testing

@testable import SiteKit

/// The catalogue of bad inputs (`Fixtures/invalid/<case>/`, described in docs/robustness.md):
/// each case runs the real `clinic-site build --format json` on a copy of the case beside the
/// output of a previous build, and must give exactly its expected diagnostics and exit code,
/// never crash or hang, and leave `output/` byte for byte as it was when the build fails.
@Suite struct BadInputCatalogTests {
    /// The output of a good build (`Fixtures/invalid/_baseline`), made once with the real CLI: the
    /// "published site" every case starts from.
    static let previousOutput: Result<[String: Data], BadInput.SetupError> = {
        do {
            let root = try BadInput.temporaryFolder("baseline")
            defer { BadInput.remove(root) }
            try FileManager.default.copyItem(at: BadInput.sharedTheme, to: root.appendingPathComponent("theme"))
            try FileManager.default.copyItem(
                at: BadInput.fixtures.appendingPathComponent("_baseline/content"), to: root.appendingPathComponent("content"))
            let run = try BadInput.cli(["build", "--today", BadInput.today], in: root)
            guard run.status == 0 else { return .failure(BadInput.SetupError(message: "the baseline does not build: \(run)")) }
            let tree = BadInput.tree(root.appendingPathComponent("output"))
            guard tree.count >= 4 else { return .failure(BadInput.SetupError(message: "the baseline output is too small: \(tree.keys)")) }
            return .success(tree)
        } catch {
            return .failure(BadInput.SetupError(message: "\(error)"))
        }
    }()

    static let ordinaryCases = BadInputCase.all.filter { !$0.needsPermissions }
    static let permissionCases = BadInputCase.all.filter { $0.needsPermissions }

    @Test("Every folder of Fixtures/invalid is a readable case", .tags(.badInput))
    func theCatalogueIsComplete() throws {
        #expect(BadInputCase.all.count >= 60)
        for c in BadInputCase.all {
            #expect(!c.diagnostics.contains { $0.line.hasPrefix("unreadable expected.txt") }, "\(c.name): \(c.diagnostics.map(\.line))")
            #expect(c.exitCode == 0 || !c.diagnostics.isEmpty, "\(c.name) fails without a diagnostic")
        }
    }

    @Test("Bad input case", .tags(.badInput), arguments: ordinaryCases)
    func badInput(_ c: BadInputCase) throws {
        try check(c)
    }

    @Test(
        "Bad input case that takes a permission away", .tags(.badInput),
        .enabled(
            if: BadInput.canTestPermissions,
            "root ignores file permissions, and /usr/bin/setpriv is not there to run the CLI as 'nobody'"),
        arguments: permissionCases)
    func badInputWithoutPermission(_ c: BadInputCase) throws {
        try check(c)
    }

    func check(_ c: BadInputCase) throws {
        let previous = try Self.previousOutput.get()
        let root = try c.materialize(withPreviousOutput: previous)
        defer { BadInput.remove(root) }
        let output = root.appendingPathComponent("output")
        let before = BadInput.tree(output)
        let siblings = BadInput.entries(root)
        let outside = { BadInput.tree(root).filter { !$0.key.hasPrefix("output/") && !$0.key.hasPrefix(BadInput.spare + "/") } }
        let outsideBefore = outside()

        for (mode, path) in c.chmods {
            #expect(chmod(root.appendingPathComponent(path).path, mode_t(mode, radix: 8)!) == 0, "chmod \(mode) \(path)")
        }
        if c.needsPermissions { BadInput.giveToNobody(root) }
        let run = try BadInput.cli(
            ["build", "--format", "json", "--today", BadInput.today] + c.arguments, in: root, environment: c.environment,
            user: c.needsPermissions ? .unprivileged : .current)
        _ = try BadInput.run(executable: URL(fileURLWithPath: "/bin/chmod"), ["-R", "u+rwx", root.path], in: root, timeout: 60)

        let verify = {
            #expect(!run.crashed && !run.timedOut, "the build crashed or hung: \(run)")
            #expect(run.status == c.exitCode, "exit code: \(run)")
            let actual = try #require(BadInput.diagnostics(run), "no JSON report: \(run)")
            #expect(actual.map(\.line) == c.diagnostics.map(\.line), "diagnostics of \(c.name)")
            for (expected, got) in zip(c.diagnostics, actual) where expected.line == got.line {
                if let help = expected.help { #expect(got.suggestion == help, "help of \(got.line)") }
                for text in expected.helpExcludes { #expect(!(got.suggestion ?? "").contains(text), "help of \(got.line): \(got.suggestion ?? "")") }
                if let message = expected.message { #expect(got.message == message, "message of \(got.line)") }
                for text in expected.messageContains { #expect(got.message.contains(text), "message of \(got.line): \(got.message)") }
            }
            switch c.output {
            case .unchanged:
                #expect(BadInput.tree(output) == before, "output/ changed although the build failed")
            case .built:
                try expectSameAsFreshBuild(c, output: output)
            case .sameAsNormalized:
                try expectSameAsFreshBuild(c, output: output, normalized: true)
            }
            // Nothing new beside the output folder (no staging folder, no previous build) but the
            // writer's spare, and no file outside it changed.
            let left = Set(BadInput.entries(root)).subtracting(siblings + [BadInput.spare])
            #expect(left.isEmpty, "left beside output/: \(left.sorted())")
            let outsideAfter = outside()
            #expect(outsideAfter == outsideBefore, "files outside output/ changed: \(Set(outsideAfter.keys).symmetricDifference(outsideBefore.keys).sorted() + outsideAfter.keys.filter { outsideBefore[$0] != nil && outsideBefore[$0] != outsideAfter[$0] }.sorted())")
        }
        if let bug = c.bug {
            withKnownIssue(Comment(rawValue: "BUG: \(bug)")) { try verify() }
        } else {
            try verify()
        }
    }

    /// A successful build leaves `output/` exactly as a build of the same files into a new folder
    /// would (whatever the previous output or the writer's spare held). With `normalized`, the files
    /// of that reference build have no byte-order mark and LF line endings: a BOM and CRLF
    /// "simply work".
    func expectSameAsFreshBuild(_ c: BadInputCase, output: URL, normalized: Bool = false) throws {
        let fresh = try c.materialize(withPreviousOutput: [:], normalized: normalized, withSpare: false)
        defer { BadInput.remove(fresh) }
        let run = try BadInput.cli(["build", "--format", "json", "--today", BadInput.today] + c.arguments, in: fresh, environment: c.environment)
        #expect(run.status == 0, "the reference build does not build: \(run)")
        let expected = BadInput.tree(fresh.appendingPathComponent("output"))
        let actual = BadInput.tree(output)
        #expect(actual.keys.sorted() == expected.keys.sorted(), "output/ holds other files than a fresh build")
        for (path, data) in expected where actual[path] != nil {
            #expect(actual[path] == data, "output/\(path) differs from a fresh build")
        }
        guard normalized else { return }
        // The fixture really holds what it claims (git did not convert it).
        var sawSpecial = false
        for (_, data) in BadInput.tree(c.folder.appendingPathComponent("content")) {
            if data.starts(with: [0xEF, 0xBB, 0xBF]) || data.contains(13) { sawSpecial = true }
        }
        #expect(sawSpecial, "\(c.name) has no BOM or CR left: was it converted on checkout? (see Fixtures/invalid/.gitattributes)")
    }
}

extension Tag {
    /// The bad-input catalogue, escaping, signals and large inputs (docs/robustness.md).
    @Tag static var badInput: Self
}

extension BadInput {
    /// The folder OutputWriter keeps beside the output (the build before last, reused as the next
    /// staging folder).
    static let spare = ".output.previous"

    struct SetupError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
