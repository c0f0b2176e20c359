import SiteKit

extension BuildResult {
    /// Diagnostics as compact lines, `file:line:col: severity: code`, for exact assertions.
    package var lines: [String] { diagnostics.map { "\($0.position): \($0.severity.rawValue): \($0.code)" } }
    package var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    package func codes(_ severity: Diagnostic.Severity? = nil) -> [String] {
        diagnostics.filter { severity == nil || $0.severity == severity }.map(\.code)
    }
}
