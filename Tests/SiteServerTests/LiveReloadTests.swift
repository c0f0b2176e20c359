import Foundation
import Testing
import TestSupport

@testable import SiteServer
import SiteKit

/// Editing files under a running server: the reload event, the new content, errors shown over
/// the last good page, and recovery.
@Suite("Watching and live reload", .serialized, .timeLimit(.minutes(2)))
struct LiveReloadTests {
    @Test func anEditSendsReloadAndServesTheNewContent() async throws {
        try await withPreview(TestSite()) { preview in
            let token = try await preview.token(of: "/faq/")
            let events = try await EventStreamClient(port: preview.port, since: token)
            defer { events.close() }
            try await events.waitFor("retry:")
            #expect(!events.text.contains("event: reload"), "an up-to-date page is not reloaded")

            try preview.site.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\nSecond answer.\n")
            try await events.waitFor("event: reload")
            let faq = try await preview.get("/faq/")
            #expect(faq.text.contains("Second answer."))
            #expect(!faq.text.contains("First answer."))
            #expect(try await preview.token(of: "/faq/") != token)
        }
    }

    @Test func aStaleTokenReloadsAtOnce() async throws {
        try await withPreview(TestSite()) { preview in
            let token = try await preview.token()
            let stale = try await EventStreamClient(port: preview.port, since: "an-older-build")
            defer { stale.close() }
            try await stale.waitFor("event: reload\ndata: \(token)")
        }
    }

    @Test func brokenFrontMatterShowsTheOverlayOverTheLastGoodPageThenRecovers() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token(of: "/faq/"))
            defer { events.close() }

            try preview.site.write("content/faq/index.md", "---\ntitle: [FAQ\ndescription: Questions.\n---\n\nBroken answer.\n")
            try await events.waitFor("event: reload")
            let broken = try await preview.get("/faq/")
            #expect(broken.status == 200)
            #expect(broken.text.contains("id=\"clinic-site-errors\""))
            #expect(broken.text.contains("role=\"alert\""))
            #expect(broken.text.contains("content/faq/index.md:"), "the overlay names file:line:column")
            #expect(broken.text.contains("[frontmatter.invalid]"))
            #expect(broken.text.contains("First answer."), "over the last good version of the page")
            #expect(!broken.text.contains("Broken answer."))
            // Every page shows the errors, not only the broken one.
            #expect(try await preview.get("/").text.contains("id=\"clinic-site-errors\""))
            #expect(preview.builds.last?.hasErrors == true, "the terminal gets the same diagnostics")

            try preview.site.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\nFixed answer.\n")
            try await events.waitFor("event: reload", count: 2)
            let fixed = try await preview.get("/faq/")
            #expect(!fixed.text.contains("clinic-site-errors"))
            #expect(fixed.text.contains("Fixed answer."))
        }
    }

    @Test func theOverlayListsLinePositionAndSuggestion() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }
            try preview.site.write(
                "content/index.md", "---\ntitle: Home\ndescription: The home page.\n---\n\nWelcome home. See the [FAQ](faqs/index.md).\n")
            try await events.waitFor("event: reload")
            let page = try await preview.get("/").text
            let error = try #require(preview.builds.last?.diagnostics.first { $0.severity == .error })
            #expect(error.position.line == 6)
            #expect(page.contains("<code>\(error.position.description)</code>"))
            #expect(page.contains(Escape.html(error.message)))
            if let suggestion = error.suggestion { #expect(page.contains(Escape.html(suggestion))) }
            #expect(page.contains("See the [FAQ](faqs/index.md)."), "the source line is shown")
        }
    }

    @Test func withoutAnyGoodBuildEveryPageIsTheListOfErrors() async throws {
        var files = TestSite.basic
        files["content/faq/index.md"] = "---\ntitle: FAQ\ndescription: [unclosed\n---\n\nAnswer.\n"
        try await withPreview(TestSite(files)) { preview in
            let page = try await preview.get("/faq/")
            #expect(page.status == 500)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.text.contains("could not be built yet"))
            #expect(page.text.contains("content/faq/index.md:"))
            #expect(try await preview.get("/style.css").status == 200, "assets still load")

            let events = try await EventStreamClient(port: preview.port, since: try await preview.token(of: "/faq/"))
            defer { events.close() }
            try preview.site.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\nAnswer.\n")
            try await events.waitFor("event: reload")
            let fixed = try await preview.get("/faq/")
            #expect(fixed.status == 200)
            #expect(fixed.text.contains("Answer."))
            #expect(!fixed.text.contains("clinic-site-errors"))
        }
    }

    @Test func addingRenamingAndDeletingPages() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }

            try preview.site.write("content/team.md", "---\ntitle: Team\ndescription: Who we are.\n---\n\nOur team.\n")
            try await events.waitFor("event: reload", count: 1)
            #expect(try await preview.get("/team/").text.contains("Our team."))

            try preview.site.move("content/team.md", to: "content/about/team.md")
            try await events.waitFor("event: reload", count: 2)
            #expect(try await preview.get("/team/").status == 404)
            #expect(try await preview.get("/about/team/").text.contains("Our team."))

            try preview.site.remove("content/about/team.md")
            try await events.waitFor("event: reload", count: 3)
            #expect(try await preview.get("/about/team/").status == 404)

            // Deleting a page that another links to is an error: the last good page stays, with the overlay.
            try preview.site.remove("content/faq/index.md")
            try await events.waitFor("event: reload", count: 4)
            let faq = try await preview.get("/faq/")
            #expect(faq.text.contains("First answer."))
            #expect(faq.text.contains("id=\"clinic-site-errors\""))
            #expect(faq.text.contains("content/index.md:6:"))
        }
    }

    @Test func newFoldersAreWatchedToo() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }
            try FileManager.default.createDirectory(
                at: preview.site.content.appendingPathComponent("conditions/anxiety"), withIntermediateDirectories: true)
            try preview.site.write("content/conditions/anxiety/index.md", "---\ntitle: Anxiety\ndescription: About anxiety.\n---\n\nVersion one.\n")
            try await eventually("the new page is served") {
                try await preview.get("/conditions/anxiety/").text.contains("Version one.")
            }
            // An edit inside the new folder is seen: the folder got its own watch.
            try preview.site.write("content/conditions/anxiety/index.md", "---\ntitle: Anxiety\ndescription: About anxiety.\n---\n\nVersion two.\n")
            try await eventually("the edit in the new folder is served") {
                try await preview.get("/conditions/anxiety/").text.contains("Version two.")
            }
        }
    }

    @Test func aContentFolderMovedAwayAndBackIsWatchedAgain() async throws {
        try await withPreview(TestSite()) { preview in
            try preview.site.move("content", to: "content-away")
            try await eventually("the missing folder is reported") {
                preview.builds.last?.diagnostics.contains { $0.code == "io.missing-folder" } == true
            }
            let away = try await preview.get("/faq/")
            #expect(away.text.contains("First answer."), "the last good page stays")
            #expect(away.text.contains("id=\"clinic-site-errors\""))

            try preview.site.move("content-away", to: "content")
            try await eventually("the folder is found again") {
                preview.builds.last.map { !$0.hasErrors } == true
            }
            try preview.site.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\nBack again.\n")
            try await eventually("an edit in the returned folder is served") {
                try await preview.get("/faq/").text.contains("Back again.")
            }
        }
    }

    @Test func siteSettingsAndThemeChangesRebuild() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }
            try preview.site.write("content/_site.yaml", "name: Renamed Clinic\nbase_url: https://test.example\n")
            try await events.waitFor("event: reload", count: 1)
            #expect(try await preview.get("/").text.contains("<title>Renamed Clinic</title>"))

            try preview.site.write(
                "theme/templates/page.mustache",
                "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{{site.name}}</title></head><body><main>{{{content}}}</main></body></html>\n")
            try await events.waitFor("event: reload", count: 2)
            #expect(try await preview.get("/faq/").text.contains("<main>"))

            try preview.site.write("theme/static/style.css", "body { color: navy; }\n")
            try await events.waitFor("event: reload", count: 3)
            #expect(try await preview.get("/style.css").text == "body { color: navy; }\n")
        }
    }

    @Test func aBurstOfSavesMakesOneRebuild() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }
            let before = preview.builds.count
            for i in 1...10 {
                try preview.site.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\nSave \(i).\n")
                try await Task.sleep(for: .milliseconds(5))
            }
            try await events.waitFor("event: reload")
            try await eventually("the last save is served") { try await preview.get("/faq/").text.contains("Save 10.") }
            try await Task.sleep(for: .milliseconds(400))
            let rebuilds = preview.builds.count - before
            #expect(rebuilds >= 1 && rebuilds <= 3, "10 saves made \(rebuilds) rebuilds")
        }
    }

    @Test func savingWithoutChangesDoesNotReload() async throws {
        try await withPreview(TestSite()) { preview in
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }
            let before = preview.builds.count
            try preview.site.write("content/faq/index.md", TestSite.basic["content/faq/index.md"]!)
            try await eventually("a rebuild ran") { preview.builds.count > before }
            #expect(preview.builds.last?.changed == false)
            try await Task.sleep(for: .milliseconds(200))
            #expect(!events.text.contains("event: reload"))
        }
    }

    @Test func pollingFindsChangesToo() async throws {
        try await withPreview(TestSite(), watch: .poll(interval: .milliseconds(100))) { preview in
            #expect(preview.server.watcherDescription == "polling every 100 ms")
            let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
            defer { events.close() }
            try preview.site.write("content/faq/index.md", "---\ntitle: FAQ\ndescription: Questions.\n---\n\nPolled answer.\n")
            try await events.waitFor("event: reload")
            #expect(try await preview.get("/faq/").text.contains("Polled answer."))
            try preview.site.write("content/team.md", "---\ntitle: Team\ndescription: Who we are.\n---\n\nOur team.\n")
            try await events.waitFor("event: reload", count: 2)
            #expect(try await preview.get("/team/").status == 200)
            try preview.site.remove("content/team.md")
            try await events.waitFor("event: reload", count: 3)
            #expect(try await preview.get("/team/").status == 404)
        }
    }

    @Test func draftsAreShown() async throws {
        var files = TestSite.basic
        files["content/upcoming.md"] = "---\ntitle: Upcoming\ndescription: Soon.\ndraft: true\n---\n\nA draft page.\n"
        try await withPreview(TestSite(files)) { preview in
            let draft = try await preview.get("/upcoming/")
            #expect(draft.text.contains("A draft page."))
        }
    }

    @Test func stoppingEndsTheEventStreams() async throws {
        let preview = try await RunningPreview.start(TestSite())
        let events = try await EventStreamClient(port: preview.port, since: try await preview.token())
        defer { events.close() }
        try await events.waitFor("retry:")
        try await eventually("the client is connected") { preview.server.liveReloadClients == 1 }
        await preview.stop()
        // The chunked stream ends with its last chunk.
        try await events.waitFor("0\r\n\r\n")
    }
}
