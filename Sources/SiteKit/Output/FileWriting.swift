import CSystemSupport
import Foundation

/// The one place files are written, so tests can make a write fail half way
/// (`CLINIC_SITE_FAIL_WRITE_AFTER=N` fails the write after N files).
enum FileWriting {
    nonisolated(unsafe) static var written = 0
    nonisolated(unsafe) static var failAfterForTesting: Int? = nil
    static let failAfterFromEnvironment: Int? = ProcessInfo.processInfo.environment["CLINIC_SITE_FAIL_WRITE_AFTER"].flatMap(Int.init)
    private static let counting = NSLock()

    /// A new write counts its files from zero.
    static func startCounting() {
        counting.lock()
        written = 0
        counting.unlock()
    }

    /// True when the file at `path` holds exactly `bytes`.
    static func same(_ bytes: UnsafeRawBufferPointer, as path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        guard bytes.count > 0 else { return true }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        defer { buffer.deallocate() }
        var offset = 0
        while offset < bytes.count {
            let n = read(fd, buffer.baseAddress! + offset, bytes.count - offset)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return memcmp(buffer.baseAddress!, bytes.baseAddress!, bytes.count) == 0
    }

    /// Makes one folder whose parent exists; one that is already there is fine.
    static func makeFolder(_ path: String) throws {
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw OutputWriter.WriteFailure(message: "cannot create the folder '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        if let failAfter = failAfterForTesting ?? failAfterFromEnvironment {
            counting.lock()
            written += 1
            let fails = written > failAfter
            counting.unlock()
            if fails { throw OutputWriter.WriteFailure(message: "simulated failure after \(failAfter) files") }
        }
        // A new file, never the old one rewritten: the old may be hard-linked from elsewhere (a
        // release kept with `cp -al output release-1`), and O_TRUNC would change that copy too.
        if unlink(path) != 0, errno != ENOENT {
            throw OutputWriter.WriteFailure(message: "cannot replace '\(path)': \(String(cString: strerror(errno)))")
        }
        // POSIX write: Foundation's Data.write took ~6 ms a file here (10x `cp -r`).
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw OutputWriter.WriteFailure(message: "cannot create '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputWriter.WriteFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
