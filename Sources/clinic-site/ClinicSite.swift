import ArgumentParser
import Dispatch
import Foundation
import SiteKit

/// The `clinic-site` command line.
struct ClinicSite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinic-site",
        abstract: "Builds the clinic's website and refuses to publish a broken link or a wrong price.",
        discussion: """
            Run from the repository root. Exit codes: 0 no errors; 1 content errors (the site \
            was not written); 2 usage or environment errors (missing folder, unreadable file, \
            output not writable).
            """,
        subcommands: [Build.self, Check.self, Serve.self, New.self, LSP.self, Grade.self],
        defaultSubcommand: Build.self)
}

/// Options shared by `build` and `check`.
struct SiteOptions: ParsableArguments {
    @Option(help: "The folder of Markdown pages and files to copy.")
    var content = "content"

    @Option(help: "The folder of templates (templates/) and assets (static/).")
    var theme = "theme"

    @Option(help: "Diagnostics format: human (file:line:col with the source line), json, github (workflow annotations, and the step summary when GITHUB_STEP_SUMMARY is set), sarif, junit, gitlab (Code Quality) or markdown.")
    var format: DiagnosticFormat = .human

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp("Also write the report in FORMAT to PATH (e.g. sarif=reports/site.sarif); repeatable.", valueName: "format=path"))
    var reports: [ReportOption] = []

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Flag(help: "Include pages marked draft: true.")
    var drafts = false

    @Option(help: ArgumentHelp("The date checks take as today (YYYY-MM-DD), e.g. for the age of medical reviews.", valueName: "date"))
    var today: String = SiteBuilder.Options.currentDate()

    @Flag(help: "Also check http(s) links over the network (HEAD requests, cached for a day in .clinic-site-cache/).")
    var checkExternal = false

    @Option(help: ArgumentHelp("Seconds to wait for each external link.", valueName: "seconds"))
    var externalTimeout: Double = 10

    @Option(help: ArgumentHelp("External links asked at once.", valueName: "n"))
    var externalConcurrency: Int = 8

    @Flag(help: "Treat an unreachable external link as an error (it is a warning otherwise).")
    var externalStrict = false

    @Flag(help: .hidden)
    var serial = false

    @Flag(help: "Print the time each stage took.")
    var timings = false

    func validate() throws {
        let parts = today.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
            throw ValidationError("--today takes a date as YYYY-MM-DD, e.g. 2026-11-24")
        }
    }
}

extension ClinicSite {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the site into the output folder (default).",
            discussion: "Runs every check; writes only when there is no error, and then replaces the output folder whole.")

        @OptionGroup var site: SiteOptions

        @Option(help: "The folder to write the site to. It is replaced whole, and only by a build without errors.")
        var output = "output"

        func run() throws {
            try Runner(site: site, output: output, write: true).run()
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the whole build and every check in memory; write nothing.")

        @OptionGroup var site: SiteOptions

        func run() throws {
            try Runner(site: site, output: nil, write: false).run()
        }
    }
}

/// Runs one build or check and prints its report. The only place that prints.
struct Runner {
    nonisolated(unsafe) static var leftToExit: Any?
    var site: SiteOptions
    var output: String?
    var write: Bool

    func run() throws {
        let start = DispatchTime.now()
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let contentURL = URL(fileURLWithPath: site.content, relativeTo: cwd).standardizedFileURL
        let themeURL = URL(fileURLWithPath: site.theme, relativeTo: cwd).standardizedFileURL
        let outputURL = output.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
        Interrupts.install()

        let sources = SiteSources.read(content: contentURL, theme: themeURL, output: outputURL, workingDirectory: cwd)
        let readTime = DispatchTime.now()
        var options = SiteBuilder.Options(drafts: site.drafts, parallel: !site.serial, today: site.today)
        options.images = ImageProcessor(cacheFolder: cwd.appendingPathComponent(".clinic-site-cache/images"))
        if site.checkExternal {
            var external = ExternalLinkChecker()
            external.timeout = site.externalTimeout
            external.concurrency = site.externalConcurrency
            external.failuresAreErrors = site.externalStrict
            external.cacheFile = cwd.appendingPathComponent(".clinic-site-cache/external-links.json")
            options.externalLinks = external
        }
        let result = SiteBuilder(options: options).build(sources)
        var diagnostics = result.diagnostics
        if site.strict {
            diagnostics = diagnostics.map { d in
                var d = d
                if d.severity == .warning { d.severity = .error }
                return d
            }
        }
        let errors = diagnostics.errorCount
        let sourceTexts = Dictionary(
            (sources.pages + sources.templates + (sources.settings.map { [$0] } ?? [])).map { ($0.displayPath, $0.text) },
            uniquingKeysWith: { a, _ in a })
        let environment = ProcessInfo.processInfo.environment
        let reportFiles = ReportFiles(reports: site.reports, format: site.format, environment: environment)
        let context = ReportContext.fromEnvironment(
            environment, checkedFiles: sources.pages.map(\.displayPath), hasStepSummary: reportFiles.stepSummary != nil)
        let formatter = DiagnosticFormatter(format: site.format, sourceText: { sourceTexts[$0] }, context: context)
        // The output is written while the report is made: neither needs the other, and only a
        // write that fails adds to the report (its error comes last, as it is the last found).
        let writing = Writing()
        let writeStart = DispatchTime.now()
        if write, errors == 0, let outputURL, let output {
            let files = result.files
            let parallel = !site.serial
            writing.group.enter()
            DispatchQueue.global().async {
                let started = DispatchTime.now()
                do throws(Diagnostic) {
                    try OutputWriter.write(files, to: outputURL, displayPath: output, parallel: parallel)
                    writing.written = files.count
                } catch {
                    writing.failure = error
                }
                writing.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                writing.group.leave()
            }
        }
        // The human report is printed in pieces as it is made (it can be tens of MB), before the
        // timings and the summary line; the others are printed whole, after them.
        var report = ""
        if site.format == .human {
            formatter.write(diagnostics, pages: result.pageCount) { FileHandle.standardError.write(Data($0.utf8)) }
        } else {
            report = formatter.report(diagnostics, pages: result.pageCount)
        }
        let reportEnd = DispatchTime.now()
        writing.group.wait()
        if let failure = writing.failure {
            diagnostics.append(failure)
            if site.format == .human {
                formatter.write([failure], pages: result.pageCount) { FileHandle.standardError.write(Data($0.utf8)) }
            } else {
                report = formatter.report(diagnostics, pages: result.pageCount)
            }
        }
        let reportFailures = reportFiles.write(diagnostics, pages: result.pageCount, formatter: formatter)
        let written = writing.written
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let summary = summaryLine(diagnostics: diagnostics, pages: result.pageCount, written: written, seconds: seconds)
        if site.timings {
            var lines = [String(format: "%@ %7.3f s", "read sources".padding(toLength: 24, withPad: " ", startingAt: 0), elapsed(start, readTime))]
            lines += result.timings.map { String(format: "%@ %7.3f s", $0.stage.padding(toLength: 24, withPad: " ", startingAt: 0), $0.seconds) }
            lines.append(String(format: "%@ %7.3f s", "write output".padding(toLength: 24, withPad: " ", startingAt: 0), writing.seconds))
            lines.append(String(format: "%@ %7.3f s", "report (while writing)".padding(toLength: 24, withPad: " ", startingAt: 0), elapsed(writeStart, reportEnd)))
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        switch site.format {
        case .human:
            print(summary)
        default:
            print(report, terminator: "")
            FileHandle.standardError.write(Data((summary + "\n").utf8))
        }
        // The process ends now: its sources and built files are left to the exit rather than
        // freed one by one (a tenth of a second at 20,000 pages).
        Self.leftToExit = (sources, result, sourceTexts)
        for failure in reportFailures { FileHandle.standardError.write(Data((failure + "\n").utf8)) }
        if !reportFailures.isEmpty || diagnostics.contains(where: { $0.severity == .error && $0.code.hasPrefix("io.") }) { throw ExitCode(2) }
        if diagnostics.errorCount > 0 { throw ExitCode(1) }
    }

    func elapsed(_ a: DispatchTime, _ b: DispatchTime) -> Double {
        Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e9
    }

    func summaryLine(diagnostics: [Diagnostic], pages: Int, written: Int, seconds: Double) -> String {
        let errors = diagnostics.errorCount
        let warnings = diagnostics.warningCount
        let counts = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        let time = String(format: "%.2f s", seconds)
        if !write {
            return "Checked \(pages) page\(pages == 1 ? "" : "s") in \(time): \(counts)."
        }
        if errors > 0 {
            return "Not written: \(counts) in \(pages) page\(pages == 1 ? "" : "s") (\(time)); '\(output ?? "output")' is unchanged."
        }
        return "Built \(pages) page\(pages == 1 ? "" : "s"), wrote \(written) files to \(output ?? "output") in \(time): \(counts)."
    }
}

/// The output being written on another thread while the report is made; read after `group.wait()`.
final class Writing: @unchecked Sendable {
    let group = DispatchGroup()
    var written = 0
    var failure: Diagnostic?
    var seconds = 0.0
}

/// SIGINT and SIGTERM stop the writer, put away a half-written staging folder, then exit
/// 130 / 143. The handler runs on a dispatch thread; `StagingCleanup.interrupt` waits for the file
/// being written and never lets the writer continue.
enum Interrupts {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []

    static func install() {
        for (sig, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                StagingCleanup.shared.interrupt { outputReplaced in
                    let message =
                        outputReplaced
                        ? "clinic-site: interrupted after the new build was put in place\n"
                        : "clinic-site: interrupted; the output folder is unchanged\n"
                    FileHandle.standardError.write(Data(message.utf8))
                    exit(code)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
