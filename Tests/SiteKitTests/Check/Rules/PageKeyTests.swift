import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite struct PageKeyTests {
    @Test func aPageWithoutTypeMayCarryKeysForItsTemplate() throws {
        let site = try TestSite(["content/index.md": page("Home", "Hi.", extra: "description: D\nhero_image: /x.png\n")])
        defer { site.remove() }
        let result = site.build()
        #expect(!result.codes().contains("schema.unknown-key"), "\(result.lines)")
    }

    @Test func anUnknownKeyOnATypedPageNamesTheSchemaAndHowToDeclareIt() throws {
        let site = try TestSite([
            "content/_schemas.yaml": "types:\n  page:\n    required:\n      title: text\n  note:\n    optional:\n      author: text\n",
            "content/index.md": page("Home", "Hi.", extra: "type: note\nhero_image: /x.png\n"),
        ])
        defer { site.remove() }
        let result = site.build()
        let warning = try #require(result.diagnostics.first { $0.code == "schema.unknown-key" }, "\(result.lines)")
        #expect(warning.message.contains("the schema of type 'note'"))
        #expect(warning.message.contains("content/_schemas.yaml"))
        #expect(warning.suggestion?.contains("types: note: optional: hero_image: text") == true)
    }
}
