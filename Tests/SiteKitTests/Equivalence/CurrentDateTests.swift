import Foundation
import SiteKit
import Testing

/// `SiteBuilder.Options.currentDate()` reads the C library's UTC calendar instead of
/// `DateFormatter` (which loads ICU's data on every run); it must give what `DateFormatter`
/// gives.
@Suite struct CurrentDateTests {
    @Test func currentDateIsWhatDateFormatterWrites() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        // Read on both sides of the call, so a test run across midnight UTC cannot fail.
        let before = formatter.string(from: Date())
        let date = SiteBuilder.Options.currentDate()
        let after = formatter.string(from: Date())
        #expect(date == before || date == after)
        #expect(date.utf8.count == 10)
    }
}
