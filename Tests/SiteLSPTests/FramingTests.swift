import Foundation
import Testing

@testable import SiteLSP

@Suite("LSP framing")
struct FramingTests {
    func items(_ chunks: [String], maximum: Int = MessageReader.defaultMaximumLength) -> [MessageReader.Item] {
        var reader = MessageReader(maximumLength: maximum)
        var found: [MessageReader.Item] = []
        for chunk in chunks {
            reader.append(Array(chunk.utf8))
            while let item = reader.next() { found.append(item) }
        }
        return found
    }

    @Test func wholeMessages() {
        let body = #"{"jsonrpc":"2.0","method":"initialized"}"#
        let two = "Content-Length: \(body.utf8.count)\r\n\r\n\(body)Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"
        #expect(items([two]) == [.message(Data(body.utf8)), .message(Data("{}".utf8))])
    }

    @Test func byteByByte() {
        let body = #"{"a":"café 😀"}"#
        let text = "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        var reader = MessageReader()
        var found: [MessageReader.Item] = []
        for byte in text.utf8 {
            reader.append([byte])
            while let item = reader.next() { found.append(item) }
        }
        #expect(found == [.message(Data(body.utf8))])
    }

    @Test func lengthCountsBytesNotCharacters() {
        // 'é' is two bytes: a reader counting characters would cut the next message.
        let body = #"{"é":1}"#
        #expect(items(["Content-Length: 8\r\n\r\n\(body)Content-Length: 2\r\n\r\n[]"]) == [.message(Data(body.utf8)), .message(Data("[]".utf8))])
    }

    @Test func headerWithoutLengthIsReportedAndSkipped() {
        let found = items(["Content-Type: x\r\n\r\nContent-Length: 2\r\n\r\n{}"])
        #expect(found.count == 2)
        if case .invalid = found[0] {} else { Issue.record("expected an invalid item first, got \(found[0])") }
        #expect(found[1] == .message(Data("{}".utf8)))
    }

    @Test func hugeLengthIsRefusedAndTheNextMessageStillRead() {
        let found = items(["Content-Length: 99999999999\r\n\r\n{\"x\"", "garbage Content-Length: 2\r\n\r\n{}"], maximum: 1000)
        #expect(found.count == 2)
        if case .invalid(let why) = found[0] { #expect(why.contains("99999999999")) } else { Issue.record("expected a refusal") }
        #expect(found[1] == .message(Data("{}".utf8)))
    }

    @Test func notANumber() {
        let found = items(["Content-Length: -5\r\n\r\nContent-Length: 1\r\n\r\n1"])
        #expect(found.count == 2)
        #expect(found[1] == .message(Data("1".utf8)))
    }

    @Test func framesWithByteLength() {
        let framed = String(decoding: frame(Data(#""é""#.utf8)), as: UTF8.self)
        #expect(framed == "Content-Length: 4\r\n\r\n\"é\"")
    }

    @Test func jsonTellsNumbersFromBooleans() throws {
        let json = try JSON.parse(Data(#"{"id":1,"b":true,"d":1.5,"s":"x","n":null,"a":[0]}"#.utf8))
        #expect(json["id"] == .int(1))
        #expect(json["b"] == .bool(true))
        #expect(json["d"] == .double(1.5))
        #expect(json["n"] == .null)
        #expect(json["a"] == .array([.int(0)]))
        #expect(try JSON.parse(json.serialized()) == json)
    }
}
