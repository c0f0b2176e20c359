import Foundation
import SiteKit
import Testing

@testable import SiteLSP

@Suite("Quick fixes from suggestions")
struct QuickFixTests {
    func fix(_ code: String, _ line: String, at needle: String, _ suggestion: String) -> (String, String)? {
        let column = line.utf8.distance(from: line.startIndex, to: line.range(of: needle)!.lowerBound) + 1
        let d = Diagnostic.error(code, at: SourcePosition(file: "content/a.md", line: 1, column: column), "m", suggestion: suggestion)
        let bytes = Array(line.utf8)
        guard let edit = QuickFix.edit(for: d, line: bytes) else { return nil }
        var out = bytes
        out.replaceSubrange(edit.bytes, with: Array(edit.newText.utf8))
        return (String(decoding: out, as: UTF8.self), edit.title)
    }

    @Test func amountBecomesShortcode() {
        let r = fix("price.mismatch", "Café costs $450 now.", at: "$450", "write {{price treatment-session}} instead of $450, so the page always shows the declared price")
        #expect(r?.0 == "Café costs {{price treatment-session}} now.")
    }

    @Test func fragmentOfALink() {
        let r = fix("link.missing-fragment", "See [FAQ](faq.md#drive \"t\").", at: "[FAQ]", "did you mean '/faq/#can-i-drive'?")
        #expect(r?.0 == "See [FAQ](faq.md#can-i-drive \"t\").")
    }

    @Test func shortcodeArgument() {
        let r = fix("price.unknown-id", "Use {{price treatment-sesion}}.", at: "{{price", "did you mean 'treatment-session'?")
        #expect(r?.0 == "Use {{price treatment-session}}.")
    }

    @Test func keyWord() {
        let r = fix("schema.unknown-key", "reviwed: 2026-01-01", at: "reviwed", "did you mean 'reviewed'?")
        #expect(r?.0 == "reviewed: 2026-01-01")
    }

    @Test func proseIsNoFix() {
        #expect(fix("price.unknown-amount", "costs $7.", at: "$7", "declared prices: a, b; or exempt the line with <!-- ignore: price -->") == nil)
        #expect(fix("link.missing-fragment", "See [FAQ](faq.md#x).", at: "[FAQ]", "the page's ids include: a, b") == nil)
    }
}
