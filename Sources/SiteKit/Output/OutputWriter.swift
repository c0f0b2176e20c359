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
    public static func write(_ files: [OutputFile], to output: URL, displayPath: String, parallel: Bool = true) throws(Diagnostic) {
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

        // A symbolic link as the output would be swapped away on the first build and, as the
        // spare, have its target rewritten and emptied on the next: refused, nothing changed.
        var outputInfo = stat()
        if lstat(output.path, &outputInfo) == 0, (outputInfo.st_mode & S_IFMT) == S_IFLNK {
            let target = output.resolvingSymlinksInPath().path
            throw Diagnostic.error(
                "io.output-is-link", at: SourcePosition(file: displayPath),
                "the output folder '\(displayPath)' is a symbolic link (to '\(target)'); the build replaces its output folder as a whole, so it would replace the link and later empty the folder it leads to; nothing was changed",
                suggestion: "pass the real folder instead, e.g. --output \(target), or remove the link")
        }
        if fm.fileExists(atPath: output.path), access(output.path, W_OK) != 0 {
            throw Diagnostic.error(
                "io.output-not-writable", at: SourcePosition(file: displayPath),
                "the output folder '\(displayPath)' is not writable; nothing was changed", suggestion: "check its permissions")
        }
        var reusingSpare = false
        do {
            try guardian.guarded {
                // Folders left by killed builds (SIGKILL, power loss): the first becomes the
                // spare when there is none (it is checked file by file like any spare), the rest go.
                if exists(spare), !isFolder(spare) { try fm.removeItem(at: spare) }  // a file or a link: never followed
                for leftover in leftovers(of: name, in: parent) {
                    if !exists(spare), isFolder(leftover), rename(leftover.path, spare.path) == 0 { continue }
                    try fm.removeItem(at: leftover)
                }
                if isFolder(spare) {
                    try fm.moveItem(at: spare, to: staging)
                    reusingSpare = true
                } else {
                    try fm.createDirectory(at: staging, withIntermediateDirectories: true)
                }
            }
            try update(staging, to: files, parallel: parallel)
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
            try guardian.guarded {
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

    /// True when a real folder (not a link to one) is at `url`.
    static func isFolder(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The staging folders (`.NAME.staging-PID`) and swapped-out builds (`.NAME.previous-PID`)
    /// beside the output that no running process is writing: their process is gone, or it is
    /// this one (a killed build whose pid came round again; this write has not begun). A folder
    /// of a live process is another build's, and is left alone.
    static func leftovers(of name: String, in parent: URL) -> [URL] {
        let me = ProcessInfo.processInfo.processIdentifier
        let prefixes = [".\(name).staging-", ".\(name).previous-"]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        return names.sorted().compactMap { entry -> URL? in
            // By bytes: a name canonically equal to ours is another folder.
            guard let prefix = prefixes.first(where: { entry.utf8.starts(with: $0.utf8) }),
                let pid = Int32(String(decoding: entry.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)), pid > 0
            else { return nil }
            guard pid == me || (kill(pid, 0) != 0 && errno == ESRCH) else { return nil }
            return parent.appendingPathComponent(entry)
        }
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
    ///
    /// Folders are made first, in order; then the files are compared and written on every core
    /// (`parallel`), and the first failure in the files' order is thrown. Paths are plain strings
    /// and the folder is listed with `readdir`: `URL.appendingPathComponent` and FileManager's
    /// enumerator were a third of this stage's time on 5,000 pages.
    static func update(_ root: URL, to files: [OutputFile], parallel: Bool = true) throws {
        let guardian = StagingCleanup.shared
        let rootPath = root.path
        FileWriting.startCounting()
        let listing = try FolderListing(rootPath)
        var existing = listing.files
        var existingDirs = listing.folders
        for link in listing.links {
            // Never followed: a link could lead anywhere. Removed before anything is written.
            try guardian.guarded { try removeStale(link, in: root) }
        }
        var wanted = Set<ByteName>()
        wanted.reserveCapacity(files.count)
        var wantedDirs = Set<ByteName>()
        for file in files {
            // Never write outside the folder, whatever a path holds (checked by scalars, as the
            // file system splits paths).
            let segments = file.path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
            if file.path.unicodeScalars.first == "/" || segments.contains(where: { Array($0) == ["."] || Array($0) == [".", "."] || $0.isEmpty }) {
                throw WriteFailure(message: "refusing to write '\(file.path)', which would leave the output folder")
            }
            wanted.insert(ByteName(file.path))
            var dir = parentPath(file.path)
            var missing: [String] = []
            while !dir.isEmpty, wantedDirs.insert(ByteName(dir)).inserted {
                if existing.contains(ByteName(dir)) {  // a file where a folder must go
                    let stale = dir
                    try guardian.guarded { try removeStale(stale, in: root) }
                    existing.remove(ByteName(dir))
                }
                if !existingDirs.contains(ByteName(dir)) { missing.append(dir) }
                dir = parentPath(dir)
            }
            for dir in missing.reversed() {  // parents first
                try guardian.guarded { try FileWriting.makeFolder(rootPath + "/" + dir) }
            }
            if existingDirs.contains(ByteName(file.path)) {  // a folder where a file must go
                try guardian.guarded { try removeStale(file.path, in: root) }
                existingDirs.remove(ByteName(file.path))
            }
        }
        let present = existing
        let failures = Array(files.indices).parallelMap(parallel: parallel) { i -> Error? in
            let file = files[i]
            let target = rootPath + "/" + file.path
            // Written unless the spare already holds these bytes there.
            func put(_ bytes: UnsafeRawBufferPointer) throws {
                if present.contains(ByteName(file.path)), FileWriting.same(bytes, as: target) { return }
                try guardian.guarded { try FileWriting.write(bytes, to: target) }
            }
            do {
                switch file.contents {
                case .text(var text):
                    try text.withUTF8 { try put(UnsafeRawBufferPointer($0)) }
                case .copy(let source):
                    // Ordinary files only (never waits on a FIFO).
                    guard let bytes = SourceText.readFile(source.path) else {
                        throw WriteFailure(message: "cannot read '\(source.path)'")
                    }
                    try bytes.withUnsafeBytes { try put($0) }
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        for stale in existing.subtracting(wanted).map(\.string).sorted() {
            try guardian.guarded { try removeStale(stale, in: root) }
        }
        // Folders no file needs any more, deepest first.
        for dir in existingDirs.subtracting(wantedDirs).map(\.string).sorted(by: { $0.utf8.count > $1.utf8.count }) {
            try guardian.guarded { try removeStale(dir, in: root) }
        }
    }

    /// What a folder holds, below it, by relative path: files, folders and symbolic links (never
    /// followed), listed with `readdir`.
    struct FolderListing {
        var files = Set<ByteName>()
        var folders = Set<ByteName>()
        var links: [String] = []

        init(_ root: String) throws {
            var pending = [""]
            while let relative = pending.popLast() {
                let folder = relative.isEmpty ? root : root + "/" + relative
                guard let dir = opendir(folder) else {
                    if relative.isEmpty { throw WriteFailure(message: "cannot list '\(root)': \(String(cString: strerror(errno)))") }
                    continue  // gone or unreadable: what it holds is removed with it
                }
                defer { closedir(dir) }
                while let entry = readdir(dir) {
                    let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                        pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
                    }
                    if name == "." || name == ".." { continue }
                    let path = relative.isEmpty ? name : relative + "/" + name
                    var type = Int32(entry.pointee.d_type)
                    if type == Int32(DT_UNKNOWN) {
                        var info = stat()
                        guard lstat(root + "/" + path, &info) == 0 else { continue }
                        switch info.st_mode & S_IFMT {
                        case S_IFDIR: type = Int32(DT_DIR)
                        case S_IFLNK: type = Int32(DT_LNK)
                        default: type = Int32(DT_REG)
                        }
                    }
                    switch type {
                    case Int32(DT_DIR):
                        folders.insert(ByteName(path))
                        pending.append(path)
                    case Int32(DT_LNK): links.append(path)
                    default: files.insert(ByteName(path))
                    }
                }
            }
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

    /// `a/b/c.html` → `a/b`; `c.html` → "". By bytes: a `/` followed by a combining mark is one
    /// Character that is not "/", yet the file system splits there. (NSString's
    /// deletingLastPathComponent crashed here on one-component paths.)
    static func parentPath(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(decoding: path.utf8[..<slash], as: UTF8.self)
    }

    /// A path below the output compared and hashed by its UTF-8 bytes, as the file system
    /// compares names: Swift's `String ==` takes canonically equivalent spellings (`é` as one
    /// scalar and as `e` + U+0301) for one, which kept a renamed file's old spelling as if wanted.
    struct ByteName: Hashable {
        var string: String
        init(_ string: String) { self.string = string }

        static func == (a: ByteName, b: ByteName) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }

        func hash(into hasher: inout Hasher) {
            var copy = string
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
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
