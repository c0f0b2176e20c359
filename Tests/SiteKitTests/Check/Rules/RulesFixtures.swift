import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The content-rule tests' fixtures, on the shared `TestSite` (TestSupport): themes, the schema,
/// and diagnostics read back as `file:line:column severity code` lines.
enum RulesFixtures {
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

    /// The schema the fixtures use (`SchemaFixture.schemas`, shared with the CLI tests).
    static let schema = SchemaFixture.schemas

    /// The clinic's own wording rules, so that the tests check the data file too.
    static var clinicWording: String {
        (try? String(contentsOf: repositoryRoot.appendingPathComponent("content/_wording.yaml"), encoding: .utf8)) ?? ""
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
func buildRulesSite(_ files: [String: String], theme: [String: String] = RulesFixtures.bareTheme, today: String = "2026-11-24")
    throws -> BuildResult
{
    let site = try TestSite(files, theme: theme)
    defer { site.remove() }
    return site.build(today: today, output: nil)
}
