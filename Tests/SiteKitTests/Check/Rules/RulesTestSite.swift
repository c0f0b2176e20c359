import Foundation
import Testing

@testable import SiteKit

/// A small site for the content-rule tests: files written below a temporary folder, built end to
/// end with `SiteBuilder`, diagnostics read back as `file:line:column severity code` lines.
struct RulesTestSite {
    let root: URL

    /// A theme that shows the body and nothing else: no crisis notice, no 988.
    static let bareTheme = [
        "theme/templates/page.mustache": "<!DOCTYPE html><html><head><title>{{page.title}}</title></head><body><main>{{{content}}}</main></body></html>\n"
    ]

    /// A theme that shows the crisis notice on pages that mention suicide, as the clinic's should.
    static let crisisTheme = [
        "theme/templates/page.mustache": """
            <!DOCTYPE html><html><head><title>{{page.title}}</title></head><body>
            {{#page.mentions_crisis}}<aside class="crisis"><p>If you are thinking about suicide, call or text 988 (the 988 Suicide &amp; Crisis Lifeline).</p></aside>{{/page.mentions_crisis}}
            <main>{{{content}}}</main>
            {{#review}}<p class="review">Medically reviewed by {{by}} on {{date}}</p>{{/review}}
            </body></html>

            """
    ]

    /// The schema the fixtures use: the clinic's types, plus a folder and an `event` type with
    /// keys of its own.
    static let schema = """
        review_period_months: 12
        folders:
          conditions: clinical
        types:
          page:
            required:
              title: text
              description: text
          clinical:
            required:
              reviewed: review
              reviewed_by: text
          faq:
            extends: clinical
          pricing:
            required:
              prices: list
            notices: [good-faith-estimate]
          event:
            optional:
              starts: date
              seats: int
          home: {}

        """

    /// The repository's folder.
    static let repository: URL = repositoryRoot

    /// The clinic's own wording rules, so that the tests check the data file too.
    static var clinicWording: String {
        (try? String(contentsOf: repository.appendingPathComponent("content/_wording.yaml"), encoding: .utf8)) ?? ""
    }

    init(_ files: [String: String], theme: [String: String] = RulesTestSite.bareTheme) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("rules-test-\(UUID().uuidString)")
        var all = files
        if !files.keys.contains(where: { $0.hasPrefix("theme/") }) { all.merge(theme) { own, _ in own } }
        for (path, text) in all {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    func build(today: String = "2026-11-24") -> BuildResult {
        let sources = SiteSources.read(
            content: root.appendingPathComponent("content"), theme: root.appendingPathComponent("theme"), output: nil,
            workingDirectory: root)
        return SiteBuilder(options: .init(today: today)).build(sources)
    }

    /// Deletes the site's folder.
    func remove() { try? FileManager.default.removeItem(at: root) }

    func html(_ result: BuildResult, _ path: String) -> String? {
        for file in result.files where file.path == path {
            if case .text(let text) = file.contents { return text }
        }
        return nil
    }
}

/// Codes the content rules report.
let ruleCodePrefixes = ["schema.", "review.", "notice.", "wording.", "readability.", "rules."]

extension BuildResult {
    /// Diagnostics of the content rules only, as `file:line:column severity code`.
    var ruleLines: [String] {
        diagnostics.filter { d in ruleCodePrefixes.contains { d.code.hasPrefix($0) } }.map(\.compactLine)
    }

    /// All diagnostics as `file:line:column severity code`.
    var allRuleTestLines: [String] { diagnostics.map(\.compactLine) }

    /// The first diagnostic with `code`.
    func diagnostic(_ code: String) -> Diagnostic? { diagnostics.first { $0.code == code } }
}

extension Diagnostic {
    /// `file:line:column severity code`.
    var compactLine: String { "\(position) \(severity.rawValue) \(code)" }
}

/// Builds a site made of `files` (paths below the site's root) and returns it with the result.
func buildRulesSite(_ files: [String: String], theme: [String: String] = RulesTestSite.bareTheme, today: String = "2026-11-24")
    throws -> BuildResult
{
    let site = try RulesTestSite(files, theme: theme)
    defer { site.remove() }
    return site.build(today: today)
}
