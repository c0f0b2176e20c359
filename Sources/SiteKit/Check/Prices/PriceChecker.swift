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
    let names: [(name: String, price: Int)]
    /// The first price with each amount, and the list of declared prices for suggestions.
    private let firstPriceByAmount: [Decimal: Int]
    private let declaredList: String

    public init(catalog: PriceCatalog) {
        self.catalog = catalog
        var names: [(String, Int)] = []
        for (index, price) in catalog.prices.enumerated() {
            for name in price.names { names.append((name.lowercased(), index)) }
        }
        self.names = names.sorted { ($0.0.count, $0.0) > ($1.0.count, $1.0) }
        var first: [Decimal: Int] = [:]
        for (index, price) in catalog.prices.enumerated() {
            if let amount = price.amount, first[amount] == nil { first[amount] = index }
        }
        self.firstPriceByAmount = first
        self.declaredList = catalog.prices.compactMap { p in p.amount.map { "\(PriceCatalog.format($0, currency: p.currency)) (\(p.id))" } }
            .joined(separator: ", ")
    }

    /// One unit of text to check, and how to turn an offset into a source position.
    public struct Unit {
        public var text: String
        public var splitSentences: Bool
        public var position: (Int) -> SourcePosition
        /// UTF-8 ranges of `text` that are not prose (inline code, URLs): amounts there are not prices.
        public var notProse: [Range<Int>] = []

        public init(text: String, splitSentences: Bool, notProse: [Range<Int>] = [], position: @escaping (Int) -> SourcePosition) {
            self.text = text
            self.splitSentences = splitSentences
            self.notProse = notProse
            self.position = position
        }
    }

    /// A priced item named in a sentence.
    typealias Mention = (name: String, price: Int, offset: Int)

    /// The mentions of one sentence, computed once for all its amounts.
    struct SentenceMentions {
        /// In the order `mentions` finds them (names longest first, then by offset).
        var named: [Mention]
        /// Indices into `named`, by offset: to find the mention nearest an amount.
        var byOffset: [Int]
        /// The first mention (in `named` order) of a price with each amount.
        var firstWithAmount: [Decimal: Int]
        /// For each byte, how many bytes before it some candidate name covers (taken or not):
        /// an amount that no candidate touches gets the same mentions with or without exclusion.
        var coveredBefore: [Int]
    }

    /// One amount's problem: its diagnostic, and the amount as written in the unit's text (`$1,200`,
    /// `500 dollars`), by which `CheckStage.checkTemplatePrices` finds a template's amount.
    public struct Finding: Sendable {
        public var diagnostic: Diagnostic
        public var literal: String
    }

    /// The diagnostics of every amount of `unit` (`findings` without the literals).
    public func check(_ unit: Unit) -> [Diagnostic] {
        findings(unit).map(\.diagnostic)
    }

    /// Checks every amount of `unit`, in order. Near-linear: sentence bounds are found once per
    /// unit and names once per sentence, so a paragraph with thousands of prices is checked at once.
    public func findings(_ unit: Unit) -> [Finding] {
        var amounts = AmountScanner.scan(unit.text)
        if !unit.notProse.isEmpty {
            amounts.removeAll { amount in unit.notProse.contains { $0.contains(amount.start) } }
        }
        guard !amounts.isEmpty else { return [] }
        var found: [Finding] = []
        let bytes = Array(unit.text.utf8)
        // ASCII lowercasing keeps byte offsets equal to the text's.
        let lowerBytes = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let bounds = unit.splitSentences ? Self.sentenceEnds(in: bytes) : []
        var cache: [Int: SentenceMentions] = [:]
        for amount in amounts {
            let at = unit.position(amount.start)
            let (from, to) = unit.splitSentences ? Self.sentence(around: amount.start, ends: bounds, count: bytes.count) : (0, bytes.count)
            let sentence: SentenceMentions
            if let known = cache[from] {
                sentence = known
            } else {
                sentence = mentionsOfSentence(in: lowerBytes, from: from, to: to)
                cache[from] = sentence
            }
            let excluded = amount.start..<amount.end
            if sentence.coveredBefore[min(excluded.upperBound, to) - from] - sentence.coveredBefore[excluded.lowerBound - from] > 0 {
                // A name overlaps the amount itself (a price named with a number): the rare slow way.
                let named = mentions(in: lowerBytes, from: from, to: to, excluding: excluded)
                let diagnostic = diagnose(amount, at: at, named: named, nearest: nearest(named, to: amount.start), exact: named.first { catalog.prices[$0.price].amount == amount.value })
                found.append(Finding(diagnostic: diagnostic, literal: amount.literal))
                continue
            }
            let named = sentence.named
            let exact = sentence.firstWithAmount[amount.value].map { named[$0] }
            let near = nearestIndex(sentence, to: amount.start).map { named[$0] }
            found.append(Finding(diagnostic: diagnose(amount, at: at, named: named, nearest: near, exact: exact), literal: amount.literal))
        }
        return found
    }

    /// The one diagnostic for `amount`, given the items its sentence names.
    func diagnose(_ amount: AmountScanner.Amount, at: SourcePosition, named: [Mention], nearest: Mention?, exact: Mention?) -> Diagnostic {
        if let nearest {
            // The item named nearest to the amount is the one it prices, unless one matches.
            if let exact { return literal(amount, catalog.prices[exact.price], at: at) }
            let price = catalog.prices[nearest.price]
            let said = PriceCatalog.format(amount.value, currency: amount.currency)
            if let declared = price.amount {
                return .error(
                    "price.mismatch", at: at,
                    "\(said) for \"\(nearest.name)\", but the pricing page says \(PriceCatalog.format(declared, currency: price.currency)) (\(price.position.file):\(price.position.line))",
                    suggestion: "write {{price \(price.id)}} instead of \(amount.literal), so the page always shows the declared price",
                    fix: Self.shortcodeFix(amount, price, at: at))
            }
            return .error(
                "price.mismatch", at: at,
                "\(said) for \"\(nearest.name)\", but the price of \(price.id) is unconfirmed (\(price.position.file):\(price.position.line))",
                suggestion: "write {{price \(price.id)}}, which says \"\(PriceCatalog.unconfirmedWording)\" until the price is confirmed",
                fix: Self.shortcodeFix(amount, price, at: at))
        }
        if let index = firstPriceByAmount[amount.value] { return literal(amount, catalog.prices[index], at: at) }
        return .error(
            "price.unknown-amount", at: at,
            "\(amount.literal) matches no price on the pricing page\(catalog.declaringFile.map { " (\($0))" } ?? "")",
            suggestion: declaredList.isEmpty
                ? "declare the price under 'prices:' in the pricing page's front matter, then write {{price ID}}"
                : "declared prices: \(declaredList); or exempt the line with <!-- ignore: price -->")
    }

    /// The first of the mentions nearest to `offset` (in `named` order on a tie).
    func nearest(_ named: [Mention], to offset: Int) -> Mention? {
        named.min { abs($0.offset - offset) < abs($1.offset - offset) }
    }

    /// As `nearest`, by binary search over the mentions sorted by offset.
    func nearestIndex(_ sentence: SentenceMentions, to offset: Int) -> Int? {
        let order = sentence.byOffset
        guard !order.isEmpty else { return nil }
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if sentence.named[order[middle]].offset < offset { low = middle + 1 } else { high = middle }
        }
        // Offsets are distinct (mentions never overlap): the nearest is just before or at `low`.
        var best: Int?
        for candidate in [low - 1, low] where candidate >= 0 && candidate < order.count {
            let index = order[candidate]
            guard let current = best else {
                best = index
                continue
            }
            let d = abs(sentence.named[index].offset - offset)
            let bestDistance = abs(sentence.named[current].offset - offset)
            if d < bestDistance || (d == bestDistance && index < current) { best = index }
        }
        return best
    }

    func mentionsOfSentence(in bytes: [UInt8], from: Int, to: Int) -> SentenceMentions {
        var covered = [Int](repeating: 0, count: to - from + 1)
        let named = mentions(in: bytes, from: from, to: to, excluding: 0..<0) { range in
            covered[range.lowerBound - from] += 1
            covered[range.upperBound - from] -= 1
        }
        // Depth of candidates over each byte, then the count of covered bytes before each offset.
        var depth = 0
        var coveredBefore = [Int](repeating: 0, count: to - from + 1)
        for i in 0..<(to - from) {
            depth += covered[i]
            coveredBefore[i + 1] = coveredBefore[i] + (depth > 0 ? 1 : 0)
        }
        var firstWithAmount: [Decimal: Int] = [:]
        for (index, mention) in named.enumerated() {
            if let amount = catalog.prices[mention.price].amount, firstWithAmount[amount] == nil { firstWithAmount[amount] = index }
        }
        let byOffset = named.indices.sorted { named[$0].offset < named[$1].offset }
        return SentenceMentions(named: named, byOffset: byOffset, firstWithAmount: firstWithAmount, coveredBefore: coveredBefore)
    }

    func literal(_ amount: AmountScanner.Amount, _ price: Price, at: SourcePosition) -> Diagnostic {
        .warning(
            "price.literal", at: at, "\(amount.literal) is typed by hand; it equals the price of \(price.id) today",
            suggestion: "write {{price \(price.id)}} so it stays in sync with the pricing page",
            fix: Self.shortcodeFix(amount, price, at: at))
    }

    /// `{{price ID}}` in place of the typed amount. The checker sees the page's text, not its
    /// source: `checkFixes` keeps the fix only where the source holds the literal at `at`.
    static func shortcodeFix(_ amount: AmountScanner.Amount, _ price: Price, at: SourcePosition) -> Fix? {
        guard at.line > 0, at.column > 0 else { return nil }
        return Fix(replacing: amount.literal, at: at, with: "{{price \(price.id)}}", title: "Write {{price \(price.id)}}")
    }

    /// Names of priced items in `bytes[from..<to]`, whole words only, case-insensitive; longer
    /// names first, and a name never overlaps one found before it or `excluding`. `candidate` sees
    /// every whole-word match, taken or not. Taken bytes are marked, so each test is O(1).
    func mentions(
        in bytes: [UInt8], from: Int, to: Int, excluding: Range<Int>, candidate: (Range<Int>) -> Void = { _ in }
    ) -> [Mention] {
        var found: [Mention] = []
        var taken = [Bool](repeating: false, count: to - from)
        for (name, price) in names {
            let needle = Array(name.utf8)
            guard let head = needle.first, needle.count <= to - from else { continue }
            var i = from
            while i + needle.count <= to {
                guard bytes[i] == head, Self.matches(needle, in: bytes, at: i),
                    i == 0 || !AmountScanner.isWordByte(bytes[i - 1]),
                    i + needle.count == bytes.count || !AmountScanner.isWordByte(bytes[i + needle.count])
                else {
                    i += 1
                    continue
                }
                let range = i..<(i + needle.count)
                candidate(range)
                if !range.overlaps(excluding) && !taken[(range.lowerBound - from)..<(range.upperBound - from)].contains(true) {
                    for k in range { taken[k - from] = true }
                    found.append((name, price, i))
                }
                i += needle.count
            }
        }
        return found
    }

    static func matches(_ needle: [UInt8], in bytes: [UInt8], at i: Int) -> Bool {
        var k = 0
        while k < needle.count {
            if bytes[i + k] != needle[k] { return false }
            k += 1
        }
        return true
    }

    static let abbreviations: Set<String> = ["dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "etc", "vs", "approx", "no"]

    /// Whether `bytes[i]` ends a sentence: `.`, `!`, `?` or `;` followed by a space or the end
    /// (not after an abbreviation such as "Dr." or inside a number such as "49.50").
    static func isBoundary(_ i: Int, in bytes: [UInt8]) -> Bool {
        let c = bytes[i]
        guard c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ";") else { return false }
        guard i + 1 >= bytes.count || bytes[i + 1] == UInt8(ascii: " ") else { return false }
        if c == UInt8(ascii: ".") {
            var j = i
            while j > 0, AmountScanner.isWordByte(bytes[j - 1]) || bytes[j - 1] == UInt8(ascii: ".") { j -= 1 }
            // Each end's word is scanned once: the words of two ends never overlap.
            let word = String(decoding: bytes[j..<i], as: UTF8.self).lowercased()
            if abbreviations.contains(word) { return false }
        }
        return true
    }

    /// The offsets of every sentence end in `bytes`, in order (one pass over the unit).
    static func sentenceEnds(in bytes: [UInt8]) -> [Int] {
        var ends: [Int] = []
        for i in bytes.indices where isBoundary(i, in: bytes) { ends.append(i) }
        return ends
    }

    /// The sentence around `offset`, from the sentence ends of its unit: after the last end
    /// before `offset`, up to and including the first end at or after it.
    static func sentence(around offset: Int, ends: [Int], count: Int) -> (Int, Int) {
        // The first end at or after `offset`.
        var low = 0
        var high = ends.count
        while low < high {
            let middle = (low + high) / 2
            if ends[middle] < offset { low = middle + 1 } else { high = middle }
        }
        let start = low > 0 ? ends[low - 1] + 1 : 0
        let end = low < ends.count ? ends[low] : count
        return (start, min(end + 1, count))
    }

    /// The sentence around `offset` (see `sentenceEnds`).
    static func sentence(around offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        sentence(around: offset, ends: sentenceEnds(in: bytes), count: bytes.count)
    }
}
