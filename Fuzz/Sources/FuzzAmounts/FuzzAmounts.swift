import Foundation
import FuzzCommon
@testable import SiteKit

// The amount scanner and the price checker, on any text, against a small price list.
//
// Input: text; its first byte chooses whether sentences are split (a paragraph) or not (a table
// row or a heading).
// Invariants:
// - amounts lie inside the text, in order, without overlapping; each literal is exactly the
//   text between its offsets and holds a digit; each value is a finite number ≥ 0;
// - the sentence around an offset contains the offset and lies inside the text;
// - the checker says exactly one thing about each amount (price.literal, price.mismatch or
//   price.unknown-amount), at the amount's own offset, in order.

@_cdecl("FuzzAmounts_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzAmounts)
}

/// A price list like the clinic's: a plain price, an alias, a bundle, an unconfirmed one, cents.
let checker: PriceChecker = {
    let yaml = """
        ---
        title: Pricing
        prices:
          - id: treatment-session
            name: Ketamine treatment session
            amount: 500
            aliases: [treatment session, session]
          - id: six-treatment-course
            name: Six treatments
            bundle: {treatment-session: 6}
            amount: 3000
          - id: psychiatric-evaluation
            name: Psychiatric evaluation
            unconfirmed: true
          - id: copay
            name: Copay
            amount: 49.50
        ---
        """
    let (page, _) = PageLoader.load(SourceFile(relativePath: "pricing.md", displayPath: "content/pricing.md", text: yaml))
    let (catalog, diagnostics) = PriceCatalog.build(from: [page!])
    precondition(diagnostics.isEmpty, "the fuzz price list is invalid: \(diagnostics)")
    return PriceChecker(catalog: catalog)
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzAmounts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let first = input.first else { return 0 }
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    let utf8 = Array(text.utf8)

    let amounts = AmountScanner.scan(text)
    var previousEnd = 0
    for a in amounts {
        invariant(a.start >= previousEnd && a.start < a.end && a.end <= utf8.count, "amount \(a.literal.debugDescription) at \(a.start)..<\(a.end) (previous end \(previousEnd), length \(utf8.count))")
        invariant(a.literal == String(decoding: utf8[a.start..<a.end], as: UTF8.self), "literal \(a.literal.debugDescription) is not the text at its offsets")
        invariant(a.literal.utf8.contains { $0 >= 48 && $0 <= 57 }, "literal \(a.literal.debugDescription) has no digit")
        invariant(!a.value.isNaN && a.value >= 0, "value \(a.value) of \(a.literal.debugDescription)")
        invariant(a.currency == "USD", "currency \(a.currency)")
        previousEnd = a.end
        let (from, to) = PriceChecker.sentence(around: a.start, in: utf8)
        invariant(0 <= from && from <= a.start && a.start < to && to <= utf8.count, "sentence \(from)..<\(to) around \(a.start)")
    }

    var offsets: [Int] = []
    let unit = PriceChecker.Unit(text: text, splitSentences: first & 1 == 0) { offset in
        offsets.append(offset)
        return SourcePosition(file: "content/page.md", line: 1, column: offset + 1)
    }
    let diagnostics = checker.check(unit)
    invariant(diagnostics.count == amounts.count, "\(diagnostics.count) diagnostics for \(amounts.count) amounts")
    for (d, a) in zip(diagnostics, amounts) {
        invariant(["price.literal", "price.mismatch", "price.unknown-amount"].contains(d.code), "code \(d.code)")
        invariant(d.position.column == a.start + 1, "\(d.code) at column \(d.position.column) for an amount at offset \(a.start)")
    }
    invariant(offsets == amounts.map(\.start), "positions asked for \(offsets), amounts at \(amounts.map(\.start))")
    return 0
}
