import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Faults injected into the real clinic content give exactly the expected diagnostics.
@Suite struct RealContentTests {
    func copyOfTheSite() throws -> TestSite {
        let site = try TestSite([:], theme: false)
        for folder in ["content", "theme"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: site.url(folder))
        }
        return site
    }

    @Test func theClinicSiteChecksCleanWithOnlyExpectedWarnings() throws {
        let site = try copyOfTheSite()
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty, "\(result.errors)")
        let allowed: Set<String> = ["price.unconfirmed", "data.unconfirmed", "review.pending"]
        #expect(Set(result.codes(.warning)).isSubset(of: allowed), "\(result.diagnostics.filter { !allowed.contains($0.code) })")
    }

    @Test func injectedFaultsInTheFAQAreReportedExactly() throws {
        let site = try copyOfTheSite()
        defer { site.remove() }
        var faq = try #require(site.read("content/faq.md"))
        if !faq.hasSuffix("\n") { faq += "\n" }
        let first = faq.split(separator: "\n", omittingEmptySubsequences: false).count
        faq += "\nEach treatment session is $450 at the moment.\n\nSee [our team](team.md) and [costs](pricing.md#what-it-costs).\n"
        try site.write("content/faq.md", faq)
        let result = site.build()
        let errors = result.errors
        #expect(
            errors.map { "\($0.position): \($0.code)" } == [
                "content/faq.md:\(first + 1):27: price.mismatch",
                "content/faq.md:\(first + 3):5: link.missing-page",
                "content/faq.md:\(first + 3):29: link.missing-fragment",
            ])
        #expect(errors.first?.message.hasPrefix("$450 for \"treatment session\", but the pricing page says $500 (content/pricing.md:") == true)
        #expect(errors.last?.message == "'/pricing/#what-it-costs' points to '#what-it-costs', but /pricing/ has no such id")
    }
}
