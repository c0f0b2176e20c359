import Foundation
import SiteMarkdown

/// The report formats: `--format` prints one, `--report FORMAT=PATH` writes any to a file.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    /// `file:line:col: error: message [code]`, the source line and a caret, as compilers print.
    case human
    /// One JSON document: `{"diagnostics":[…],"summary":{…}}`.
    case json
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`), 10 of each
    /// level, errors first (`GitHubReport`).
    case github
    /// SARIF 2.1.0, for code scanning (`SARIFReport`).
    case sarif
    /// JUnit XML, one suite per check family (`JUnitReport`).
    case junit
    /// GitLab Code Quality JSON (`GitLabReport`).
    case gitlab
    /// The Markdown of GitHub's step summary: counts and a table of every diagnostic.
    case markdown
}

public struct DiagnosticFormatter: Sendable {
    public var format: DiagnosticFormat
    /// Reads a source file's text for the human format's excerpt (nil when unavailable).
    public var sourceText: @Sendable (String) -> String?
    /// The files checked and the repository's address, for the CI formats.
    public var context: ReportContext

    public init(format: DiagnosticFormat, sourceText: @escaping @Sendable (String) -> String? = { _ in nil }, context: ReportContext = ReportContext()) {
        self.format = format
        self.sourceText = sourceText
        self.context = context
    }

    public struct Summary: Sendable, Codable, Hashable {
        public var errors: Int
        public var warnings: Int
        public var pages: Int
    }

    /// The whole report for `diagnostics` (already sorted).
    public func report(_ diagnostics: [Diagnostic], pages: Int) -> String {
        var out = ""
        write(diagnostics, pages: pages) { out += $0 }
        return out
    }

    /// The report in pieces of about `chunkSize` bytes, in order, so that a long report (100,000
    /// warnings on a large site) can be printed without holding it whole.
    public func write(_ diagnostics: [Diagnostic], pages: Int, chunkSize: Int = 1 << 16, to sink: (String) -> Void) {
        switch format {
        case .human:
            // Batches of diagnostics formatted on all cores, each batch in slices that split each
            // of their files into lines once; printed in order as each batch is done.
            let batch = 4096
            let slices = 8
            var start = 0
            while start < diagnostics.count {
                let part = Array(diagnostics[start..<min(start + batch, diagnostics.count)])
                let per = (part.count + slices - 1) / slices
                let texts: [String] = Array(0..<slices).parallelMap { k in
                    var lines: [String: LineLocator?] = [:]
                    var out = ""
                    for d in part[min(k * per, part.count)..<min((k + 1) * per, part.count)] {
                        if lines.index(forKey: d.position.file) == nil, d.position.line > 0 {
                            lines[d.position.file] = .some(sourceText(d.position.file).map { LineLocator($0) })
                        }
                        human(d, lines: lines[d.position.file] ?? nil, into: &out)
                    }
                    return out
                }
                var chunk = ""
                for text in texts {
                    chunk += text
                    if chunk.utf8.count >= chunkSize {
                        sink(chunk)
                        chunk = ""
                    }
                }
                if !chunk.isEmpty { sink(chunk) }
                start += batch
            }
        case .github: sink(GitHubReport(context: context).annotations(diagnostics))
        case .json: sink(json(diagnostics, pages: pages))
        case .sarif: sink(SARIFReport(context: context, lines: ReportLines(sourceText)).render(diagnostics))
        case .junit: sink(JUnitReport(context: context).render(diagnostics))
        case .gitlab: sink(GitLabReport(lines: ReportLines(sourceText)).render(diagnostics))
        case .markdown: sink(GitHubReport(context: context).summary(diagnostics, pages: pages))
        }
    }

    /// Source lines longer than this many characters are shown clipped around the caret.
    static let maxExcerpt = 160

    /// Appends one diagnostic's report to `out` (appended piece by piece: building each line
    /// as its own string was most of the report's allocations).
    func human(_ d: Diagnostic, lines: LineLocator?, into out: inout String) {
        out += d.position.file
        if d.position.line > 0 {
            out += ":"
            out += String(d.position.line)
            if d.position.column > 0 {
                out += ":"
                out += String(d.position.column)
            }
        }
        out += ": "
        out += d.severity.rawValue
        out += ": "
        out += d.message
        out += " ["
        out += d.code
        out += "]\n"
        if d.position.line > 0, let lines {
            if let shown = lines.line(d.position.line) {
                let (line, caret) = Self.excerpt(shown, column: d.position.column)
                let number = String(d.position.line)
                out += " "
                out += number
                out += " | "
                out += line
                out += "\n"
                if let caret {
                    out += " "
                    out += String(repeating: " ", count: number.utf8.count)
                    out += " | "
                    out += caret
                    out += "^\n"
                }
            }
        }
        if let suggestion = d.suggestion {
            out += "  help: "
            out += suggestion
            out += "\n"
        }
    }

    /// The line to show and the padding before the caret (nil without a column). A line longer
    /// than `maxExcerpt` characters is cut to a window around the caret, marked with `…`, so a
    /// long paragraph is not printed whole for each of its diagnostics.
    static func excerpt(_ line: Substring, column: Int) -> (String, String?) {
        // ASCII: a character is a byte (the usual case, and much cheaper than Characters). Read
        // in place: a paragraph is one long line, shown for each of its diagnostics.
        func ascii(_ b: UnsafeBufferPointer<UInt8>) -> (String, String?)? {
            guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
            func pad(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> String { String(decoding: s.lazy.map { $0 == 9 ? 9 : 32 }, as: UTF8.self) }
            let caret = min(max(column - 1, 0), b.count)
            guard b.count > maxExcerpt else { return (String(decoding: b, as: UTF8.self), column > 0 ? pad(b[..<caret]) : nil) }
            let start = max(0, min(caret - maxExcerpt / 2, b.count - maxExcerpt))
            let end = start + maxExcerpt
            let shown = (start > 0 ? "…" : "") + String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self) + (end < b.count ? "…" : "")
            guard column > 0 else { return (shown, nil) }
            return (shown, (start > 0 ? " " : "") + pad(b[start..<caret]))
        }
        if let found = line.utf8.withContiguousStorageIfAvailable(ascii) ?? Array(line.utf8).withUnsafeBufferPointer(ascii) {
            return found
        }
        // Columns count UTF-8 bytes; the caret goes under the character that starts there.
        let prefix = column > 0 ? String(decoding: line.utf8.prefix(column - 1), as: UTF8.self) : ""
        func pad(_ s: Substring) -> String { String(s.map { $0 == "\t" ? "\t" : " " }) }
        guard line.utf8.count > maxExcerpt, line.count > maxExcerpt else {
            return (String(line), column > 0 ? pad(prefix[...]) : nil)
        }
        let caretIndex = column > 0 ? prefix.count : 0
        let start = max(0, min(caretIndex - maxExcerpt / 2, line.count - maxExcerpt))
        let from = line.index(line.startIndex, offsetBy: start)
        let to = line.index(from, offsetBy: maxExcerpt)
        let lead = start > 0 ? "…" : ""
        let shown = lead + line[from..<to] + (to < line.endIndex ? "…" : "")
        guard column > 0 else { return (shown, nil) }
        let before = line[from...].prefix(caretIndex - start)
        return (shown, (start > 0 ? " " : "") + pad(before))
    }

    /// One GitHub annotation.
    func github(_ d: Diagnostic) -> String { GitHubReport.annotation(d) }

    /// The JSON report, written by hand: JSONEncoder (sorted keys, pretty printed) took a tenth
    /// of a 5,000-page check with 27,000 warnings. `HandWrittenJSONTests` compares the two.
    func json(_ diagnostics: [Diagnostic], pages: Int) -> String {
        guard !diagnostics.isEmpty else { return encoded(diagnostics, pages: pages) }
        var out = "{\n  \"diagnostics\" : [\n"
        out.reserveCapacity(diagnostics.count * 300)
        for (i, d) in diagnostics.enumerated() {
            out += "    {\n      \"code\" : "
            Self.appendJSON(d.code, to: &out)
            out += ",\n      \"column\" : \(d.position.column),\n      \"file\" : "
            Self.appendJSON(d.position.file, to: &out)
            out += ",\n      \"line\" : \(d.position.line),\n      \"message\" : "
            Self.appendJSON(d.message, to: &out)
            out += ",\n      \"severity\" : "
            Self.appendJSON(d.severity.rawValue, to: &out)
            out += ",\n      \"suggestion\" : "
            if let s = d.suggestion { Self.appendJSON(s, to: &out) } else { out += "null" }
            out += i + 1 < diagnostics.count ? "\n    },\n" : "\n    }\n"
        }
        out += "  ],\n  \"summary\" : {\n    \"errors\" : \(diagnostics.errorCount),\n    \"pages\" : \(pages),\n    \"warnings\" : \(diagnostics.warningCount)\n  }\n}\n"
        return out
    }

    /// A JSON string literal as JSONEncoder writes it (slashes unescaped).
    static func appendJSON(_ s: String, to out: inout String) {
        var s = s
        let plain = s.withUTF8 { b in !b.contains { $0 < 0x20 || $0 == 34 || $0 == 92 } }
        if plain {
            out += "\""
            out += s
            out += "\""
        } else {
            var bytes: [UInt8] = []
            Escape.appendJSONString(s, to: &bytes)
            out += String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The same report through JSONEncoder (the reference the hand-written one is tested against).
    func encoded(_ diagnostics: [Diagnostic], pages: Int) -> String {
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
}
