#if os(Linux)
import Foundation
import Glibc

/// Watches every folder below the roots with inotify, adding watches for folders created or
/// moved in, and watching again a root that was deleted and made anew.
///
/// One thread reads the inotify descriptor (with `poll`, so `stop()` ends it within 250 ms).
/// Moves, deletions, creations, writes and attribute changes all count as changes; names
/// starting with `.` (editor swap files, `.git`) do not, as the build skips them too.
final class InotifyWatcher: FileWatcher, @unchecked Sendable {
    let roots: [URL]
    var description: String { "inotify" }

    private struct Watches {
        var fd: Int32 = -1
        var paths: [Int32: String] = [:]
        var stopped = false
        var reportedLimit = false
    }

    private let state = Locked(Watches())
    private let eventMask: UInt32 = UInt32(
        IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF) | UInt32(IN_ONLYDIR)

    init(roots: [URL]) {
        self.roots = roots.map(\.standardizedFileURL)
    }

    func start(onChange: @escaping @Sendable (FileChange) -> Void, onProblem: @escaping @Sendable (String) -> Void) throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            throw WatchError("inotify is not available (\(String(cString: strerror(errno)))); run with --poll")
        }
        state.withLock { $0.fd = fd }
        _ = resync(onProblem: onProblem)
        let thread = Thread { [self] in run(fd: fd, onChange: onChange, onProblem: onProblem) }
        thread.name = "clinic-site inotify"
        thread.start()
    }

    func stop() {
        state.withLock { $0.stopped = true }
    }

    /// Watches every folder below the roots (again): new folders get a watch, moved folders get
    /// their new path. Returns whether every root is watched.
    @discardableResult
    private func resync(onProblem: @Sendable (String) -> Void) -> Bool {
        var allRoots = true
        for root in roots {
            let folders = WatchedTree.folders(below: root)
            if folders.isEmpty { allRoots = false }
            for folder in folders { addWatch(folder, onProblem: onProblem) }
        }
        return allRoots
    }

    private func addWatch(_ path: String, onProblem: @Sendable (String) -> Void) {
        let problem: String? = state.withLock { watches in
            guard watches.fd >= 0 else { return nil }
            let wd = inotify_add_watch(watches.fd, path, eventMask)
            if wd >= 0 {
                watches.paths[wd] = path
                return nil
            }
            let code = errno
            if code == ENOSPC, !watches.reportedLimit {
                watches.reportedLimit = true
                return "cannot watch more folders: the system's inotify limit is reached (fs.inotify.max_user_watches); run with --poll"
            }
            if code == ENOENT || code == ENOTDIR { return nil }  // gone again already
            return "cannot watch '\(path)': \(String(cString: strerror(code)))"
        }
        if let problem { onProblem(problem) }
    }

    private func run(fd: Int32, onChange: @Sendable (FileChange) -> Void, onProblem: @Sendable (String) -> Void) {
        defer {
            state.withLock { $0.fd = -1 }
            close(fd)
        }
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        var rootsMissing = !roots.allSatisfy { root in state.withLock { $0.paths.values.contains(root.path) } }
        var lastRootCheck = Date()
        while !state.withLock({ $0.stopped }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 250)
            var changed = false
            var needsResync = false
            var pending = PendingChanges()
            if ready > 0 {
                while true {
                    let count = read(fd, buffer, bufferSize)
                    if count <= 0 { break }
                    var offset = 0
                    // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
                    while offset + 16 <= count {
                        let wd = buffer.load(fromByteOffset: offset, as: Int32.self)
                        let mask = buffer.load(fromByteOffset: offset + 4, as: UInt32.self)
                        let length = Int(buffer.load(fromByteOffset: offset + 12, as: UInt32.self))
                        var name = ""
                        if length > 0 {
                            let start = buffer.advanced(by: offset + 16).assumingMemoryBound(to: CChar.self)
                            name = String(cString: start)
                        }
                        offset += 16 + length
                        let event = handle(wd: wd, mask: mask, name: name, onProblem: onProblem)
                        changed = changed || event.changed
                        needsResync = needsResync || event.resync
                        if event.changed {
                            if let path = event.path { pending.add(.files([path])) } else { pending.add(.unknown) }
                        }
                    }
                }
            }
            if needsResync {
                rootsMissing = !resync(onProblem: onProblem)
            }
            // A root that does not exist (yet, or any more): look for it once a second.
            if rootsMissing, Date().timeIntervalSince(lastRootCheck) >= 1 {
                lastRootCheck = Date()
                if resync(onProblem: onProblem) {
                    rootsMissing = false
                    changed = true
                    pending.add(.unknown)
                }
            }
            if changed { onChange(pending.unknown || needsResync ? .unknown : .files(pending.files)) }
        }
    }

    /// Whether the event changes anything, whether the watches must be read again, and the file
    /// it is about (nil when it is about a folder, or unknown).
    private func handle(wd: Int32, mask: UInt32, name: String, onProblem: @Sendable (String) -> Void) -> (changed: Bool, resync: Bool, path: String?) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            // Events were lost: rebuild, and watch every folder again.
            return (true, true, nil)
        }
        let folder = state.withLock { $0.paths[wd] }
        if mask & UInt32(IN_IGNORED) != 0 {
            state.withLock { _ = $0.paths.removeValue(forKey: wd) }
            // A watched root went away: keep looking for it.
            let wasRoot = folder.map { path in roots.contains { $0.path == path } } ?? false
            return (wasRoot, wasRoot, nil)
        }
        if !name.isEmpty, name.hasPrefix(".") { return (false, false, nil) }
        let isFolder = mask & UInt32(IN_ISDIR) != 0
        if isFolder, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, let folder {
            // Watch the new folder and everything already inside it.
            for path in WatchedTree.folders(below: URL(fileURLWithPath: folder + "/" + name)) {
                addWatch(path, onProblem: onProblem)
            }
        }
        // A folder moved away or in keeps its watch under a stale path: re-read the paths.
        let resync = (isFolder && mask & UInt32(IN_MOVED_FROM | IN_MOVED_TO) != 0) || mask & UInt32(IN_MOVE_SELF | IN_DELETE_SELF) != 0
        // A file in a watched folder; anything about a folder (made, moved, deleted) is unknown.
        let path = !isFolder && !name.isEmpty && !resync ? folder.map { $0 + "/" + name } : nil
        return (true, resync, path)
    }
}
#endif

/// A watcher that cannot start.
struct WatchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
