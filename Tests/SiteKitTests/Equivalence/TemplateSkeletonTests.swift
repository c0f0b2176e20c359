import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Rendering a template once per shape of context and filling in the values must give exactly
/// what swift-mustache gives for every page.
@Suite struct TemplateSkeletonTests {
    func pages(_ result: BuildResult) -> [String: String] {
        var out: [String: String] = [:]
        for file in result.files {
            if case .text(let t) = file.contents { out[file.path] = t }
        }
        return out
    }

    func expectSameBothWays(_ sources: SiteSources, minimumPages: Int) {
        var direct = SiteBuilder.Options(today: "2026-11-24")
        direct.reusesTemplateSkeletons = false
        let a = SiteBuilder(options: direct).build(sources)
        let b = SiteBuilder(options: .init(today: "2026-11-24")).build(sources)
        let pa = pages(a)
        let pb = pages(b)
        #expect(pa.count >= minimumPages)
        #expect(pa.keys.sorted() == pb.keys.sorted())
        for (path, html) in pa where pb[path] != html {
            Issue.record("\(path) differs between direct and skeleton rendering")
        }
        #expect(a.diagnostics == b.diagnostics)
    }

    @Test func sameOutputOnEveryPageOfTheClinicSite() {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        expectSameBothWays(sources, minimumPages: 8)
    }

    @Test func sameOutputWithValuesThatNeedEscapingAndOddTypes() throws {
        let site = try TestSite([
            "content/_site.yaml": "name: A & B <site>\nbase_url: https://x.example\nclinic:\n  phone: \"1 < 2\"\n  doctor: [Dr \"A\", Dr 'B']\n",
            "content/index.md": "---\ntitle: Home & <garden>\ndescription: \"it's \\\"quoted\\\"\"\n---\nHello.\n",
            "content/a.md": "---\ntitle: Café \u{301}& more\nweight: 3\ntoc: true\nprice: 49.5\nextra: [1, 2.5, true, x]\n---\n## One?\n\ntext\n\n## Two & three\n",
            "content/b.md": "---\ntitle: \"\"\ndescription: \"\"\ntoc: false\n---\nSuicide prevention text.\n",
            "content/s/_index.md": "---\ntitle: Section <s>\n---\nIntro.\n",
            "content/s/c.md": "---\ntitle: C\ndescription: child & co\n---\nC.\n",
            "content/s/d.md": "---\ntitle: D \u{E002}&0\u{E003}\n---\nD.\n",
            "content/m.md": "---\ntitle: M \u{E002}&amp;1\u{E003}\n---\nIn the menu.\n",
        ])
        defer { site.remove() }
        expectSameBothWays(site.sources(), minimumPages: 6)
    }

    /// Pages' front matter is typed for templates straight from YAML: the same shape key and
    /// values as through `YAMLValue.templateValue`, the `Any` that templates were given before.
    @Test func frontMatterIsTypedAsTemplatesSawIt() throws {
        let yaml = [
            "title: A\nweight: 3\nprice: 49.50\nbig: 1e3\nnothing: null\nblank: \"\"\nday: 2026-11-24\n",
            "title: B\nlist: [1, x, {k: v, a: [true, false]}, \"\", null]\nnested: {z: 1, a: {b: c}}\n",
            "title: C\n\u{E9}: one\ne\u{301}t\u{E9}: two\nzeta: 0\nAlpha: 1\n_x: -2\n",
            "title: D\ntoc: true\ntags: []\nmap: {}\n",
        ]
        for (i, front) in yaml.enumerated() {
            let (loaded, problems) = PageLoader.load(SourceFile(relativePath: "p\(i).md", displayPath: "content/p\(i).md", text: "---\n" + front + "---\nBody.\n"))
            let page = try #require(loaded, "\(problems)")
            var typed = TemplateSkeletons.Marker()
            typed.mark(PageAssembler.plain(page.frontMatter))
            var viaAny = TemplateSkeletons.Marker()
            viaAny.mark(try #require(TemplateSkeletons.Plain(page.frontMatter.templateValue)))
            #expect(typed.key == viaAny.key, "\(front)")
            #expect(typed.values == viaAny.values, "\(front)")
            #expect(typed.values.count >= 1)
        }
    }

    @Test func theClinicThemeUsesSkeletons() {
        let sources = SiteSources.read(
            content: repositoryRoot.appendingPathComponent("content"), theme: repositoryRoot.appendingPathComponent("theme"),
            output: nil, workingDirectory: repositoryRoot)
        #expect(TemplateSkeletons(theme: Theme.load(sources.templates).0).enabled)
    }

    @Test func rendersOncePerShapeAndFillsInTheValues() {
        let text = "<title>{{page.title}}</title>{{#page.toc}}<nav>{{#page.headings}}<a href=\"#{{id}}\">{{text}}</a>{{/page.headings}}</nav>{{/page.toc}}{{{raw}}}|{{site.name}}"
        let (theme, problems) = Theme.load([SourceFile(relativePath: "t.mustache", displayPath: "theme/templates/t.mustache", text: text)])
        #expect(problems.isEmpty)
        let skeletons = TemplateSkeletons(theme: theme)
        var renders = 0
        func render(_ context: [String: Any]) -> String? {
            skeletons.render("t", context: context, shared: ["site"]) { marked in
                renders += 1
                return theme.render("t", context: marked)
            } ?? nil
        }
        let site: [String: Any] = ["name": "S & co"]
        let pages: [[String: Any]] = [
            ["page": ["title": "A <1>", "toc": true, "headings": [["id": "x", "text": "X & Y"]]], "raw": "<b>1</b>", "site": site],
            ["page": ["title": "B \"2\"", "toc": true, "headings": [["id": "y", "text": "Why?"]]], "raw": "<i>2</i>", "site": site],
            ["page": ["title": "C", "toc": false, "headings": [["id": "z", "text": "Z"]]], "raw": "3", "site": site],
            ["page": ["title": 4, "toc": true, "headings": [] as [Any]], "raw": 2.5, "site": site],
        ]
        for context in pages {
            #expect(render(context) == theme.render("t", context: context))
        }
        #expect(renders == 3)
    }

    @Test func sameOutputWhenTheSiteSettingsHoldMarkerCharacters() throws {
        let site = try TestSite([
            "content/_site.yaml": "name: \"S \u{E002}&0\u{E003}\"\n",
            "content/index.md": "---\ntitle: Home\n---\nHello.\n",
            "content/a.md": "---\ntitle: A\n---\nA.\n",
        ])
        defer { site.remove() }
        expectSameBothWays(site.sources(), minimumPages: 2)
    }

    @Test func templatesThatCouldSeeThroughAMarkerAreRenderedDirectly() {
        #expect(TemplateSkeletons.isEligible("<p>{{page.title}}</p>{{#page.toc}}{{^empty(page.headings)}}x{{/empty(page.headings)}}{{/page.toc}}{{{json_ld}}}"))
        #expect(TemplateSkeletons.isEligible("{{#children}}{{#first()}}first{{/first()}}{{/children}}"))
        #expect(!TemplateSkeletons.isEligible("{{uppercased(page.title)}}"))
        #expect(!TemplateSkeletons.isEligible("{{#reversed(page.title)}}{{.}}{{/reversed(page.title)}}"))
        #expect(!TemplateSkeletons.isEligible("{{count(children)}}"))
        #expect(!TemplateSkeletons.isEligible("<ul>\n  {{> partials/item}}\n</ul>"))
        #expect(!TemplateSkeletons.isEligible("{{=<% %>=}}"))
        #expect(!TemplateSkeletons.isEligible("{{>*page.partial}}"))
        #expect(!TemplateSkeletons.isEligible("a \u{E002} b"))
    }

    /// Escaping goes by Unicode scalar (`Escape.html`), in skeletons and in swift-mustache alike:
    /// a `<` in one grapheme cluster with its neighbours is escaped (issue 13).
    @Test func escapesByScalarLikeMustache() throws {
        let (theme, diagnostics) = Theme.load([SourceFile(relativePath: "t.mustache", displayPath: "t.mustache", text: "<p title=\"{{v}}\">{{v}}</p>")])
        #expect(diagnostics.isEmpty)
        for s in ["plain", "a < b & c > d \"e\" 'f'", "Café & crème", "e\u{301}&", "&\u{301}x", "\r\n<", "", "\u{600}<b>\u{301}", "\u{600}\"\u{301}"] {
            var reference = ""
            for c in s.unicodeScalars {
                switch c {
                case "<": reference += "&lt;"
                case ">": reference += "&gt;"
                case "&": reference += "&amp;"
                case "\"": reference += "&quot;"
                case "'": reference += "&#39;"
                default: reference.unicodeScalars.append(c)
                }
            }
            #expect(Escape.html(s) == reference, "\(s.debugDescription)")
            #expect(theme.render("t", context: ["v": s]) == "<p title=\"\(reference)\">\(reference)</p>", "\(s.debugDescription)")
        }
    }
}
