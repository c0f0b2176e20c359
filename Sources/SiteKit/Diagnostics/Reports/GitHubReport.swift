import Foundation

/// GitHub Actions: workflow-command annotations within GitHub's limits, and the step summary.
///
/// GitHub shows at most 10 annotations of each level per step: errors come first, then warnings,
/// then notes, 10 of each, and one notice says how many more there are and where to read them.
struct GitHubReport {
    static let perLevel = 10
    var context: ReportContext

    func annotations(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        var hidden: [(Diagnostic.Severity, Int)] = []
        for severity in [Diagnostic.Severity.error, .warning, .note] {
            let all = diagnostics.filter { $0.severity == severity }
            for d in all.prefix(Self.perLevel) { out += Self.annotation(d) }
            if all.count > Self.perLevel { hidden.append((severity, all.count - Self.perLevel)) }
        }
        if !hidden.isEmpty {
            let counts = hidden.map { severity, n in
                "\(n) more \(severity == .error ? "error" : severity == .warning ? "warning" : "note")\(n == 1 ? "" : "s")"
            }
            let what = counts.count == 1 ? counts[0] : counts.dropLast().joined(separator: ", ") + " and " + counts.last!
            let place = context.hasStepSummary ? "the job summary lists every one" : "clinic-site check lists every one"
            out += "::notice title=clinic-site::\(Self.escapeData("GitHub shows 10 annotations of each kind: \(what) are not annotated here; \(place)"))\n"
        }
        return out
    }

    static func annotation(_ d: Diagnostic) -> String {
        let kind = d.severity == .error ? "error" : (d.severity == .warning ? "warning" : "notice")
        var props = ["file=\(escapeProperty(d.position.file))"]
        if d.position.line > 0 { props.append("line=\(d.position.line)") }
        if d.position.column > 0 { props.append("col=\(d.position.column)") }
        props.append("title=\(escapeProperty(d.code))")
        var message = d.message
        if let suggestion = d.suggestion { message += "\n" + suggestion }
        return "::\(kind) \(props.joined(separator: ","))::\(escapeData(message))\n"
    }

    /// The step summary (Markdown): the counts, then every diagnostic in a table, errors first,
    /// each place a link to the file at its line. GitHub takes at most 1 MiB of summary per step:
    /// rows stop before that, and a last line says how many were left out.
    func summary(_ diagnostics: [Diagnostic], pages: Int) -> String {
        let errors = diagnostics.errorCount
        let warnings = diagnostics.warningCount
        var out = "## clinic-site: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s") in \(pages) page\(pages == 1 ? "" : "s")\n\n"
        guard !diagnostics.isEmpty else { return out + "No problems found.\n" }
        out += errors > 0 ? "The site was not published: fix the errors below.\n\n" : "Warnings do not stop the build.\n\n"
        out += "| | where | code | message | suggestion |\n| --- | --- | --- | --- | --- |\n"
        let ordered = diagnostics.filter { $0.severity == .error } + diagnostics.filter { $0.severity == .warning } + diagnostics.filter { $0.severity == .note }
        let limit = 900_000
        for (i, d) in ordered.enumerated() {
            let row = "| \(d.severity.rawValue) | [\(Self.cell(d.position.description))](\(context.link(to: d.position))) | `\(d.code)` | \(Self.cell(d.message)) | \(Self.cell(d.suggestion ?? "")) |\n"
            if out.utf8.count + row.utf8.count > limit {
                out += "\n\(ordered.count - i) more are not shown here (GitHub's summary is limited to 1 MiB): run clinic-site check to see them all.\n"
                break
            }
            out += row
        }
        return out
    }

    /// Text in a table cell, shown as written: Markdown and HTML characters escaped, lines joined.
    static func cell(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\r", "\r\n": out += "<br>"
            case "\\", "|", "`", "*", "_", "[", "]", "#", "~", "!": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out
    }

    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25", options: .literal).replacingOccurrences(of: "\r", with: "%0D", options: .literal)
            .replacingOccurrences(of: "\n", with: "%0A", options: .literal)
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A", options: .literal).replacingOccurrences(of: ",", with: "%2C", options: .literal)
    }
}
