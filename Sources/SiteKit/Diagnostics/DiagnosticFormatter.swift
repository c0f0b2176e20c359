import Foundation

/// Prints diagnostics in the three formats the CLI offers.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    /// `file:line:col: error: message [code]`, the source line and a caret, as compilers print.
    case human
    /// One JSON document: `{"diagnostics":[…],"summary":{…}}`.
    case json
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`).
    case github
}

public struct DiagnosticFormatter: Sendable {
    public var format: DiagnosticFormat
    /// Reads a source file's text for the human format's excerpt (nil when unavailable).
    public var sourceText: @Sendable (String) -> String?

    public init(format: DiagnosticFormat, sourceText: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.format = format
        self.sourceText = sourceText
    }

    public struct Summary: Sendable, Codable, Hashable {
        public var errors: Int
        public var warnings: Int
        public var pages: Int
    }

    /// The whole report for `diagnostics` (already sorted).
    public func report(_ diagnostics: [Diagnostic], pages: Int) -> String {
        switch format {
        case .human:
            // Split each file into lines once, not once per diagnostic.
            var lines: [String: [Substring]] = [:]
            return diagnostics.map { d in
                if lines[d.position.file] == nil, d.position.line > 0 {
                    lines[d.position.file] = sourceText(d.position.file).map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
                }
                return human(d, lines: lines[d.position.file] ?? [])
            }.joined()
        case .github: return diagnostics.map(github).joined()
        case .json: return json(diagnostics, pages: pages)
        }
    }

    func human(_ d: Diagnostic, lines: [Substring]) -> String {
        var out = "\(d.position): \(d.severity.rawValue): \(d.message) [\(d.code)]\n"
        if d.position.line > 0 {
            if d.position.line <= lines.count {
                let line = String(lines[d.position.line - 1])
                let number = String(d.position.line)
                let gutter = String(repeating: " ", count: number.count)
                out += " \(number) | \(line)\n"
                if d.position.column > 0 {
                    // Columns count UTF-8 bytes; the caret goes under the character that starts there.
                    let prefixBytes = Array(line.utf8.prefix(d.position.column - 1))
                    let prefix = String(decoding: prefixBytes, as: UTF8.self)
                    let pad = String(prefix.map { $0 == "\t" ? "\t" : " " })
                    out += " \(gutter) | \(pad)^\n"
                }
            }
        }
        if let suggestion = d.suggestion {
            out += "  help: \(suggestion)\n"
        }
        return out
    }

    func github(_ d: Diagnostic) -> String {
        let kind = d.severity == .error ? "error" : (d.severity == .warning ? "warning" : "notice")
        var props = ["file=\(escapeProperty(d.position.file))"]
        if d.position.line > 0 { props.append("line=\(d.position.line)") }
        if d.position.column > 0 { props.append("col=\(d.position.column)") }
        props.append("title=\(escapeProperty(d.code))")
        var message = d.message
        if let suggestion = d.suggestion { message += "\n" + suggestion }
        return "::\(kind) \(props.joined(separator: ","))::\(escapeData(message))\n"
    }

    func json(_ diagnostics: [Diagnostic], pages: Int) -> String {
        struct Entry: Encodable {
            var severity: String
            var code: String
            var file: String
            var line: Int
            var column: Int
            var message: String
            var suggestion: String?

            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(severity, forKey: .severity)
                try c.encode(code, forKey: .code)
                try c.encode(file, forKey: .file)
                try c.encode(line, forKey: .line)
                try c.encode(column, forKey: .column)
                try c.encode(message, forKey: .message)
                // Always present, null when there is none, so consumers see a fixed shape.
                try c.encode(suggestion, forKey: .suggestion)
            }

            enum CodingKeys: String, CodingKey { case severity, code, file, line, column, message, suggestion }
        }
        struct Report: Encodable {
            var diagnostics: [Entry]
            var summary: Summary
        }
        let report = Report(
            diagnostics: diagnostics.map {
                Entry(
                    severity: $0.severity.rawValue, code: $0.code, file: $0.position.file, line: $0.position.line,
                    column: $0.position.column, message: $0.message, suggestion: $0.suggestion)
            },
            summary: Summary(errors: diagnostics.errorCount, warnings: diagnostics.warningCount, pages: pages))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
