import FlyingSocks
import Foundation
import SiteKit

/// The live preview: builds the site in memory (drafts included), serves it over HTTP, watches
/// `content/` and `theme/`, rebuilds after each burst of changes, and tells open pages to reload.
///
///     let server = PreviewServer(configuration: config) { event in … print … }
///     let url = try await server.start()
///     …
///     await server.stop()
///
/// Nothing is written to disk. Builds run one at a time on a queue of their own (they are
/// CPU-bound and use every core), never on Swift's cooperative threads, so requests are answered
/// during a rebuild, from the previous build.
public final class PreviewServer: Sendable {
    public let configuration: PreviewConfiguration
    private let onEvent: @Sendable (PreviewEvent) -> Void
    private let state = Locked(PreviewState())
    private let hub: EventHub
    private let router: PreviewRouter
    private let buildQueue = DispatchQueue(label: "clinic-site.preview.build", qos: .userInitiated)

    private struct Running {
        var http: PreviewHTTPServer?
        var watcher: (any FileWatcher)?
        var tasks: [Task<Void, Never>] = []
        var url: URL?
        var stopped = false
    }

    private let running = Locked(Running())
    /// Counts change notifications; a burst is over when it stops moving for `debounce`.
    private let changeCount = Locked(0)
    private let builds = Locked(0)
    /// Files changed since the last build took them.
    private let pending = Locked(PendingChanges())
    /// The last build's sources, and what the builds reuse; only the build queue touches them.
    private let cache = BuildCache()
    /// Processes each photo once for the whole session (and keeps it in `.clinic-site-cache/`).
    private let images: ImageProcessor
    private let lastSources = Locked<SiteSources?>(nil)

    public init(configuration: PreviewConfiguration, onEvent: @escaping @Sendable (PreviewEvent) -> Void = { _ in }) {
        self.configuration = configuration
        self.onEvent = onEvent
        self.hub = EventHub(token: "")
        self.images = ImageProcessor(cacheFolder: configuration.workingDirectory.appendingPathComponent(".clinic-site-cache/images"))
        // Photos are served from the image cache, where their variants are made.
        self.router = PreviewRouter(
            allowedRoots: [configuration.content, configuration.theme.appendingPathComponent("static"), images.cacheFolder])
    }

    /// The address pages are served at, once started.
    public var url: URL? { running.withLock { $0.url } }

    /// How changes are found ("inotify", "polling every 300 ms"), once started.
    public var watcherDescription: String? { running.withLock { $0.watcher?.description } }

    /// Open live-reload connections (for tests and the terminal).
    public var liveReloadClients: Int { hub.count }

    /// Starts watching, listens, and builds the site. Returns the URL to open. Throws when the
    /// address cannot be used (a port in use, a host that is not an address of this machine).
    @discardableResult
    public func start() async throws -> URL {
        guard running.withLock({ $0.url == nil && $0.watcher == nil && !$0.stopped }) else {
            throw PreviewError("this preview server was already started")
        }
        let address = try Self.socketAddress(host: configuration.host, port: configuration.port)

        // Watch before the first build, so a save during it is not missed.
        let (signals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let onChange: @Sendable (FileChange) -> Void = { [changeCount, pending] change in
            pending.withLock { $0.add(change) }
            changeCount.withLock { $0 += 1 }
            signal.yield()
        }
        let onProblem: @Sendable (String) -> Void = { [onEvent] in onEvent(.watcherProblem($0)) }
        var watcher = configuration.watch.makeWatcher(roots: [configuration.content, configuration.theme])
        do {
            try watcher.start(onChange: onChange, onProblem: onProblem)
        } catch {
            onProblem("\(error); watching by polling instead")
            watcher = PollingWatcher(roots: [configuration.content, configuration.theme], interval: .milliseconds(300))
            try watcher.start(onChange: onChange, onProblem: onProblem)
        }
        running.withLock { $0.watcher = watcher }

        // Listen before the first build, so a port in use is reported at once; requests that
        // arrive meanwhile wait for the build (PreviewHandler).
        let handler = PreviewHandler(router: router, state: state, hub: hub, hosts: AllowedHosts(host: configuration.host))
        let portBox = Locked<UInt16>(0)
        let http = PreviewHTTPServer(address: address) { request in
            await handler.respond(request, port: portBox.current)
        }
        let failure = Locked<(any Error)?>(nil)
        let serverTask = Task<Void, Never> {
            do { try await http.run() } catch { failure.withLock { $0 = error } }
        }
        // Wait until it listens, or has failed to (a port in use fails at once).
        let deadline = ContinuousClock.now + .seconds(10)
        while http.port == nil {
            let failed = failure.current
            if failed != nil || ContinuousClock.now > deadline {
                serverTask.cancel()
                watcher.stop()
                let reason = failed.map(Self.describe) ?? "it did not start listening within 10 seconds"
                throw PreviewError("cannot listen on \(configuration.host):\(configuration.port): \(reason)")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let port = http.port ?? configuration.port
        portBox.withLock { $0 = port }
        let url = Self.browserURL(host: configuration.host, port: port)

        let seenByFirstBuild = changeCount.current
        await rebuild()

        let debounceTask = Task { [self] in await debounceLoop(signals, builtUpTo: seenByFirstBuild) }
        let pingTask = Task { [hub] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                hub.ping()
            }
        }
        running.withLock {
            $0.http = http
            $0.url = url
            $0.tasks = [debounceTask, pingTask, serverTask]
        }
        return url
    }

    /// Stops watching, ends every live-reload connection and stops listening.
    public func stop() async {
        let (http, watcher, tasks) = running.withLock { r -> (PreviewHTTPServer?, (any FileWatcher)?, [Task<Void, Never>]) in
            r.stopped = true
            defer {
                r.http = nil
                r.tasks = []
            }
            return (r.http, r.watcher, r.tasks)
        }
        watcher?.stop()
        hub.close()
        http?.stop()
        for task in tasks { task.cancel() }
        // The listening socket is closed as the server's task ends (at most a second's wait).
        let deadline = ContinuousClock.now + .seconds(1)
        while let http, http.isListening, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Reads and builds the site now (walking both folders), and tells open pages to reload when
    /// anything changed; the build is reported to `onEvent` first.
    @discardableResult
    public func rebuild() async -> PreviewBuildReport {
        await build(walkingEverything: true)
    }

    @discardableResult
    private func build(walkingEverything: Bool) async -> PreviewBuildReport {
        await withCheckedContinuation { continuation in
            buildQueue.async { continuation.resume(returning: self.buildNow(walkingEverything: walkingEverything)) }
        }
    }

    /// Waits for changes, lets a burst settle for `debounce` (at most one second, so a file
    /// written without pause still shows), then rebuilds once.
    private func debounceLoop(_ signals: AsyncStream<Void>, builtUpTo seen: Int) async {
        var builtUpTo = seen
        for await _ in signals {
            if Task.isCancelled { return }
            let started = ContinuousClock.now
            while true {
                let seen = changeCount.current
                try? await Task.sleep(for: configuration.debounce)
                if Task.isCancelled { return }
                if changeCount.current == seen || started.duration(to: .now) > .seconds(1) { break }
            }
            let upTo = changeCount.current
            // Changes already seen by the last build (their signal was buffered meanwhile).
            if upTo == builtUpTo { continue }
            builtUpTo = upTo
            await build(walkingEverything: false)
            if running.withLock({ $0.stopped }) { return }
        }
    }

    /// One build, on the build queue: the files that changed are read again (every file when the
    /// watcher cannot tell which, or `walkingEverything`), then the cache redoes what they affect.
    private func buildNow(walkingEverything: Bool) -> PreviewBuildReport {
        let clock = ContinuousClock()
        let start = clock.now
        let changes = pending.withLock { p -> PendingChanges in
            defer { p = PendingChanges() }
            return p
        }
        var sources: SiteSources
        var readChangedFilesOnly = false
        if !walkingEverything, !changes.unknown, let previous = lastSources.current,
            let updated = previous.updated(
                changed: changes.files, content: configuration.content, theme: configuration.theme,
                workingDirectory: configuration.workingDirectory)
        {
            sources = updated
            readChangedFilesOnly = true
        } else {
            sources = SiteSources.read(
                content: configuration.content, theme: configuration.theme, output: nil, workingDirectory: configuration.workingDirectory)
        }
        lastSources.withLock { $0 = sources }
        let read = clock.now
        var options = SiteBuilder.Options(
            drafts: true, parallel: configuration.parallel, today: configuration.today ?? SiteBuilder.Options.currentDate())
        options.images = images
        let result = SiteBuilder(options: options, cache: cache).build(sources)

        // Compared outside the lock (requests keep being answered); only this queue writes.
        let snapshotStart = clock.now
        let previous = state.withLock { $0.latest }
        let snapshot: SiteSnapshot
        let filesChanged: Bool
        if let previous, readChangedFilesOnly, let changedFiles = cache.changedFiles {
            (snapshot, filesChanged) = previous.updated(result: result, sources: sources, changed: changedFiles, touched: changes.files)
        } else {
            snapshot = SiteSnapshot(result: result, sources: sources)
            filesChanged = previous?.files != snapshot.files
        }
        let built = clock.now
        let diagnosticsChanged = previous?.diagnostics != snapshot.diagnostics
        let changed = diagnosticsChanged || filesChanged
        let (token, hasGoodBuild) = state.withLock { s -> (String, Bool) in
            s.latest = snapshot
            if !snapshot.hasErrors { s.lastGood = snapshot }
            if changed { s.generation += 1 }
            return (s.token, s.lastGood != nil)
        }
        let number = builds.withLock { n -> Int in
            n += 1
            return n
        }
        let report = PreviewBuildReport(
            number: number, pageCount: result.pageCount, fileCount: result.files.count,
            readSeconds: Self.seconds(read - start), buildSeconds: Self.seconds(built - read),
            diagnostics: result.diagnostics, changed: changed, diagnosticsChanged: diagnosticsChanged,
            hasGoodBuild: hasGoodBuild, sources: snapshot.sources, work: cache.statistics, readChangedFilesOnly: readChangedFilesOnly,
            timings: result.timings + [("snapshot", Self.seconds(built - snapshotStart))])
        // Reported before pages hear of it, so whoever reloads finds the report (the terminal's
        // diagnostics, a test's expectations) already given.
        if !running.withLock({ $0.stopped }) { onEvent(.built(report)) }
        if changed { hub.publish(token: token) }
        return report
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The address to open: a wildcard host (listening on every address) is opened on loopback.
    static func browserURL(host: String, port: UInt16) -> URL {
        var name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        if name == "0.0.0.0" { name = "127.0.0.1" }
        if name == "::" { name = "::1" }
        return URL(string: "http://\(name.contains(":") ? "[\(name)]" : name):\(port)/")!
    }

    /// `127.0.0.1`, `::1`, `0.0.0.0`, `localhost` (IPv4 loopback).
    static func socketAddress(host: String, port: UInt16) throws -> any SocketAddress {
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        do {
            if name.lowercased() == "localhost" { return try sockaddr_in.inet(ip4: "127.0.0.1", port: port) }
            if name.contains(":") { return try sockaddr_in6.inet6(ip6: name, port: port) }
            return try sockaddr_in.inet(ip4: name, port: port)
        } catch {
            throw PreviewError("--host takes an IP address such as 127.0.0.1 or ::1 (or localhost), not '\(host)'")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SocketError, case .failed(_, let errno, let message) = error {
            if errno == EADDRINUSE { return "the port is already in use (is another preview running? try --port 8001)" }
            if errno == EADDRNOTAVAIL { return "this machine has no such address" }
            if errno == EACCES { return "permission denied (ports below 1024 need root)" }
            return message
        }
        if let error = error as? PreviewError { return error.description }
        return "\(error)"
    }
}

/// A problem starting the preview, in words for the terminal.
public struct PreviewError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
