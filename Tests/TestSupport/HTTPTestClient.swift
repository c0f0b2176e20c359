import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response as read off the socket.
package struct HTTPTestResponse: Sendable {
    package var status: Int
    /// Header names in lower case.
    package var headers: [String: String]
    package var body: Data
    package var text: String { String(decoding: body, as: UTF8.self) }
    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A bare HTTP/1.1 client over a loopback socket. URLSession would clean up `..` and encoded
/// bytes before sending; this sends the request target exactly as written. Blocking calls run on
/// a GCD thread, never on Swift's cooperative pool (the server under test needs it), and every
/// read has a deadline.
package enum HTTPTestClient {
    package static func request(port: UInt16, method: String = "GET", target: String, timeout: Double = 30) async throws -> HTTPTestResponse {
        let raw = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
        let bytes = try await onThread {
            let socket = try TestSocket(port: port, timeout: timeout)
            defer { socket.close() }
            try socket.send(raw)
            return try socket.readToEnd(deadline: Date().addingTimeInterval(timeout))
        }
        return try parse(bytes, head: method == "HEAD")
    }

    package static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    package static func parse(_ bytes: [UInt8], head: Bool) throws -> HTTPTestResponse {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw TestFailure("no complete response head in \(bytes.count) bytes: \(String(decoding: bytes, as: UTF8.self))")
        }
        let headText = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestFailure("bad status line: \(headText)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if !head, headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return HTTPTestResponse(status: status, headers: headers, body: Data(body))
    }

    package static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd + 2
            out += bytes[start..<min(start + size, bytes.count)]
            i = start + size + 2
        }
        return out
    }
}

/// A Server-Sent-Events connection that collects what arrives.
package final class EventStreamClient: @unchecked Sendable {
    private let socket: TestSocket
    private let received = LockedBox<[UInt8]>([])

    package init(port: UInt16, since: String) async throws {
        socket = try await HTTPTestClient.onThread { try TestSocket(port: port, timeout: 0.2) }
        try socket.send(
            "GET /__clinic-site/events?since=\(since) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n")
    }

    package var text: String { String(decoding: received.value, as: UTF8.self) }

    /// Reads until `needle` has arrived `count` times (in all the stream so far) or `timeout` passes.
    package func waitFor(_ needle: String, count: Int = 1, timeout: Double = 30) async throws {
        let socket = self.socket
        let received = self.received
        let found = try await HTTPTestClient.onThread { () -> Bool in
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if String(decoding: received.value, as: UTF8.self).components(separatedBy: needle).count - 1 >= count { return true }
                let chunk = try socket.readSome()
                if let chunk { received.mutate { $0 += chunk } } else { return false }  // closed
            }
            return String(decoding: received.value, as: UTF8.self).components(separatedBy: needle).count - 1 >= count
        }
        if !found { throw TestFailure("no '\(needle)' (×\(count)) on the event stream within \(timeout) s; got: \(text)") }
    }

    package func close() { socket.close() }
}

/// A blocking TCP socket to 127.0.0.1 with a receive timeout.
package final class TestSocket: @unchecked Sendable {
    private let fd: Int32
    private let closed = LockedBox(false)
    package var fdForTests: Int32 { fd }

    package init(port: UInt16, timeout: Double) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: __suseconds_t((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw TestFailure("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    package func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Some bytes; `[]` when the receive timeout passed with nothing; nil when the peer closed.
    package func readSome() throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { return Array(buffer[..<n]) }
        if n == 0 { return nil }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return [] }
        throw TestFailure("recv failed: errno \(errno)")
    }

    package func readToEnd(deadline: Date) throws -> [UInt8] {
        var all: [UInt8] = []
        while Date() < deadline {
            guard let chunk = try readSome() else { return all }
            all += chunk
        }
        throw TestFailure("the server did not close the connection in time; got \(all.count) bytes: \(String(decoding: all.prefix(300), as: UTF8.self))")
    }

    package func close() {
        let already = closed.value
        closed.value = true
        if !already { Glibc.close(fd) }
    }

    deinit { close() }
}

extension HTTPTestClient {
    /// Sends `raw` exactly (a whole request, or a hostile one) and reads the answer until the
    /// server closes the connection. A server that answers and closes before taking every byte
    /// may reset the connection: what arrived before is still returned.
    package static func raw(port: UInt16, _ raw: [UInt8], timeout: Double = 30) async throws -> HTTPTestResponse {
        let bytes = try await onThread { () -> [UInt8] in
            let socket = try TestSocket(port: port, timeout: timeout)
            defer { socket.close() }
            try? socket.send(bytes: raw)
            return (try? socket.readToEnd(deadline: Date().addingTimeInterval(timeout))) ?? []
        }
        return try parse(bytes, head: false)
    }

    package static func raw(port: UInt16, _ text: String, timeout: Double = 30) async throws -> HTTPTestResponse {
        try await raw(port: port, Array(text.utf8), timeout: timeout)
    }
}

extension TestSocket {
    package func send(bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fdForTests, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send failed: errno \(errno)") }
            sent += n
        }
    }
}
