/// The type of a front-matter value, as `_schemas.yaml` names it.
enum KeyType: String, CaseIterable, Sendable {
    case text, date, bool, int, number, list
    /// One text or a list of texts (`tags: [a, b]`, `ignore: wording.cure`).
    case textList = "text-list"
    case map
    /// A medical review date, or `pending`: checked by the review rule (`review.*`).
    case review
    case any

    /// Whether `value` has this type. An empty value (`key:` with nothing after it) passes here:
    /// whether a key may be empty is the required-key check's business.
    func accepts(_ value: YAMLValue) -> Bool {
        switch (self, value.kind) {
        case (.any, _), (.review, _), (_, .null): return true
        case (.text, .string), (.text, .int), (.text, .double), (.text, .date): return true
        // The shape alone (`2026-13-45`) is no date: the day must exist.
        case (.date, .date(let s)): return CalendarDate(s) != nil
        case (.date, .string(let s)): return CalendarDate(s) != nil
        case (.bool, .bool), (.int, .int), (.number, .int), (.number, .double): return true
        case (.list, .array), (.map, .mapping): return true
        case (.textList, .array(let items)):
            return items.allSatisfy {
                if case .null = $0.kind { return false }
                return KeyType.text.accepts($0)
            }
        case (.textList, _): return KeyType.text.accepts(value)
        default: return false
        }
    }

    /// How messages describe a value of this type.
    var phrase: String {
        switch self {
        case .text: return "text"
        case .date: return "a date such as 2026-11-24"
        case .bool: return "true or false"
        case .int: return "a whole number"
        case .number: return "a number"
        case .list: return "a list"
        case .textList: return "text or a list of texts such as [one, two]"
        case .map: return "a set of keys"
        case .review: return "a date such as 2026-11-24, or pending"
        case .any: return "any value"
        }
    }
}
