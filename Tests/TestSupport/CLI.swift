import Foundation

/// Runs the real `clinic-site` executable, which SwiftPM builds beside the test bundle
/// (`.build/debug/`) because the test targets that drive it depend on it in Package.swift.
package enum CLI {
    package static let executable: URL = {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundleDir.appendingPathComponent("clinic-site")
    }()

    package struct Run {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    package static func run(_ arguments: [String], in directory: URL) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes at once, so a child that fills one cannot block on it.
        nonisolated(unsafe) var stderr = Data()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        Thread.detachNewThread {
            stderr = errHandle.readDataToEndOfFile()
            done.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
