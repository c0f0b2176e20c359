import Foundation

/// The base protocol of LSP: each message is `Content-Length: N\r\n` (other headers allowed),
/// an empty line, then N bytes of JSON.
///
/// `MessageReader` takes bytes as they arrive and hands out whole message bodies; a header it
/// cannot read is skipped up to the next blank line and reported, never fatal. A length above
/// `maximumLength` is refused: the reader drops bytes up to the next `Content-Length` header
/// (rather than waiting for, or allocating, a body of 99999999999 bytes), so the messages after
/// a bogus one are still read.
public struct MessageReader: Sendable {
    public enum Item: Sendable, Equatable {
        case message(Data)
        /// A header that could not be read, or a length refused; the server logs it and goes on.
        case invalid(String)
    }

    public static let defaultMaximumLength = 64 << 20

    public let maximumLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// After a refused length: drop bytes until the next `Content-Length` header.
    private var resyncing = false

    public init(maximumLength: Int = MessageReader.defaultMaximumLength) {
        self.maximumLength = maximumLength
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete item, or nil until more bytes arrive.
    public mutating func next() -> Item? {
        if resyncing {
            guard let next = nextHeader() else {
                // Keep a tail that may be the start of a header.
                start = max(start, buffer.count - 16)
                compact()
                return nil
            }
            start = next
            resyncing = false
        }
        guard let end = headerEnd() else {
            compact()
            return nil
        }
        let header = String(decoding: buffer[start..<end.headerStop], as: UTF8.self)
        var length: Int?
        var problem: String?
        for line in header.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else {
                problem = "a header line without ':' (\(line.prefix(40)))"
                continue
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                if let n = Int(value), n >= 0 { length = n } else { problem = "Content-Length '\(value.prefix(40))' is not a number" }
            }
        }
        start = end.bodyStart
        guard let length else {
            compact()
            return .invalid(problem ?? "a message without Content-Length")
        }
        if length > maximumLength {
            resyncing = true
            return .invalid("Content-Length \(length) is more than \(maximumLength) bytes; the message is skipped")
        }
        guard buffer.count - start >= length else {
            // Wait for the body: put the header back.
            start = end.headerStart
            compact()
            return nil
        }
        let body = Data(buffer[start..<(start + length)])
        start += length
        compact()
        return .message(body)
    }

    /// Where the next `Content-Length` header starts (case-insensitive), from `start`.
    private func nextHeader() -> Int? {
        let pattern = Array("content-length".utf8)
        var i = start
        while i + pattern.count <= buffer.count {
            var matches = true
            for (k, p) in pattern.enumerated() where buffer[i + k] | 0x20 != p {
                matches = false
                break
            }
            if matches { return i }
            i += 1
        }
        return nil
    }

    /// Where the header that starts at `start` ends: a blank line (`\r\n\r\n`, or `\n\n` from a
    /// lenient client). Leading stray line breaks are skipped.
    private mutating func headerEnd() -> (headerStart: Int, headerStop: Int, bodyStart: Int)? {
        while start < buffer.count, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
        var i = start
        while i < buffer.count {
            if buffer[i] == 10 {
                if i + 1 < buffer.count, buffer[i + 1] == 10 { return (start, i, i + 2) }
                if i + 2 < buffer.count, buffer[i + 1] == 13, buffer[i + 2] == 10 { return (start, i, i + 3) }
            }
            i += 1
        }
        // A header that never ends: drop it rather than grow without bound.
        if buffer.count - start > 1 << 16 { start = buffer.count }
        return nil
    }

    private mutating func compact() {
        if start > 0, start >= buffer.count / 2 || start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
    }
}

/// Frames a message body for writing.
public func frame(_ body: Data) -> Data {
    var data = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
    data.append(body)
    return data
}
