import Foundation
import Testing

@testable import SiteKit

@Suite struct DiagnosticFormatterTests {
    static let tricky: [Diagnostic] = [
        .error("link.missing-page", at: SourcePosition(file: "content/a \"b\".md", line: 3, column: 7), "'/x/' links to a page \\ that does not exist", suggestion: "did you mean '/y/'?"),
        .warning("price.literal", at: SourcePosition(file: "content/é/ü.md", line: 12, column: 1), "tab\there, newline\nthere, cr\r, bell\u{7}, nul\u{0}, esc\u{1B}, del\u{7F}, \u{2028} 💊 </script>"),
        Diagnostic(.note, "x.y", at: SourcePosition(file: "theme"), "plain", suggestion: nil),
    ]

    /// A GitHub annotation is one line: every CR and LF is escaped, also one a combining mark
    /// follows (Foundation's default comparison matched grapheme clusters and let it through).
    @Test func githubAnnotationsStayOnOneLine() {
        let d = Diagnostic.error(
            "x.y", at: SourcePosition(file: "content/a,b:c.md", line: 1, column: 1), "one\n\u{0301}two\r\u{0300}three %",
            suggestion: "four\n\u{FE0F}five")
        let line = DiagnosticFormatter(format: .github).github(d)
        #expect(!line.utf8.dropLast().contains(10) && !line.utf8.contains(13))
        #expect(line.dropLast() == "::error file=content/a%2Cb%3Ac.md,line=1,col=1,title=x.y::one%0A\u{0301}two%0D\u{0300}three %25%0Afour%0A\u{FE0F}five")
    }

    @Test func longLinesAreClippedAroundTheCaret() {
        let words = (0..<2000).map { "w\($0)" }.joined(separator: " ")
        let line = words + " costs $500 today " + words
        let column = words.utf8.count + 8
        let d = Diagnostic.warning("price.literal", at: SourcePosition(file: "content/a.md", line: 1, column: column), "$500 is typed by hand")
        let report = DiagnosticFormatter(format: .human, sourceText: { _ in line }).report([d], pages: 1)
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(report.utf8.count < 600)
        let shown = lines[1].dropFirst(" 1 | ".count)
        let caret = lines[2].dropFirst("   | ".count)
        #expect(shown.hasPrefix("…") && shown.hasSuffix("…"))
        #expect(caret.hasSuffix("^"))
        // The caret stands under the '$'.
        let caretAt = caret.count - 1
        #expect(Array(shown)[caretAt] == "$")
    }

    @Test func shortLinesAreShownWhole() {
        let d = Diagnostic.error("price.mismatch", at: SourcePosition(file: "content/faq.md", line: 1, column: 27), "$450")
        let report = DiagnosticFormatter(format: .human, sourceText: { _ in "Each treatment session is $450 at the moment." }).report([d], pages: 1)
        #expect(
            report == """
                content/faq.md:1:27: error: $450 [price.mismatch]
                 1 | Each treatment session is $450 at the moment.
                   |                           ^

                """)
    }
}
