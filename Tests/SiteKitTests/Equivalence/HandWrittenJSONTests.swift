import Foundation
import Testing

@testable import SiteKit

/// The JSON report is written by hand; it must be exactly what `JSONEncoder` writes for the same
/// diagnostics.
@Suite struct HandWrittenJSONTests {
    @Test func handWrittenJSONEqualsJSONEncoder() {
        let f = DiagnosticFormatter(format: .json)
        for list in [DiagnosticFormatterTests.tricky, [], Array(DiagnosticFormatterTests.tricky.prefix(1))] {
            #expect(f.json(list, pages: 42) == f.encoded(list, pages: 42))
        }
    }
}
