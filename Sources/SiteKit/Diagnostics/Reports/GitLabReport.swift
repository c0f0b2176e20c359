import Foundation

/// GitLab's Code Quality report (a JSON array of issues in the Code Climate shape): shown on
/// merge requests. Severity: error → major, warning → minor, note → info.
struct GitLabReport {
    var lines: ReportLines

    func render(_ diagnostics: [Diagnostic]) -> String {
        let fingerprints = Fingerprint.all(diagnostics, lines: lines)
        let issues = zip(diagnostics, fingerprints).map { d, fingerprint in
            Issue(
                description: d.message, check_name: d.code, fingerprint: fingerprint, severity: Self.severity(d.severity),
                location: Location(path: d.position.file, lines: Lines(begin: max(d.position.line, 1))),
                content: d.suggestion.map { Body(body: $0) })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(issues)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func severity(_ s: Diagnostic.Severity) -> String {
        switch s {
        case .error: return "major"
        case .warning: return "minor"
        case .note: return "info"
        }
    }

    struct Issue: Encodable {
        var type = "issue"
        var description: String
        var check_name: String
        var fingerprint: String
        var severity: String
        var location: Location
        var content: Body?
    }
    struct Location: Encodable {
        var path: String
        var lines: Lines
    }
    struct Lines: Encodable { var begin: Int }
    struct Body: Encodable { var body: String }
}
