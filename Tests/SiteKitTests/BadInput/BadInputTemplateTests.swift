import Foundation
import Testing

@testable import SiteKit

/// Theme checks the catalogue's template cases do not reach: includes that are not includes,
/// and syntax errors reported at the tag to fix (`Theme.load`, docs/robustness.md bugs 6 and 11).
@Suite struct BadInputTemplateTests {
    func load(_ templates: [String: String]) -> [String] {
        let files = templates.map { name, text in
            SourceFile(relativePath: name + ".mustache", displayPath: "theme/templates/\(name).mustache", text: text)
        }
        return Theme.load(files).1.sortedForReport().map { "\($0.position): \($0.code): \($0.suggestion ?? "")" }
    }

    @Test("An include in a comment, a dynamic include and a triple mustache are not missing templates", .tags(.badInput))
    func includesThatAreNotIncludes() {
        let diagnostics = load([
            "page": "{{! old:\n  {{> partials/banner}}\n}}{{{content}}}{{>*dynamic}}\n{{> partials/nav}}",
            "partials/nav": "<nav>{{#menu}}{{title}}{{/menu}}</nav>",
        ])
        #expect(diagnostics == [])
    }

    @Test("A missing partial is reported at its tag, with the nearest other template", .tags(.badInput))
    func missingPartialOnALaterLine() {
        let diagnostics = load([
            "page": "<main>\n  é {{> partials/fotter}}\n</main>",
            "partials/footer": "<footer></footer>",
        ])
        #expect(diagnostics == ["theme/templates/page.mustache:2:6: template.missing: did you mean {{> partials/footer}}?"])
    }

    @Test("A tag left open before a later tag is reported where it opens", .tags(.badInput))
    func unclosedTagBeforeAnotherTag() {
        let diagnostics = load(["page": "<p>\n  <a href=\"{{url\">{{title}}</a>\n</p>"])
        #expect(diagnostics == ["theme/templates/page.mustache:2:12: template.error: end the tag with }}, as in {{url}}"])
    }

    @Test("An unclosed section is named at the tag that closes another, or reported at its opening tag", .tags(.badInput))
    func unclosedInnerSection() {
        let diagnostics = load(["page": "{{#menu}}\n  {{^active}}x\n{{/menu}}"])
        // swift-mustache sees {{/menu}} closing {{^active}}: a wrong closing name, at the tag.
        #expect(diagnostics == ["theme/templates/page.mustache:3:4: template.error: {{^active}} (line 2) is still open here: close it with {{/active}}, or fix the name"])
        let atEnd = load(["page": "{{#menu}}x{{/menu}}\n<p>{{#a}}{{#b}}y{{/b}}</p>\n"])
        #expect(atEnd == ["theme/templates/page.mustache:2:4: template.error: add {{/a}} where the section ends"])
    }

    @Test("Columns count UTF-8 bytes, as everywhere else", .tags(.badInput))
    func columnsInBytes() {
        let diagnostics = load(["page": "ééé {{#menu}}x{{/menus}}"])
        // é is 2 bytes: the name of the closing tag is the 18th character and starts at byte 21.
        #expect(diagnostics == ["theme/templates/page.mustache:1:21: template.error: {{#menu}} (line 1) is still open here: close it with {{/menu}}, or fix the name"])
    }
}
