/// One problem found by the build: a severity, a stable code, where, what, and how to fix it.
public struct Diagnostic: Error, Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning, note

        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// A stable code such as `link.missing-page`; documented in README.
    public var code: String
    public var position: SourcePosition
    public var message: String
    public var suggestion: String?

    public init(_ severity: Severity, _ code: String, at position: SourcePosition, _ message: String, suggestion: String? = nil) {
        self.severity = severity
        self.code = code
        self.position = position
        self.message = message
        self.suggestion = suggestion
    }

    public static func error(_ code: String, at position: SourcePosition, _ message: String, suggestion: String? = nil) -> Diagnostic {
        Diagnostic(.error, code, at: position, message, suggestion: suggestion)
    }

    public static func warning(_ code: String, at position: SourcePosition, _ message: String, suggestion: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code, at: position, message, suggestion: suggestion)
    }
}

extension Array where Element == Diagnostic {
    /// Sorted by file and position, then severity, code and message, so output is stable.
    public func sortedForReport() -> [Diagnostic] {
        sorted {
            ($0.position, $0.severity, $0.code, $0.message) < ($1.position, $1.severity, $1.code, $1.message)
        }
    }

    public var errorCount: Int { count { $0.severity == .error } }
    public var warningCount: Int { count { $0.severity == .warning } }
}

/// Collects diagnostics from the stages of one build.
public struct DiagnosticBag: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func add(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func add(contentsOf diagnostics: [Diagnostic]) { all.append(contentsOf: diagnostics) }
    public var hasErrors: Bool { all.contains { $0.severity == .error } }
}
