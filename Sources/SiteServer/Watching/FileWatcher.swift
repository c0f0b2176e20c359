import Foundation

/// What changed below the watched folders.
enum FileChange: Sendable, Equatable {
    /// These files (absolute paths) were written, created, deleted or had their attributes
    /// changed; nothing else did.
    case files(Set<String>)
    /// Something changed that only a full walk can tell (a folder was made, moved or deleted,
    /// events were lost).
    case unknown
}

/// Watches folders and calls back when anything below them may have changed. Callbacks come on
/// the watcher's own thread, often several for one save; `PreviewServer` coalesces them.
protocol FileWatcher: Sendable {
    /// How it watches, for the terminal ("inotify", "polling every 300 ms").
    var description: String { get }
    /// Problems met while watching (a folder that cannot be watched), for the terminal.
    func start(onChange: @escaping @Sendable (FileChange) -> Void, onProblem: @escaping @Sendable (String) -> Void) throws
    func stop()
}

/// Changes gathered between two rebuilds.
struct PendingChanges: Sendable {
    var files: Set<String> = []
    var unknown = false

    mutating func add(_ change: FileChange) {
        switch change {
        case .files(let paths): files.formUnion(paths)
        case .unknown: unknown = true
        }
    }
}

/// How `serve` finds changes.
public enum WatchMode: Sendable, Equatable {
    /// inotify on Linux; polling elsewhere.
    case native
    /// Compare every file's size and modification time at this interval.
    case poll(interval: Duration)

    func makeWatcher(roots: [URL]) -> any FileWatcher {
        switch self {
        case .native:
            #if os(Linux)
            return InotifyWatcher(roots: roots)
            #else
            return PollingWatcher(roots: roots, interval: .milliseconds(300))
            #endif
        case .poll(let interval):
            return PollingWatcher(roots: roots, interval: interval)
        }
    }
}

/// Walks a watched tree the way the build reads it: hidden names skipped, symlinked folders not
/// followed (a symlink loop cannot hang the watcher).
enum WatchedTree {
    /// Every folder below `root`, `root` first; empty when `root` is not a folder.
    static func folders(below root: URL) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        var result = [root.path]
        var index = 0
        while index < result.count {
            let folder = result[index]
            index += 1
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = folder + "/" + name
                var info = stat()
                if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { result.append(path) }
            }
        }
        return result
    }
}
