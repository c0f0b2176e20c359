import Foundation
import SiteKit
import Testing
import TestSupport

@testable import SiteServer

/// The preview rebuilds incrementally (changed files read alone, pages redone by what they
/// depend on): after each edit, what it serves and reports equals a fresh full build.
@Suite("Incremental rebuilds while serving", .serialized, .timeLimit(.minutes(2)))
struct IncrementalServeTests {
    /// Every page and file a fresh full build makes, and its diagnostics.
    static func fullBuild(_ site: TestSite) -> BuildResult {
        let sources = SiteSources.read(content: site.content, theme: site.theme, output: nil, workingDirectory: site.root)
        return SiteBuilder(options: .init(drafts: true, today: "2026-01-15")).build(sources)
    }

    /// Compares every file of the full build with what the server answers (the reload script
    /// taken out of HTML) and the last reported diagnostics with the full build's.
    static func compare(_ preview: RunningPreview, _ step: String) async throws {
        let full = fullBuild(preview.site)
        let report = try #require(preview.builds.last)
        #expect(report.diagnostics == full.diagnostics, "\(step): diagnostics")
        let servedErrors = !report.diagnostics.filter { $0.severity == .error }.isEmpty
        for file in full.files where !servedErrors {
            let response = try await preview.get("/" + file.path)
            var body = response.body
            if file.path.hasSuffix(".html"), let range = response.text.range(of: #"<script src="/__clinic-site/live-reload.js" data-token="[^"]*"></script>"#, options: .regularExpression) {
                var text = response.text
                text.removeSubrange(range)
                body = Data(text.utf8)
            }
            let expected: Data
            switch file.contents {
            case .text(let text): expected = Data(text.utf8)
            case .copy(let url): expected = try Data(contentsOf: url)
            }
            #expect(body == expected, "\(step): /\(file.path) as served differs from the full build")
        }
    }

    static let site: [String: String] = TestSite.basic.merging([
        "content/faq/billing.md": "---\ntitle: Billing\ndescription: Paying.\n---\n\nSee the [FAQ](index.md#first).\n",
        "content/faq/index.md": "---\ntitle: FAQ\ndescription: Questions.\n---\n\n## First\n\nFirst answer.\n",
    ]) { _, new in new }

    func series(watch: WatchMode) async throws {
        try await withPreview(TestSite(Self.site), watch: watch) { preview in
            try await Self.compare(preview, "first build")
            let edits: [(String, (TestSite) throws -> Void)] = [
                ("edit a page", { try $0.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\n## First\n\nAnother answer.\n") }),
                ("rename the heading a link points to", { try $0.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\n## Firstly\n\nAnother answer.\n") }),
                ("fix the link", { try $0.write("content/faq/billing.md", "---\ntitle: Billing\ndescription: Paying.\n---\n\nSee the [FAQ](index.md#firstly).\n") }),
                ("add a page", { try $0.write("content/fees.md", "---\ntitle: Fees\ndescription: Fees.\n---\n\nOur [billing](faq/billing.md).\n") }),
                ("rename a page", { try $0.move("content/faq/billing.md", to: "content/faq/paying.md") }),
                ("delete a page", { try $0.remove("content/fees.md") }),
                ("change the template", { try $0.write("theme/templates/page.mustache", "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{{page.title}}</title></head><body><main>{{{content}}}</main></body></html>\n") }),
                ("change the settings", { try $0.write("content/_site.yaml", "name: Another Clinic\nbase_url: https://test.example\n") }),
                ("change an asset", { try $0.write("theme/static/style.css", "body { color: navy; }\n") }),
            ]
            for (step, edit) in edits {
                let count = preview.builds.count
                try edit(preview.site)
                try await eventually("a rebuild after '\(step)'") { preview.builds.count > count }
                // A burst may take two rebuilds: wait until the last one has settled.
                try await Task.sleep(for: .milliseconds(300))
                try await Self.compare(preview, step)
            }
            #expect(preview.builds.dropFirst().contains { $0.readChangedFilesOnly }, "some rebuild read only the changed files")
            let edit = try #require(preview.builds.dropFirst().first)
            #expect(edit.work?.rendered == 1, "editing one page's text renders that page alone: \(String(describing: edit.work))")
        }
    }

    @Test func withInotify() async throws {
        try await series(watch: .native)
    }

    @Test func withPolling() async throws {
        try await series(watch: .poll(interval: .milliseconds(100)))
    }
}
