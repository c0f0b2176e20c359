import Foundation

/// Finds money amounts in prose: `$500`, `$3,000`, `$49.50`, `US$500`, `USD 500`, `500 USD`,
/// `500 dollars`. Percentages, counts and years are not amounts.
public enum AmountScanner {
    public struct Amount: Sendable, Hashable {
        public var value: Decimal
        public var currency: String
        /// UTF-8 offsets of the whole literal in the scanned text.
        public var start: Int
        public var end: Int
        public var literal: String
    }

    public static func scan(_ text: String) -> [Amount] {
        // Every amount has a `$`, `USD` or `dollar(s)`: most text has none and is ruled out
        // without copying it or looking at each of its numbers.
        guard mayHoldAmounts(text) else { return [] }
        return scanAll(text)
    }

    static func mayHoldAmounts(_ text: String) -> Bool {
        ByteSearch.contains("$", in: text) || ByteSearch.contains("USD", in: text) || ByteSearch.contains("ollar", in: text)
    }

    /// `scan` without the quick test (`AmountQuickTestTests` checks that the test never hides one).
    static func scanAll(_ text: String) -> [Amount] {
        let bytes = Array(text.utf8)
        var result: [Amount] = []
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            // `$500`, `US$500`
            if c == UInt8(ascii: "$") {
                var start = i
                if i >= 2, bytes[i - 2] == UInt8(ascii: "U"), bytes[i - 1] == UInt8(ascii: "S") { start = i - 2 }
                var j = i + 1
                if j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
                if let (value, end) = number(bytes, at: j) {
                    result.append(make(value, "USD", start, end, bytes))
                    i = end
                    continue
                }
            }
            // `USD 500` / `USD500`
            if c == UInt8(ascii: "U"), i + 3 <= bytes.count, bytes[i + 1] == UInt8(ascii: "S"), bytes[i + 2] == UInt8(ascii: "D"),
                i == 0 || !isWordByte(bytes[i - 1])
            {
                var j = i + 3
                if j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
                if let (value, end) = number(bytes, at: j) {
                    result.append(make(value, "USD", i, end, bytes))
                    i = end
                    continue
                }
            }
            // `500 USD`, `500 dollars`
            if isDigit(c), i == 0 || !(isWordByte(bytes[i - 1]) || bytes[i - 1] == UInt8(ascii: "$") || bytes[i - 1] == UInt8(ascii: ".") || bytes[i - 1] == UInt8(ascii: ",")) {
                if let (value, end) = number(bytes, at: i) {
                    var j = end
                    if j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
                    for word in ["USD", "dollars", "dollar", "Dollars"] {
                        let w = Array(word.utf8)
                        if j + w.count <= bytes.count, Array(bytes[j..<(j + w.count)]) == w,
                            j + w.count == bytes.count || !isWordByte(bytes[j + w.count])
                        {
                            result.append(make(value, "USD", i, j + w.count, bytes))
                            i = j + w.count
                            break
                        }
                    }
                    if i >= j { continue }
                    i = end
                    continue
                }
            }
            i += 1
        }
        return result
    }

    static func make(_ value: Decimal, _ currency: String, _ start: Int, _ end: Int, _ bytes: [UInt8]) -> Amount {
        Amount(value: value, currency: currency, start: start, end: end, literal: String(decoding: bytes[start..<end], as: UTF8.self))
    }

    /// A number with optional thousands separators (`3,000`) and cents (`49.50`). Not followed by
    /// `%` or a letter or digit.
    static func number(_ b: [UInt8], at start: Int) -> (Decimal, Int)? {
        func digitAt(_ k: Int) -> Bool { k < b.count && isDigit(b[k]) }
        guard digitAt(start) else { return nil }
        var i = start
        // The digits, without separators, as a whole number and a power of ten: built here, as
        // `Decimal(string:locale:)` (with a Locale made each time) was 2% of a build.
        var digits: [UInt8] = []
        while digitAt(i) {
            digits.append(b[i])
            i += 1
        }
        let firstGroup = digits.count
        while firstGroup <= 3, i < b.count, b[i] == UInt8(ascii: ","), digitAt(i + 1), digitAt(i + 2), digitAt(i + 3), !digitAt(i + 4) {
            digits += b[(i + 1)...(i + 3)]
            i += 4
        }
        var decimals = 0
        if i < b.count, b[i] == UInt8(ascii: "."), digitAt(i + 1) {
            var j = i + 1
            while digitAt(j) { j += 1 }
            // More than two decimals is not money ("1.234"): not an amount at all.
            guard j - i - 1 <= 2 else { return nil }
            digits += b[(i + 1)..<j]
            decimals = j - i - 1
            i = j
        }
        if i < b.count, b[i] == UInt8(ascii: "%") || isWordByte(b[i]) { return nil }
        return (decimal(digits: digits, decimals: decimals), i)
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// The number the ASCII `digits` make with the last `decimals` of them after the point, equal
    /// to (and hashing like) what `Decimal(string:)` reads from the same text (`AmountDecimalTests`).
    static func decimal(digits: [UInt8], decimals: Int) -> Decimal {
        guard digits.count <= 18 else {
            var text = String(decoding: digits.dropLast(decimals), as: UTF8.self)
            if decimals > 0 { text += "." + String(decoding: digits.suffix(decimals), as: UTF8.self) }
            return Decimal(string: text, locale: posix) ?? 0
        }
        var whole: UInt64 = 0
        for d in digits { whole = whole * 10 + UInt64(d - 48) }
        return Decimal(sign: .plus, exponent: -decimals, significand: Decimal(whole))
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isWordByte(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80 }
}
