import Foundation
import SiteServer

extension TestSite {
    /// How `clinic-site serve` would preview this site: loopback, a random port, a short
    /// debounce and a fixed date.
    package func configuration(watch: WatchMode = .native) -> PreviewConfiguration {
        var config = PreviewConfiguration(content: content, theme: theme, workingDirectory: root)
        config.host = "127.0.0.1"
        config.port = 0
        config.watch = watch
        config.debounce = .milliseconds(60)
        config.today = "2026-01-15"
        return config
    }
}

/// A started preview server on a random loopback port, with the builds it reported.
package final class RunningPreview: @unchecked Sendable {
    package let site: TestSite
    package let server: PreviewServer
    package let port: UInt16
    private let reports: LockedBox<[PreviewBuildReport]>

    /// Every build reported so far, the first one included.
    package var builds: [PreviewBuildReport] { reports.value }

    private init(site: TestSite, server: PreviewServer, port: UInt16, reports: LockedBox<[PreviewBuildReport]>) {
        self.site = site
        self.server = server
        self.port = port
        self.reports = reports
    }

    package static func start(_ site: TestSite, watch: WatchMode = .native) async throws -> RunningPreview {
        let reports = LockedBox<[PreviewBuildReport]>([])
        let server = PreviewServer(configuration: site.configuration(watch: watch)) { event in
            if case .built(let report) = event { reports.mutate { $0.append(report) } }
        }
        let url = try await server.start()
        return RunningPreview(site: site, server: server, port: UInt16(url.port ?? 0), reports: reports)
    }

    package func get(_ target: String, method: String = "GET") async throws -> HTTPTestResponse {
        try await HTTPTestClient.request(port: port, method: method, target: target)
    }

    /// The build token the page at `target` was served with.
    package func token(of target: String = "/") async throws -> String {
        let page = try await get(target)
        guard let range = page.text.range(of: #"data-token="([^"]*)""#, options: .regularExpression) else {
            throw TestFailure("no live-reload script in \(target)")
        }
        return String(page.text[range].dropFirst("data-token=\"".count).dropLast())
    }

    package func stop() async {
        await server.stop()
    }
}

/// Starts a preview of `site`, runs `body`, and stops the server whatever happens.
package func withPreview(
    _ site: TestSite, watch: WatchMode = .native, _ body: (RunningPreview) async throws -> Void
) async throws {
    let preview = try await RunningPreview.start(site, watch: watch)
    do {
        try await body(preview)
    } catch {
        await preview.stop()
        throw error
    }
    await preview.stop()
}
