import Foundation
import SiteLSP
import Testing

/// The language server writes its messages' JSON by hand; it must be what `JSONEncoder` writes
/// (sorted keys, slashes unescaped) for the same value.
@Suite struct HandWrittenLSPJSONTests {
    static let tricky: [String] = [
        "", "plain", "a \"quoted\" word", #"back\slash"#, "line\nbreak\r\n", "tab\tand\u{8}\u{c}", "\u{0}\u{1}\u{1f}\u{7f}",
        "é — “curly” 🧠 \u{2028}\u{2029}", "/pricing/#a-b", "<script>&amp;</script>", "\u{600}<",
    ]

    @Test func handWrittenLSPJSONEqualsJSONEncoder() {
        var values: [JSON] = [.null, .bool(true), .bool(false), .int(0), .int(-42), .int(Int.max), .array([]), .object([:])]
        values += Self.tricky.map { .string($0) }
        // Keys that sort differently by bytes, by case and by length; a message's shape.
        var keys: [String: JSON] = [:]
        for (i, key) in (Self.tricky + ["B", "a", "aa", "a_b", "Z", "é", "e", "10", "9", "uri", "diagnostics"]).enumerated() { keys[key] = .int(i) }
        values.append(.object(keys))
        values.append(
            .object([
                "jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                "params": .object([
                    "uri": "file:///site/content/faq%20page.md", "version": 3,
                    "diagnostics": .array([
                        .object([
                            "range": .object(["start": .object(["line": 0, "character": 4]), "end": .object(["line": 0, "character": 9])]),
                            "severity": 1, "code": "price.mismatch", "source": "clinic-site",
                            "message": .string(Self.tricky.joined(separator: " ")),
                        ])
                    ]),
                ]),
            ]))
        values.append(.array(values))
        for value in values {
            #expect(String(decoding: value.serialized(), as: UTF8.self) == String(decoding: value.encoderSerialized(), as: UTF8.self))
        }
    }

    @Test func doublesReadBackAsTheSameNumber() throws {
        for d in [1.5, -0.25, 0.1, 1e20, 3.0] {
            #expect(try JSON.parse(JSON.double(d).serialized()).int ?? nil == JSON.double(d).int)
            #expect(try JSON.parse(JSON.array([.double(d)]).serialized()) == JSON.parse(JSON.array([.double(d)]).encoderSerialized()))
        }
    }
}
