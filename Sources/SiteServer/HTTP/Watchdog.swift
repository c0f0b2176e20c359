import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The time limits of every connection, kept by one task that looks every 100 ms: a
/// connection past its deadline has its socket shut down for reading (or, while writing, both
/// ways), which wakes whatever waits on it. One sleeping task per read or write instead (a race
/// with `Task.sleep`) kept every cancelled sleep's memory until its deadline: tens of MiB under
/// `make load-test`.
final class Watchdog: Sendable {
    private struct Entry {
        var fd: Int32
        var deadline: ContinuousClock.Instant?
        var writing = false
        var expired = false
    }
    private struct Entries {
        var byID: [Int: Entry] = [:]
        var next = 0
    }
    private let entries = Locked(Entries())

    func register(_ fd: Int32) -> Int {
        entries.withLock { e in
            e.next += 1
            e.byID[e.next] = Entry(fd: fd)
            return e.next
        }
    }

    /// Sets (or, with nil, clears) the connection's deadline.
    func set(_ id: Int, deadline: ContinuousClock.Instant?, writing: Bool = false) {
        entries.withLock { e in
            guard var entry = e.byID[id], !entry.expired else { return }
            entry.deadline = deadline
            entry.writing = writing
            e.byID[id] = entry
        }
    }

    func expired(_ id: Int) -> Bool { entries.withLock { $0.byID[id]?.expired ?? false } }

    /// Forgets the connection; called before its descriptor is closed, so that the sweep never
    /// shuts down a descriptor number that another connection has been given since.
    func remove(_ id: Int) { _ = entries.withLock { $0.byID.removeValue(forKey: id) } }

    func sweep(now: ContinuousClock.Instant = .now) {
        entries.withLock { e in
            for (id, entry) in e.byID where !entry.expired {
                guard let deadline = entry.deadline, deadline <= now else { continue }
                e.byID[id]?.expired = true
                shutdown(entry.fd, Int32(entry.writing ? SHUT_RDWR : SHUT_RD))
            }
        }
    }

    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            sweep()
        }
    }
}
