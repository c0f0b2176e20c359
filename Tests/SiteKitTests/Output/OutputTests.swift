import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite(.serialized) struct OutputTests {
    @Test func aFailedBuildLeavesTheOutputUntouched() throws {
        let site = try TestSite(["content/index.md": page("Home", "Hello.")])
        defer { site.remove() }
        try site.buildAndWrite()
        let before = site.read("output/index.html")
        #expect(before?.contains("Hello.") == true)
        try site.write("content/index.md", "---\ntitle: [broken\n---\n")
        let result = try site.buildAndWrite()
        #expect(result.errors.map(\.code) == ["frontmatter.invalid"])
        #expect(site.read("output/index.html") == before)
        #expect(site.listing("output") == ["index.html", "robots.txt", "style.css"])
    }

    @Test func noStaleFilesSurviveARebuild() throws {
        let site = try TestSite(["content/index.md": page("Home"), "content/old.md": page("Old")])
        defer { site.remove() }
        try site.buildAndWrite()
        #expect(site.listing("output").contains("old/index.html"))
        try FileManager.default.removeItem(at: site.url("content/old.md"))
        try site.buildAndWrite()
        #expect(site.listing("output") == ["index.html", "robots.txt", "style.css"])
        // Beside the output folder: only the previous build, kept to be updated next time.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted()
        #expect(siblings == [".output.previous", "content", "output", "theme"])
        #expect(site.listing(".output.previous").contains("old/index.html"))
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let site = try TestSite([
            "content/index.md": page("Home", "## A\n\n## A\n\n[x](b.md)"),
            "content/b.md": page("B"), "content/c/d.md": page("D"),
            "content/_site.yaml": "base_url: https://x.example\n",
        ])
        defer { site.remove() }
        let first = site.build().files.map { f -> String in
            if case .text(let t) = f.contents { return f.path + t } else { return f.path }
        }
        let second = site.build().files.map { f -> String in
            if case .text(let t) = f.contents { return f.path + t } else { return f.path }
        }
        #expect(first == second)
    }

    @Test func aWriteThatFailsHalfWayLeavesTheOutputAsItWas() throws {
        let site = try TestSite(["content/index.md": page("Home", "v1"), "content/b.md": page("B")])
        defer { site.remove() }
        try site.buildAndWrite()
        let before = site.listing("output").map { ($0, site.read("output/" + $0)) }
        try site.write("content/index.md", page("Home", "v2"))
        let result = site.build()
        FileWriting.failAfterForTesting = 0
        defer { FileWriting.failAfterForTesting = nil }
        #expect(throws: Diagnostic.self) {
            try OutputWriter.write(result.files, to: site.url("output"), displayPath: "output")
        }
        #expect(site.listing("output").map { ($0, site.read("output/" + $0)) }.elementsEqual(before, by: { $0 == $1 }))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted()
        #expect(siblings == ["content", "output", "theme"])
    }

    @Test func unchangedFilesAreNotRewrittenAndTheResultIsExact() throws {
        let site = try TestSite(["content/index.md": page("Home", "v1"), "content/b.md": page("B"), "content/c/d.md": page("D")])
        defer { site.remove() }
        try site.buildAndWrite()
        try site.buildAndWrite()  // now .output.previous holds the first build
        let bBefore = try FileManager.default.attributesOfItem(atPath: site.url(".output.previous/b/index.html").path)[.modificationDate] as? Date
        try FileManager.default.removeItem(at: site.url("content/c/d.md"))
        try site.write("content/index.md", page("Home", "v2"))
        usleep(20_000)
        try site.buildAndWrite()
        #expect(site.listing("output") == ["b/index.html", "index.html", "robots.txt", "style.css"])
        #expect(site.read("output/index.html")?.contains("v2") == true)
        #expect(!FileManager.default.fileExists(atPath: site.url("output/c").path))
        let bAfter = try FileManager.default.attributesOfItem(atPath: site.url("output/b/index.html").path)[.modificationDate] as? Date
        #expect(bBefore == bAfter, "an unchanged page was rewritten")
    }

    /// The spare is reused as the next staging folder; a symbolic link planted in it (to a file
    /// or a folder outside) is removed, never written through or listed into, and the output is
    /// exactly the build.
    @Test func linksInTheSpareAreRemovedNotFollowed() throws {
        let site = try TestSite(["content/index.md": page("Home", "v1"), "content/b.md": page("B")])
        defer { site.remove() }
        try site.buildAndWrite()
        try site.buildAndWrite()  // now .output.previous holds the first build
        let fm = FileManager.default
        let victim = site.url("victim.txt")
        try Data("keep me".utf8).write(to: victim)
        let outsideFolder = site.url("outside")
        try fm.createDirectory(at: outsideFolder, withIntermediateDirectories: true)
        try Data("keep me too".utf8).write(to: outsideFolder.appendingPathComponent("stale.html"))
        try fm.removeItem(at: site.url(".output.previous/index.html"))
        try fm.createSymbolicLink(atPath: site.url(".output.previous/index.html").path, withDestinationPath: victim.path)
        try fm.removeItem(at: site.url(".output.previous/b"))
        try fm.createSymbolicLink(atPath: site.url(".output.previous/b").path, withDestinationPath: outsideFolder.path)
        try fm.createSymbolicLink(atPath: site.url(".output.previous/gone").path, withDestinationPath: outsideFolder.path)
        try site.write("content/index.md", page("Home", "v2"))
        try site.buildAndWrite()
        #expect(site.read("victim.txt") == "keep me")
        #expect(site.read("outside/stale.html") == "keep me too")
        #expect(site.listing("output") == ["b/index.html", "index.html", "robots.txt", "style.css"])
        #expect(site.read("output/index.html")?.contains("v2") == true)
        for path in ["index.html", "b", "gone"] {
            #expect((try? fm.destinationOfSymbolicLink(atPath: site.url("output/" + path).path)) == nil, "output/\(path) is a link")
        }
    }

    @Test func aReadOnlyOutputIsAnEnvironmentError() throws {
        guard getuid() != 0 else { return }  // root ignores permissions; the CLI test covers the message
        let site = try TestSite(["content/index.md": page("Home")])
        defer { site.remove() }
        try site.buildAndWrite()
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: site.url("output").path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: site.url("output").path) }
        #expect(throws: Diagnostic.self) { try OutputWriter.write(site.build().files, to: site.url("output"), displayPath: "output") }
    }
}
