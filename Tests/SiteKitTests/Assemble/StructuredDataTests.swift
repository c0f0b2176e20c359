import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Every JSON-LD block of the clinic site parses, and says what the page says.
@Suite struct StructuredDataTests {
    static func blocks(in html: String) throws -> [[String: Any]] {
        var result: [[String: Any]] = []
        var rest = html[...]
        let open = "<script type=\"application/ld+json\">"
        while let start = rest.range(of: open) {
            let after = rest[start.upperBound...]
            let end = try #require(after.range(of: "</script>"))
            let json = after[..<end.lowerBound]
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            result.append(try #require(object))
            rest = after[end.upperBound...]
        }
        return result
    }

    static func clinicSite() -> (SiteSources, BuildResult) {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        return (sources, SiteBuilder(options: .init(today: "2026-11-24")).build(sources))
    }

    static func html(_ result: BuildResult, _ path: String) -> String? {
        for file in result.files where file.path == path {
            if case .text(let t) = file.contents { return t }
        }
        return nil
    }

    @Test func theFAQPageHasOneQuestionPerQuestionHeadingWithTheVisibleAnswer() throws {
        let (_, result) = Self.clinicSite()
        let html = try #require(Self.html(result, "faq/index.html"))
        let faq = try #require(try Self.blocks(in: html).first { $0["@type"] as? String == "FAQPage" })
        let questions = try #require(faq["mainEntity"] as? [[String: Any]])
        // The page's question headings, read from the built HTML with gumbo.
        let body = try #require(html.range(of: "<div class=\"content\">")).upperBound
        let content = String(html[body...])
        let headings = content.components(separatedBy: "<h2 id=\"").dropFirst().map { chunk -> (String, String) in
            let titleEnd = chunk.range(of: "</h2>")!
            let title = HTMLScanner.scan(String(chunk[..<titleEnd.lowerBound]).components(separatedBy: "\">").dropFirst().joined(separator: "\">")).texts.map(\.text).joined(separator: " ")
            var answerHTML = String(chunk[titleEnd.upperBound...])
            if let end = answerHTML.range(of: "</div>\n</article>") { answerHTML = String(answerHTML[..<end.lowerBound]) }
            return (title, HTMLScanner.scan(answerHTML).texts.map(\.text).joined(separator: " "))
        }.filter { $0.0.hasSuffix("?") }
        #expect(questions.count == headings.count)
        #expect(questions.count >= 15)
        for (question, heading) in zip(questions, headings) {
            #expect(question["@type"] as? String == "Question")
            #expect(question["name"] as? String == heading.0)
            let answer = try #require(question["acceptedAnswer"] as? [String: Any])
            #expect(answer["@type"] as? String == "Answer")
            #expect(answer["text"] as? String == heading.1, "answer to \(heading.0) differs from the page")
        }
    }

    @Test func theClinicIsDescribedFromTheSettingsWithConfirmedPricesOnly() throws {
        let (sources, result) = Self.clinicSite()
        let html = try #require(Self.html(result, "index.html"))
        let clinic = try #require(try Self.blocks(in: html).first { $0["@type"] as? String == "MedicalClinic" })
        let (settings, _) = SiteSettings.parse(sources.settings)
        #expect(clinic["name"] as? String == settings.raw["clinic"]?["name"]?.string)
        #expect(clinic["areaServed"] as? String == settings.raw["clinic"]?["area_served"]?.string)
        #expect(clinic["medicalSpecialty"] as? String == "Psychiatric")
        let offers = try #require(clinic["makesOffer"] as? [[String: Any]])
        let pages = sources.pages.compactMap { PageLoader.load($0).0 }
        let (catalog, _) = PriceCatalog.build(from: pages)
        let listed = catalog.prices.filter { $0.amount != nil && $0.bundle.isEmpty }
        #expect(offers.map { $0["name"] as? String } == listed.map(\.name))
        #expect(offers.map { $0["price"] as? String } == listed.map { "\($0.amount!)" })
        #expect(!offers.contains { ($0["name"] as? String) == "Psychiatric evaluation" })
        // The clinic's "six treatments" is arithmetic on the session fee, not a package it sells.
        #expect(catalog.prices.contains { !$0.bundle.isEmpty && $0.amount != nil })
        #expect(!offers.contains { ($0["price"] as? String) == "3000" })
    }

    @Test func aBundleIsNoOffer() throws {
        let site = try TestSite([
            "content/index.md": page("Home"),
            "content/_site.yaml": "name: Clinic\nclinic:\n  name: Clinic\n",
            "content/pricing.md": page(
                "Prices", "{{table prices}}\n",
                extra: "prices:\n  - id: visit\n    name: Visit\n    amount: 80\n  - id: three-visits\n    name: Three visits\n    bundle: {visit: 3}\n    amount: 240\n"),
        ])
        defer { site.remove() }
        let html = try #require(site.html(site.build(), "index.html"))
        let clinic = try #require(try Self.blocks(in: html).first { $0["@type"] as? String == "MedicalClinic" })
        let offers = try #require(clinic["makesOffer"] as? [[String: Any]])
        #expect(offers.map { $0["name"] as? String } == ["Visit"])
        #expect(offers.map { $0["price"] as? String } == ["80"])
    }

    @Test func everyBlockOfEveryPageParses() throws {
        let (_, result) = Self.clinicSite()
        var count = 0
        for file in result.files where file.path.hasSuffix(".html") {
            guard case .text(let html) = file.contents else { continue }
            count += try Self.blocks(in: html).count
        }
        #expect(count >= 2)
    }

    @Test func noContentCanCloseTheScriptElement() throws {
        let site = try TestSite([
            "content/index.md": page("Home", extra: "description: \"</script><script>alert(1)</script> & <!--\"\n"),
            "content/_site.yaml": "name: \"A </script> clinic\"\nclinic:\n  name: \"</script><b>x\"\n",
        ])
        defer { site.remove() }
        let html = try #require(site.html(site.build(), "index.html"))
        let block = try #require(try Self.blocks(in: html).first)
        #expect(block["name"] as? String == "</script><b>x")
        #expect(block["description"] as? String == "</script><script>alert(1)</script> & <!--")
        #expect(html.components(separatedBy: "</script>").count == 2)  // only the block's own end tag
    }

    @Test func aReviewedPageSaysWhoReviewedItAndWhen() throws {
        let site = try TestSite([
            "content/faq.md": page("FAQ", "## Is it safe?\n\nMostly.\n", extra: "type: faq\nreviewed: 2026-03-01\nreviewed_by: Dr. Example Reviewer\n")
        ])
        defer { site.remove() }
        let html = try #require(site.html(site.build(), "faq/index.html"))
        let blocks = try Self.blocks(in: html)
        let page = try #require(blocks.first { $0["@type"] as? String == "MedicalWebPage" })
        #expect(page["lastReviewed"] as? String == "2026-03-01")
        #expect((page["reviewedBy"] as? [String: Any])?["name"] as? String == "Dr. Example Reviewer")
        let faq = try #require(blocks.first { $0["@type"] as? String == "FAQPage" })
        let q = try #require((faq["mainEntity"] as? [[String: Any]])?.first)
        #expect(q["name"] as? String == "Is it safe?")
        #expect((q["acceptedAnswer"] as? [String: Any])?["text"] as? String == "Mostly.")
    }
}
