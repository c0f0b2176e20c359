import CFuzzDriver
import Foundation

/// Runs libFuzzer with `test` as the target. SwiftPM renames an executable's entry point to
/// `<Module>_main`, so every fuzz target defines that and calls this.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, test)
}

/// The input as bytes.
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// An invariant: when it does not hold, print why and abort, which libFuzzer reports as a crash
/// and saves the input as `crash-…`.
public func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        let text = "INVARIANT FAILED (\(file):\(line)): \(message())\n"
        FileHandle.standardError.write(Data(text.utf8))
        abort()
    }
}

/// Invariants that known, reported bugs break (docs/robustness.md): checked only with
/// FUZZ_KNOWN_BUGS=1, so the fuzzers keep looking for new ones meanwhile. Turn one on (move it to
/// `invariant`) once its bug is fixed.
public let checkKnownBugs = ProcessInfo.processInfo.environment["FUZZ_KNOWN_BUGS"] == "1"

public func knownBug(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard checkKnownBugs else { return }
    invariant(condition(), "known bug: " + message(), file: file, line: line)
}

/// Counts the lines of `text` as an editor does (a final line without a newline counts).
public func lineCount(_ text: String) -> Int {
    text.utf8.reduce(1) { $1 == 10 ? $0 + 1 : $0 }
}

/// The segments of a path, split at every '/' byte. Paths are checked as bytes, as the file system
/// sees them: Swift's `split(separator: "/")` works on grapheme clusters, and "/" followed by a
/// combining mark (or preceded by a prepended mark such as U+0600) is not a "/" Character.
public func pathSegments(_ path: String) -> [String] {
    path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
}

/// True when `path` starts with a '/' byte.
public func startsWithSlash(_ path: String) -> Bool { path.utf8.first == UInt8(ascii: "/") }

/// Whether `needle` occurs in `text`, byte for byte. (`String.contains` compares grapheme clusters:
/// `id="x">` is not found in `id="x">\u{0301}…` because the '>' and the combining mark form one.)
public func containsBytes(_ text: String, _ needle: String) -> Bool {
    let hay = Array(text.utf8)
    let n = Array(needle.utf8)
    guard !n.isEmpty, hay.count >= n.count else { return n.isEmpty }
    var i = 0
    while i + n.count <= hay.count {
        if hay[i] == n[0], hay[i..<(i + n.count)].elementsEqual(n) { return true }
        i += 1
    }
    return false
}

/// `hasPrefix` and `hasSuffix` byte for byte (see `containsBytes`).
public func hasPrefixBytes(_ text: String, _ prefix: String) -> Bool { text.utf8.starts(with: prefix.utf8) }
public func hasSuffixBytes(_ text: String, _ suffix: String) -> Bool { text.utf8.reversed().starts(with: suffix.utf8.reversed()) }
