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
    ///
    /// Every change to the staging folder and the swap run under `StagingCleanup`'s lock, so an
    /// interrupt (SIGINT, SIGTERM) either waits for one file to be written or stops the write
    /// before it: it never races with it.
    public static func write(_ files: [OutputFile], to output: URL, displayPath: String) throws(Diagnostic) {
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).staging-\(pid)")
        let spare = parent.appendingPathComponent(".\(name).previous")
        let spareDisplay = sibling(".\(name).previous", of: displayPath)
        let guardian = StagingCleanup.shared
        guardian.begin(staging: staging.path, spare: spare.path)
        defer { guardian.end() }

        if fm.fileExists(atPath: output.path), access(output.path, W_OK) != 0 {
            throw Diagnostic.error(
                "io.output-not-writable", at: SourcePosition(file: displayPath),
                "the output folder '\(displayPath)' is not writable; nothing was changed", suggestion: "check its permissions")
        }
        var reusingSpare = false
        do {
            try guardian.exclusive {
                if exists(staging) { try fm.removeItem(at: staging) }  // left by a killed build with our pid
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: spare.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    try fm.moveItem(at: spare, to: staging)
                    reusingSpare = true
                } else {
                    if exists(spare) { try fm.removeItem(at: spare) }
                    try fm.createDirectory(at: staging, withIntermediateDirectories: true)
                }
            }
            try update(staging, to: files)
        } catch {
            guardian.unlessInterrupted { discard(staging, spare: spare) }
            if let stale = error as? StaleEntry, reusingSpare {
                throw Diagnostic.error(
                    "io.write-failed", at: SourcePosition(file: displayPath),
                    "writing the site failed: '\(stale.path)', left from an earlier build in the writer's spare folder '\(spareDisplay)', cannot be removed (\(stale.reason)); '\(displayPath)' is unchanged",
                    suggestion: "delete the folder '\(spareDisplay)' (a copy of the build before last, kept only to make builds faster) or fix its permissions, then build again")
            }
            throw Diagnostic.error(
                "io.write-failed", at: SourcePosition(file: displayPath),
                "writing the site failed (\(describe(error))); '\(displayPath)' is unchanged",
                suggestion: reusingSpare
                    ? "check free disk space and permissions (the files are written into '\(spareDisplay)', the build before last, which may be deleted), then build again"
                    : "check free disk space and permissions, then build again")
        }
        do {
            try guardian.exclusive {
                if exists(output) {
                    if clinic_exchange_paths(staging.path, output.path) == 0 {
                        guardian.replacedOutput()
                        keep(staging, asSpare: spare)
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
                        guardian.replacedOutput()
                        keep(previous, asSpare: spare)
                    }
                } else {
                    try fm.moveItem(at: staging, to: output)
                    guardian.replacedOutput()
                }
            }
        } catch {
            guardian.unlessInterrupted { discard(staging, spare: spare) }
            throw Diagnostic.error(
                "io.write-failed", at: SourcePosition(file: displayPath),
                "could not put the new build in place (\(describe(error))); '\(displayPath)' is unchanged")
        }
    }

    /// True when something (a file, a folder, a link) is at `url`.
    static func exists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    /// Moves the folder swapped out of the output to the spare's name, or removes it when that
    /// fails, so nothing else is left beside the output.
    static func keep(_ folder: URL, asSpare spare: URL) {
        let fm = FileManager.default
        if !exists(spare), (try? fm.moveItem(at: folder, to: spare)) != nil { return }
        try? fm.removeItem(at: folder)
    }

    /// Removes a staging folder after a failure; what cannot be removed (a read-only folder in
    /// it) is kept as the spare, which the next write checks anew, rather than left under
    /// another name.
    static func discard(_ staging: URL, spare: URL) {
        let fm = FileManager.default
        try? fm.removeItem(at: staging)
        if exists(staging), !exists(spare) { try? fm.moveItem(at: staging, to: spare) }
    }

    /// `.output.previous` beside `output` (`build/site` → `build/.site.previous`), for messages.
    static func sibling(_ name: String, of displayPath: String) -> String {
        var path = Substring(displayPath)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }

    /// Makes the folder `root` hold exactly `files`: writes new and changed files, removes the
    /// rest. `root` is usually the spare, an earlier build: whatever it holds must go unless a
    /// file of this build is there with the same bytes, so a stale file that cannot be removed
    /// fails the write (`StaleEntry`) rather than being published again.
    static func update(_ root: URL, to files: [OutputFile]) throws {
        let fm = FileManager.default
        let guardian = StagingCleanup.shared
        var existing = Set<String>()
        var existingDirs = Set<String>()
        var links: [String] = []
        if let e = fm.enumerator(atPath: root.path) {
            while let path = e.nextObject() as? String {
                switch e.fileAttributes?[.type] as? FileAttributeType {
                case .typeDirectory?: existingDirs.insert(path)
                case .typeSymbolicLink?:
                    // Never followed: a link could lead anywhere. Removed before anything is written.
                    links.append(path)
                    e.skipDescendants()
                default: existing.insert(path)
                }
            }
        }
        for link in links {
            try guardian.exclusive { try removeStale(link, in: root) }
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
                        let stale = dir
                        try guardian.exclusive { try removeStale(stale, in: root) }
                        existing.remove(dir)
                    }
                    dir = parentPath(dir)
                }
                try guardian.exclusive { try fm.createDirectory(at: root.appendingPathComponent(created), withIntermediateDirectories: true) }
            }
            if existingDirs.contains(file.path) {  // a folder where a file must go
                try guardian.exclusive { try removeStale(file.path, in: root) }
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
            try guardian.exclusive { try FileWriting.write(data, to: target) }
        }
        for stale in existing.subtracting(wanted).sorted() {
            try guardian.exclusive { try removeStale(stale, in: root) }
        }
        // Folders no file needs any more, deepest first.
        for dir in existingDirs.subtracting(wantedDirs).sorted(by: { $0.count > $1.count }) {
            try guardian.exclusive { try removeStale(dir, in: root) }
        }
    }

    /// Removes `path` (below `root`) left from an earlier build; throws `StaleEntry` when it
    /// cannot, or when it is still there afterwards.
    static func removeStale(_ path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            if exists(url) { throw StaleEntry(path: path, reason: reason(error)) }
        }
        if exists(url) { throw StaleEntry(path: path, reason: "it is still there after removing it") }
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }

    /// `a/b/c.html` → `a/b`; `c.html` → "". (NSString.deletingLastPathComponent crashed here on
    /// one-component paths.)
    static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func describe(_ error: Error) -> String {
        if let failure = error as? WriteFailure { return failure.message }
        if let stale = error as? StaleEntry { return "cannot remove '\(stale.path)': \(stale.reason)" }
        return (error as NSError).localizedDescription
    }

    struct WriteFailure: Error {
        var message: String
    }

    /// A file or folder of an earlier build that could not be removed from the staging folder.
    struct StaleEntry: Error {
        var path: String
        var reason: String
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
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
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

/// The staging folder of a write in progress, and the lock that makes writing and an interrupt
/// exclusive: the writer changes the staging folder and swaps it in only inside `exclusive`, and
/// the interrupt handler (`interrupt`) takes the same lock, puts the staging folder away and
/// exits without ever releasing it. So a signal never removes a folder the writer is still
/// filling (which left `.output.staging-PID` behind), and never lands between the swap and the
/// move of the old build to the spare.
public final class StagingCleanup: @unchecked Sendable {
    public static let shared = StagingCleanup()
    private let lock = NSLock()
    private var staging: String?
    private var spare: String?
    private var cancelled = false
    private var replaced = false

    func begin(staging: String, spare: String) {
        lock.lock()
        self.staging = staging
        self.spare = spare
        replaced = false
        lock.unlock()
    }

    func end() {
        lock.lock()
        staging = nil
        spare = nil
        lock.unlock()
    }

    /// Runs `body`, a change to the staging folder or the output, unless the build was
    /// interrupted; an interrupt waits until it is done.
    func exclusive<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if cancelled { throw OutputWriter.WriteFailure(message: "interrupted") }
        return try body()
    }

    /// Runs `body`, a clean-up after a failed write, unless the build was interrupted (the
    /// handler then puts the staging folder away itself).
    func unlessInterrupted(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if !cancelled { body() }
    }

    /// Records, inside `exclusive`, that the new build is now the output.
    func replacedOutput() { replaced = true }

    /// For the SIGINT/SIGTERM handler: stops every further write, puts away the staging folder
    /// of a write in progress (renamed to the spare, which the next write checks file by file,
    /// or removed), then calls `exit` with whether this build had already replaced the output.
    /// The lock is never released, so nothing is written after this.
    public func interrupt(then exit: (_ outputReplaced: Bool) -> Never) -> Never {
        lock.lock()
        cancelled = true
        if let staging {
            let stagingURL = URL(fileURLWithPath: staging)
            if let spare, !OutputWriter.exists(URL(fileURLWithPath: spare)), rename(staging, spare) == 0 {
                // kept as the spare
            } else if OutputWriter.exists(stagingURL) {
                try? FileManager.default.removeItem(at: stagingURL)
            }
        }
        exit(replaced)
    }
}
