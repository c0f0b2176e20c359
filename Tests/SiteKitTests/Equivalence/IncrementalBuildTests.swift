import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// `BuildCache`: after every kind of edit, a build that reuses the last one's work (and sources
/// read again one changed file at a time) equals a fresh full build, files byte for byte and
/// diagnostics in order. And the comparison is sharp: a cache that ignores any one of its
/// dependencies is caught by it.
@Suite("Incremental builds", .serialized)
struct IncrementalBuildTests {
    /// The clinic's real content and theme, plus a section whose pages link to each other (by
    /// `.md` and by fragment), so that titles, URLs and ids have pages depending on them.
    static func makeSite() throws -> TestSite {
        var files: [String: String] = [:]
        for folder in ["content", "theme"] {
            let base = repositoryRoot.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])!
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let relative = String(url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1))
                files[folder + "/" + relative] = try String(contentsOf: url, encoding: .utf8)
            }
        }
        files["content/guides/_index.md"] = page("Guides", "All our guides.\n", extra: "description: Guides for patients.\n")
        files["content/guides/driving.md"] = page(
            "Driving home", "## Who drives\n\nAsk a friend. See [the first visit](first-visit.md#what-to-bring) and [pricing](../pricing.md).\n",
            extra: "description: Getting home after a session.\nweight: 2\n")
        files["content/guides/first-visit.md"] = page(
            "Your first visit", "## What to bring\n\nYour ID. A session costs {{price treatment-session}}.\n\n## After\n\nRest. See [driving](driving.md).\n",
            extra: "description: What to expect on the day.\nweight: 1\n")
        // A link by URL (not by source file) to a page that comes and goes in the series.
        files["content/contact.md"]! += "\nAfter a session, read [aftercare](/guides/aftercare/).\n"
        files["content/guides/draft-notes.md"] = page("Notes", "Not ready.\n", extra: "description: Draft.\ndraft: true\n")
        return try TestSite(files, theme: false)
    }

    /// A site built step by step with a cache, compared after each step with a full build.
    final class Harness {
        let site: TestSite
        let cache = BuildCache()
        var sources: SiteSources
        var mismatches: [String] = []
        var stats: [(String, BuildCache.Statistics)] = []
        var lastDiagnostics: [Diagnostic] = []
        /// The incremental build's diagnostics after each step, by the step's name.
        var diagnosticsAfter: [String: [Diagnostic]] = [:]
        let drafts: Bool

        init(drafts: Bool = true, blind: BuildCache.Blind = .init()) throws {
            site = try IncrementalBuildTests.makeSite()
            self.drafts = drafts
            cache.blind = blind
            sources = site.sources(output: nil)
            lastDiagnostics = build(cached: true).diagnostics
        }

        var options: SiteBuilder.Options { .init(drafts: drafts, today: "2026-11-24") }

        func build(cached: Bool, sources: SiteSources? = nil) -> BuildResult {
            SiteBuilder(options: options, cache: cached ? cache : nil).build(sources ?? self.sources)
        }

        /// Applies `edit` (which returns the paths it wrote, created or deleted) and compares.
        func step(_ name: String, _ edit: () throws -> [String]) rethrows {
            let changed = try edit()
            let full = site.sources(output: nil)
            let paths = Set(changed.map { site.url($0).standardizedFileURL.path })
            let updated = sources.updated(changed: paths, content: site.url("content"), theme: site.url("theme"), workingDirectory: site.root)
            if let updated {
                if let difference = Self.difference(updated, full) { mismatches.append("\(name): sources read again differ: \(difference)") }
                sources = updated
            } else {
                sources = full
            }
            let incremental = build(cached: true)
            stats.append((name, cache.statistics))
            let fresh = build(cached: false, sources: full)
            if let difference = Self.difference(incremental, fresh) { mismatches.append("\(name): \(difference)") }
            // The files the cache says have new diagnostics (what `clinic-site lsp` publishes
            // again) hold every file whose diagnostics changed.
            if let said = cache.diagnosticFilesChanged {
                let missed = Self.filesWithOtherDiagnostics(lastDiagnostics, incremental.diagnostics).subtracting(said)
                if !missed.isEmpty { mismatches.append("\(name): diagnostics changed in \(missed.sorted()), not among the changed files \(said.sorted())") }
            }
            lastDiagnostics = incremental.diagnostics
            diagnosticsAfter[name] = incremental.diagnostics
        }

        /// The files whose diagnostics differ between two reports.
        static func filesWithOtherDiagnostics(_ a: [Diagnostic], _ b: [Diagnostic]) -> Set<String> {
            let x = Dictionary(grouping: a, by: \.position.file)
            let y = Dictionary(grouping: b, by: \.position.file)
            return Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }
        }

        func write(_ path: String, _ text: String) throws -> [String] {
            try site.write(path, text)
            return [path]
        }

        func edit(_ path: String, _ change: (String) -> String) throws -> [String] {
            let text = try #require(site.read(path), "\(path) exists")
            let edited = change(text)
            #expect(edited != text, "the edit of \(path) changes it")
            return try write(path, edited)
        }

        static func difference(_ a: SiteSources, _ b: SiteSources) -> String? {
            if a.pages != b.pages { return "pages \(a.pages.map(\.relativePath)) vs \(b.pages.map(\.relativePath))" }
            if a.templates != b.templates { return "templates" }
            if a.settings != b.settings { return "settings" }
            if a.dataFiles != b.dataFiles { return "data files" }
            let statics = { (s: SiteSources) in s.staticFiles.map { "\($0.outputPath) \($0.displayPath) \($0.source.standardizedFileURL.path)" } }
            if statics(a) != statics(b) { return "static files \(statics(a)) vs \(statics(b))" }
            if a.diagnostics != b.diagnostics { return "read diagnostics \(a.diagnostics) vs \(b.diagnostics)" }
            return nil
        }

        static func bytes(_ file: OutputFile) -> Data {
            switch file.contents {
            case .text(let text): return Data(text.utf8)
            case .copy(let url): return (try? Data(contentsOf: url)) ?? Data("unreadable".utf8)
            }
        }

        static func difference(_ a: BuildResult, _ b: BuildResult) -> String? {
            if a.files.map(\.path) != b.files.map(\.path) {
                let x = Set(a.files.map(\.path))
                let y = Set(b.files.map(\.path))
                return "file lists differ: only incremental \(x.subtracting(y).sorted()), only full \(y.subtracting(x).sorted())"
            }
            for (x, y) in zip(a.files, b.files) where bytes(x) != bytes(y) { return "\(x.path) differs" }
            if a.diagnostics != b.diagnostics {
                let x = Set(a.diagnostics)
                let y = Set(b.diagnostics)
                let only = x.subtracting(y).map { "\($0.position) \($0.code)" }.sorted()
                let missing = y.subtracting(x).map { "\($0.position) \($0.code)" }.sorted()
                return "diagnostics differ (\(a.diagnostics.count) vs \(b.diagnostics.count)): only incremental \(only), only full \(missing)"
            }
            if a.pageCount != b.pageCount { return "page counts differ" }
            return nil
        }

        /// Every kind of edit an author makes, in turn; stops at the first mismatch when asked.
        func runSeries(stopAtFirstMismatch: Bool = false) throws {
            let steps: [(String, () throws -> [String])] = [
                ("nothing changed", { [] }),
                ("edit a page's text", { try self.edit("content/faq.md") { $0.replacingOccurrences(of: "Below are answers", with: "Here are answers") } }),
                ("change a title in a section", { try self.edit("content/guides/driving.md") { $0.replacingOccurrences(of: "title: Driving home", with: "title: Getting home") } }),
                ("change a description in a section", { try self.edit("content/guides/first-visit.md") { $0.replacingOccurrences(of: "What to expect on the day.", with: "What the day is like.") } }),
                ("change a weight in a section", { try self.edit("content/guides/first-visit.md") { $0.replacingOccurrences(of: "weight: 1", with: "weight: 3") } }),
                ("change a price", { try self.edit("content/pricing.md") { $0.replacingOccurrences(of: "amount: 500", with: "amount: 550") } }),
                ("make the bundle total wrong", { try self.edit("content/pricing.md") { $0.replacingOccurrences(of: "amount: 3000", with: "amount: 3100") } }),
                ("change a shared list", { try self.edit("content/contraindications.md") { text in
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                    let at = lines.firstIndex { $0.hasPrefix("lists:") }! + 2
                    var edited = lines
                    edited.insert(lines[at].prefix { $0 == " " || $0 == "-" } + "A condition added for the test", at: at)
                    return edited.joined(separator: "\n")
                } }),
                ("rename a heading that a fragment link points to", { try self.edit("content/guides/first-visit.md") { $0.replacingOccurrences(of: "## What to bring", with: "## What to take") } }),
                ("fix the fragment link", { try self.edit("content/guides/driving.md") { $0.replacingOccurrences(of: "#what-to-bring", with: "#what-to-take") } }),
                ("break a link", { try self.edit("content/faq.md") { $0.replacingOccurrences(of: "(preparing.md)", with: "(preparring.md)") } }),
                ("fix the link", { try self.edit("content/faq.md") { $0.replacingOccurrences(of: "(preparring.md)", with: "(preparing.md)") } }),
                // A fix is kept only where the source holds the text it replaces: after an escape it does not.
                ("type a price after an escape and one plain", { try self.edit("content/guides/driving.md") { $0 + "\nIt is \\$550 after an escape.\n\nAnd $550 plain.\n" } }),
                ("edit another page while that one stays", { try self.edit("content/faq.md") { $0.replacingOccurrences(of: "Here are answers", with: "Below are answers") } }),
                ("move the typed prices down a line", { try self.edit("content/guides/driving.md") { $0.replacingOccurrences(of: "\nIt is \\$550", with: "\n\nIt is \\$550") } }),
                ("add a page", { try self.write("content/guides/aftercare.md", page("Aftercare", "Rest well. Back to [guides](_index.md) or [driving](driving.md#who-drives).\n", extra: "description: After a session.\n")) }),
                ("link to the new page", { try self.edit("content/guides/driving.md") { $0 + "\nAlso read [aftercare](aftercare.md).\n" } }),
                ("delete a page that others link to", {
                    try FileManager.default.removeItem(at: self.site.url("content/guides/aftercare.md"))
                    return ["content/guides/aftercare.md"]
                }),
                ("add it back under a new name, and fix the link", {
                    try self.site.write("content/guides/after-care.md", page("Aftercare", "Rest well.\n", extra: "description: After a session.\n"))
                    return try ["content/guides/after-care.md"] + self.edit("content/guides/driving.md") { $0.replacingOccurrences(of: "(aftercare.md)", with: "(after-care.md)") }
                }),
                ("rename a page", {
                    try FileManager.default.moveItem(at: self.site.url("content/guides/after-care.md"), to: self.site.url("content/guides/recovery.md"))
                    return ["content/guides/after-care.md", "content/guides/recovery.md"]
                }),
                ("publish the draft", { try self.edit("content/guides/draft-notes.md") { $0.replacingOccurrences(of: "draft: true", with: "draft: false") } }),
                ("give two pages one URL", { try self.edit("content/guides/draft-notes.md") { $0.replacingOccurrences(of: "draft: false", with: "draft: false\nurl: /guides/driving/") } }),
                ("and undo it", { try self.edit("content/guides/draft-notes.md") { $0.replacingOccurrences(of: "\nurl: /guides/driving/", with: "") } }),
                ("ignore a warning on a line", { try self.edit("content/guides/first-visit.md") { $0.replacingOccurrences(of: "Your ID.", with: "Your ID. <!-- ignore: price -->") } }),
                ("break the front matter", { try self.edit("content/guides/first-visit.md") { $0.replacingOccurrences(of: "title: Your first visit", with: "title: [Your first visit") } }),
                ("fix the front matter", { try self.edit("content/guides/first-visit.md") { $0.replacingOccurrences(of: "title: [Your first visit", with: "title: Your first visit") } }),
                ("change a template", { try self.edit("theme/templates/page.mustache") { $0.replacingOccurrences(of: "<div class=\"content\">", with: "<div class=\"content edited\">") } }),
                ("break a template", { try self.edit("theme/templates/page.mustache") { $0 + "{{#unclosed}}\n" } }),
                ("fix the template", { try self.edit("theme/templates/page.mustache") { $0.replacingOccurrences(of: "{{#unclosed}}\n", with: "") } }),
                ("add a theme asset", { try self.write("theme/static/extra.css", "p{}\n") }),
                ("add an image to the content", { try self.write("content/guides/map.png", "not really a png\n") }),
                ("change the site settings", { try self.edit("content/_site.yaml") { $0.replacingOccurrences(of: "name: Holo Integrative Psychiatry", with: "name: Holo Psychiatry") } }),
                ("drop the menu from the settings", { try self.edit("content/_site.yaml") { text in
                    var out: [Substring] = []
                    var inMenu = false
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                        if line.hasPrefix("menu:") { inMenu = true; continue }
                        if inMenu, line.hasPrefix(" ") { continue }
                        inMenu = false
                        out.append(line)
                    }
                    return out.joined(separator: "\n")
                } }),
                ("change a top-level title (the menu comes from the pages now)", { try self.edit("content/preparing.md") { $0.replacingOccurrences(of: "\ntitle: ", with: "\ntitle: Getting ready: ") } }),
                ("change a title in a section again", { try self.edit("content/guides/driving.md") { $0.replacingOccurrences(of: "title: Getting home", with: "title: Home safely") } }),
                ("change the schema rules", { try self.edit("content/_schemas.yaml") { $0.replacingOccurrences(of: "review_period_months: 12", with: "review_period_months: 1") } }),
                ("change the wording rules", { try self.edit("content/_wording.yaml") { $0 + "\n  - id: test-rest\n    pattern: '\\brest\\b'\n    severity: warning\n    message: a word the test flags\n" } }),
                ("delete the site settings", {
                    try FileManager.default.removeItem(at: self.site.url("content/_site.yaml"))
                    return ["content/_site.yaml"]
                }),
            ]
            for (name, edit) in steps {
                try step(name, edit)
                if stopAtFirstMismatch, !mismatches.isEmpty { return }
            }
        }
    }

    @Test func aSeriesOfEditsBuildsAsAFullBuildDoes() throws {
        let harness = try Harness()
        defer { harness.site.remove() }
        try harness.runSeries()
        #expect(harness.mismatches.isEmpty, "\(harness.mismatches.joined(separator: "\n"))")
        // And the cache did save work: one page's text edit re-renders that page alone.
        let edit = try #require(harness.stats.first { $0.0 == "edit a page's text" }?.1)
        #expect(edit.rendered == 1 && edit.checked == 1, "\(edit)")
        let nothing = try #require(harness.stats.first { $0.0 == "nothing changed" }?.1)
        #expect(nothing.rendered == 0 && nothing.checked == 0 && nothing.loaded == 0, "\(nothing)")
        // A title in a section re-renders the page and its section page (the children list).
        let title = try #require(harness.stats.first { $0.0 == "change a title in a section" }?.1)
        #expect(title.rendered == 2, "\(title)")
        let template = try #require(harness.stats.first { $0.0 == "change a template" }?.1)
        #expect(template.rendered == template.pages, "a template change re-renders every page: \(template)")
        // The typed prices are reported, and only the plain one carries a fix.
        for step in ["type a price after an escape and one plain", "edit another page while that one stays", "move the typed prices down a line"] {
            let typed = harness.diagnosticsAfter[step, default: []].filter { $0.code == "price.literal" && $0.position.file.hasSuffix("guides/driving.md") }
            #expect(typed.count == 2 && typed.filter { $0.fix != nil }.count == 1, "\(step): \(typed)")
        }
    }

    @Test func withoutDraftsToo() throws {
        let harness = try Harness(drafts: false)
        defer { harness.site.remove() }
        try harness.runSeries()
        #expect(harness.mismatches.isEmpty, "\(harness.mismatches.joined(separator: "\n"))")
    }

    /// A cache that ignores one of its dependencies returns stale results somewhere in the series,
    /// and the comparison says so: the test above would catch such a bug.
    @Test(arguments: BuildCache.Blind.each)
    func aCacheBlindToOneDependencyIsCaught(_ blind: BuildCache.Blind) throws {
        let harness = try Harness(blind: blind)
        defer { harness.site.remove() }
        try harness.runSeries(stopAtFirstMismatch: true)
        #expect(!harness.mismatches.isEmpty, "a cache blind to \(blind) went unnoticed")
    }

    @Test func diagnosticsArePatchedInSortedOrder() {
        let at = { (file: String, line: Int) in SourcePosition(file: file, line: line, column: 1) }
        let list = [
            Diagnostic.warning("a", at: at("x", 1), "one"), .warning("a", at: at("x", 2), "two"), .warning("a", at: at("x", 2), "two"),
            .error("b", at: at("y", 1), "three"),
        ].sortedForReport()
        let removing = [list[1]]
        let adding = [Diagnostic.warning("c", at: at("x", 2), "four"), .error("d", at: at("a", 9), "five")]
        var patched = list
        let files = ReportMemo.patch(&patched, removing: removing, adding: adding)
        var expected = list
        expected.remove(at: 1)
        expected = (expected + adding).sortedForReport()
        #expect(patched == expected)
        #expect(patched.count == 5, "one of the two equal warnings stays")
        #expect(files == ["x", "a"], "the files whose diagnostics changed; y's did not")
        // Taking out a diagnostic and putting the same one back changes nothing.
        var same = list
        #expect(ReportMemo.patch(&same, removing: [list[3]], adding: [list[3]]).isEmpty)
        #expect(same == list)
    }

    /// A page whose diagnostics hold a fix in another file is gathered (and its fixes checked
    /// against that file's text) on every build, dirty or not, until it holds no such fix.
    @Test func aPageWithAFixElsewhereIsGatheredOnEveryBuild() {
        var memo = ReportMemo(keeps: true)
        var statistics = BuildCache.Statistics()
        let digests = SiteDigests(infos: [], env: 0, urlMap: 0, nav: 0, catalog: 0, lists: 0, rules: 0, today: "", suppressions: 0)
        var gathered: [String] = []
        func build(dirty: Set<String>, elsewhere: Bool) {
            _ = memo.report(global: [], pages: [], digests: digests, dirty: dirty, statistics: &statistics) { path in
                gathered.append(path)
                return ([], elsewhere)
            }
        }
        build(dirty: ["a.md", "b.md"], elsewhere: false)
        #expect(gathered.sorted() == ["a.md", "b.md"])
        gathered = []
        build(dirty: [], elsewhere: false)
        #expect(gathered.isEmpty, "no page is gathered when none is dirty and none has a fix elsewhere")
        build(dirty: ["a.md"], elsewhere: true)
        gathered = []
        build(dirty: [], elsewhere: true)
        #expect(gathered == ["a.md"], "a.md has a fix in another file: gathered though not dirty")
        build(dirty: [], elsewhere: false)
        gathered = []
        build(dirty: [], elsewhere: false)
        #expect(gathered.isEmpty, "a.md no longer has a fix elsewhere")
    }

    @Test func walkOrderIsTheOrderOfReading() throws {
        let site = try TestSite(
            [
                "content/a.md": page("A"), "content/a/b.md": page("B"), "content/a-b.md": page("AB"), "content/Z.md": page("Z"),
                "content/a/c/d.md": page("D"), "content/ab.md": page("AB2"), "content/é.md": page("E"),
            ])
        defer { site.remove() }
        let read = site.sources(output: nil).pages.map(\.relativePath)
        #expect(read == read.sorted(by: SiteSources.walkOrder))
        #expect(read.count == 7)
    }
}
