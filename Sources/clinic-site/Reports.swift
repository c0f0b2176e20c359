import ArgumentParser
import Foundation
import SiteKit

extension DiagnosticFormat: ExpressibleByArgument {}

/// `--report FORMAT=PATH`: one more report of the same run, written to a file.
struct ReportOption: ExpressibleByArgument, Sendable {
    var format: DiagnosticFormat
    var path: String

    init?(argument: String) {
        guard let eq = argument.firstIndex(of: "="), let format = DiagnosticFormat(rawValue: String(argument[..<eq])) else { return nil }
        let path = String(argument[argument.index(after: eq)...])
        guard !path.isEmpty else { return nil }
        self.format = format
        self.path = path
    }

    static var defaultCompletionKind: CompletionKind { .file() }
}

/// The reports a run writes to files and to GitHub's step summary.
struct ReportFiles {
    var reports: [ReportOption]
    /// `GITHUB_STEP_SUMMARY`, when the terminal format is `github`: the summary is added to it.
    var stepSummary: String?

    init(reports: [ReportOption], format: DiagnosticFormat, environment: [String: String]) {
        self.reports = reports
        let summary = environment["GITHUB_STEP_SUMMARY"] ?? ""
        stepSummary = format == .github && !summary.isEmpty ? summary : nil
    }

    /// Writes every report; returns the messages of those that could not be written.
    func write(_ diagnostics: [Diagnostic], pages: Int, formatter: DiagnosticFormatter) -> [String] {
        var failures: [String] = []
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for report in reports {
            var f = formatter
            f.format = report.format
            let url = URL(fileURLWithPath: report.path, relativeTo: cwd)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(f.report(diagnostics, pages: pages).utf8).write(to: url, options: .atomic)
            } catch {
                failures.append("clinic-site: cannot write the \(report.format.rawValue) report to '\(report.path)': \(error.localizedDescription)")
            }
        }
        if let stepSummary {
            var f = formatter
            f.format = .markdown
            // Appended: other steps of the job write to the same file.
            let data = Data(f.report(diagnostics, pages: pages).utf8)
            if let handle = FileHandle(forWritingAtPath: stepSummary) {
                handle.seekToEndOfFile()
                handle.write(data)
                handle.closeFile()
            } else if !FileManager.default.createFile(atPath: stepSummary, contents: data) {
                failures.append("clinic-site: cannot write the step summary to '\(stepSummary)' (GITHUB_STEP_SUMMARY)")
            }
        }
        return failures
    }
}
