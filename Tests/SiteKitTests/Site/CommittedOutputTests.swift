import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The repository's own site: `output/` must be exactly the build of `content/` and `theme/`.
@Suite struct CommittedOutputTests {
    @Test func committedOutputEqualsAFreshBuild() throws {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        #expect(result.errors.isEmpty, "the clinic site has errors: \(result.errors)")
        let output = repositoryRoot.appendingPathComponent("output")
        var expected: [String: Data] = [:]
        for file in result.files {
            switch file.contents {
            case .text(let text): expected[file.path] = Data(text.utf8)
            case .copy(let url): expected[file.path] = try Data(contentsOf: url)
            }
        }
        let site = TestSite(root: repositoryRoot)
        let committed = site.listing("output")
        #expect(committed == expected.keys.sorted(), "output/ has other files than a fresh build: run `make site` and commit output/")
        for path in committed {
            let data = try Data(contentsOf: output.appendingPathComponent(path))
            #expect(data == expected[path], "output/\(path) differs from a fresh build: run `make site` and commit output/")
        }
    }

    @Test func theClinicSiteHasEveryPageInItsNavigation() throws {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        let result = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        let pages = result.files.map(\.path).filter { $0.hasSuffix("/index.html") || $0 == "index.html" }
        #expect(pages.count == 8)
        let (settings, _) = SiteSettings.parse(sources.settings)
        let menu = Set((settings.menu ?? []).map(\.url))
        // The Notice of Privacy Practices is reached from every page's footer (privacy_url) instead.
        let privacy = settings.raw["privacy_url"]?.string
        #expect(privacy == "/privacy/")
        for path in pages {
            let url = OutputIndex.url(for: path)
            #expect(menu.contains(url) || url == privacy, "\(path) is neither in the menu nor in the footer")
        }
        #expect(result.files.contains { $0.path == "404.html" })
    }
}
