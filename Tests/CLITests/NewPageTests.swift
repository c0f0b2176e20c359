import Foundation
import Testing
import TestSupport

@testable import clinic_site

@Suite("clinic-site new")
struct NewPageTests {
    func site() throws -> TestSite {
        try TestSite(["content/_schemas.yaml": SchemaFixture.schemas, "content/index.md": "---\ntitle: Home\n---\n"], theme: false)
    }

    @Test func plainPageGetsTitleAndEmptyDescription() throws {
        let site = try site()
        let created = try NewPage.create(path: "about.md", title: "About us", content: site.content, workingDirectory: site.root)
        #expect(created.displayPath == "content/about.md")
        #expect(created.type == "page")
        #expect(created.url == "/about/")
        let text = try String(contentsOf: site.content.appendingPathComponent("about.md"), encoding: .utf8)
        #expect(text == "---\ntitle: \"About us\"\ndescription: \"\"\n---\n\n")
    }

    @Test func pageInAClinicalFolderIsPendingReviewAndFoldersAreCreated() throws {
        let site = try site()
        let created = try NewPage.create(
            path: "content/conditions/anxiety/panic", title: "Panic \"attacks\"", content: site.content, workingDirectory: site.root)
        #expect(created.type == "clinical")
        #expect(created.displayPath == "content/conditions/anxiety/panic.md")
        let text = try String(contentsOf: created.file, encoding: .utf8)
        #expect(text == "---\ntitle: \"Panic \\\"attacks\\\"\"\ndescription: \"\"\nreviewed: pending\n---\n\n")
    }

    @Test func explicitTypeFollowsExtendsAndIsWritten() throws {
        let site = try site()
        let created = try NewPage.create(path: "faq.md", title: "FAQ", type: "faq", draft: true, content: site.content, workingDirectory: site.root)
        #expect(created.text == "---\ntitle: \"FAQ\"\ndescription: \"\"\ntype: faq\nreviewed: pending\ndraft: true\n---\n\n")
        let pricing = try NewPage.create(path: "pricing.md", title: "Fees", type: "pricing", content: site.content, workingDirectory: site.root)
        #expect(pricing.text.contains("\nprices: []\n"))
    }

    @Test func refusesToOverwriteAndLeavesTheFileAlone() throws {
        let site = try site()
        try site.write("content/about.md", "original\n")
        #expect(throws: NewPage.Failure.self) {
            try NewPage.create(path: "about.md", title: "About", content: site.content, workingDirectory: site.root)
        }
        do {
            try NewPage.create(path: "about.md", title: "About", content: site.content, workingDirectory: site.root)
        } catch let failure as NewPage.Failure {
            #expect(failure.description.contains("content/about.md' already exists"))
        }
        #expect(try String(contentsOf: site.content.appendingPathComponent("about.md"), encoding: .utf8) == "original\n")
    }

    @Test func refusesAPageWithTheSameURLAsAnother() throws {
        let site = try site()
        try site.write("content/team.md", "---\ntitle: Team\n---\n")
        #expect(throws: NewPage.Failure.self) {
            try NewPage.create(path: "team/index.md", title: "Team", content: site.content, workingDirectory: site.root)
        }
    }

    @Test(arguments: ["../outside.md", "/etc/new.md", "notes.txt", "_drafts/a.md", ".hidden.md"])
    func refusesPathsTheBuildWouldNotRead(path: String) throws {
        let site = try site()
        #expect(throws: NewPage.Failure.self) {
            try NewPage.create(path: path, title: "X", content: site.content, workingDirectory: site.root)
        }
    }

    @Test func refusesAnUnknownTypeAndAnEmptyTitle() throws {
        let site = try site()
        #expect(throws: NewPage.Failure.self) {
            try NewPage.create(path: "a.md", title: "A", type: "clinicl", content: site.content, workingDirectory: site.root)
        }
        #expect(throws: NewPage.Failure.self) {
            try NewPage.create(path: "b.md", title: "  ", content: site.content, workingDirectory: site.root)
        }
    }
}
