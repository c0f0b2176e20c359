import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct ExternalLinkTests {
    func site(_ body: String) throws -> TestSite {
        try TestSite(["content/index.md": page("Home", body)])
    }

    func build(_ site: TestSite, _ checker: ExternalLinkChecker) -> BuildResult {
        var options = SiteBuilder.Options(today: "2026-11-24")
        options.externalLinks = checker
        return SiteBuilder(options: options).build(site.sources())
    }

    @Test func brokenLinksAreErrorsAndNetworkFailuresWarnings() throws {
        let site = try site("[a](https://ok.example/) [b](https://gone.example/x) [c](https://down.example/)\n")
        defer { site.remove() }
        var checker = ExternalLinkChecker()
        checker.fetch = { url, _ in
            switch url.host {
            case "ok.example": return .ok(status: 200)
            case "gone.example": return .broken(status: 404)
            default: return .unreachable(reason: "connection refused")
            }
        }
        #expect(build(site, checker).lines == ["content/index.md:5:26: error: link.external-broken", "content/index.md:5:54: warning: link.external-unreachable"])
        checker.failuresAreErrors = true
        #expect(build(site, checker).lines.last == "content/index.md:5:54: error: link.external-unreachable")
    }

    @Test func eachURLIsAskedOnceAndAnswersAreCached() throws {
        let site = try site("[a](https://a.example/) [again](https://a.example/) [b](https://b.example/)\n")
        defer { site.remove() }
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var asked: [String] = []
        }
        let counter = Counter()
        var checker = ExternalLinkChecker()
        checker.cacheFile = site.url(".cache/links.json")
        checker.fetch = { url, _ in
            counter.lock.lock()
            counter.asked.append(url.absoluteString)
            counter.lock.unlock()
            return .ok(status: 200)
        }
        #expect(build(site, checker).diagnostics.isEmpty)
        #expect(counter.asked.sorted() == ["https://a.example/", "https://b.example/"])
        _ = build(site, checker)
        #expect(counter.asked.count == 2, "the second build should use the cache")
        checker.now = { Date().addingTimeInterval(2 * 24 * 3600) }
        _ = build(site, checker)
        #expect(counter.asked.count == 4, "a stale cache is asked again")
    }
}
