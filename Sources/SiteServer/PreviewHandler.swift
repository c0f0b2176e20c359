import Foundation

/// Answers one request: the Host check, live-reload events at `/__clinic-site/events`,
/// everything else from `PreviewRouter`, HEAD answered with GET's headers and no body.
struct PreviewHandler: Sendable {
    let router: PreviewRouter
    let state: Locked<PreviewState>
    let hub: EventHub
    let hosts: AllowedHosts

    func respond(_ request: PreviewHTTPServer.Request, port: UInt16) async -> PreviewHTTPServer.Response {
        // DNS rebinding: a page on another site whose name now resolves to 127.0.0.1 sends its
        // own name as Host. Only the names of the address we listen on are answered.
        guard hosts.allows(request.header("host"), port: port) else {
            return .text(
                421, "421 Misdirected Request: this preview answers only to \(hosts.names(port: port).joined(separator: ", "))")
        }
        let method = request.method
        let rawPath = request.path
        if rawPath == LiveReload.eventsPath, method == "GET" || method == "HEAD" {
            return events(request, head: method == "HEAD")
        }
        // Requests that come before the first build wait for it.
        while state.withLock({ $0.latest == nil }) {
            if (try? await Task.sleep(for: .milliseconds(20))) == nil { break }
        }
        let response = router.respond(method: method, rawPath: rawPath, rawQuery: request.query, state: state.current)
        return PreviewHTTPServer.Response(
            status: response.status, headers: response.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            body: .bytes(response.body), headOnly: method == "HEAD")
    }

    private func events(_ request: PreviewHTTPServer.Request, head: Bool) -> PreviewHTTPServer.Response {
        let headers = [
            ("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store"), ("X-Accel-Buffering", "no"),
        ]
        if head { return PreviewHTTPServer.Response(status: 200, headers: headers, body: .bytes(Data()), headOnly: true) }
        let since = Self.queryValue("since", in: request.query)
        return PreviewHTTPServer.Response(status: 200, headers: headers, body: .stream(hub.subscribe(since: since)))
    }

    /// The value of `name` in a query string (`since=abc&x=1`), percent-decoded.
    static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first.map(String.init) == name {
                let value = parts.count > 1 ? String(parts[1]) : ""
                return value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
            }
        }
        return nil
    }
}

/// The `Host` header values the preview answers: the loopback names (`127.0.0.1`, `localhost`,
/// `[::1]`) with the port it listens on, and the `--host` address when that is another one; any
/// host when `--host` is a wildcard (`0.0.0.0`, `::`: the preview is shown to the network, under
/// whatever name the network has for this machine).
struct AllowedHosts: Sendable {
    var extra: [String] = []
    var any = false

    init(host: String) {
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).lowercased()
        if name == "0.0.0.0" || name == "::" {
            any = true
        } else if !["127.0.0.1", "localhost", "::1"].contains(name) {
            extra = [name.contains(":") ? "[\(name)]" : name]
        }
    }

    func names(port: UInt16) -> [String] {
        (["127.0.0.1", "localhost", "[::1]"] + extra).map { "\($0):\(port)" }
    }

    func allows(_ header: String?, port: UInt16) -> Bool {
        if any { return true }
        guard let value = header?.lowercased(), !value.isEmpty else { return false }
        if names(port: port).contains(value) { return true }
        // Port 80 may be left out.
        return port == 80 && (["127.0.0.1", "localhost", "[::1]"] + extra).contains(value)
    }
}
