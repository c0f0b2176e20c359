import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite("SHA-256")
struct SHA256Tests {
    @Test("the examples of FIPS 180-4 and the million a's")
    func standardExamples() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("agrees with sha256sum at every length around the block and padding boundaries, and on a photo-sized file")
    func agreesWithSha256sum() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SystemRandomNumberGenerator()
        let lengths = Array(0...200) + [1023, 1024, 1025, 4_000_037]
        var ours: [String: String] = [:]
        for length in lengths {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let name = "\(length).bin"
            try Data(bytes).write(to: folder.appendingPathComponent(name))
            ours[name] = bytes.withUnsafeBytes { SHA256.hex($0) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"] + lengths.map { "\($0).bin" }
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sha256sum failed")
        var theirs: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            theirs[String(fields[1])] = String(fields[0])
        }
        #expect(theirs.count == lengths.count)
        for (name, digest) in ours {
            #expect(theirs[name] == digest, "\(name)")
        }
    }
}
