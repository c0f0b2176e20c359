import Foundation
import Testing

@testable import SiteKit

@Suite struct DiagnosticFormatterTests {
    static let tricky: [Diagnostic] = [
        .error("link.missing-page", at: SourcePosition(file: "content/a \"b\".md", line: 3, column: 7), "'/x/' links to a page \\ that does not exist", suggestion: "did you mean '/y/'?"),
        .warning("price.literal", at: SourcePosition(file: "content/é/ü.md", line: 12, column: 1), "tab\there, newline\nthere, cr\r, bell\u{7}, nul\u{0}, esc\u{1B}, del\u{7F}, \u{2028} 💊 </script>"),
        Diagnostic(.note, "x.y", at: SourcePosition(file: "theme"), "plain", suggestion: nil),
    ]

    /// The report's order: by file, line, column, then severity, code and message (the way it
    /// was defined before the sort was made faster), on many ties.
    @Test func sortedForReportOrdersByFilePositionSeverityCodeMessage() {
        var generator = SystemRandomNumberGenerator()
        let files = ["content/b.md", "content/a.md", "content/a/b.md", "theme", "content/é.md"]
        let codes = ["price.literal", "link.missing-page", "price.mismatch"]
        var list: [Diagnostic] = []
        for _ in 0..<3000 {
            let position = SourcePosition(file: files.randomElement(using: &generator)!, line: Int.random(in: 0...4, using: &generator), column: Int.random(in: 0...3, using: &generator))
            let severity: Diagnostic.Severity = [.error, .warning, .note].randomElement(using: &generator)!
            list.append(Diagnostic(severity, codes.randomElement(using: &generator)!, at: position, ["m1", "m2", "m0"].randomElement(using: &generator)!))
        }
        let expected = list.sorted {
            ($0.position.file, $0.position.line, $0.position.column, $0.severity, $0.code, $0.message)
                < ($1.position.file, $1.position.line, $1.position.column, $1.severity, $1.code, $1.message)
        }
        #expect(list.sortedForReport() == expected)
    }

    @Test func handWrittenJSONEqualsJSONEncoder() {
        let f = DiagnosticFormatter(format: .json)
        for list in [Self.tricky, [], Array(Self.tricky.prefix(1))] {
            #expect(f.json(list, pages: 42) == f.encoded(list, pages: 42))
        }
    }

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
