import Dispatch
import Foundation
import Testing

@testable import SiteMarkdown

@Suite struct SluggerTests {
    @Test(arguments: [
        ("Costs & Insurance", "costs--insurance"), ("Step 2: Recovery", "step-2-recovery"),
        ("Is it scary?", "is-it-scary"), ("Café  au lait", "café--au-lait"), ("snake_case-and-dash", "snake_case-and-dash"),
    ])
    func slugs(text: String, slug: String) {
        #expect(Slugger.slug(text) == slug)
    }

    @Test func repeatsGetSuffixes() {
        var s = Slugger()
        #expect(["Details", "Details", "Details-1", "Details"].map { s.unique($0) } == ["details", "details-1", "details-1-1", "details-2"])
    }
}
