import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// `ExternalLinkChecker.httpFetch`, the real network request of `--check-external`, through
/// libcurl loaded with dlopen on the first request (Sources/CCurl/curl.c), against a local
/// Python HTTP server.
@Suite("external link fetching")
final class ExternalFetchTests {
    /// Answers by path: /ok 200; /gone 404; /nohead 405 to HEAD and 200 to GET; /headonly 200 to
    /// HEAD and 500 to GET; /moved 301 to /ok; /moved-gone 302 to /gone; /slow after 5 s. Prints
    /// its port and a port nothing listens on. It ends on SIGTERM, which it unblocks (a child
    /// of a test inherits the signal mask of the dispatch thread that started it, SIGTERM
    /// blocked), or when its stdin closes (the test process ended).
    static let script = #"""
        import http.server, os, signal, socket, sys, threading, time

        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.answer(False)

            def do_GET(self):
                self.answer(True)

            def answer(self, get):
                path = self.path
                if path == "/ok": self.reply(200, get)
                elif path == "/nohead": self.reply(200 if get else 405, get)
                elif path == "/headonly": self.reply(500 if get else 200, get)
                elif path == "/moved": self.reply(301, get, "/ok")
                elif path == "/moved-gone": self.reply(302, get, "/gone")
                elif path == "/slow":
                    time.sleep(5)
                    self.reply(200, get)
                else: self.reply(404, get)

            def reply(self, status, get, location=None):
                body = b"clinic-site test\n" * 4096
                self.send_response(status)
                if location: self.send_header("Location", location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if get:
                    try: self.wfile.write(body)
                    except OSError: pass

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
        closed.close()
        print(server.server_address[1], closed_port, flush=True)
        server.serve_forever()
        """#

    let server = Process()
    let input = Pipe()
    let port: Int
    let closedPort: Int

    init() throws {
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", Self.script]
        let out = Pipe()
        server.standardOutput = out
        server.standardInput = input
        try server.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard ports.count == 2 else {
            server.terminate()
            throw ServerDidNotStart(output: String(decoding: line, as: UTF8.self))
        }
        (port, closedPort) = (ports[0], ports[1])
    }

    deinit {
        try? input.fileHandleForWriting.close()
        server.terminate()
        server.waitUntilExit()
    }

    struct ServerDidNotStart: Error {
        var output: String
    }

    func fetch(_ path: String, timeout: TimeInterval = 10) -> ExternalLinkChecker.Outcome {
        ExternalLinkChecker.httpFetch(URL(string: "http://127.0.0.1:\(port)\(path)")!, timeout)
    }

    @Test("200 is ok, 404 is broken")
    func statuses() {
        #expect(fetch("/ok") == .ok(status: 200))
        #expect(fetch("/gone") == .broken(status: 404))
    }

    @Test("HEAD is asked first; GET only when HEAD is refused (405)")
    func getWhenHeadIsRefused() {
        #expect(fetch("/headonly") == .ok(status: 200))
        #expect(fetch("/nohead") == .ok(status: 200))
    }

    @Test("redirects are followed and the last answer counts")
    func redirects() {
        #expect(fetch("/moved") == .ok(status: 200))
        #expect(fetch("/moved-gone") == .broken(status: 404))
    }

    @Test("no answer within the timeout is unreachable, saying so")
    func timeout() {
        #expect(fetch("/slow", timeout: 0.5) == .unreachable(reason: "timed out after 0.5 s"))
    }

    @Test("a closed port is unreachable, with curl's reason")
    func refused() {
        let outcome = ExternalLinkChecker.httpFetch(URL(string: "http://127.0.0.1:\(closedPort)/")!, 10)
        guard case .unreachable(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.contains("connect"), "\(reason)")
    }

    @Test("CCurl's own declarations of libcurl's functions and constants agree with <curl/curl.h>")
    func declarationsMatchHeaders() throws {
        let source = repositoryRoot.appendingPathComponent("Sources/CCurl")
        let header = try Subprocess.run("/usr/bin/env", ["sh", "-c", "echo '#include <curl/curl.h>' | clang -fsyntax-only -x c -"])
        try #require(header.status == 0, "<curl/curl.h> is missing (apt-get install libcurl4-openssl-dev): \(header.output)")
        let check = try Subprocess.run(
            "/usr/bin/env",
            ["clang", "-fsyntax-only", "-DCS_CHECK_WITH_CURL_HEADERS", "-I", source.appendingPathComponent("include").path, source.appendingPathComponent("curl.c").path])
        #expect(check.status == 0, "curl.c disagrees with libcurl's headers:\n\(check.output)")
    }

    @Test("neither clinic-site nor the test binary links FoundationNetworking or libcurl")
    func notLinked() throws {
        try expectNotLinked(["libFoundationNetworking", "libcurl"])
    }

    @Test("a build does not load libcurl; one with --check-external does")
    func loadedOnlyForCheckExternal() throws {
        let site = try TestSite([
            "content/_site.yaml": "name: Test\n",
            "content/index.md": "---\ntitle: Home\n---\nSee [this](http://127.0.0.1:\(closedPort)/).\n",
        ])
        defer { site.remove() }
        let plain = try Subprocess.run(CLI.executable.path, ["build", "--today", "2026-11-24"], in: site.root, environment: ["LD_DEBUG": "files"])
        #expect(plain.status == 0, "\(plain.output.suffix(2000))")
        #expect(plain.output.contains("file=libc.so.6"), "LD_DEBUG=files printed nothing")
        #expect(!plain.output.contains("libcurl"))
        let external = try Subprocess.run(
            CLI.executable.path, ["build", "--today", "2026-11-24", "--check-external"], in: site.root, environment: ["LD_DEBUG": "files"])
        #expect(external.output.contains("file=libcurl.so.4"))
        #expect(external.output.contains("link.external-unreachable"), "\(external.output.suffix(2000))")
    }
}
