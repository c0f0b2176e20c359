import Foundation
import Testing

@testable import SiteKit

/// Sections nested past `Theme.maxSectionDepth` are refused before swift-mustache parses them
/// (3,000 levels overflowed its stack), with any delimiters (issue 13, item 7).
@Suite struct BadInputTemplateDepthTests {
    func load(_ text: String) -> [String] {
        Theme.load([SourceFile(relativePath: "page.mustache", displayPath: "theme/templates/page.mustache", text: text)]).1.map { "\($0.position): \($0.code)" }
    }

    @Test(.tags(.badInput)) func deepNestingIsRefusedAtTheSectionThatGoesTooDeep() {
        let depth = Theme.maxSectionDepth
        #expect(load(String(repeating: "{{#a}}", count: depth) + "x" + String(repeating: "{{/a}}", count: depth)) == [])
        let tooDeep = String(repeating: "{{#a}}\n", count: 3000) + String(repeating: "{{/a}}\n", count: 3000)
        #expect(load(tooDeep) == ["theme/templates/page.mustache:\(depth + 1):1: template.error"])
        // Inverted sections and blocks count; closed sections do not.
        #expect(load(String(repeating: "{{^b}}{{/b}}", count: 5000) + "\n" + String(repeating: "{{$c}}", count: depth + 1)).first == "theme/templates/page.mustache:2:\(6 * depth + 1): template.error")
        // After a set-delimiter tag the new delimiters are read.
        let custom = "{{=<% %>=}}\n" + String(repeating: "<%#a%>", count: 3000) + String(repeating: "<%/a%>", count: 3000)
        #expect(load(custom) == ["theme/templates/page.mustache:2:\(6 * depth + 1): template.error"])
    }
}
