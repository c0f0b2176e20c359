import Foundation
import Testing

@testable import SiteKit

/// One folder of `Fixtures/invalid/`: the files of a site with one kind of bad input, and its
/// `expected.txt`:
///
///     # what the case is (comments)
///     exit: 1                                   the exit code (1 content, 2 environment)
///     content/page.md:1:1: error: frontmatter.unclosed
///       help: add a line with only '---' …      optional, exact suggestion of the line above
///       help-excludes: …                        optional, text the suggestion must not contain
///       message: … / message-contains: …        optional, the message exactly / in part
///     output: unchanged | built | same-as-normalized
///     args: --output content/site               extra arguments for `clinic-site build`
///     env: NAME=VALUE                           an environment variable for the run
///     symlink: content/loop.md -> loop.md       made by the test (git keeps no symlink loops well)
///     fifo: content/pipe                        a FIFO (named pipe) made by the test (git keeps none)
///     chmod: 000 content/b.md                   applied before the run, which then runs unprivileged
///     remove: theme/templates/page.mustache     deleted from the shared theme for this case
///     bug: …                                    a known bug: the case is expected to fail until it is fixed
///
/// The case's `content/` (and any other file) is copied into a temporary folder with the shared
/// theme (`_theme/`, which the case's own `theme/` files overlay) and the output of a previous build.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    enum Output: String, Sendable {
        /// A failed build: `output/` byte for byte as it was.
        case unchanged
        /// A successful build: `output/` replaced, nothing left beside it.
        case built
        /// As `built`, and equal to the build of the same files with BOMs dropped and LF line endings.
        case sameAsNormalized = "same-as-normalized"
    }

    struct Expected: Sendable {
        var line: String
        var help: String?
        var helpExcludes: [String] = []
        var message: String?
        var messageContains: [String] = []
    }

    var name: String
    var folder: URL
    var exitCode: Int32 = 1
    var diagnostics: [Expected] = []
    var output: Output = .unchanged
    var arguments: [String] = []
    var environment: [String: String] = [:]
    var symlinks: [(path: String, target: String)] = []
    var fifos: [String] = []
    var chmods: [(mode: String, path: String)] = []
    var removals: [String] = []
    var bug: String?

    var testDescription: String { name }
    /// Cases that take a permission away run as an unprivileged user.
    var needsPermissions: Bool { !chmods.isEmpty }

    /// Every case folder (names starting with `_` or `.` are shared files, not cases).
    static let all: [BadInputCase] = {
        let names = BadInput.entries(BadInput.fixtures).filter { !$0.hasPrefix("_") && !$0.hasPrefix(".") }
        return names.map { name in
            let folder = BadInput.fixtures.appendingPathComponent(name)
            do {
                return try BadInputCase(name: name, folder: folder)
            } catch {
                var broken = BadInputCase(name: name, folder: folder, empty: ())
                broken.bug = nil
                broken.diagnostics = [Expected(line: "unreadable expected.txt: \(error)")]
                return broken
            }
        }
    }()

    private init(name: String, folder: URL, empty: Void) {
        self.name = name
        self.folder = folder
    }

    init(name: String, folder: URL) throws {
        self.init(name: name, folder: folder, empty: ())
        let text = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
        var explicitOutput: Output?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if raw.hasPrefix("#") { continue }
            if raw.hasPrefix("  "), !diagnostics.isEmpty {
                let detail = raw.trimmingCharacters(in: .whitespaces)
                let (key, value) = Self.keyValue(detail)
                switch key {
                case "help": diagnostics[diagnostics.count - 1].help = value
                case "help-excludes": diagnostics[diagnostics.count - 1].helpExcludes.append(value)
                case "message": diagnostics[diagnostics.count - 1].message = value
                case "message-contains": diagnostics[diagnostics.count - 1].messageContains.append(value)
                default: throw CaseError(message: "unknown detail '\(key)' in \(name)/expected.txt")
                }
                continue
            }
            if [": error: ", ": warning: ", ": note: "].contains(where: { raw.contains($0) }) {
                diagnostics.append(Expected(line: raw))
                continue
            }
            let (key, value) = Self.keyValue(raw)
            switch key {
            case "exit": exitCode = Int32(value) ?? -1
            case "output":
                guard let o = Output(rawValue: value) else { throw CaseError(message: "unknown output '\(value)' in \(name)") }
                explicitOutput = o
            case "args": arguments += value.split(separator: " ").map(String.init)
            case "env":
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                environment[parts[0]] = parts.count > 1 ? parts[1] : ""
            case "symlink":
                let parts = value.components(separatedBy: " -> ")
                symlinks.append((parts[0], parts[1]))
            case "fifo": fifos.append(value)
            case "chmod":
                let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
                chmods.append((parts[0], parts[1]))
            case "remove": removals.append(value)
            case "bug": bug = value
            default: throw CaseError(message: "unknown line '\(raw)' in \(name)/expected.txt")
            }
        }
        output = explicitOutput ?? (exitCode == 0 ? .built : .unchanged)
    }

    static func keyValue(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    struct CaseError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    // MARK: Setting a case up

    /// Writes the case into a new temporary folder beside a previous build's `output/`.
    func materialize(withPreviousOutput previous: [String: Data], normalized: Bool = false, withSpare: Bool = true) throws -> URL {
        let root = try BadInput.temporaryFolder(name)
        let fm = FileManager.default
        try fm.copyItem(at: BadInput.sharedTheme, to: root.appendingPathComponent("theme"))
        for entry in BadInput.entries(folder) where entry != "expected.txt" && (withSpare || entry != BadInput.spare) {
            let source = folder.appendingPathComponent(entry)
            let target = root.appendingPathComponent(entry)
            if entry == "theme" {
                try Self.overlay(source, onto: target)
            } else {
                try fm.copyItem(at: source, to: target)
            }
        }
        for path in removals { try fm.removeItem(at: root.appendingPathComponent(path)) }
        for (path, data) in previous {
            let url = root.appendingPathComponent("output").appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        for path in fifos where mkfifo(root.appendingPathComponent(path).path, 0o644) != 0 {
            throw CaseError(message: "mkfifo \(path): \(String(cString: strerror(errno)))")
        }
        for link in symlinks where withSpare || !link.path.hasPrefix(BadInput.spare) {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(link.path).path, withDestinationPath: link.target)
        }
        if normalized {
            for folder in ["content", "theme"] { Self.normalizeText(below: root.appendingPathComponent(folder)) }
        }
        return root
    }

    private static func overlay(_ source: URL, onto target: URL) throws {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: source.path) else { return }
        for case let relative as String in walker {
            let from = source.appendingPathComponent(relative)
            let to = target.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: from.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try fm.createDirectory(at: to, withIntermediateDirectories: true)
            } else {
                try? fm.removeItem(at: to)
                try fm.copyItem(at: from, to: to)
            }
        }
    }

    /// Drops byte-order marks and turns CRLF and CR into LF in every file below `folder`.
    static func normalizeText(below folder: URL) {
        for (relative, data) in BadInput.tree(folder) {
            var bytes = [UInt8](data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            var out: [UInt8] = []
            var i = 0
            while i < bytes.count {
                if bytes[i] == 13 {
                    out.append(10)
                    if i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                } else {
                    out.append(bytes[i])
                }
                i += 1
            }
            try? Data(out).write(to: folder.appendingPathComponent(relative))
        }
    }
}
