import ArgumentParser
import Dispatch
import Foundation
import SiteKit
import SiteServer

extension ClinicSite {
    /// `clinic-site serve`: the live preview.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Preview the site in a browser; every save rebuilds it and reloads the page.",
            discussion: """
                Builds the site in memory with drafts included (nothing is written to the output \
                folder), serves it at http://HOST:PORT/, watches the content and theme folders and \
                rebuilds after each save. Open pages reload by themselves; while the site has errors, \
                each page shows them over its last good version. Stop with Ctrl-C. See docs/serve.md.
                """)

        @Option(help: "The port to listen on (0 picks a free one).")
        var port: Int = 8000

        @Option(help: "The address to listen on. The default serves this computer only; 0.0.0.0 shows drafts to your whole network.")
        var host = "127.0.0.1"

        @Option(help: "The folder of Markdown pages and files to copy.")
        var content = "content"

        @Option(help: "The folder of templates (templates/) and assets (static/).")
        var theme = "theme"

        @Flag(help: "Find changes by checking every file each 300 ms instead of inotify (for network or container mounts).")
        var poll = false

        @Option(help: ArgumentHelp("The date checks take as today (YYYY-MM-DD); the current date by default.", valueName: "date"))
        var today: String?

        @Flag(help: "Print the time each stage of every build took.")
        var timings = false

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port takes a number from 0 to 65535, not \(port)") }
            if let today {
                let parts = today.split(separator: "-")
                guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
                    throw ValidationError("--today takes a date as YYYY-MM-DD, e.g. 2026-11-24")
                }
            }
        }

        func run() throws {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            var configuration = PreviewConfiguration(
                content: URL(fileURLWithPath: content, relativeTo: cwd), theme: URL(fileURLWithPath: theme, relativeTo: cwd),
                workingDirectory: cwd)
            configuration.host = host
            configuration.port = UInt16(port)
            configuration.today = today
            if poll { configuration.watch = .poll(interval: .milliseconds(300)) }

            let printer = ServePrinter(timings: timings)
            let server = PreviewServer(configuration: configuration) { printer.print($0) }

            // main.swift runs commands synchronously: start on a task and wait for it here.
            let started = ServeStartup()
            Task {
                do {
                    started.finish(.success(try await server.start()))
                } catch {
                    started.finish(.failure(error))
                }
            }
            let url: URL
            switch started.wait() {
            case .success(let u): url = u
            case .failure(let error):
                FileHandle.standardError.write(Data("clinic-site: \(error)\n".utf8))
                throw ExitCode(2)
            }
            var lines = ["Serving the site at \(url.absoluteString) (drafts included; nothing is written to disk)."]
            lines.append("Watching \(content)/ and \(theme)/ (\(server.watcherDescription ?? "")); saved changes reload open pages. Press Ctrl-C to stop.")
            if !["127.0.0.1", "localhost", "::1"].contains(host) {
                lines.append("Note: --host \(host) lets other computers on your network see the preview, drafts included.")
            }
            printer.out(lines.joined(separator: "\n"))

            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    Task {
                        await server.stop()
                        printer.out("Stopped.")
                        Foundation.exit(0)
                    }
                }
                source.resume()
                ServeStartup.signalSources.append(source)
            }
            dispatchMain()
        }
    }
}

/// The outcome of starting the server, handed from its task to the main thread.
final class ServeStartup: @unchecked Sendable {
    nonisolated(unsafe) static var signalSources: [DispatchSourceSignal] = []
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<URL, any Error>?

    func finish(_ result: Result<URL, any Error>) {
        self.result = result
        semaphore.signal()
    }

    func wait() -> Result<URL, any Error> {
        semaphore.wait()
        return result!
    }
}

/// Prints the preview's builds: a summary line each, and the diagnostics (as `build` prints
/// them) whenever there are errors or they changed. Formatting thousands of diagnostics takes
/// a while, so it happens on a queue of its own, never on the server's threads.
final class ServePrinter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "clinic-site.serve.print")
    /// The diagnostics of the last build printed (touched only on `queue`).
    private var previous: Set<Diagnostic> = []
    private let timings: Bool

    init(timings: Bool) {
        self.timings = timings
    }

    /// Prints a line to standard output after everything queued before it.
    func out(_ text: String) {
        queue.sync { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    func print(_ event: PreviewEvent) {
        queue.async { self.write(event) }
    }

    private func write(_ event: PreviewEvent) {
        let err = { (text: String) in FileHandle.standardError.write(Data(text.utf8)) }
        let out = { (text: String) in FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
        switch event {
        case .watcherProblem(let message):
            err("clinic-site: watching: \(message)\n")
        case .built(let report):
            let sources = report.sources
            let formatter = DiagnosticFormatter(format: .human, sourceText: { sources[$0] })
            // The first build prints everything; later ones every error, and the warnings that
            // are new (a site with thousands of warnings would otherwise scroll them all by at
            // each save).
            var resolved = 0
            if report.number == 1 {
                err(formatter.report(report.diagnostics, pages: report.pageCount))
            } else if report.hasErrors || report.diagnosticsChanged {
                let shown = report.diagnostics.filter { $0.severity == .error || !previous.contains($0) }
                if !shown.isEmpty { err(formatter.report(shown, pages: report.pageCount)) }
                let now = Set(report.diagnostics)
                resolved = previous.count { !now.contains($0) && $0.severity != .error }
            }
            if report.number == 1 || report.diagnosticsChanged { previous = Set(report.diagnostics) }
            let errors = report.diagnostics.errorCount
            let warnings = report.diagnostics.warningCount
            let counts = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            let time = String(format: "%.3f s (read %.3f s, build %.3f s)", report.seconds, report.readSeconds, report.buildSeconds)
            let what = report.number == 1 ? "Built" : "Rebuilt"
            var line = "\(what) \(report.pageCount) page\(report.pageCount == 1 ? "" : "s") in \(time): \(counts)"
            if report.number > 1, let work = report.work {
                line += " (\(work.rendered) page\(work.rendered == 1 ? "" : "s") rendered, \(work.checked) checked"
                line += report.readChangedFilesOnly ? ")" : "; every file read)"
            }
            if resolved > 0 { line += "; \(resolved) warning\(resolved == 1 ? "" : "s") gone" }
            if errors > 0 {
                line += report.hasGoodBuild
                    ? "; pages show the errors over their last good version"
                    : "; pages show the list of errors until the site builds"
            }
            if report.number > 1, !report.changed { line += "; nothing changed" }
            out(line + ".")
            if timings {
                out(report.timings.map { String(format: "  %@ %7.4f s", $0.stage.padding(toLength: 24, withPad: " ", startingAt: 0), $0.seconds) }.joined(separator: "\n"))
            }
        }
    }
}
