import Foundation

/// Runs any program, for tests that look at a process from outside (readelf, clang, pkg-config,
/// `clinic-site` with `LD_DEBUG`). `CLI.run` is the one for the executable's own streams.
package enum Subprocess {
    /// Runs `executable` with `arguments` in `directory`, with `environment` added to this
    /// process's; its stdout and stderr together, through a file so neither can fill a pipe.
    package static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: FileManager.default.contents(atPath: file.path) ?? Data(), as: UTF8.self))
    }

    /// The NEEDED entries of an ELF `binary`'s dynamic section (`readelf -d`), such as
    /// "libc.so.6"; throws when readelf fails.
    package static func neededLibraries(of binary: String) throws -> [String] {
        let dynamic = try run("/usr/bin/env", ["readelf", "-d", binary])
        guard dynamic.status == 0 else { throw Failure(message: "readelf -d \(binary): \(dynamic.output)") }
        // " 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]"
        return dynamic.output.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    package struct Failure: Error, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }
}
