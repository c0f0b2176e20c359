import Foundation

/// A case-insensitive regular expression from a rules file (ICU syntax, as NSRegularExpression
/// reads it), with matches given as UTF-8 offsets so they map onto source positions.
struct Pattern: @unchecked Sendable {
    // NSRegularExpression is immutable once made and documented as safe to use from many threads.
    let regex: NSRegularExpression
    let source: String

    /// nil and the ICU error text when the pattern is not a valid regular expression.
    static func compile(_ source: String) -> Result<Pattern, PatternError> {
        do {
            let regex = try NSRegularExpression(pattern: source, options: [.caseInsensitive])
            return .success(Pattern(regex: regex, source: source))
        } catch {
            return .failure(PatternError(description: "\(error.localizedDescription)"))
        }
    }

    struct PatternError: Error {
        var description: String
    }

    /// Every match in `text`, as UTF-16 ranges (what the scope and `near` checks work on).
    func matches(in text: String, range: NSRange? = nil) -> [NSRange] {
        let whole = NSRange(location: 0, length: text.utf16.count)
        return regex.matches(in: text, options: [], range: range ?? whole).map(\.range)
    }

    func hasMatch(in text: String, range: NSRange? = nil) -> Bool {
        let whole = NSRange(location: 0, length: text.utf16.count)
        return regex.firstMatch(in: text, options: [], range: range ?? whole) != nil
    }
}

extension String {
    /// The UTF-8 offset of a UTF-16 offset in this string.
    func utf8Offset(ofUTF16 offset: Int) -> Int {
        let index = String.Index(utf16Offset: offset, in: self)
        return utf8.distance(from: utf8.startIndex, to: index)
    }

    /// The text of a UTF-16 range.
    func substring(utf16 range: NSRange) -> String {
        guard let r = Range(range, in: self) else { return "" }
        return String(self[r])
    }
}
