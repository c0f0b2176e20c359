import CSystemSupport
import Foundation

/// The staging folder of a write in progress, and the lock that keeps writing and an interrupt
/// apart: the writer changes the staging folder and swaps it in only inside `guarded`, and the
/// interrupt handler (`interrupt`) takes the same lock, puts the staging folder away and exits
/// without ever releasing it. So a signal never removes a folder the writer is still filling
/// (which left `.output.staging-PID` behind), and never lands between the swap and the move of
/// the old build to the spare.
///
/// The lock is a read-write lock: the writer's threads hold it shared, one file each, and the
/// interrupt holds it exclusive, so it waits for the files being written and no other starts
/// (writers are preferred to new readers, so it does not wait for the whole site).
public final class StagingCleanup: @unchecked Sendable {
    public static let shared = StagingCleanup()
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
    private let state = NSLock()
    private var staging: String?
    private var spare: String?
    private var cancelled = false
    private var replaced = false

    init() {
        clinic_rwlock_init_prefer_writer(lock)
    }

    func begin(staging: String, spare: String) {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        state.lock()
        self.staging = staging
        self.spare = spare
        replaced = false
        state.unlock()
    }

    func end() {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        state.lock()
        staging = nil
        spare = nil
        state.unlock()
    }

    /// Runs `body`, a change to the staging folder or the output, unless the build was
    /// interrupted; an interrupt waits until it is done. Several may run at once.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        if cancelled { throw OutputWriter.WriteFailure(message: "interrupted") }
        return try body()
    }

    /// Runs `body`, a clean-up after a failed write, unless the build was interrupted (the
    /// handler then puts the staging folder away itself).
    func unlessInterrupted(_ body: () -> Void) {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        if !cancelled { body() }
    }

    /// Records, inside `guarded`, that the new build is now the output.
    func replacedOutput() {
        state.lock()
        replaced = true
        state.unlock()
    }

    /// For the SIGINT/SIGTERM handler: stops every further write, puts away the staging folder
    /// of a write in progress (renamed to the spare, which the next write checks file by file,
    /// or removed), then calls `exit` with whether this build had already replaced the output.
    /// The lock is never released, so nothing is written after this.
    public func interrupt(then exit: (_ outputReplaced: Bool) -> Never) -> Never {
        pthread_rwlock_wrlock(lock)
        cancelled = true
        state.lock()
        let (staging, spare, replaced) = (self.staging, self.spare, self.replaced)
        state.unlock()
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
