import Foundation
import Testing
import TestSupport

@testable import SiteKit

/// Text built to break escaping that goes Character by Character (issue 13, item 1): a `<`, `>`,
/// `"` or `'` in one extended grapheme cluster with its neighbours, after prepended concatenation
/// marks (U+0600…), before combining marks of every class, inside ZWJ sequences and beside
/// right-to-left marks. Every template of the clinic's theme and every page is rendered with it in
/// every field that reaches HTML or JSON-LD, and the output, read by an HTML5 parser (gumbo), must
/// hold exactly the elements, attributes and comments of the same site built with plain text.
@Suite struct BadInputGraphemeEscapingTests {
    /// Combining marks, one of each canonical combining class a text can hold (1 overlay, 7
    /// nukta, 8 kana voicing, 9 virama, 202, 220, 230, 232, 233, 234, 240), a spacing mark (Mc),
    /// an enclosing mark (Me), joiners, variation selectors and an emoji modifier: each extends
    /// the cluster of the character before it.
    static let extenders: [String] = [
        "\u{0334}", "\u{093C}", "\u{3099}", "\u{094D}", "\u{0327}", "\u{0316}", "\u{0301}", "\u{0315}", "\u{035C}", "\u{035D}",
        "\u{0345}", "\u{0903}", "\u{20DD}", "\u{200D}", "\u{200C}", "\u{FE0F}", "\u{E0100}", "\u{1F3FB}",
    ]
    /// Prepended concatenation marks and other Prepend characters: each joins the character after it.
    static let prepends: [String] = [
        "\u{0600}", "\u{0601}", "\u{0602}", "\u{0603}", "\u{0604}", "\u{0605}", "\u{06DD}", "\u{070F}", "\u{0890}", "\u{08E2}",
        "\u{110BD}", "\u{110CD}", "\u{0D4E}", "\u{111C2}",
    ]
    /// Right-to-left and isolate marks.
    static let bidi: [String] = ["\u{200F}", "\u{200E}", "\u{202E}", "\u{2067}", "\u{061C}", "\u{2069}"]
    /// What would be markup if printed as it is.
    static let payloads: [String] = [
        "<img src=/favicon.svg onload=alert(1)>", "\"><b id=x>", "'><i>", "<!--", "</title><script>alert(2)</script>",
        "</textarea><u>", "-->", "&lt;", "<", ">", "\"", "'", "&",
    ]

    /// One string holding every payload between every prepend and every extender, in ZWJ
    /// sequences and after bidi marks.
    static let hostile: String = {
        var pieces: [String] = []
        var k = 0
        for p in prepends + [""] {
            for e in extenders + [""] {
                pieces.append(p + payloads[k % payloads.count] + e)
                k += 1
            }
        }
        for b in bidi { pieces += payloads.map { b + $0 + b } }
        pieces += payloads.map { "👩\u{200D}" + $0 + "\u{200D}👩" }
        pieces += payloads.map { "\u{1F1FA}" + $0 + "\u{1F1F8}" }
        return pieces.joined(separator: " ")
    }()

    /// YAML for `value` as a double-quoted scalar.
    /// (By scalar: `replacingOccurrences` compares Characters, and would miss a `"` in a cluster.)
    static func yaml(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }

    /// `value` as Markdown text: every character that Markdown or HTML would read written as a
    /// character reference, so the decoded text (the heading's text, the FAQ's answer) is `value`.
    static func markdown(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&#x3E;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "*", "_", "[", "]", "`", "\\", "!", "#", "-", "(", ")": out += "&#\(scalar.value);"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The clinic's theme (every template), and a site with `text` in every field that reaches HTML
    /// or JSON-LD; `url` is written where a link goes (an external link's query).
    static func site(_ text: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let theme = repositoryRoot.appendingPathComponent("theme")
        for (path, data) in BadInput.tree(theme) { files["theme/" + path] = String(decoding: data, as: UTF8.self) }
        let v = yaml(text)
        let url = yaml("https://example.org/?q=" + String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == " " ? "/" : $0 })))
        let md = markdown(text)
        files["content/_site.yaml"] = """
            name: \(v)
            base_url: https://example.org
            language: en
            locale: \(v)
            description: \(v)
            help_url: /contact/
            menu:
              - title: \(v)
                url: /
              - title: \(v)
                url: \(url)
              - title: \(v)
                url: /services/
            clinic:
              name: \(v)
              medical_specialty: \(v)
              doctor: \(v)
              area_served: \(v)
              phone: \(v)
              address: \(v)

            """
        files["content/index.md"] = "---\ntitle: \(v)\ndescription: \(v)\n---\n\n\(md)\n\n[Prices](/pricing/)\n"
        files["content/contact.md"] = "---\ntitle: \(v)\ndescription: \(v)\n---\n\nCall us.\n"
        files["content/404.md"] = "---\ntitle: \(v)\ndescription: \(v)\ntemplate: \"404\"\nurl: /404.html\n---\n\n\(md)\n"
        files["content/services/_index.md"] = "---\ntitle: \(v)\ndescription: \(v)\nreviewed: 2026-01-05\nreviewed_by: \(v)\n---\n\n\(md)\n"
        files["content/services/one.md"] = """
            ---
            title: \(v)
            description: \(v)
            toc: true
            reviewed: 2026-01-05
            reviewed_by: \(v)
            ---

            ## \(md)

            \(md)

            ## A second heading \(md)

            Text.

            """
        files["content/services/two.md"] = "---\ntitle: \(v)\ndescription: \(v)\nweight: 2\n---\n\nText.\n"
        files["content/faq.md"] = """
            ---
            title: \(v)
            description: \(v)
            type: faq
            reviewed: 2026-01-05
            reviewed_by: \(v)
            ---

            ## \(md)?

            \(md)

            """
        files["content/pricing.md"] = """
            ---
            title: \(v)
            description: \(v)
            prices:
              - id: session
                name: \(v)
                amount: 500
            ---

            A session costs {{price session}}.

            """
        return files
    }

    /// Every HTML file of a build of `files`, by path, rendered through skeletons or directly.
    static func build(_ files: [String: String], skeletons: Bool) throws -> (pages: [String: String], lines: [String]) {
        let site = try TestSite(files)
        defer { site.remove() }
        var options = SiteBuilder.Options(today: "2026-11-24")
        options.reusesTemplateSkeletons = skeletons
        let result = SiteBuilder(options: options).build(site.sources())
        var pages: [String: String] = [:]
        for file in result.files where file.path.hasSuffix(".html") {
            if case .text(let text) = file.contents { pages[file.path] = text }
        }
        return (pages, result.lines)
    }

    @Test(.tags(.badInput), arguments: [true, false])
    func valuesIntroduceNoMarkup(skeletons: Bool) throws {
        let plain = try Self.build(Self.site("Plain words"), skeletons: skeletons)
        let hostile = try Self.build(Self.site(Self.hostile), skeletons: skeletons)
        #expect(plain.pages.count >= 8, "\(plain.pages.keys.sorted()) \(plain.lines)")
        #expect(hostile.pages.keys.sorted() == plain.pages.keys.sorted(), "\(hostile.lines)")
        for (path, reference) in plain.pages {
            let html = try #require(hostile.pages[path])
            let expected = HTMLOutline(document: reference)
            let got = HTMLOutline(document: html)
            // The same elements, attributes and comments, in the same places.
            let difference = got.structure.difference(from: expected.structure)
            #expect(difference.isEmpty, "\(path): the content introduced markup: \(difference.prefix(6))")
            // Each JSON-LD block holds the values exactly as written.
            for json in BadInputEscapingTests.jsonLD(html) {
                let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
                let strings = BadInputEscapingTests.strings(object)
                #expect(strings.contains(Self.hostile) || strings.contains { $0.contains(Self.hostile) }, "\(path): a JSON-LD block lost the value")
            }
        }
        // The text came through whole: the home page's title is the value as written.
        let home = HTMLOutline(document: try #require(hostile.pages["index.html"]))
        #expect(home.text(inFirst: "title") == Self.hostile)
        #expect(home.elements("meta").contains { $0.contains { $0.name == "content" && $0.value == Self.hostile } })
    }
}
