import Foundation
import Testing
import TestSupport

@testable import SiteServer

/// What a page on another site, or a hostile client on this machine, must not get from the
/// preview (issue 13): DNS rebinding, unknown methods, huge request lines and heads, slow heads.
/// The bounded abuse run (1 MB lines, 300 slow clients, `ulimit -n 256`) is
/// `scripts/server-abuse-test.py`, part of `make load-test`.
@Suite("Hardened serving", .serialized, .timeLimit(.minutes(2)))
struct ServerHardeningTests {
    @Test func onlyTheListeningAddressesAreAnsweredAsHost() async throws {
        try await withPreview(TestSite()) { preview in
            let port = preview.port
            for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST:\(port)", "[::1]:\(port)"] {
                let response = try await HTTPTestClient.raw(port: port, "GET / HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
                #expect(response.status == 200, "Host: \(host)")
            }
            // A rebinding page sends its own name; a page on another port of this machine its port.
            for host in ["evil.example:\(port)", "evil.example", "127.0.0.1:\(port &+ 1)", "localhost.evil.example:\(port)", "127.0.0.1", "", "127.0.0.1:\(port) x"] {
                let response = try await HTTPTestClient.raw(port: port, "GET / HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
                #expect(response.status == 421, "Host: \(host) → \(response.status)")
                #expect(!response.text.contains("<html"), "Host: \(host) got a page")
            }
            let noHost = try await HTTPTestClient.raw(port: port, "GET /__clinic-site/events HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(noHost.status == 421)
        }
    }

    @Test func aWildcardHostAnswersAnyName() {
        #expect(AllowedHosts(host: "0.0.0.0").allows("my-laptop.local:8000", port: 8000))
        #expect(AllowedHosts(host: "192.168.1.20").allows("192.168.1.20:8000", port: 8000))
        #expect(!AllowedHosts(host: "192.168.1.20").allows("evil.example:8000", port: 8000))
        #expect(AllowedHosts(host: "::1").allows("[::1]:8000", port: 8000))
    }

    @Test func unknownMethodsGet405WithAllow() async throws {
        try await withPreview(TestSite()) { preview in
            let port = preview.port
            for method in ["BREW", "get", "PROPFIND", "OPTIONS", "TRACE", "CONNECT", "PATCH"] {
                let response = try await HTTPTestClient.raw(
                    port: port, "\(method) /faq/ HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
                #expect(response.status == 405, "\(method) → \(response.status)")
                #expect(response.header("Allow") == "GET, HEAD", "\(method)")
            }
            // With a body, which is not read: answered, and the connection closed.
            let post = try await HTTPTestClient.raw(
                port: port, "POST /faq/ HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 5\r\n\r\nhello")
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
        }
    }

    @Test func hugeRequestLinesAndHeadsAreRefusedQuickly() async throws {
        try await withPreview(TestSite()) { preview in
            let port = preview.port
            let clock = ContinuousClock()
            let start = clock.now
            let line = try await HTTPTestClient.raw(
                port: port, "GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            #expect(line.status == 414)
            let header = try await HTTPTestClient.raw(
                port: port, "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Big: " + String(repeating: "b", count: 1 << 20) + "\r\n\r\n")
            #expect(header.status == 431)
            let many = try await HTTPTestClient.raw(
                port: port, "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n" + String(repeating: "X-A: 1\r\n", count: 100_000) + "\r\n")
            #expect(many.status == 431)
            #expect(clock.now - start < .seconds(5), "\(clock.now - start)")
            let ordinary = try await preview.get("/")
            #expect(ordinary.status == 200)
        }
    }

    @Test func aHeadOfManyHeadersUpToTheLimitIsParsed() throws {
        let limits = PreviewHTTPServer.Limits()
        var head = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n".utf8)
        head += Array(String(repeating: "X-A: 1\r\n", count: 7_000).utf8) + [13, 10]
        #expect(head.count < limits.head)
        guard case .request(let request) = HeadReader.parse(head) else {
            Issue.record("not parsed")
            return
        }
        #expect(request.headers.count == 7_001)
        #expect(HeadReader.endOfHead(head, from: 0) == head.count)
    }

    @Test func aSlowHeadIsCutOffAndTheServerStillAnswers() async throws {
        let server = PreviewHTTPServer(
            address: try PreviewServer.socketAddress(host: "127.0.0.1", port: 0),
            limits: {
                var l = PreviewHTTPServer.Limits()
                l.headTimeout = .milliseconds(500)
                return l
            }()
        ) { _ in .text(200, "ok") }
        let task = Task { try await server.run() }
        defer {
            server.stop()
            task.cancel()
        }
        while server.port == nil { try await Task.sleep(for: .milliseconds(5)) }
        let port = server.port!
        let slow = try await HTTPTestClient.onThread { try TestSocket(port: port, timeout: 5) }
        try slow.send("GET / HTTP/1.1\r\nHost: x\r\n")
        let clock = ContinuousClock()
        let start = clock.now
        let answer = try await HTTPTestClient.onThread { try slow.readToEnd(deadline: Date().addingTimeInterval(5)) }
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 408"))
        #expect(clock.now - start < .seconds(3))
        let ordinary = try await HTTPTestClient.raw(port: port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(ordinary.status == 200)
    }
}
