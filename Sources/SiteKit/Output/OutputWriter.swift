import CSystemSupport
import Foundation

/// Writes a built site so that the output folder is always either the previous build or the new
/// one, never a mix: the new build is prepared in a staging folder beside it, then the two are
/// swapped in one step (`renameat2(RENAME_EXCHANGE)`).
///
/// The folder swapped out is kept as `.NAME.previous` and becomes the next build's staging
/// folder: only files whose bytes changed are written, stale ones removed. Creating and deleting
/// every file of a large site on each build cost more than the build itself (ext4 is slow to
/// create files right after deleting as many).
public enum OutputWriter {
    /// Writes `files` as the new content of `output`. On failure `output` is left as it was and
    /// the diagnostic has an environment code (`io.*`).
    public static func write(_ files: [OutputFile], to output: URL, displayPath: String) throws(Diagnostic) {
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).staging-\(pid)")
        let spare = parent.appendingPathComponent(".\(name).previous")
        StagingCleanup.shared.set(staging.path)
        defer { StagingCleanup.shared.set(nil) }

        if fm.fileExists(atPath: output.path), access(output.path, W_OK) != 0 {
            throw Diagnostic.error(
                "io.output-not-writable", at: SourcePosition(file: displayPath),
                "the output folder '\(displayPath)' is not writable; nothing was changed", suggestion: "check its permissions")
        }
        do {
            try? fm.removeItem(at: staging)
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: spare.path, isDirectory: &isDirectory), isDirectory.boolValue {
                try fm.moveItem(at: spare, to: staging)
            } else {
                try? fm.removeItem(at: spare)
                try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            }
            try update(staging, to: files)
        } catch {
            try? fm.removeItem(at: staging)
            throw Diagnostic.error(
                "io.write-failed", at: SourcePosition(file: displayPath),
                "writing the site failed (\(describe(error))); '\(displayPath)' is unchanged",
                suggestion: "check free disk space and permissions, then build again")
        }
        do {
            if fm.fileExists(atPath: output.path) {
                if clinic_exchange_paths(staging.path, output.path) == 0 {
                    try? fm.moveItem(at: staging, to: spare)
                } else {
                    // A file system without RENAME_EXCHANGE: two renames.
                    let previous = parent.appendingPathComponent(".\(name).previous-\(pid)")
                    try fm.moveItem(at: output, to: previous)
                    do {
                        try fm.moveItem(at: staging, to: output)
                    } catch {
                        try? fm.moveItem(at: previous, to: output)
                        throw error
                    }
                    try? fm.moveItem(at: previous, to: spare)
                }
            } else {
                try fm.moveItem(at: staging, to: output)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw Diagnostic.error(
                "io.write-failed", at: SourcePosition(file: displayPath),
                "could not put the new build in place (\(describe(error))); '\(displayPath)' is unchanged")
        }
    }

    /// Makes the folder `root` hold exactly `files`: writes new and changed files, removes the rest.
    static func update(_ root: URL, to files: [OutputFile]) throws {
        let fm = FileManager.default
        var existing = Set<String>()
        var existingDirs = Set<String>()
        if let e = fm.enumerator(atPath: root.path) {
            while let path = e.nextObject() as? String {
                if (e.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory {
                    existingDirs.insert(path)
                } else {
                    existing.insert(path)
                }
            }
        }
        var wanted = Set<String>()
        var wantedDirs = Set<String>()
        for file in files {
            // Never write outside the folder, whatever a path holds (checked by scalars, as the
            // file system splits paths).
            let segments = file.path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
            if file.path.unicodeScalars.first == "/" || segments.contains(where: { Array($0) == ["."] || Array($0) == [".", "."] || $0.isEmpty }) {
                throw WriteFailure(message: "refusing to write '\(file.path)', which would leave the output folder")
            }
            wanted.insert(file.path)
            let target = root.appendingPathComponent(file.path)
            var dir = parentPath(file.path)
            if !dir.isEmpty, !wantedDirs.contains(dir) {
                let created = dir
                while !dir.isEmpty, wantedDirs.insert(dir).inserted {
                    if existing.contains(dir) {  // a file where a folder must go
                        try fm.removeItem(at: root.appendingPathComponent(dir))
                        existing.remove(dir)
                    }
                    dir = parentPath(dir)
                }
                try fm.createDirectory(at: root.appendingPathComponent(created), withIntermediateDirectories: true)
            }
            if existingDirs.contains(file.path) {  // a folder where a file must go
                try fm.removeItem(at: target)
                existingDirs.remove(file.path)
            }
            let data: Data
            switch file.contents {
            case .text(let text): data = Data(text.utf8)
            case .copy(let source):
                guard let bytes = fm.contents(atPath: source.path) else { throw WriteFailure(message: "cannot read '\(source.path)'") }
                data = bytes
            }
            if existing.contains(file.path), FileWriting.same(data, as: target) { continue }
            try FileWriting.write(data, to: target)
        }
        for stale in existing.subtracting(wanted) {
            try? fm.removeItem(at: root.appendingPathComponent(stale))
        }
        // Folders no file needs any more, deepest first.
        for dir in existingDirs.subtracting(wantedDirs).sorted(by: { $0.count > $1.count }) {
            try? fm.removeItem(at: root.appendingPathComponent(dir))
        }
    }

    /// `a/b/c.html` → `a/b`; `c.html` → "". (NSString.deletingLastPathComponent crashed here on
    /// one-component paths.)
    static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func describe(_ error: Error) -> String {
        if let failure = error as? WriteFailure { return failure.message }
        return (error as NSError).localizedDescription
    }

    struct WriteFailure: Error {
        var message: String
    }
}

/// The one place files are written, so tests can make a write fail half way
/// (`CLINIC_SITE_FAIL_WRITE_AFTER=N` fails the write after N files).
enum FileWriting {
    nonisolated(unsafe) static var written = 0
    nonisolated(unsafe) static var failAfterForTesting: Int? = nil
    static let failAfterFromEnvironment: Int? = ProcessInfo.processInfo.environment["CLINIC_SITE_FAIL_WRITE_AFTER"].flatMap(Int.init)

    /// True when the file at `url` holds exactly `data`.
    static func same(_ data: Data, as url: URL) -> Bool {
        var info = stat()
        guard stat(url.path, &info) == 0, Int(info.st_size) == data.count else { return false }
        return FileManager.default.contents(atPath: url.path) == data
    }

    static func write(_ data: Data, to url: URL) throws {
        if let failAfter = failAfterForTesting ?? failAfterFromEnvironment {
            written += 1
            if written > failAfter {
                written = 0
                throw OutputWriter.WriteFailure(message: "simulated failure after \(failAfter) files")
            }
        }
        // POSIX write: Foundation's Data.write took ~6 ms a file here (10x `cp -r`).
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputWriter.WriteFailure(message: "cannot create '\(url.path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputWriter.WriteFailure(message: "cannot write '\(url.path)': \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }
}

/// Remembers the staging folder of a write in progress, so an interrupted build (SIGINT,
/// SIGTERM) can remove it before exiting.
public final class StagingCleanup: @unchecked Sendable {
    public static let shared = StagingCleanup()
    private let lock = NSLock()
    private var path: String?

    func set(_ path: String?) {
        lock.lock()
        self.path = path
        lock.unlock()
    }

    /// Removes the staging folder, if a write is in progress.
    public func clean() {
        lock.lock()
        let p = path
        lock.unlock()
        if let p { try? FileManager.default.removeItem(atPath: p) }
    }
}
