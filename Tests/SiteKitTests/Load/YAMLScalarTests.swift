import Foundation
import Testing

@testable import SiteKit

@Suite struct YAMLScalarTests {
    @Test(arguments: [
        ("", YAMLValue.Kind.null), ("~", .null), ("true", .bool(true)), ("False", .bool(false)), ("no", .string("no")),
        ("12", .int(12)), ("-3", .int(-3)), ("49.50", .double(49.5)), ("1e3", .string("1e3")), ("2026-11-24", .date("2026-11-24")),
        ("Ketamine", .string("Ketamine")), ("1970s", .string("1970s")), ("3.", .double(3)), (".5", .double(0.5)), ("-", .string("-")),
    ])
    func plainScalarsAreTypedByTheCoreSchema(text: String, kind: YAMLValue.Kind) {
        #expect(YAMLReader.plainScalar(text) == kind)
    }
}
