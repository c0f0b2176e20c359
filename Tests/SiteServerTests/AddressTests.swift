import SiteKit
import Testing

@testable import SiteServer

@Suite("Addresses")
struct AddressTests {
    @Test(arguments: [
        ("127.0.0.1", "http://127.0.0.1:8000/"), ("0.0.0.0", "http://127.0.0.1:8000/"), ("::1", "http://[::1]:8000/"),
        ("::", "http://[::1]:8000/"), ("localhost", "http://localhost:8000/"),
    ])
    func browserURL(host: String, url: String) {
        #expect(PreviewServer.browserURL(host: host, port: 8000).absoluteString == url)
    }

    @Test(arguments: ["127.0.0.1", "::1", "localhost", "0.0.0.0", "[::1]"])
    func hostsThatAreAccepted(host: String) throws {
        _ = try PreviewServer.socketAddress(host: host, port: 0)
    }

    @Test(arguments: ["example.com", "", "300.1.1.1", "127.0.0.1:80"])
    func hostsThatAreRefused(host: String) {
        #expect(throws: PreviewError.self) { try PreviewServer.socketAddress(host: host, port: 0) }
    }
}
