import Foundation
import Testing

@testable import SiteKit

/// The report's sort was made faster; it must order as the plain tuple sort that defined it.
@Suite struct ReportSortTests {
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
}
