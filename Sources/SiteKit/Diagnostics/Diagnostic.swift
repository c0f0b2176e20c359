/// One problem found by the build: a severity, a stable code, where, what, and how to fix it.
public struct Diagnostic: Error, Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning, note

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

        /// Errors first, then warnings, then notes.
        var rank: Int {
            switch self {
            case .error: return 0
            case .warning: return 1
            case .note: return 2
            }
        }
    }

    public var severity: Severity
    /// A stable code such as `link.missing-page`; documented in docs/checks.md.
    public var code: String
    public var position: SourcePosition
    public var message: String
    public var suggestion: String?
    /// The exact edit that resolves it, when the check knows one (the suggestion says it in words).
    public var fix: Fix?

    public init(_ severity: Severity, _ code: String, at position: SourcePosition, _ message: String, suggestion: String? = nil, fix: Fix? = nil) {
        self.severity = severity
        self.code = code
        self.position = position
        self.message = message
        self.suggestion = suggestion
        self.fix = fix
    }

    public static func error(_ code: String, at position: SourcePosition, _ message: String, suggestion: String? = nil, fix: Fix? = nil) -> Diagnostic {
        Diagnostic(.error, code, at: position, message, suggestion: suggestion, fix: fix)
    }

    public static func warning(_ code: String, at position: SourcePosition, _ message: String, suggestion: String? = nil, fix: Fix? = nil) -> Diagnostic {
        Diagnostic(.warning, code, at: position, message, suggestion: suggestion, fix: fix)
    }
}

extension Array where Element == Diagnostic {
    /// Sorted by file and position, then severity, code and message, so output is stable.
    public func sortedForReport() -> [Diagnostic] {
        // Files are compared once, as ranks: comparing long paths with a shared prefix took most
        // of sorting 27,000 warnings. The numbers are sorted in a compact array, and only equal
        // positions look at the diagnostics themselves (copying each one into every comparison
        // was most of sorting 110,000).
        let files = Set(map(\.position.file)).sorted()
        var rank: [String: Int] = [:]
        for (i, f) in files.enumerated() { rank[f] = i }
        var keys = enumerated().map { i, d in SortKey(file: rank[d.position.file]!, line: d.position.line, column: d.position.column, index: i) }
        withUnsafeBufferPointer { all in
            keys.sort { a, b in
                if (a.file, a.line, a.column) != (b.file, b.line, b.column) { return (a.file, a.line, a.column) < (b.file, b.line, b.column) }
                let x = all[a.index]
                let y = all[b.index]
                if (x.severity, x.code, x.message) != (y.severity, y.code, y.message) { return (x.severity, x.code, x.message) < (y.severity, y.code, y.message) }
                return a.index < b.index
            }
        }
        return keys.map { self[$0.index] }
    }

    /// Where `file`'s diagnostics stand in a report sorted by `sortedForReport`, which sorts by
    /// file first (an empty range where they would go).
    public func run(of file: String) -> Range<Int> {
        withUnsafeBufferPointer { all in
            func first(_ after: (String) -> Bool) -> Int {
                var low = 0
                var high = all.count
                while low < high {
                    let mid = (low + high) / 2
                    if after(all[mid].position.file) { high = mid } else { low = mid + 1 }
                }
                return low
            }
            return first { $0 >= file }..<first { $0 > file }
        }
    }

    private struct SortKey {
        var file: Int
        var line: Int
        var column: Int
        var index: Int
    }

    // Through the buffer: `count { … }` copied every diagnostic (27,000 on each `serve` rebuild).
    public var errorCount: Int { withUnsafeBufferPointer { all in all.indices.count { all[$0].severity == .error } } }
    public var warningCount: Int { withUnsafeBufferPointer { all in all.indices.count { all[$0].severity == .warning } } }
}

/// Collects diagnostics from the stages of one build.
public struct DiagnosticBag: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func add(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func add(contentsOf diagnostics: [Diagnostic]) { all.append(contentsOf: diagnostics) }
    public var hasErrors: Bool { all.contains { $0.severity == .error } }
}
