import Foundation
import SiteMarkdown

/// Checks every money amount in the text of every page against the price data.
///
/// An amount whose sentence (or list item, table row, heading) names a priced item must equal that
/// item's amount (`price.mismatch`); an amount that names no item must equal some declared amount
/// (`price.unknown-amount`); a literal that matches is a warning suggesting `{{price ID}}`
/// (`price.literal`), so that it stays in sync.
public struct PriceChecker: Sendable {
    public var catalog: PriceCatalog
    /// Lowercased names and aliases → price index, longest first so "six treatments" wins over "treatment".
    private let names: [(name: String, price: Int)]

    public init(catalog: PriceCatalog) {
        self.catalog = catalog
        var names: [(String, Int)] = []
        for (index, price) in catalog.prices.enumerated() {
            for name in price.names { names.append((name.lowercased(), index)) }
        }
        self.names = names.sorted { ($0.0.count, $0.0) > ($1.0.count, $1.0) }
    }

    /// One unit of text to check, and how to turn an offset into a source position.
    public struct Unit {
        public var text: String
        public var splitSentences: Bool
        public var position: (Int) -> SourcePosition
    }

    public func check(_ unit: Unit) -> [Diagnostic] {
        let amounts = AmountScanner.scan(unit.text)
        guard !amounts.isEmpty else { return [] }
        var diagnostics: [Diagnostic] = []
        let bytes = Array(unit.text.utf8)
        // ASCII lowercasing keeps byte offsets equal to the text's.
        let lowerBytes = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for amount in amounts {
            let at = unit.position(amount.start)
            let (from, to) = unit.splitSentences ? Self.sentence(around: amount.start, in: bytes) : (0, bytes.count)
            let named = mentions(in: lowerBytes, from: from, to: to, excluding: amount.start..<amount.end)
            if !named.isEmpty {
                // The item named nearest to the amount is the one it prices.
                let nearest = named.min { abs($0.offset - amount.start) < abs($1.offset - amount.start) }!
                if let exact = named.first(where: { catalog.prices[$0.price].amount == amount.value }) {
                    let price = catalog.prices[exact.price]
                    diagnostics.append(literal(amount, price, at: at))
                    continue
                }
                let price = catalog.prices[nearest.price]
                let said = PriceCatalog.format(amount.value, currency: amount.currency)
                if let declared = price.amount {
                    diagnostics.append(
                        .error(
                            "price.mismatch", at: at,
                            "\(said) for \"\(nearest.name)\", but the pricing page says \(PriceCatalog.format(declared, currency: price.currency)) (\(price.position.file):\(price.position.line))",
                            suggestion: "write {{price \(price.id)}} instead of \(amount.literal), so the page always shows the declared price"))
                } else {
                    diagnostics.append(
                        .error(
                            "price.mismatch", at: at,
                            "\(said) for \"\(nearest.name)\", but the price of \(price.id) is unconfirmed (\(price.position.file):\(price.position.line))",
                            suggestion: "write {{price \(price.id)}}, which says \"\(PriceCatalog.unconfirmedWording)\" until the price is confirmed"))
                }
                continue
            }
            if let price = catalog.prices.first(where: { $0.amount == amount.value }) {
                diagnostics.append(literal(amount, price, at: at))
            } else {
                let known = catalog.prices.compactMap { p in p.amount.map { "\(PriceCatalog.format($0, currency: p.currency)) (\(p.id))" } }
                diagnostics.append(
                    .error(
                        "price.unknown-amount", at: at,
                        "\(amount.literal) matches no price on the pricing page\(catalog.declaringFile.map { " (\($0))" } ?? "")",
                        suggestion: known.isEmpty
                            ? "declare the price under 'prices:' in the pricing page's front matter, then write {{price ID}}"
                            : "declared prices: \(known.joined(separator: ", ")); or exempt the line with <!-- ignore: price -->"))
            }
        }
        return diagnostics
    }

    func literal(_ amount: AmountScanner.Amount, _ price: Price, at: SourcePosition) -> Diagnostic {
        .warning(
            "price.literal", at: at, "\(amount.literal) is typed by hand; it equals the price of \(price.id) today",
            suggestion: "write {{price \(price.id)}} so it stays in sync with the pricing page")
    }

    /// Names of priced items in `bytes[from..<to]`, whole words only, case-insensitive.
    func mentions(in bytes: [UInt8], from: Int, to: Int, excluding: Range<Int>) -> [(name: String, price: Int, offset: Int)] {
        var found: [(String, Int, Int)] = []
        var taken: [Range<Int>] = []
        for (name, price) in names {
            let needle = Array(name.utf8)
            guard !needle.isEmpty, needle.count <= to - from else { continue }
            var i = from
            while i + needle.count <= to {
                if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle,
                    i == 0 || !AmountScanner.isWordByte(bytes[i - 1]),
                    i + needle.count == bytes.count || !AmountScanner.isWordByte(bytes[i + needle.count])
                {
                    let range = i..<(i + needle.count)
                    if !taken.contains(where: { $0.overlaps(range) }) && !range.overlaps(excluding) {
                        taken.append(range)
                        found.append((name, price, i))
                    }
                    i += needle.count
                } else {
                    i += 1
                }
            }
        }
        return found
    }

    static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "etc", "vs", "approx", "no"]

    /// The sentence around `offset`: bounded by `.`, `!` or `?` followed by a space (not after
    /// an abbreviation such as "Dr." or inside a number such as "49.50").
    static func sentence(around offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        func isBoundary(_ i: Int) -> Bool {
            let c = bytes[i]
            guard c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ";") else { return false }
            guard i + 1 >= bytes.count || bytes[i + 1] == UInt8(ascii: " ") else { return false }
            if c == UInt8(ascii: ".") {
                var j = i
                while j > 0, AmountScanner.isWordByte(bytes[j - 1]) || bytes[j - 1] == UInt8(ascii: ".") { j -= 1 }
                let word = String(decoding: bytes[j..<i], as: UTF8.self).lowercased()
                if abbreviations.contains(word) { return false }
            }
            return true
        }
        var start = offset
        while start > 0, !isBoundary(start - 1) { start -= 1 }
        var end = offset
        while end < bytes.count, !isBoundary(end) { end += 1 }
        return (start, min(end + 1, bytes.count))
    }
}
