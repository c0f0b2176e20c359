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
//   price.unknown-amount), at the amount's own offset, in order;
// - it says what the first, simple and cubic checker said (`referenceCheck` below: every
//   amount's sentence scanned from scratch, overlaps tested pairwise), code and message alike.

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
    let reference = referenceCheck(text, splitSentences: first & 1 == 0)
    invariant(diagnostics.count == reference.count, "\(diagnostics.count) diagnostics, the reference gives \(reference.count)")
    for (d, r) in zip(diagnostics, reference) {
        invariant(d.code == r.code && d.message == r.message && d.suggestion == r.suggestion && d.position == r.position,
            "\(d.position) \(d.code) \(d.message.debugDescription), the reference: \(r.position) \(r.code) \(r.message.debugDescription)")
    }
    return 0
}

/// The checker as first written (before it was made near-linear), kept as the oracle.
func referenceCheck(_ text: String, splitSentences: Bool) -> [Diagnostic] {
    let amounts = AmountScanner.scan(text)
    let bytes = Array(text.utf8)
    let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    var result: [Diagnostic] = []
    for amount in amounts {
        let at = SourcePosition(file: "content/page.md", line: 1, column: amount.start + 1)
        let (from, to) = splitSentences ? referenceSentence(around: amount.start, in: bytes) : (0, bytes.count)
        var named: [(name: String, price: Int, offset: Int)] = []
        var taken: [Range<Int>] = []
        for (name, price) in checker.names {
            let needle = Array(name.utf8)
            guard !needle.isEmpty, needle.count <= to - from else { continue }
            var i = from
            while i + needle.count <= to {
                if lower[i] == needle[0], Array(lower[i..<(i + needle.count)]) == needle,
                    i == 0 || !AmountScanner.isWordByte(lower[i - 1]),
                    i + needle.count == lower.count || !AmountScanner.isWordByte(lower[i + needle.count])
                {
                    let range = i..<(i + needle.count)
                    if !taken.contains(where: { $0.overlaps(range) }) && !range.overlaps(amount.start..<amount.end) {
                        taken.append(range)
                        named.append((name, price, i))
                    }
                    i += needle.count
                } else {
                    i += 1
                }
            }
        }
        let nearest = named.min { abs($0.offset - amount.start) < abs($1.offset - amount.start) }
        let exact = named.first { checker.catalog.prices[$0.price].amount == amount.value }
        result.append(checker.diagnose(amount, at: at, named: named, nearest: nearest, exact: exact))
    }
    return result
}

func referenceSentence(around offset: Int, in bytes: [UInt8]) -> (Int, Int) {
    func isBoundary(_ i: Int) -> Bool {
        let c = bytes[i]
        guard c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ";") else { return false }
        guard i + 1 >= bytes.count || bytes[i + 1] == UInt8(ascii: " ") else { return false }
        if c == UInt8(ascii: ".") {
            var j = i
            while j > 0, AmountScanner.isWordByte(bytes[j - 1]) || bytes[j - 1] == UInt8(ascii: ".") { j -= 1 }
            if PriceChecker.abbreviations.contains(String(decoding: bytes[j..<i], as: UTF8.self).lowercased()) { return false }
        }
        return true
    }
    var start = offset
    while start > 0, !isBoundary(start - 1) { start -= 1 }
    var end = offset
    while end < bytes.count, !isBoundary(end) { end += 1 }
    return (start, min(end + 1, bytes.count))
}
