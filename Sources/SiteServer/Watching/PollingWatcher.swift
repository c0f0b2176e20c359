import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds changes by comparing every file's size, modification time and inode at an interval:
/// for file systems without inotify (network and container mounts) and other systems.
final class PollingWatcher: FileWatcher, @unchecked Sendable {
    let roots: [URL]
    let interval: Duration
    private let stopped = Locked(false)

    var description: String { "polling every \(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000) ms" }

    init(roots: [URL], interval: Duration) {
        self.roots = roots.map(\.standardizedFileURL)
        self.interval = interval
    }

    struct Stamp: Equatable {
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
        var inode: UInt64
        var mode: UInt32
    }

    /// Every file and folder below the roots, with its stamp.
    func scan() -> [String: Stamp] {
        var result: [String: Stamp] = [:]
        for root in roots {
            for folder in WatchedTree.folders(below: root) {
                result[folder] = stamp(folder)
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
                for name in names where !name.hasPrefix(".") {
                    let path = folder + "/" + name
                    if let s = stamp(path) { result[path] = s }
                }
            }
        }
        return result
    }

    private func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        var stamp = Stamp(size: Int64(info.st_size), modifiedSeconds: 0, modifiedNanoseconds: 0, inode: UInt64(info.st_ino), mode: UInt32(info.st_mode))
        #if canImport(Darwin)
        stamp.modifiedSeconds = info.st_mtimespec.tv_sec
        stamp.modifiedNanoseconds = info.st_mtimespec.tv_nsec
        #else
        stamp.modifiedSeconds = info.st_mtim.tv_sec
        stamp.modifiedNanoseconds = info.st_mtim.tv_nsec
        #endif
        // A symlink: stamp what it points to as well, so editing the target counts.
        if (info.st_mode & S_IFMT) == S_IFLNK, stat(path, &info) == 0 {
            stamp.size ^= Int64(info.st_size)
            #if canImport(Darwin)
            stamp.modifiedNanoseconds ^= info.st_mtimespec.tv_nsec
            #else
            stamp.modifiedNanoseconds ^= info.st_mtim.tv_nsec
            #endif
        }
        return stamp
    }

    func start(onChange: @escaping @Sendable (FileChange) -> Void, onProblem: @escaping @Sendable (String) -> Void) throws {
        let initial = scan()
        let thread = Thread { [self] in
            var previous = initial
            while !stopped.current {
                let (seconds, attoseconds) = interval.components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
                if stopped.current { break }
                let now = scan()
                if now != previous {
                    onChange(Self.difference(previous, now))
                    previous = now
                }
            }
        }
        thread.name = "clinic-site poll"
        thread.start()
    }

    /// The files whose stamps differ; unknown when a folder appeared or went, or something
    /// other than a regular file changed (a folder's own time changes with every file made in it:
    /// that alone is no change).
    static func difference(_ old: [String: Stamp], _ new: [String: Stamp]) -> FileChange {
        var paths = Set<String>()
        for (path, stamp) in new where old[path] != stamp { paths.insert(path) }
        for path in old.keys where new[path] == nil { paths.insert(path) }
        var files = Set<String>()
        for path in paths {
            let kinds = [old[path], new[path]].map { $0.map { $0.mode & UInt32(S_IFMT) } }
            if kinds[0] == UInt32(S_IFDIR), kinds[1] == UInt32(S_IFDIR) { continue }
            if kinds.contains(where: { $0 != nil && $0 != UInt32(S_IFREG) }) { return .unknown }
            files.insert(path)
        }
        return .files(files)
    }

    func stop() {
        stopped.withLock { $0 = true }
    }
}
