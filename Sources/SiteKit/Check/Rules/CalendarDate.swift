import Foundation

/// A day of the calendar (`2026-11-24`), for the age of medical reviews. Plain arithmetic on
/// year, month and day: no clock, no time zone.
struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    var year: Int
    var month: Int
    var day: Int

    init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`, optionally followed by a time (`2026-11-24T10:00:00Z`,
    /// `2026-11-24 10:00`); nil when it is not a day that exists.
    init?(_ text: String) {
        // Foundation's trimming is slow on Linux, and this runs for every dated page.
        let chars = Array(text.utf8.drop { $0 == 32 || $0 == 9 })
        guard chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-") else { return nil }
        if chars.count > 10, ![UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(chars[10]) { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(chars[i]) else { return nil }
                value = value * 10 + Int(chars[i] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The same day `months` months later; the 31st becomes the last day of a shorter month
    /// (2024-02-29 plus 12 months is 2025-02-28).
    func adding(months: Int) -> CalendarDate {
        let total = (year * 12 + (month - 1)) + months
        let y = total / 12
        let m = total % 12 + 1
        let d = min(day, CalendarDate.days(inMonth: m, year: y))
        return CalendarDate(year: y, month: m, day: d) ?? self
    }

    /// Whole months from `self` to `later` (0 when `later` is earlier).
    func wholeMonths(until later: CalendarDate) -> Int {
        var months = (later.year - year) * 12 + (later.month - month)
        if later.day < day && later != adding(months: months) { months -= 1 }
        return max(0, months)
    }

    static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
