import Foundation
import Testing
import TestSupport

@testable import SiteServer

/// A real server on a random loopback port, answering over a socket.
@Suite("Serving over HTTP", .serialized, .timeLimit(.minutes(2)))
struct ServerHTTPTests {
    @Test func pagesAssetsAndContentTypes() async throws {
        try await withPreview(TestSite()) { preview in
            let home = try await preview.get("/")
            #expect(home.status == 200)
            #expect(home.header("Content-Type") == "text/html; charset=utf-8")
            #expect(home.header("Cache-Control") == "no-store")
            #expect(home.text.contains("Welcome home."))
            #expect(home.text.contains("<title>Test Clinic</title>"))
            #expect(home.text.contains("<script src=\"/__clinic-site/live-reload.js\" data-token=\""))
            #expect(!home.text.contains("clinic-site-errors"))

            let faq = try await preview.get("/faq/")
            #expect(faq.status == 200)
            #expect(faq.text.contains("First answer."))

            for (path, type) in [
                ("/style.css", "text/css; charset=utf-8"), ("/logo.svg", "image/svg+xml"), ("/app.js", "text/javascript; charset=utf-8"),
                ("/data.json", "application/json"), ("/files/guide.pdf", "application/pdf"),
                ("/__clinic-site/live-reload.js", "text/javascript; charset=utf-8"),
            ] {
                let response = try await preview.get(path)
                #expect(response.status == 200, "\(path)")
                #expect(response.header("Content-Type") == type, "\(path)")
                #expect(response.header("Cache-Control") == "no-store", "\(path)")
            }
            #expect(try await preview.get("/style.css").text == "body { color: black; }\n")
            #expect(try await preview.get("/files/guide.pdf").text == "%PDF-1.4 fake\n")
            #expect(!(try await preview.get("/style.css").text.contains("live-reload")), "the script goes into HTML only")
        }
    }

    @Test func folderURLsRedirectToTheirTrailingSlash() async throws {
        try await withPreview(TestSite()) { preview in
            let redirect = try await preview.get("/faq")
            #expect(redirect.status == 301)
            #expect(redirect.header("Location") == "/faq/")
            let withQuery = try await preview.get("/faq?x=1")
            #expect(withQuery.status == 301)
            #expect(withQuery.header("Location") == "/faq/?x=1")
            #expect(try await preview.get("/faq/index.html").status == 200)
        }
    }

    @Test func missingPagesGetTheSites404PageWithStatus404() async throws {
        try await withPreview(TestSite()) { preview in
            for path in ["/no-such-page/", "/no-such-page", "/faq/nope.png", "/__clinic-site/other"] {
                let response = try await preview.get(path)
                #expect(response.status == 404, "\(path)")
            }
            let missing = try await preview.get("/no-such-page/")
            #expect(missing.header("Content-Type") == "text/html; charset=utf-8")
            #expect(missing.text.contains("This page does not exist."))
            #expect(missing.text.contains("live-reload.js"), "a 404 page reloads once the page is created")
        }
    }

    @Test func aSiteWithout404PageStillAnswers404() async throws {
        var files = TestSite.basic
        files["content/404.md"] = nil
        try await withPreview(TestSite(files)) { preview in
            let missing = try await preview.get("/nope/")
            #expect(missing.status == 404)
            #expect(missing.text.contains("There is no page at <code>/nope/</code>"))
        }
    }

    @Test func headHasGETsHeadersAndNoBody() async throws {
        try await withPreview(TestSite()) { preview in
            for path in ["/faq/", "/style.css", "/no-such-page/"] {
                let get = try await preview.get(path)
                let head = try await preview.get(path, method: "HEAD")
                #expect(head.status == get.status, "\(path)")
                #expect(head.header("Content-Type") == get.header("Content-Type"), "\(path)")
                #expect(head.header("Content-Length") == String(get.body.count), "\(path)")
                #expect(head.body.isEmpty, "\(path)")
            }
            let redirect = try await preview.get("/faq", method: "HEAD")
            #expect(redirect.status == 301)
            #expect(redirect.header("Location") == "/faq/")
        }
    }

    @Test func otherMethodsAreRefused() async throws {
        try await withPreview(TestSite()) { preview in
            for method in ["POST", "PUT", "DELETE"] {
                let response = try await preview.get("/faq/", method: method)
                #expect(response.status == 405, "\(method)")
                #expect(response.header("Allow") == "GET, HEAD")
            }
        }
    }

    @Test(arguments: [
        "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/a%00b", "/../secret.txt",
        "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/faq/../../secret.txt",
        "/faq/%2e%2e/%2e%2e/secret.txt", "/%252e%252e/secret.txt", "/etc/passwd", "/secret.txt", "//secret.txt",
        "/content/index.md", "/index.md", "/_site.yaml", "/theme/static/style.css",
    ])
    func noWayOutOfTheSite(target: String) async throws {
        try await withPreview(TestSite()) { preview in
            let response = try await preview.get(target)
            #expect([400, 404].contains(response.status), "\(target) → \(response.status)")
            #expect(!response.text.contains(TestSite.secret))
            #expect(!response.text.contains("root:x:0"))
        }
    }

    @Test func symlinksLeadingOutsideAreNeverServed() async throws {
        let site = try TestSite()
        // A link made before the build: the build refuses it with an error (source.symlink-outside).
        try FileManager.default.createSymbolicLink(
            at: site.content.appendingPathComponent("leak.txt"), withDestinationURL: site.root.appendingPathComponent("secret.txt"))
        try await withPreview(site) { preview in
            #expect(preview.builds.first?.diagnostics.contains { $0.code == "source.symlink-outside" } == true)
            let leak = try await preview.get("/leak.txt")
            // Not in the build: 404, or the page of errors (500) as the build has an error.
            #expect(leak.status == 404 || leak.status == 500)
            #expect(!leak.text.contains(TestSite.secret))

            // A served file replaced by such a link after the build: refused at request time too.
            try FileManager.default.removeItem(at: site.content.appendingPathComponent("files/guide.pdf"))
            try FileManager.default.createSymbolicLink(
                at: site.content.appendingPathComponent("files/guide.pdf"), withDestinationURL: site.root.appendingPathComponent("secret.txt"))
            let swapped = try await preview.get("/files/guide.pdf")
            #expect(!swapped.text.contains(TestSite.secret))
        }
    }

    @Test func copiedFilesAreReadOnlyInsideTheAllowedFolders() throws {
        let site = try TestSite()
        let router = PreviewRouter(allowedRoots: [site.content, site.theme.appendingPathComponent("static")])
        #expect(router.readCopied(site.content.appendingPathComponent("files/guide.pdf")) != nil)
        #expect(router.readCopied(site.theme.appendingPathComponent("static/style.css")) != nil)
        #expect(router.readCopied(site.root.appendingPathComponent("secret.txt")) == nil)
        #expect(router.readCopied(site.content.appendingPathComponent("../secret.txt")) == nil)
        #expect(router.readCopied(site.theme.appendingPathComponent("templates/page.mustache")) == nil)
        let link = site.theme.appendingPathComponent("static/link.css")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: site.root.appendingPathComponent("secret.txt"))
        #expect(router.readCopied(link) == nil)
        let inside = site.content.appendingPathComponent("files/inside.pdf")
        try FileManager.default.createSymbolicLink(at: inside, withDestinationURL: site.content.appendingPathComponent("files/guide.pdf"))
        #expect(router.readCopied(inside) != nil, "a link to a file inside the site is fine")
    }

    @Test func nothingIsWrittenToDisk() async throws {
        let site = try TestSite()
        let before = try FileManager.default.subpathsOfDirectory(atPath: site.root.path).sorted()
        let preview = try await RunningPreview.start(site)
        _ = try await preview.get("/")
        await preview.stop()
        let after = try FileManager.default.subpathsOfDirectory(atPath: site.root.path).sorted()
        #expect(before == after)
    }

    @Test func aPortInUseIsReportedInWords() async throws {
        try await withPreview(TestSite()) { first in
            let site = try TestSite()
            var config = site.configuration()
            config.port = first.port
            let second = PreviewServer(configuration: config)
            do {
                try await second.start()
                Issue.record("a second server started on a port in use")
                await second.stop()
            } catch let error as PreviewError {
                #expect(error.description.contains("already in use"))
            }
        }
    }

    @Test func badHostIsReportedInWords() async throws {
        let site = try TestSite()
        var config = site.configuration()
        config.host = "example.invalid"
        await #expect(throws: PreviewError.self) { try await PreviewServer(configuration: config).start() }
    }
}
