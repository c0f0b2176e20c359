import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The preview's HTTP/1.1 server: FlyingSocks' non-blocking sockets and epoll pool, with the
/// request reading, limits and time limits of our own (docs/serve.md, "Why our own HTTP layer").
///
/// FlyingFox's HTTP layer, used before, read a request line in quadratic time (a 120 KB line cost
/// 9 s of CPU), had no limit on a request's head and no time limit for reading it, and stopped
/// listening for good when `accept` failed once (out of file descriptors), its types being
/// internal so that none of it could be fixed from outside. Here:
///
/// - a request line longer than `Limits.requestLine` gets 414, a head longer than
///   `Limits.head` 431, both read in linear time and never kept beyond the limit;
/// - a connection that has not sent a whole head within `Limits.headTimeout` of its first byte,
///   or sends nothing for `Limits.idleTimeout` between requests, is closed (408 when it had begun);
///   a write that has not finished within `Limits.writeTimeout` ends the connection (`Watchdog`);
/// - at most `connectionBudget` connections are open at once (`Limits.connections`, and fewer
///   when the descriptor limit is low: running out of descriptors crashes libdispatch); the
///   others wait in the kernel's queue; `accept` failing anyway (EMFILE, ENFILE, ENOBUFS,
///   ENOMEM: another process took them) waits `Limits.acceptBackoff` and tries again.
final class PreviewHTTPServer: Sendable {
    struct Limits: Sendable {
        var requestLine = 8 * 1024
        var head = 64 * 1024
        var headTimeout: Duration = .seconds(10)
        var idleTimeout: Duration = .seconds(30)
        var writeTimeout: Duration = .seconds(30)
        var acceptBackoff: Duration = .milliseconds(50)
        var connections = 1_000
    }

    struct Request: Sendable {
        var method: String
        /// The request target exactly as sent (`/faq/?x=1`).
        var target: String
        var version: String
        /// Header names in lower case, in the order sent.
        var headers: [(name: String, value: String)]

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        var path: String { String(target.prefix { $0 != "?" }) }
        var query: String { target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? "" }
    }

    struct Response: Sendable {
        enum Body: Sendable {
            case bytes(Data)
            /// Sent with chunked transfer encoding as each piece arrives, until the stream ends.
            case stream(AsyncStream<Data>)
        }
        var status: Int
        var headers: [(String, String)]
        var body: Body
        /// HEAD: the headers GET would get, `Content-Length` included, no body.
        var headOnly = false

        init(status: Int, headers: [(String, String)], body: Body, headOnly: Bool = false) {
            self.status = status
            self.headers = headers
            self.body = body
            self.headOnly = headOnly
        }

        static func text(_ status: Int, _ message: String, headers: [(String, String)] = []) -> Response {
            Response(
                status: status,
                headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")] + headers,
                body: .bytes(Data((message + "\n").utf8)))
        }
    }

    typealias Handler = @Sendable (Request) async -> Response

    let limits: Limits
    private let address: any SocketAddress
    private let handler: Handler
    private let state = Locked(State())
    private let watchdog = Watchdog()

    private struct State {
        var listener: Socket?
        var port: UInt16?
        var open = 0
        var stopped = false
    }

    init(address: any SocketAddress, limits: Limits = Limits(), handler: @escaping Handler) {
        self.address = address
        self.limits = limits
        self.handler = handler
    }

    /// The port it listens on, once listening.
    var port: UInt16? { state.withLock { $0.port } }
    /// True from listening until the listening socket is closed.
    var isListening: Bool { state.withLock { $0.listener != nil } }
    /// Connections being served (for tests).
    var openConnections: Int { state.withLock { $0.open } }

    /// Binds and listens (throws at once for a port in use), then serves until cancelled.
    func run() async throws {
        let socket = try Socket(domain: Int32(type(of: address).family))
        try socket.setValue(true, for: .localAddressReuse)
        try socket.bind(to: address)
        try socket.listen(maxPendingConnection: 1024)
        var port: UInt16 = 0
        switch try socket.sockname() {
        case .ip4(_, let p), .ip6(_, let p): port = p
        default: break
        }
        let stopped = state.withLock { s -> Bool in
            s.listener = socket
            s.port = port
            return s.stopped
        }
        defer {
            state.withLock { $0.listener = nil }
            try? socket.close()
        }
        if stopped { return }
        let pool: some AsyncSocketPool = .make(maxEvents: 64)
        try await pool.prepare()
        let listener = try AsyncSocket(socket: socket, pool: pool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            group.addTask { await self.watchdog.run() }
            group.addTask { await self.acceptLoop(listener, pool: pool) }
            // The first to end (cancelled) ends both.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// Stops listening; `run` returns once its task is cancelled.
    func stop() {
        let listener = state.withLock { s -> Socket? in
            s.stopped = true
            return s.listener
        }
        // Wakes a waiting accept; `run` closes the socket as it ends.
        _ = listener.map { shutdown($0.file.rawValue, Int32(SHUT_RDWR)) }
    }

    /// How many connections may be open at once: `limits.connections`, and never so many that
    /// the process runs out of file descriptors. That must not happen at all: libdispatch, which
    /// runs Swift's tasks on Linux, reads `/proc/self/task/…/stat` to watch its threads and
    /// stops the process (SIGILL in `_dispatch_workq_monitor_pools`) when it cannot open it, as
    /// seen here with `ulimit -n 256` and 300 slow clients. So `reserve` descriptors are kept
    /// for it, the file watcher and reading copied files; the soft limit is first raised to the
    /// hard one.
    static func connectionBudget(_ wanted: Int, reserve: Int = 64) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return min(wanted, 256) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 1 << 16)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 16
        return max(8, min(wanted, Int(limit.rlim_cur) - open - reserve))
    }

    private func acceptLoop(_ listener: AsyncSocket, pool: some AsyncSocketPool) async {
        let budget = Self.connectionBudget(limits.connections)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !state.withLock({ $0.stopped }) {
                // At the budget, new connections wait in the kernel's queue until one ends.
                if state.withLock({ $0.open >= budget }) {
                    try? await Task.sleep(for: limits.acceptBackoff)
                    continue
                }
                let client: AsyncSocket
                do {
                    client = try await listener.accept()
                } catch SocketError.failed(_, let code, _) where Self.transient(code) {
                    // Out of descriptors or memory, or a connection gone before it was taken:
                    // the listener stays; try again shortly (epoll would wake us at once).
                    try? await Task.sleep(for: limits.acceptBackoff)
                    continue
                } catch {
                    if Task.isCancelled || state.withLock({ $0.stopped }) { break }
                    try? await Task.sleep(for: limits.acceptBackoff)
                    continue
                }
                state.withLock { $0.open += 1 }
                group.addTask {
                    await self.serve(client)
                    self.state.withLock { $0.open -= 1 }
                }
            }
        }
    }

    static func transient(_ code: Int32) -> Bool {
        [EMFILE, ENFILE, ENOBUFS, ENOMEM, ECONNABORTED, EINTR, EPROTO, EPERM, ETIMEDOUT].contains(code)
    }

    // MARK: One connection

    private func serve(_ socket: AsyncSocket) async {
        let id = watchdog.register(socket.socket.file.rawValue)
        defer {
            watchdog.remove(id)  // before the descriptor is closed (and its number reused)
            try? socket.close()
        }
        let reader = HeadReader(limits: limits, watchdog: watchdog, id: id)
        var first = true
        while !Task.isCancelled {
            let head: HeadReader.Outcome
            do {
                head = try await reader.next(from: socket, idle: first ? limits.headTimeout : limits.idleTimeout)
            } catch {
                return  // closed, reset, or cancelled
            }
            first = false
            let request: Request
            switch head {
            case .closed, .idle: return
            case .refused(let status, let message):
                _ = try? await send(.text(status, message), on: socket, id: id, keepAlive: false)
                await lingeringClose(socket, id: id)
                return
            case .request(let r): request = r
            }
            // A body (none of our methods takes one) is not read: answered, then closed.
            let hasBody = request.header("transfer-encoding") != nil || (request.header("content-length").map { $0 != "0" } ?? false)
            let keepAlive: Bool = {
                if hasBody { return false }
                let connection = request.header("connection")?.lowercased() ?? ""
                if request.version == "HTTP/1.0" { return connection.contains("keep-alive") }
                return !connection.contains("close")
            }()
            let response = await handler(request)
            let streaming: Bool
            if case .stream = response.body, !response.headOnly { streaming = true } else { streaming = false }
            do {
                try await send(response, on: socket, id: id, keepAlive: keepAlive && !streaming)
            } catch {
                return
            }
            if !keepAlive || streaming { return }
        }
    }

    /// After refusing a request whose bytes are still arriving: stops sending and reads what
    /// comes for a moment (at most a second and 4 MiB), so that closing does not reset the
    /// connection before the client has read the answer.
    private func lingeringClose(_ socket: AsyncSocket, id: Int) async {
        shutdown(socket.socket.file.rawValue, Int32(SHUT_WR))
        watchdog.set(id, deadline: .now + .seconds(1))
        var drained = 0
        while drained < 4 << 20, !watchdog.expired(id) {
            guard let bytes = try? await socket.read(atMost: 64 * 1024), !bytes.isEmpty else { return }
            drained += bytes.count
        }
    }

    /// Writes `response`; a streamed body is written as it comes, until the stream ends or a
    /// write fails (the page was closed).
    private func send(_ response: Response, on socket: AsyncSocket, id: Int, keepAlive: Bool) async throws {
        func write(_ data: Data) async throws {
            watchdog.set(id, deadline: .now + limits.writeTimeout, writing: true)
            defer { watchdog.set(id, deadline: nil) }
            try await socket.write(data)
        }
        var head = "HTTP/1.1 \(response.status) \(Self.phrase(response.status))\r\n"
        for (name, value) in response.headers where !["content-length", "connection", "transfer-encoding"].contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        switch response.body {
        case .bytes(let data):
            head += "Content-Length: \(data.count)\r\n"
            head += keepAlive ? "\r\n" : "Connection: close\r\n\r\n"
            var out = Data(head.utf8)
            if !response.headOnly { out.append(data) }
            try await write(out)
        case .stream(let stream):
            if response.headOnly {
                head += "Connection: close\r\n\r\n"
                try await write(Data(head.utf8))
                return
            }
            head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            try await write(Data(head.utf8))
            for await piece in stream where !piece.isEmpty {
                var chunk = Data(String(piece.count, radix: 16).utf8)
                chunk.append(contentsOf: [13, 10])
                chunk.append(piece)
                chunk.append(contentsOf: [13, 10])
                try await write(chunk)
            }
            try await write(Data("0\r\n\r\n".utf8))
        }
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 414: return "URI Too Long"
        case 421: return "Misdirected Request"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }
}
