import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct SharedListLinkTests {
    @Test func aSharedListsRelativeLinksAreReadFromTheFolderOfThePageThatDeclaresIt() throws {
        let site = try TestSite([
            "content/conditions/contra.md": page("Contra", "{{list warnings}}\n", extra: "lists:\n  warnings:\n    - \"![A chart](img/chart.svg) and [the FAQ](../faq.md)\"\n"),
            "content/conditions/img/chart.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "content/faq.md": page("FAQ"),
            "content/index.md": page("Home", "{{list warnings}}\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        #expect(result.errors.isEmpty, "\(result.lines)")
        for file in ["index.html", "conditions/contra/index.html"] {
            let html = try #require(site.html(result, file))
            #expect(html.contains(#"<img src="/conditions/img/chart.svg" alt="A chart" /> and <a href="/faq/">the FAQ</a>"#), "\(file)")
        }
    }
}
