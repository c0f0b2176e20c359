import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads request heads off one connection: bytes up to the blank line, in linear time, within
/// the limits; what follows a head (a pipelined request) is kept for the next.
final class HeadReader: @unchecked Sendable {
    enum Outcome: Sendable {
        case request(PreviewHTTPServer.Request)
        /// Answered with this status, then the connection is closed.
        case refused(Int, String)
        /// The peer closed the connection between requests.
        case closed
        /// Nothing arrived within the idle time.
        case idle
    }

    let limits: PreviewHTTPServer.Limits
    let watchdog: Watchdog
    let id: Int
    /// Bytes read and not yet used (one task at a time: the connection's).
    private var buffer: [UInt8] = []

    init(limits: PreviewHTTPServer.Limits, watchdog: Watchdog = Watchdog(), id: Int = 0) {
        self.limits = limits
        self.watchdog = watchdog
        self.id = id
    }

    /// The next request head. `idle` bounds the wait for its first byte; once it has begun, the
    /// whole head must arrive within `limits.headTimeout`.
    func next(from socket: AsyncSocket, idle: Duration) async throws -> Outcome {
        var scanned = 0  // bytes of `buffer` already searched for the end of the head
        var lineEnd: Int? = nil
        var deadline: ContinuousClock.Instant? = buffer.isEmpty ? nil : .now + limits.headTimeout
        while true {
            // The request line, then the blank line ending the head.
            if lineEnd == nil, let i = buffer[scanned...].firstIndex(of: 10) { lineEnd = i }
            if lineEnd == nil, buffer.count > limits.requestLine {
                return .refused(414, "414 URI Too Long: the request line is longer than \(limits.requestLine) bytes")
            }
            if let lineEnd, lineEnd > limits.requestLine {
                return .refused(414, "414 URI Too Long: the request line is longer than \(limits.requestLine) bytes")
            }
            if let end = Self.endOfHead(buffer, from: max(0, scanned - 3)) {
                if end > limits.head {
                    return .refused(431, "431 Request Header Fields Too Large: the request head is longer than \(limits.head) bytes")
                }
                let head = Array(buffer[..<end])
                buffer.removeFirst(end)
                watchdog.set(id, deadline: nil)
                return Self.parse(head)
            }
            scanned = buffer.count
            if buffer.count > limits.head {
                return .refused(431, "431 Request Header Fields Too Large: the request head is longer than \(limits.head) bytes")
            }
            watchdog.set(id, deadline: deadline ?? .now + idle)
            let bytes: [UInt8]
            do {
                bytes = try await socket.read(atMost: 16 * 1024)
            } catch SocketError.disconnected {
                bytes = []
            }
            if bytes.isEmpty || watchdog.expired(id) {
                watchdog.set(id, deadline: nil)
                if watchdog.expired(id) {
                    return deadline == nil ? .idle : .refused(408, "408 Request Timeout: the request head did not arrive in time")
                }
                return .closed
            }
            if deadline == nil { deadline = .now + limits.headTimeout }
            buffer.append(contentsOf: bytes)
        }
    }

    /// The index just past the blank line (`\r\n\r\n` or `\n\n`) ending a head, searching from `from`.
    static func endOfHead(_ bytes: [UInt8], from: Int) -> Int? {
        var i = from
        while i < bytes.count {
            if bytes[i] == 10 {
                if i + 1 < bytes.count, bytes[i + 1] == 10 { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    static func parse(_ head: [UInt8]) -> Outcome {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 13 ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        // A blank line or two before the request line is allowed (RFC 9112, 2.2).
        while lines.first?.isEmpty == true { lines.removeFirst() }
        guard let first = lines.first else { return .refused(400, "400 Bad Request: no request line") }
        let parts = first.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].allSatisfy(Self.isTokenByte), parts[1].allSatisfy({ $0 > 32 && $0 != 127 })
        else { return .refused(400, "400 Bad Request: the request line is not 'METHOD TARGET HTTP/1.1'") }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            return .refused(505, "505 HTTP Version Not Supported: the preview speaks HTTP/1.1")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                line[..<colon].allSatisfy(Self.isTokenByte)
            else { return .refused(400, "400 Bad Request: a header line is not 'Name: value'") }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            headers.append((name, value))
        }
        return .request(
            PreviewHTTPServer.Request(
                method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self),
                version: version, headers: headers))
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }
}
