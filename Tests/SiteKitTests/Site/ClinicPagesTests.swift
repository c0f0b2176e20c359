import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// The clinic's built pages, read as a visitor reads them: crisis help in the header of every
/// page, the review state of medical pages, the FAQ's list of questions, the privacy notice's
/// link, and the Good Faith Estimate notice's facts.
@Suite struct ClinicPagesTests {
    static let built: BuildResult = StructuredDataTests.clinicSite().1

    static var pages: [(path: String, html: String)] {
        built.files.compactMap { file in
            guard file.path.hasSuffix(".html"), case .text(let html) = file.contents else { return nil }
            return (file.path, html)
        }
    }

    /// The text of the first element that opens with `open`, up to `close`.
    static func element(_ html: String, from open: String, to close: String) -> String? {
        guard let start = html.range(of: open), let end = html.range(of: close, range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func visible(_ html: String) -> String { HTMLScanner.scan(html).texts.map(\.text).joined(separator: " ") }

    @Test func everyPageOpensWithTheCrisisLineInItsHeader() throws {
        #expect(Self.pages.count >= 9)
        for (path, html) in Self.pages {
            let header = try #require(Self.element(html, from: "<header class=\"site-header\">", to: "</header>"), "\(path) has no site header")
            let line = try #require(Self.element(header, from: "<div class=\"crisis-line\">", to: "</div>"), "\(path): no crisis line in the header")
            // First in the header, before the brand and the menu: on the first screen of a phone.
            #expect(header.range(of: "crisis-line")!.lowerBound < header.range(of: "class=\"brand\"")!.lowerBound, "\(path)")
            #expect(Self.visible(line) == "In crisis? Call or text 988 , any time. In an emergency, call 911 .", "\(path)")
            #expect(line.contains("<a href=\"tel:988\">988</a>") && line.contains("<a href=\"tel:911\">911</a>"), "\(path)")
            // The page's main content comes after it.
            #expect(html.range(of: "crisis-line")!.lowerBound < html.range(of: "<main")!.lowerBound, "\(path)")
        }
    }

    @Test func pagesAwaitingReviewSaySoAndReviewedPagesNameTheirReviewer() throws {
        let pending = ["faq/index.html", "preparing/index.html", "contraindications/index.html"]
        for (path, html) in Self.pages {
            let header = Self.element(html, from: "<header class=\"page-header\">", to: "</header>") ?? ""
            let says = header.contains("<p class=\"review review-pending\"><strong>Awaiting medical review.</strong> A clinician has not yet checked this page.</p>")
            #expect(says == pending.contains(path), "\(path): awaiting-review line \(says ? "shown" : "missing")")
            #expect(!header.contains("Medically reviewed by"), "\(path): no clinician has reviewed the clinic's pages yet")
        }
        // Once reviewed, the date and the name replace it.
        let site = try TestSite([
            "content/a.md": page("A", "Text.", extra: "reviewed: 2026-03-01\nreviewed_by: Dr. Example Reviewer\n"),
            "content/b.md": page("B", "Text.", extra: "reviewed: pending\n"),
        ], theme: false)
        defer { site.remove() }
        for folder in ["theme"] { try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: site.url(folder)) }
        let result = site.build()
        let a = try #require(site.html(result, "a/index.html"))
        #expect(a.contains("<p class=\"review\">Medically reviewed by Dr. Example Reviewer on <time datetime=\"2026-03-01\">2026-03-01</time></p>"))
        #expect(!a.contains("Awaiting medical review"))
        let b = try #require(site.html(result, "b/index.html"))
        #expect(b.contains("Awaiting medical review.") && !b.contains("Medically reviewed by"))
    }

    @Test func theFAQOpensWithItsQuestionsEachLinkedToItsAnswer() throws {
        let html = try #require(StructuredDataTests.html(Self.built, "faq/index.html"))
        let list = try #require(Self.element(html, from: "<nav class=\"toc\"", to: "</nav>"))
        let content = try #require(html.range(of: "<div class=\"content\">"))
        #expect(html.range(of: "<nav class=\"toc\"")!.lowerBound < content.lowerBound, "the list comes before the answers")
        let answers = html[content.upperBound..<html.range(of: "</article>")!.lowerBound]
        let questions = answers.components(separatedBy: "<h2 id=\"").dropFirst().map { chunk -> (id: String, text: String) in
            let id = String(chunk[..<chunk.range(of: "\"")!.lowerBound])
            let text = Self.visible("<h2>" + String(chunk[chunk.range(of: ">")!.upperBound..<chunk.range(of: "</h2>")!.lowerBound]) + "</h2>")
            return (id, text)
        }
        #expect(questions.count >= 20)
        #expect(questions.allSatisfy { $0.text.hasSuffix("?") })
        let links = list.components(separatedBy: "<li><a href=\"#").dropFirst().map { chunk -> (id: String, text: String) in
            let id = String(chunk[..<chunk.range(of: "\"")!.lowerBound])
            let text = Self.visible(String(chunk[chunk.range(of: ">")!.upperBound..<chunk.range(of: "</a>")!.lowerBound]))
            return (id, text)
        }
        #expect(links.map(\.id) == questions.map(\.id))
        #expect(links.map(\.text) == questions.map(\.text))
        #expect(links.contains { $0.id == "can-i-drive-after-a-treatment" })
    }

    @Test func theDrivingRuleIsOnTheHomePageAndTheWayToBooking() throws {
        for path in ["index.html", "contact/index.html", "faq/index.html", "preparing/index.html"] {
            let html = try #require(StructuredDataTests.html(Self.built, path))
            let text = Self.visible(html)
            #expect(text.contains("do not drive until the next morning"), "\(path)")
            #expect(text.contains("Someone must drive you home after every treatment session"), "\(path)")
            #expect(text.contains("we have to cancel the session"), "\(path)")
        }
    }

    @Test func everyPageLinksToTheNoticeOfPrivacyPracticesFromItsFooter() throws {
        for (path, html) in Self.pages {
            let footer = try #require(Self.element(html, from: "<footer class=\"site-footer\">", to: "</footer>"), "\(path)")
            #expect(footer.contains("<a href=\"/privacy/\">Notice of Privacy Practices</a>"), "\(path)")
        }
        let privacy = try #require(StructuredDataTests.html(Self.built, "privacy/index.html"))
        // The clinic's notice is not known yet: the placeholder says so, and the build warns.
        #expect(Self.visible(privacy).contains("Notice of Privacy Practices: not confirmed yet, please ask us"))
        #expect(Self.built.diagnostics.contains { $0.code == "data.unconfirmed" && $0.position.file == "content/privacy.md" })
    }

    @Test func aSiteWithoutThePrivacyNoticeFailsTheNoticeRule() throws {
        // The clinic's schema requires it on every page; a footer without the link fails each page.
        let site = try TestSite([:], theme: false)
        defer { site.remove() }
        for folder in ["content", "theme"] { try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: site.url(folder)) }
        let settings = try #require(site.read("content/_site.yaml"))
        #expect(settings.contains("privacy_url: /privacy/\n"))
        try site.write("content/_site.yaml", settings.replacingOccurrences(of: "privacy_url: /privacy/\n", with: ""))
        try FileManager.default.removeItem(at: site.url("content/privacy.md"))
        let result = site.build()
        let missing = result.diagnostics.filter { $0.code == "notice.missing" }
        #expect(missing.count == Self.pages.count - 1)
        #expect(missing.allSatisfy { $0.message.contains("Notice of Privacy Practices") && $0.suggestion?.contains("45 CFR 164.520") == true })
    }

    @Test func theGoodFaithEstimateNoticeCarriesTheFederalFacts() throws {
        let html = try #require(StructuredDataTests.html(Self.built, "pricing/index.html"))
        let text = Self.visible(html)
        let section = try #require(text.range(of: "Your right to a Good Faith Estimate")).lowerBound
        let notice = String(text[section...])
        for fact in [
            "No Surprises Act", "do not have health insurance, or you are choosing not to use it", "when you schedule care",
            "ask us for one", "at least $400 more than your Good Faith Estimate", "you can dispute the bill",
            "www.cms.gov/nosurprises", "1-800-985-3059",
        ] {
            #expect(notice.contains(fact), "the notice lacks '\(fact)'")
        }
        #expect(html.contains("href=\"https://www.cms.gov/nosurprises\"") && html.contains("href=\"tel:+18009853059\""))
        #expect(!text.contains("substantially more"))
    }
}
