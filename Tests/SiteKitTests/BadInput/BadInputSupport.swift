import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Helpers for the bad-input catalogue: the fixture folders, the real CLI run with a time limit
/// (optionally as an unprivileged user, or interrupted by a signal), and file-tree hashes.
enum BadInput {
    /// `Tests/SiteKitTests/Fixtures/invalid`.
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/SiteKitTests/Fixtures/invalid")
    /// The theme every case uses unless it brings its own `theme/`.
    static let sharedTheme = fixtures.appendingPathComponent("_theme")
    /// The fixed date every run passes as `--today`, so the content rules never depend on the clock.
    static let today = "2026-11-24"

    /// A new empty folder below the system's temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-badinput-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes a folder made by a test, first giving back any permission a case took away.
    static func remove(_ url: URL) {
        _ = try? run(executable: URL(fileURLWithPath: "/bin/chmod"), ["-R", "u+rwx", url.path], in: FileManager.default.temporaryDirectory, timeout: 60)
        try? FileManager.default.removeItem(at: url)
    }

    // MARK: File trees

    /// Every regular file below `root` (relative path → its bytes), symlinks not followed: two
    /// trees are byte-for-byte equal when these are equal.
    static func tree(_ root: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let base = root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [:] }
        for case let relative as String in walker {
            let path = base + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            result[relative] = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data("(unreadable)".utf8)
        }
        return result
    }

    /// The names directly inside `folder`, hidden ones included, sorted.
    static func entries(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// Copies every entry of `source` into `destination` (which exists).
    static func copyContents(of source: URL, into destination: URL) throws {
        for name in entries(source) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: destination.appendingPathComponent(name))
        }
    }

    // MARK: Running the CLI

    struct Run: CustomStringConvertible {
        var status: Int32
        /// True when the process was killed by a signal (a crash), or by us at the time limit.
        var crashed: Bool
        var timedOut: Bool
        var seconds: Double
        var stdout: String
        var stderr: String

        var description: String {
            "status \(status)\(crashed ? " (killed by signal)" : "")\(timedOut ? " (timed out)" : ""), \(String(format: "%.2f", seconds)) s\nstdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(2000))"
        }
    }

    /// The user a run takes: as it is, or unprivileged (so that file permissions apply even when
    /// the tests run as root).
    enum User { case current, unprivileged }

    /// uid/gid of `nobody`, which the unprivileged runs use.
    static let nobody: (uid: UInt32, gid: UInt32) = (65534, 65534)

    /// Whether permission cases can run here: either the tests do not run as root, or root can
    /// drop to `nobody` with util-linux's `setpriv`.
    static let canTestPermissions: Bool = getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    /// Runs the real `clinic-site` with `arguments` in `directory`; kills it after `timeout` seconds.
    /// `interrupt` sends a signal once its condition (given the process id and the seconds since
    /// the start) holds.
    static func cli(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], user: User = .current,
        timeout: Double = 60, interrupt: Interrupt? = nil
    ) throws -> Run {
        var executable = CLI.executable
        var args = arguments
        if user == .unprivileged && getuid() == 0 {
            args = ["--reuid=\(nobody.uid)", "--regid=\(nobody.gid)", "--clear-groups", executable.path] + args
            executable = URL(fileURLWithPath: "/usr/bin/setpriv")
        }
        return try run(executable: executable, args, in: directory, environment: environment, timeout: timeout, interrupt: interrupt)
    }

    /// A signal to send to a running process, and when.
    struct Interrupt {
        var signal: Int32
        var when: (_ pid: Int32, _ seconds: Double) -> Bool
    }

    /// True once the process `pid` catches `signal` (its handler is installed), from /proc.
    static func catches(_ pid: Int32, _ signal: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
            let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    static func run(
        executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: Double,
        interrupt: Interrupt? = nil
    ) throws -> Run {
        // Output goes to files, not pipes, so a chatty process can never block on a full pipe.
        let logs = try temporaryFolder("log")
        defer { try? FileManager.default.removeItem(at: logs) }
        let outURL = logs.appendingPathComponent("stdout")
        let errURL = logs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["CLINIC_SITE_FAIL_WRITE_AFTER"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        var pending = interrupt
        var timedOut = false
        while process.isRunning {
            let elapsed = Date().timeIntervalSince(start)
            if let i = pending, i.when(process.processIdentifier, elapsed) {
                kill(process.processIdentifier, i.signal)
                pending = nil
            }
            if elapsed > timeout {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(1_000)
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Run(
            status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
            seconds: Date().timeIntervalSince(start),
            stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }

    /// The diagnostics of a `--format json` run as `file:line:column: severity: code` lines (the
    /// format of `BuildResult.lines`), with message and suggestion; nil when stdout is not the report.
    static func diagnostics(_ run: Run) -> [(line: String, message: String, suggestion: String?)]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
            let list = object["diagnostics"] as? [[String: Any]]
        else { return nil }
        return list.map { d in
            let position = SourcePosition(file: d["file"] as? String ?? "?", line: d["line"] as? Int ?? -1, column: d["column"] as? Int ?? -1)
            let line = "\(position): \(d["severity"] as? String ?? "?"): \(d["code"] as? String ?? "?")"
            return (line, d["message"] as? String ?? "", d["suggestion"] as? String)
        }
    }

    /// Gives every file below `root` (and `root`) to `nobody`, for unprivileged runs.
    static func giveToNobody(_ root: URL) {
        guard getuid() == 0 else { return }
        lchown(root.path, nobody.uid, nobody.gid)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return }
        for case let relative as String in walker {
            lchown(root.path + "/" + relative, nobody.uid, nobody.gid)
        }
    }
}
