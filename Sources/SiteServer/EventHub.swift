import Foundation

/// The open Server-Sent-Event connections, and the `reload` events sent to them.
///
/// Subscribing and publishing take the same lock, so a rebuild that finishes while a page is
/// connecting is never missed: either the page's token is already stale when it subscribes (and
/// it gets a `reload` at once), or it is subscribed before the new token is published.
final class EventHub: Sendable {
    private struct Clients {
        var token: String
        var streams: [UUID: AsyncStream<Data>.Continuation] = [:]
        var closed = false
    }

    private let clients: Locked<Clients>

    init(token: String) {
        clients = Locked(Clients(token: token))
    }

    var count: Int { clients.withLock { $0.streams.count } }

    /// A new event stream for a page built with `since` (nil or empty: unknown, no reload at once).
    func subscribe(since: String?) -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            _ = self?.clients.withLock { $0.streams.removeValue(forKey: id) }
        }
        // Reconnect after one second when the server restarts or the connection drops.
        continuation.yield(Data("retry: 1000\n: clinic-site live reload\n\n".utf8))
        let closed = clients.withLock { clients -> Bool in
            guard !clients.closed else { return true }
            clients.streams[id] = continuation
            if let since, !since.isEmpty, since != clients.token {
                continuation.yield(Self.reload(clients.token))
            }
            return false
        }
        if closed { continuation.finish() }
        return stream
    }

    /// Tells every page to reload; `token` is the new build's.
    func publish(token: String) {
        clients.withLock { clients in
            clients.token = token
            for stream in clients.streams.values { stream.yield(Self.reload(token)) }
        }
    }

    /// A comment line that keeps idle connections open and finds closed ones.
    func ping() {
        clients.withLock { clients in
            for stream in clients.streams.values { stream.yield(Data(": ping\n\n".utf8)) }
        }
    }

    /// Ends every stream (when the server stops) and refuses new ones.
    func close() {
        let streams = clients.withLock { clients -> [AsyncStream<Data>.Continuation] in
            clients.closed = true
            defer { clients.streams = [:] }
            return Array(clients.streams.values)
        }
        // Outside the lock: finishing runs onTermination, which takes it.
        for stream in streams { stream.finish() }
    }

    static func reload(_ token: String) -> Data {
        Data("event: reload\ndata: \(token)\n\n".utf8)
    }
}
