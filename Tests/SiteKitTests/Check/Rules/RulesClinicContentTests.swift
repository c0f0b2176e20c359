import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The clinic's real content passes the content rules: only the pending reviews and the
/// unconfirmed prices and contact details are reported, as warnings.
@Suite struct RulesClinicContentTests {
    static let content = repositoryRoot.appendingPathComponent("content")
    static let allowedWarnings: Set<String> = ["review.pending", "price.unconfirmed", "data.unconfirmed"]

    /// Every file of `content/`, by path below the site root (`content/faq.md`).
    static func contentFiles() throws -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: content, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(content.standardizedFileURL.path.count + 1)
            files["content/" + relative] = text
        }
        return files
    }

    /// A theme with the templates the clinic's pages name, each showing the crisis notice on
    /// pages that mention suicide, as the clinic's theme does.
    static let theme: [String: String] = {
        // The clinic's schema requires the way to the Notice of Privacy Practices on every page.
        let page = RulesFixtures.crisisTheme["theme/templates/page.mustache"]!
            .replacingOccurrences(of: "</body>", with: "<footer><a href=\"/privacy/\">Notice of Privacy Practices</a></footer></body>")
        return ["theme/templates/page.mustache": page, "theme/templates/home.mustache": page, "theme/templates/404.mustache": page]
    }()

    func check(_ result: BuildResult) {
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.compactLine) == [])
        #expect(result.diagnostics.filter { !Self.allowedWarnings.contains($0.code) }.map(\.compactLine) == [])
        let reviews = result.diagnostics.filter { $0.code.hasPrefix("review.") }.map(\.compactLine)
        #expect(
            reviews == [
                "content/contraindications.md:8:11 warning review.pending", "content/faq.md:8:11 warning review.pending",
                "content/preparing.md:8:11 warning review.pending",
            ])
    }

    @Test func theClinicsContentPassesWithAMinimalTheme() throws {
        let site = try TestSite(try Self.contentFiles(), theme: Self.theme)
        defer { site.remove() }
        check(site.build(today: "2026-11-24", output: nil))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent("theme/templates/page.mustache").path)))
    func theClinicsContentPassesWithItsOwnTheme() throws {
        let sources = SiteSources.read(
            content: Self.content, theme: repositoryRoot.appendingPathComponent("theme"), output: nil,
            workingDirectory: repositoryRoot)
        check(SiteBuilder(options: .init(today: "2026-11-24")).build(sources))
    }

    @Test func everyClinicalPageDeclaresItsType() throws {
        let files = try Self.contentFiles()
        for name in ["faq", "contraindications", "preparing", "pricing", "index"] {
            #expect(files["content/\(name).md"]?.contains("\ntype: ") == true, "content/\(name).md has no type:")
        }
    }
}
