import CCurl
import Dispatch
import Foundation

/// The opt-in network check of http(s) links (`--check-external`): each distinct URL is asked
/// once (HEAD, then GET when HEAD is refused), at most `concurrency` at a time, each with a
/// timeout; answers are cached in a file for `cacheTTL` so CI does not ask again on every commit.
/// A broken link (404, 410, …) is an error; a network failure is a warning unless `strict`.
public struct ExternalLinkChecker: Sendable {
    /// The outcome of asking for one URL.
    public enum Outcome: Sendable, Hashable, Codable {
        case ok(status: Int)
        case broken(status: Int)
        case unreachable(reason: String)
    }

    public var timeout: TimeInterval = 10
    public var concurrency = 8
    public var cacheFile: URL?
    public var cacheTTL: TimeInterval = 24 * 3600
    /// Network failures are errors rather than warnings.
    public var failuresAreErrors = false
    /// Asks for one URL; swapped out in tests.
    public var fetch: @Sendable (URL, TimeInterval) -> Outcome = ExternalLinkChecker.httpFetch
    public var now: @Sendable () -> Date = { Date() }

    public init() {}

    /// Checks the http(s) links of every page; each problem is reported at every place the URL is written.
    public func check(_ pages: [AssembledPage]) -> [Diagnostic] {
        var places: [String: [SourcePosition]] = [:]
        for page in pages {
            for link in page.rendered.body.links {
                let url = link.renderedDestination
                guard let scheme = LinkResolver.scheme(of: url), scheme == "http" || scheme == "https" else { continue }
                places[url, default: []].append(
                    SourcePosition(file: page.page.source.displayPath, line: link.position.line, column: link.position.column))
            }
            for link in page.chrome.links where link.value.hasPrefix("http://") || link.value.hasPrefix("https://") {
                // Canonical and Open Graph URLs point at the site itself, which may not be published yet.
                if link.element == "link" || link.element == "meta" { continue }
                places[link.value, default: []].append(SourcePosition(file: page.page.source.displayPath))
            }
        }
        let outcomes = outcomes(for: places.keys.sorted())
        var diagnostics: [Diagnostic] = []
        for (url, positions) in places {
            guard let outcome = outcomes[url] else { continue }
            for at in Set(positions) {
                switch outcome {
                case .ok: break
                case .broken(let status):
                    diagnostics.append(
                        .error("link.external-broken", at: at, "'\(url)' answers HTTP \(status)", suggestion: "fix or remove the link; the page may have moved"))
                case .unreachable(let reason):
                    diagnostics.append(
                        Diagnostic(
                            failuresAreErrors ? .error : .warning, "link.external-unreachable", at: at, "'\(url)' could not be reached: \(reason)",
                            suggestion: "check it by hand; the site or the network may be down"))
                }
            }
        }
        return diagnostics
    }

    struct CacheEntry: Codable {
        var outcome: Outcome
        var checked: Date
    }

    /// Outcomes for `urls`, from the cache where fresh, else from the network.
    func outcomes(for urls: [String]) -> [String: Outcome] {
        var cache: [String: CacheEntry] = [:]
        if let cacheFile, let data = try? Data(contentsOf: cacheFile) {
            cache = (try? JSONDecoder().decode([String: CacheEntry].self, from: data)) ?? [:]
        }
        let current = now()
        var result: [String: Outcome] = [:]
        var toFetch: [String] = []
        for url in urls {
            if let entry = cache[url], current.timeIntervalSince(entry.checked) < cacheTTL, case .unreachable = entry.outcome {
                toFetch.append(url)  // never trust a cached failure
            } else if let entry = cache[url], current.timeIntervalSince(entry.checked) < cacheTTL {
                result[url] = entry.outcome
            } else {
                toFetch.append(url)
            }
        }
        let fetched = UnsafeMutableBufferPointer<Outcome?>.allocate(capacity: toFetch.count)
        fetched.initialize(repeating: nil)
        defer {
            _ = fetched.deinitialize()
            fetched.deallocate()
        }
        nonisolated(unsafe) let out = fetched
        let gate = DispatchSemaphore(value: max(1, concurrency))
        let group = DispatchGroup()
        let fetch = self.fetch
        let timeout = self.timeout
        for (index, url) in toFetch.enumerated() {
            gate.wait()
            group.enter()
            DispatchQueue.global().async {
                out[index] = URL(string: url).map { fetch($0, timeout) } ?? .unreachable(reason: "not a valid URL")
                gate.signal()
                group.leave()
            }
        }
        group.wait()
        for (index, url) in toFetch.enumerated() {
            let outcome = fetched[index] ?? .unreachable(reason: "no answer")
            result[url] = outcome
            cache[url] = CacheEntry(outcome: outcome, checked: current)
        }
        if let cacheFile, !toFetch.isEmpty {
            try? FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try? encoder.encode(cache).write(to: cacheFile)
        }
        return result
    }

    /// HEAD, then GET when the server refuses HEAD (405, 403, 501). Redirects are followed and
    /// the last answer counts. Through libcurl, loaded on the first call (Sources/CCurl/curl.c).
    public static func httpFetch(_ url: URL, _ timeout: TimeInterval) -> Outcome {
        // At least 1 ms (0 is no timeout to libcurl), at most about 24 days (a huge --external-timeout).
        let timeoutMilliseconds = timeout.isNaN ? 1 : Int(min(max((timeout * 1000).rounded(), 1), Double(Int32.max)))
        func ask(head: Bool) -> Outcome {
            var status = 0
            var error = [CChar](repeating: 0, count: 512)
            let result = cc_request(url.absoluteString, head ? 1 : 0, timeoutMilliseconds, "clinic-site link checker", &status, &error, error.count)
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch Int(result) {
            case Int(CC_ANSWERED): return (200..<400).contains(status) ? .ok(status: status) : .broken(status: status)
            case Int(CC_TIMED_OUT): return .unreachable(reason: "timed out after \(seconds(timeout)) s")
            case Int(CC_UNAVAILABLE): return .unreachable(reason: "\(reason): apt-get install libcurl4")
            default: return .unreachable(reason: reason.isEmpty ? "no answer" : reason)
            }
        }
        let head = ask(head: true)
        if case .broken(let status) = head, [403, 405, 501].contains(status) { return ask(head: false) }
        return head
    }

    /// `10`, or `0.5`: whole seconds without a fraction.
    static func seconds(_ interval: TimeInterval) -> String {
        interval == interval.rounded() && abs(interval) < 1e9 ? String(Int(interval)) : String(interval)
    }
}
