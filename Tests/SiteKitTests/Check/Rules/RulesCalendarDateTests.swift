import Foundation
import Testing

@testable import SiteKit

/// Calendar arithmetic of review dates.
@Suite struct RulesCalendarDateTests {
    @Test func readsDatesAndRefusesDaysThatDoNotExist() {
        #expect(CalendarDate("2026-11-24")?.description == "2026-11-24")
        #expect(CalendarDate("2026-11-24T10:00:00Z")?.description == "2026-11-24")
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2025-02-29") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("2026-1-01") == nil)
        #expect(CalendarDate("soon") == nil)
    }

    @Test func addsMonthsKeepingTheDayWhereItExists() {
        #expect(CalendarDate("2024-02-29")!.adding(months: 12).description == "2025-02-28")
        #expect(CalendarDate("2026-01-31")!.adding(months: 1).description == "2026-02-28")
        #expect(CalendarDate("2026-11-24")!.adding(months: 14).description == "2028-01-24")
    }

    @Test func countsWholeMonths() {
        #expect(CalendarDate("2025-01-10")!.wholeMonths(until: CalendarDate("2026-11-24")!) == 22)
        #expect(CalendarDate("2025-11-25")!.wholeMonths(until: CalendarDate("2026-11-24")!) == 11)
        #expect(CalendarDate("2026-01-31")!.wholeMonths(until: CalendarDate("2026-02-28")!) == 1)
    }
}
