import ArgumentParser
import Foundation
import SiteLSP

extension ClinicSite {
    /// `clinic-site lsp`: the language server for editors.
    struct LSP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lsp",
            abstract: "Run the language server: the build's checks in your editor as you type, with completion and quick fixes.",
            discussion: """
                Speaks the Language Server Protocol on standard input and output (start it from your \
                editor: docs/editors.md has the settings). The workspace root comes from the editor; --content and --theme are \
                relative to it. Drafts are checked too. Messages about the protocol go to standard error.
                """)

        @Option(help: "The folder of Markdown pages and files to copy (relative to the workspace root).")
        var content = "content"

        @Option(help: "The folder of templates (templates/) and assets (static/) (relative to the workspace root).")
        var theme = "theme"

        @Option(help: ArgumentHelp("The date checks take as today (YYYY-MM-DD); the current date by default.", valueName: "date"))
        var today: String?

        @Option(
            help: ArgumentHelp(
                "Milliseconds to wait after an edit for the next one before checking (0: check once the messages already received are handled).",
                valueName: "ms"))
        var debounce = 10

        @Flag(help: "Print the time each check took to standard error.")
        var timings = false

        @Flag(help: "Ignored; editors that pass --stdio are welcome (standard input and output are always used).")
        var stdio = false

        func validate() throws {
            guard (0...5000).contains(debounce) else { throw ValidationError("--debounce takes milliseconds from 0 to 5000, not \(debounce)") }
            if let today {
                let parts = today.split(separator: "-")
                guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
                    throw ValidationError("--today takes a date as YYYY-MM-DD, e.g. 2026-11-24")
                }
            }
        }

        func run() throws {
            var options = LanguageServer.Options()
            options.content = content
            options.theme = theme
            options.today = today
            options.debounce = .milliseconds(debounce)
            options.timings = timings
            signal(SIGPIPE, SIG_IGN)
            let output = OutputLock()
            let server = LanguageServer(
                options: options,
                send: { data in output.write(data) },
                log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
            server.run()
        }
    }
}

/// Writes whole messages to standard output, one at a time.
final class OutputLock: @unchecked Sendable {
    private let lock = NSLock()

    func write(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    exit(0)  // The editor is gone.
                }
                offset += n
            }
        }
    }
}
