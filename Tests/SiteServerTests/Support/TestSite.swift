import Foundation
import SiteServer

/// A small site in a temporary folder: `content/`, a one-template theme, and a file outside both
/// (`secret.txt`) that no request may reach.
final class TestSite: @unchecked Sendable {
    let root: URL
    var content: URL { root.appendingPathComponent("content") }
    var theme: URL { root.appendingPathComponent("theme") }

    static let secret = "TOP-SECRET-OUTSIDE-THE-SITE"

    static let basic: [String: String] = [
        "content/_site.yaml": "name: Test Clinic\nbase_url: https://test.example\n",
        "content/index.md": "---\ntitle: Home\ndescription: The home page.\n---\n\nWelcome home. See the [FAQ](faq/index.md).\n",
        "content/faq/index.md": "---\ntitle: FAQ\ndescription: Questions.\n---\n\nFirst answer.\n",
        "content/404.md": "---\ntitle: Not found\ndescription: Missing.\nurl: /404.html\nsitemap: false\n---\n\nThis page does not exist.\n",
        "content/files/guide.pdf": "%PDF-1.4 fake\n",
        "theme/templates/page.mustache":
            "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{{site.name}}</title></head><body>{{{content}}}</body></html>\n",
        "theme/static/style.css": "body { color: black; }\n",
        "theme/static/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        "theme/static/app.js": "console.log(1);\n",
        "theme/static/data.json": "{}\n",
    ]

    init(_ files: [String: String] = TestSite.basic) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-serve-\(UUID().uuidString.prefix(8))")
            .resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try write("secret.txt", Self.secret + "\n")
        for (path, text) in files { try write(path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Write then rename, as editors do: a reader never sees half a file.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".tmp-\(UUID().uuidString.prefix(6))")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else { throw TestFailure("cannot rename onto \(path)") }
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    func move(_ from: String, to: String) throws {
        let target = root.appendingPathComponent(to)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: root.appendingPathComponent(from), to: target)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
    }

    func configuration(watch: WatchMode = .native) -> PreviewConfiguration {
        var config = PreviewConfiguration(content: content, theme: theme, workingDirectory: root)
        config.host = "127.0.0.1"
        config.port = 0
        config.watch = watch
        config.debounce = .milliseconds(60)
        config.today = "2026-01-15"
        return config
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }
}

/// A started preview server on a random loopback port, with the builds it reported.
final class RunningPreview: @unchecked Sendable {
    let site: TestSite
    let server: PreviewServer
    let port: UInt16
    private let reports: LockedBox<[PreviewBuildReport]>

    /// Every build reported so far, the first one included.
    var builds: [PreviewBuildReport] { reports.value }

    private init(site: TestSite, server: PreviewServer, port: UInt16, reports: LockedBox<[PreviewBuildReport]>) {
        self.site = site
        self.server = server
        self.port = port
        self.reports = reports
    }

    static func start(_ site: TestSite, watch: WatchMode = .native) async throws -> RunningPreview {
        let reports = LockedBox<[PreviewBuildReport]>([])
        let server = PreviewServer(configuration: site.configuration(watch: watch)) { event in
            if case .built(let report) = event { reports.mutate { $0.append(report) } }
        }
        let url = try await server.start()
        return RunningPreview(site: site, server: server, port: UInt16(url.port ?? 0), reports: reports)
    }

    func get(_ target: String, method: String = "GET") async throws -> HTTPTestResponse {
        try await HTTPTestClient.request(port: port, method: method, target: target)
    }

    /// The build token the page at `target` was served with.
    func token(of target: String = "/") async throws -> String {
        let page = try await get(target)
        guard let range = page.text.range(of: #"data-token="([^"]*)""#, options: .regularExpression) else {
            throw TestFailure("no live-reload script in \(target)")
        }
        return String(page.text[range].dropFirst("data-token=\"".count).dropLast())
    }

    func stop() async {
        await server.stop()
    }
}

/// A value behind a lock, for test callbacks.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
    func mutate(_ body: (inout Value) -> Void) {
        lock.lock()
        body(&stored)
        lock.unlock()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes; every wait in these tests is bounded.
func eventually(
    timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50), _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw TestFailure("timed out after \(timeout) waiting for: \(what)")
}

/// Starts a preview of `site`, runs `body`, and stops the server whatever happens.
func withPreview(
    _ site: TestSite, watch: WatchMode = .native, _ body: (RunningPreview) async throws -> Void
) async throws {
    let preview = try await RunningPreview.start(site, watch: watch)
    do {
        try await body(preview)
    } catch {
        await preview.stop()
        throw error
    }
    await preview.stop()
}
