import Foundation
import Testing
import TestSupport

@testable import SiteKit

@Suite(.serialized) struct CLITests {
    static let broken = """
        ---
        title: Home
        ---

        A session is $450 here.
        Read [the FAQ](faq.md#costs).

        """

    @Test func buildWritesTheSiteAndPrintsASummary() throws {
        let site = try TestSite(["content/index.md": page("Home", "Hi.")])
        defer { site.remove() }
        let run = try CLI.run(["build"], in: site.root)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("Built 1 page, wrote 3 files to output in "))
        #expect(site.read("output/index.html")?.contains("Hi.") == true)
    }

    @Test func humanDiagnosticsShowTheLineAndACaret() throws {
        let site = try TestSite(["content/index.md": Self.broken, "content/faq.md": page("FAQ", "## Cost\n")])
        defer { site.remove() }
        let run = try CLI.run(["check"], in: site.root)
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                content/index.md:5:14: error: $450 matches no price on the pricing page [price.unknown-amount]
                 5 | A session is $450 here.
                   |              ^
                  help: declare the price under 'prices:' in the pricing page's front matter, then write {{price ID}}
                content/index.md:6:6: error: '/faq/#costs' points to '#costs', but /faq/ has no such id [link.missing-fragment]
                 6 | Read [the FAQ](faq.md#costs).
                   |      ^
                  help: did you mean '/faq/#cost'?

                """)
        #expect(run.stdout.hasPrefix("Checked 2 pages in "))
        #expect(run.stdout.hasSuffix(": 2 errors, 0 warnings.\n"))
    }

    @Test func jsonFormat() throws {
        let site = try TestSite(["content/index.md": Self.broken, "content/faq.md": page("FAQ", "## Cost\n")])
        defer { site.remove() }
        let run = try CLI.run(["check", "--format", "json"], in: site.root)
        #expect(run.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let diagnostics = try #require(object?["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        #expect(diagnostics[1]["code"] as? String == "link.missing-fragment")
        #expect(diagnostics[1]["file"] as? String == "content/index.md")
        #expect(diagnostics[1]["line"] as? Int == 6)
        #expect(diagnostics[1]["column"] as? Int == 6)
        #expect(diagnostics[1]["severity"] as? String == "error")
        #expect(diagnostics[1]["suggestion"] as? String == "did you mean '/faq/#cost'?")
        #expect(Set(diagnostics[0].keys) == ["severity", "code", "file", "line", "column", "message", "suggestion"])
        let summary = try #require(object?["summary"] as? [String: Int])
        #expect(summary == ["errors": 2, "warnings": 0, "pages": 2])
    }

    @Test func githubFormat() throws {
        let site = try TestSite(["content/index.md": Self.broken, "content/faq.md": page("FAQ", "## Cost\n")])
        defer { site.remove() }
        let run = try CLI.run(["check", "--format", "github"], in: site.root)
        #expect(
            run.stdout.split(separator: "\n").last
                == "::error file=content/index.md,line=6,col=6,title=link.missing-fragment::'/faq/#costs' points to '#costs', but /faq/ has no such id%0Adid you mean '/faq/#cost'?"
        )
    }

    @Test func aBuildWithErrorsWritesNothing() throws {
        let site = try TestSite(["content/index.md": Self.broken])
        defer { site.remove() }
        let run = try CLI.run(["build"], in: site.root)
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("Not written: "))
        #expect(!FileManager.default.fileExists(atPath: site.url("output").path))
    }

    @Test func strictTurnsWarningsIntoErrors() throws {
        let site = try TestSite(["content/index.md": page("Home", "![](/style.css)\n")])
        defer { site.remove() }
        #expect(try CLI.run(["check"], in: site.root).status == 0)
        #expect(try CLI.run(["check", "--strict"], in: site.root).status == 1)
    }

    @Test func environmentAndUsageErrorsExit2() throws {
        let site = try TestSite(["content/index.md": page("Home")])
        defer { site.remove() }
        let missing = try CLI.run(["build", "--content", "nowhere"], in: site.root)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere: error: the content folder 'nowhere' does not exist [io.missing-folder]"))
        #expect(try CLI.run(["build", "--no-such-flag"], in: site.root).status == 2)
        let inside = try CLI.run(["build", "--output", "content/out"], in: site.root)
        #expect(inside.status == 2)
        #expect(inside.stderr.contains("[io.output-inside-content]"))
    }

    @Test func aWriteThatFailsHalfWayExits2AndKeepsTheOutput() throws {
        let site = try TestSite(["content/index.md": page("Home", "v1"), "content/b.md": page("B")])
        defer { site.remove() }
        #expect(try CLI.run(["build"], in: site.root).status == 0)
        try site.write("content/index.md", page("Home", "v2"))
        setenv("CLINIC_SITE_FAIL_WRITE_AFTER", "0", 1)
        defer { unsetenv("CLINIC_SITE_FAIL_WRITE_AFTER") }
        let run = try CLI.run(["build"], in: site.root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("[io.write-failed]"))
        #expect(site.read("output/index.html")?.contains("v1") == true)
    }

    @Test func helpExplainsEveryOptionAndTheExitCodes() throws {
        let site = try TestSite([:])
        defer { site.remove() }
        let run = try CLI.run(["build", "--help"], in: site.root)
        #expect(run.status == 0)
        for option in ["--content", "--theme", "--output", "--format", "--strict", "--drafts", "--today"] {
            #expect(run.stdout.contains(option), "help lacks \(option)")
        }
        #expect(try CLI.run(["--help"], in: site.root).stdout.contains("2 usage or environment errors"))
    }
}
