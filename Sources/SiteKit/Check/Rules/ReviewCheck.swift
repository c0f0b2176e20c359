import Foundation

/// The medical-review rule (`review.*`): a page states its review as `reviewed: DATE` with
/// `reviewed_by: NAME`, or as `reviewed: pending` until a clinician has reviewed it.
///
/// - `review.pending` (warning): the review is pending; the page shows no reviewed-by line.
/// - `review.overdue` (warning): the review is older than the schema's review period.
/// - `review.invalid` (error): the review cannot be read (not a date, a date in quotes, a date
///   after today, a reviewer without a date).
struct ReviewCheck {
    let periodMonths: Int
    /// nil when `--today` is not a date: then nothing is overdue or in the future.
    let today: CalendarDate?

    func check(_ page: RulePage) -> [Diagnostic] {
        let frontMatter = page.frontMatter
        let reviewer = frontMatter["reviewed_by"].flatMap(Self.name)
        guard let reviewed = frontMatter.entry("reviewed") else {
            // A reviewer without a date; where the schema requires the date, its missing-key
            // error says so already.
            if let by = frontMatter.entry("reviewed_by"), let reviewer, !page.type.requires("reviewed") {
                return [
                    .error(
                        "review.invalid", at: by.keyPosition,
                        "'reviewed_by' names \(reviewer), but the page has no 'reviewed' date, so it shows no review",
                        suggestion: "add reviewed: DATE, the day \(reviewer) reviewed the page, or reviewed: pending"),
                ]
            }
            return []
        }
        let value = reviewed.value
        switch value.kind {
        case .null:
            return []
        case .string(let text) where text.trimmingCharacters(in: .whitespaces).lowercased() == "pending":
            let example = today.map { "reviewed: \($0)" } ?? "reviewed: 2026-11-24"
            return [
                .warning(
                    "review.pending", at: value.position,
                    "this page has not been medically reviewed yet (reviewed: pending), so it shows no \"Medically reviewed by\" line (templates can say it awaits review: review_pending)",
                    suggestion: "once a clinician has reviewed it, replace 'pending' with the date and add their name: \(example) and reviewed_by: NAME"),
            ]
        case .date(let text):
            guard let date = CalendarDate(text) else {
                return [invalidDate(text, at: value.position)]
            }
            if let today, date > today {
                return [
                    .error(
                        "review.invalid", at: value.position, "the review date \(date) is after today (\(today))",
                        suggestion: "write the day the review was done (today comes from --today, or the current date)"),
                ]
            }
            // A date alone, on a page whose type does not require a review, is kept as a plain
            // date: with no reviewer there is no review to show or to renew.
            guard reviewer != nil || page.type.requires("reviewed") else { return [] }
            return overdue(date, by: reviewer, at: value.position)
        case .string(let text):
            if CalendarDate(text) != nil, page.isQuoted(value) {
                return [
                    .error(
                        "review.invalid", at: value.position,
                        "the review date is in quotes, so it is read as text and the page shows no \"Medically reviewed by\" line",
                        suggestion: "remove the quotes: reviewed: \(text.trimmingCharacters(in: .whitespaces))"),
                ]
            }
            if text.range(of: #"^\s*\d{4}-\d{1,2}-\d{1,2}"#, options: .regularExpression) != nil {
                return [invalidDate(text, at: value.position)]
            }
            let near = Suggest.nearest(text.lowercased(), in: ["pending"])
            return [
                .error(
                    "review.invalid", at: value.position, "'reviewed' must be a date such as 2026-11-24, or pending, not '\(text)'",
                    suggestion: near.map { "did you mean '\($0)'?" }
                        ?? "write the date of the medical review (reviewed: 2026-11-24), or reviewed: pending until it is done",
                    fix: .renaming(text, at: value.position, to: near)),
            ]
        default:
            return [
                .error(
                    "review.invalid", at: value.position, "'reviewed' must be a date such as 2026-11-24, or pending, not \(value.typeName)",
                    suggestion: "write the date of the medical review (reviewed: 2026-11-24), or reviewed: pending until it is done"),
            ]
        }
    }

    func overdue(_ date: CalendarDate, by reviewer: String?, at position: SourcePosition) -> [Diagnostic] {
        guard let today else { return [] }
        let due = date.adding(months: periodMonths)
        guard today > due else { return [] }
        let age = date.wholeMonths(until: today)
        let who = reviewer.map { " by \($0)" } ?? ""
        return [
            .warning(
                "review.overdue", at: position,
                "the medical review of \(date)\(who) is \(age) months old; reviews are due every \(periodMonths) months, and this one was due on \(due)",
                suggestion: "have a clinician review the page again, then update reviewed: and reviewed_by:"),
        ]
    }

    func invalidDate(_ text: String, at position: SourcePosition) -> Diagnostic {
        .error(
            "review.invalid", at: position, "'\(text)' is not a date that exists",
            suggestion: "write the date as year-month-day, e.g. reviewed: 2026-11-24")
    }

    /// A reviewer's name: non-empty text.
    static func name(_ value: YAMLValue) -> String? {
        guard case .string(let s) = value.kind else { return nil }
        let name = s.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }
}
