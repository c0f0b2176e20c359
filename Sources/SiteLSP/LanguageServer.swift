import Dispatch
import Foundation
import SiteKit

/// `clinic-site lsp`: a Language Server Protocol server for the site's content.
///
/// Messages are handled in order on one serial queue (`state`); checks and the requests that
/// read the site (completion, hover, definition, code actions) run on a second serial queue
/// (`work`), so reading stdin never waits for a build. After each edit the server waits
/// `debounce` for more (10 ms by default, so that a burst of changes is checked once); it checks
/// the buffers as they are then.
/// Edits that come during a check are checked together when it ends, and a check that finishes
/// after a newer edit publishes nothing, so the last state always wins.
public final class LanguageServer: @unchecked Sendable {
    public struct Options: Sendable {
        /// The content and theme folders, relative to the workspace root unless absolute.
        public var content = "content"
        public var theme = "theme"
        public var today: String?
        public var debounce: Duration = .milliseconds(10)
        /// The workspace root when the client names none.
        public var defaultRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        public var parallel = true
        /// Log the time of each check to standard error.
        public var timings = false

        public init() {}
    }

    public enum ErrorCode: Int {
        case parseError = -32700, invalidRequest = -32600, methodNotFound = -32601, invalidParams = -32602
        case internalError = -32603, serverNotInitialized = -32002, requestCancelled = -32800
    }

    private let options: Options
    private let send: @Sendable (Data) -> Void
    private let log: @Sendable (String) -> Void
    private let state = DispatchQueue(label: "clinic-site.lsp.state")
    private let work = DispatchQueue(label: "clinic-site.lsp.work", qos: .userInitiated)

    // State (on `state` only).
    private var initialized = false
    private var shuttingDown = false
    private var workspace: SiteWorkspace?
    private var documents: [String: TextDocument] = [:]
    private var overlay = SourceOverlay()
    /// URIs by absolute path, as the client spelled them.
    private var uris: [String: String] = [:]
    private var pendingChanges: Set<String> = []
    private var needsFullRead = true
    private var generation = 0
    private var checking = false
    private var checkWanted = false
    /// The diagnostics behind the last publish, by absolute path, with their ranges.
    private var lastDiagnostics: [String: [MappedDiagnostic]] = [:]
    /// Called once the server should exit, with the exit code.
    public var onExit: @Sendable (Int32) -> Void = { exit($0) }
    /// For benchmarks and tests: called after each publish round.
    public var onChecked: (@Sendable (SiteWorkspace.Check) -> Void)?

    public init(options: Options, send: @escaping @Sendable (Data) -> Void, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.send = send
        self.log = log
    }

    /// Reads framed messages from `fd` until it closes, then exits (code 1 unless `shutdown` came first).
    public func run(reading fd: Int32 = 0) -> Never {
        var reader = MessageReader()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            reader.append(buffer[0..<n])
            while let item = reader.next() {
                switch item {
                case .message(let body): receive(body)
                case .invalid(let why): log("clinic-site lsp: \(why)")
                }
            }
        }
        let code: Int32 = state.sync { shuttingDown ? 0 : 1 }
        onExit(code)
        exit(code)
    }

    /// Handles one message body (framing already removed). Safe from any thread; handled in order.
    public func receive(_ body: Data) {
        state.async { self.handle(body) }
    }

    /// Waits until every message received so far was handled (tests).
    public func drain() { state.sync {} }

    // MARK: - Dispatch

    private func handle(_ body: Data) {
        let message: JSON
        do {
            message = try JSON.parse(body)
        } catch {
            respondError(id: .null, .parseError, "the message is not JSON: \(String(decoding: body.prefix(60), as: UTF8.self))")
            return
        }
        guard case .object(let fields) = message else {
            respondError(id: .null, .invalidRequest, "a message must be a JSON object")
            return
        }
        let id = fields["id"]
        if let id, !Self.isValidID(id) {
            respondError(id: .null, .invalidRequest, "the id must be a number or a string")
            return
        }
        guard let method = fields["method"]?.string else {
            // A response to a request of ours (we send none), or nonsense.
            if let id, fields["result"] == nil, fields["error"] == nil {
                respondError(id: id, .invalidRequest, "a request needs a 'method' string")
            }
            return
        }
        let params = fields["params"] ?? .null
        if let id {
            request(method, params, id: id)
        } else {
            notification(method, params)
        }
    }

    static func isValidID(_ id: JSON) -> Bool {
        switch id {
        case .int, .string: return true
        case .double(let d): return d.rounded() == d
        default: return false
        }
    }

    private func request(_ method: String, _ params: JSON, id: JSON) {
        if method == "initialize" {
            guard !initialized else {
                respondError(id: id, .invalidRequest, "initialize was already received")
                return
            }
            respond(id: id, initialize(params))
            return
        }
        guard initialized else {
            respondError(id: id, .serverNotInitialized, "the first request must be 'initialize'")
            return
        }
        if shuttingDown {
            respondError(id: id, .invalidRequest, "the server is shutting down")
            return
        }
        switch method {
        case "shutdown":
            shuttingDown = true
            respond(id: id, .null)
        case "textDocument/completion", "textDocument/hover", "textDocument/definition", "textDocument/codeAction":
            guard let uri = params["textDocument"]?["uri"]?.string else {
                respondError(id: id, .invalidParams, "\(method) needs textDocument.uri")
                return
            }
            let path = Self.path(ofURI: uri)
            let document = documents[uri]
            let text = document?.text ?? path.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            guard let path, let text, let workspace else {
                respond(id: id, method == "textDocument/completion" ? .array([]) : method == "textDocument/codeAction" ? .array([]) : .null)
                return
            }
            let lines = document?.lines ?? LineTable(text)
            let fixes = method == "textDocument/codeAction" ? lastDiagnostics[path] ?? [] : []
            let uris = self.uris
            work.async {
                let features = Features(workspace: workspace, path: path, uri: uri, lines: lines, uris: uris)
                let result: JSON
                switch method {
                case "textDocument/completion": result = features.completion(params)
                case "textDocument/hover": result = features.hover(params)
                case "textDocument/definition": result = features.definition(params)
                default: result = features.codeActions(params, diagnostics: fixes)
                }
                self.state.async { self.respond(id: id, result) }
            }
        default:
            respondError(id: id, .methodNotFound, "clinic-site lsp does not handle '\(method)'")
        }
    }

    private func notification(_ method: String, _ params: JSON) {
        if method == "exit" {
            onExit(shuttingDown ? 0 : 1)
            return
        }
        guard initialized, !shuttingDown else { return }
        switch method {
        case "initialized":
            scheduleCheck(after: .zero)
        case "textDocument/didOpen":
            guard let item = params["textDocument"], let uri = item["uri"]?.string, let text = item["text"]?.string else {
                return log("clinic-site lsp: didOpen without textDocument.uri and text")
            }
            documents[uri] = TextDocument(uri: uri, version: item["version"]?.int ?? 0, text: text)
            bufferChanged(uri: uri, text: text)
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.string, var document = documents[uri],
                let changes = params["contentChanges"]?.array
            else { return log("clinic-site lsp: didChange for a document that is not open, or without contentChanges") }
            for change in changes where !document.apply(change) {
                log("clinic-site lsp: a content change without text, or with a malformed range, was ignored")
            }
            document.version = params["textDocument"]?["version"]?.int ?? document.version + 1
            documents[uri] = document
            bufferChanged(uri: uri, text: document.text)
        case "textDocument/didSave":
            guard let uri = params["textDocument"]?["uri"]?.string else { return }
            if let text = params["text"]?.string, var document = documents[uri] {
                document.replaceAll(text)
                documents[uri] = document
                bufferChanged(uri: uri, text: text)
            } else if let path = Self.path(ofURI: uri) {
                pendingChanges.insert(path)
                scheduleCheck(after: options.debounce)
            }
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.string else { return }
            documents[uri] = nil
            if let path = Self.path(ofURI: uri) {
                overlay[path: path] = nil
                pendingChanges.insert(path)
                scheduleCheck(after: options.debounce)
            }
        case "workspace/didChangeWatchedFiles":
            for change in params["changes"]?.array ?? [] {
                if let path = change["uri"]?.string.flatMap(Self.path(ofURI:)) { pendingChanges.insert(path) }
            }
            scheduleCheck(after: options.debounce)
        default:
            break  // `$/cancelRequest`, `$/setTrace` and unknown notifications need no answer.
        }
    }

    private func initialize(_ params: JSON) -> JSON {
        var root = options.defaultRoot
        if let uri = params["workspaceFolders"]?.array?.first?["uri"]?.string ?? params["rootUri"]?.string,
            let path = Self.path(ofURI: uri)
        {
            root = URL(fileURLWithPath: path)
        } else if let path = params["rootPath"]?.string, path.hasPrefix("/") {
            root = URL(fileURLWithPath: path)
        }
        func folder(_ name: String) -> URL {
            name.hasPrefix("/") ? URL(fileURLWithPath: name) : root.appendingPathComponent(name)
        }
        var configuration = SiteWorkspace.Configuration(
            content: folder(options.content), theme: folder(options.theme), workingDirectory: root, today: options.today)
        configuration.parallel = options.parallel
        workspace = SiteWorkspace(configuration: configuration)
        initialized = true
        return [
            "capabilities": [
                "positionEncoding": "utf-16",
                "textDocumentSync": ["openClose": true, "change": 2, "save": ["includeText": false]],
                "completionProvider": ["triggerCharacters": [" ", "(", "#", "/"]],
                "hoverProvider": true,
                "definitionProvider": true,
                "codeActionProvider": ["codeActionKinds": ["quickfix"]],
            ],
            "serverInfo": ["name": "clinic-site", "version": "1"],
        ]
    }

    // MARK: - Checking

    private func bufferChanged(uri: String, text: String) {
        guard let path = Self.path(ofURI: uri) else { return }
        uris[path] = uri
        overlay[path: path] = text
        pendingChanges.insert(path)
        scheduleCheck(after: options.debounce)
    }

    /// Starts a check once no edit has come for `delay`.
    private func scheduleCheck(after delay: Duration) {
        generation += 1
        let mine = generation
        let nanoseconds = Int(delay.components.seconds) * 1_000_000_000 + Int(delay.components.attoseconds / 1_000_000_000)
        state.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
            guard mine == self.generation else { return }
            self.startCheck()
        }
    }

    private func startCheck() {
        guard let workspace, !shuttingDown else { return }
        if checking {
            checkWanted = true
            return
        }
        checking = true
        let changed: Set<String>? = needsFullRead ? nil : pendingChanges
        needsFullRead = false
        pendingChanges = []
        let overlay = self.overlay
        // Open documents edited since the last check are published even when nothing changed
        // for them, so the editor knows the check of its version is done.
        let edited = Set((changed ?? Set(uris.keys)).filter { overlay[path: $0] != nil })
        let startedAt = generation
        let versions = documents.mapValues(\.version)
        let timings = options.timings
        work.async {
            let clock = ContinuousClock()
            let began = clock.now
            let check = workspace.check(overlay: overlay, changed: changed)
            let built = clock.now
            // Ranges and messages are worked out here, off the state queue, for the files whose
            // diagnostics or text changed only.
            let round = self.diagnosticsRound(check, overlay: overlay, changed: changed, workspace: workspace)
            if timings {
                let stages = check.result.timings.map { "\($0.stage) \(Int($0.seconds * 1000)) ms" }.joined(separator: ", ")
                self.log("clinic-site lsp: check \(began.duration(to: built)) (\(stages)), diagnostics \(built.duration(to: clock.now)), \(round.changedPaths.count) files changed")
            }
            self.state.async {
                self.checking = false
                self.unpublished.formUnion(round.changedPaths)
                self.unpublished.formUnion(edited)
                // A newer edit came meanwhile: its check (already wanted, or waiting for its
                // debounce) publishes instead.
                if self.generation == startedAt {
                    self.publish(round, versions: versions)
                    self.onChecked?(check)
                }
                if self.checkWanted {
                    self.checkWanted = false
                    self.startCheck()
                }
            }
        }
    }

    private typealias Mapped = [String: [MappedDiagnostic]]

    private struct Round {
        var mapped: Mapped
        var json: [String: [JSON]]
        /// Files whose published diagnostics differ from the previous round's.
        var changedPaths: Set<String>
    }

    // The previous round (on `work` only).
    // Copies, not slices of the report: a slice would keep the whole report, and the build
    // could not patch its next report in place.
    private var roundDiagnostics: [String: [Diagnostic]] = [:]
    private var roundMapped: Mapped = [:]
    private var roundJSON: [String: [JSON]] = [:]

    private func diagnosticsRound(_ check: SiteWorkspace.Check, overlay: SourceOverlay, changed: Set<String>?, workspace: SiteWorkspace) -> Round {
        var changedPaths: Set<String> = []
        // A check that is not `complete` names only the files whose diagnostics may differ.
        for (path, diagnostics) in check.diagnostics {
            let textChanged = changed.map { $0.contains(path) } ?? true
            if diagnostics.isEmpty {
                if roundDiagnostics.removeValue(forKey: path) != nil {
                    roundMapped[path] = nil
                    roundJSON[path] = nil
                    changedPaths.insert(path)
                }
                continue
            }
            if !textChanged, let before = roundDiagnostics[path], Self.same(before[...], diagnostics) { continue }
            let text = overlay[path: path] ?? workspace.sourceText(path)
            let lines = text.map(LineTable.init)
            let mapped = diagnostics.map { d -> MappedDiagnostic in
                guard let lines else { return MappedDiagnostic(diagnostic: d, range: LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0))) }
                // A fix counts only where the text holds what it replaces (the build leaves that to us).
                let fixRange = d.fix.flatMap { fix in
                    let range = lines.range(of: fix)
                    return lines.bytes(in: range).elementsEqual(fix.original.utf8) ? range : nil
                }
                return MappedDiagnostic(diagnostic: d, range: lines.range(line: d.position.line, column: d.position.column), fixRange: fixRange)
            }
            let json = mapped.map { Self.diagnosticJSON($0.diagnostic, range: $0.range) }
            roundDiagnostics[path] = Array(diagnostics)
            roundMapped[path] = mapped
            if roundJSON[path] != json {
                roundJSON[path] = json
                changedPaths.insert(path)
            }
        }
        for path in roundDiagnostics.keys where check.complete && check.diagnostics[path] == nil {
            roundDiagnostics[path] = nil
            roundMapped[path] = nil
            roundJSON[path] = nil
            changedPaths.insert(path)
        }
        return Round(mapped: roundMapped, json: roundJSON, changedPaths: changedPaths)
    }

    /// `a == b`, element by element in place (perf showed the generic `==` copying each
    /// diagnostic it compared).
    static func same(_ a: ArraySlice<Diagnostic>, _ b: ArraySlice<Diagnostic>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                for i in 0..<x.count where x[i] != y[i] { return false }
                return true
            }
        }
    }

    /// Files whose diagnostics changed in rounds not yet published.
    private var unpublished: Set<String> = []

    private func publish(_ round: Round, versions: [String: Int]) {
        for path in unpublished.sorted() {
            let now = round.json[path] ?? []
            let uri = uris[path] ?? URL(fileURLWithPath: path).absoluteString
            var params: [String: JSON] = ["uri": .string(uri), "diagnostics": .array(now)]
            if let version = versions[uri] { params["version"] = .int(version) }
            notify("textDocument/publishDiagnostics", .object(params))
        }
        unpublished = []
        lastDiagnostics = round.mapped
    }

    static func diagnosticJSON(_ d: Diagnostic, range: LSPRange) -> JSON {
        let severity: Int =
            switch d.severity {
            case .error: 1
            case .warning: 2
            case .note: 3
            }
        var message = d.message
        if let suggestion = d.suggestion { message += "\n" + "Fix: " + suggestion }
        var json: [String: JSON] = [
            "range": range.json, "severity": .int(severity), "code": .string(d.code), "source": "clinic-site", "message": .string(message),
        ]
        if let suggestion = d.suggestion { json["data"] = ["suggestion": .string(suggestion)] }
        return .object(json)
    }

    // MARK: - Output

    private func respond(id: JSON, _ result: JSON) {
        write(["jsonrpc": "2.0", "id": id, "result": result])
    }

    private func respondError(id: JSON, _ code: ErrorCode, _ message: String) {
        write(["jsonrpc": "2.0", "id": id, "error": ["code": .int(code.rawValue), "message": .string(message)]])
    }

    private func notify(_ method: String, _ params: JSON) {
        write(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    private func write(_ message: JSON) {
        send(frame(message.serialized()))
    }

    /// The absolute path of a `file:` URI, or nil for other schemes.
    static func path(ofURI uri: String) -> String? {
        guard uri.hasPrefix("file:"), let url = URL(string: uri), url.isFileURL else { return nil }
        let path = url.standardizedFileURL.path
        return path.isEmpty ? nil : path
    }
}
