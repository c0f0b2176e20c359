import Foundation

/// One declared price.
public struct Price: Sendable, Hashable {
    public var id: String
    public var name: String
    /// nil when unconfirmed, or for a bundle whose parts are not all confirmed.
    public var amount: Decimal?
    public var currency: String
    public var per: String?
    public var aliases: [String]
    public var unconfirmed: Bool
    /// Parts of a bundle: price id → count.
    public var bundle: [(id: String, count: Int)]
    /// Where the entry is declared (`content/pricing.md:9:5`).
    public var position: SourcePosition

    /// Every name prose may use for this item (name first, then aliases).
    public var names: [String] { [name] + aliases }

    public static func == (a: Price, b: Price) -> Bool { a.id == b.id && a.amount == b.amount && a.position == b.position }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// The site's prices: declared once, in the `prices:` front matter of one page.
public struct PriceCatalog: Sendable {
    public var prices: [Price] = []
    /// The page that declares them, for messages ("the pricing page says …").
    public var declaringFile: String?
    private var byID: [String: Int] = [:]

    public init() {}

    public subscript(id: String) -> Price? { byID[id].map { prices[$0] } }
    public var ids: [String] { prices.map(\.id) }

    /// Every confirmed amount, for "does this literal equal some declared price".
    public var confirmedAmounts: Set<Decimal> { Set(prices.compactMap(\.amount)) }

    /// Builds the catalogue from the pages' front matter; checks ids, amounts and bundle totals.
    public static func build(from pages: [Page]) -> (PriceCatalog, [Diagnostic]) {
        var catalog = PriceCatalog()
        var diagnostics: [Diagnostic] = []
        for page in pages {
            guard let list = page.frontMatter.entry("prices") else { continue }
            if let first = catalog.declaringFile {
                diagnostics.append(
                    .error(
                        "price.duplicate-catalog", at: list.keyPosition,
                        "prices are already declared in \(first); a site has one price list",
                        suggestion: "move these entries to \(first)"))
                continue
            }
            catalog.declaringFile = page.source.displayPath
            guard let items = list.value.array else {
                diagnostics.append(.error("price.invalid", at: list.value.position, "'prices' must be a list of entries (- id: …)"))
                continue
            }
            for item in items {
                if let price = parse(item, diagnostics: &diagnostics) {
                    if catalog.byID[price.id] != nil {
                        diagnostics.append(.error("price.duplicate-id", at: item["id"]!.position, "the price id '\(price.id)' is declared twice"))
                        continue
                    }
                    catalog.byID[price.id] = catalog.prices.count
                    catalog.prices.append(price)
                }
            }
        }
        catalog.checkBundles(&diagnostics)
        return (catalog, diagnostics)
    }

    static func parse(_ item: YAMLValue, diagnostics: inout [Diagnostic]) -> Price? {
        guard case .mapping = item.kind else {
            diagnostics.append(.error("price.invalid", at: item.position, "each price is a set of keys: id, name, amount"))
            return nil
        }
        guard let id = item["id"]?.string, isValidID(id) else {
            diagnostics.append(
                .error(
                    "price.invalid", at: item["id"]?.position ?? item.position,
                    "each price needs an 'id' of lowercase letters, digits and hyphens", suggestion: "for example: id: treatment-session"))
            return nil
        }
        guard let name = item["name"]?.string, !name.isEmpty else {
            diagnostics.append(.error("price.invalid", at: item.position, "the price '\(id)' needs a 'name'"))
            return nil
        }
        var unconfirmed = false
        if let u = item["unconfirmed"] {
            if let b = u.bool {
                unconfirmed = b
            } else {
                diagnostics.append(
                    .error(
                        "price.invalid", at: u.position, "'unconfirmed' of '\(id)' must be true or false, not \(u.typeName)",
                        suggestion: "write 'unconfirmed: true' while the price is not known, or remove the line"))
            }
        }
        var currency = "USD"
        if let c = item["currency"], !isNull(c) {
            if case .string(let code) = c.kind, code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) {
                currency = code
            } else {
                diagnostics.append(
                    .error(
                        "price.invalid", at: c.position, "the currency of '\(id)' must be a three-letter code such as USD, not \(describe(c))",
                        suggestion: "write 'currency: USD', or remove the line (USD is the default)"))
            }
        }
        var amount: Decimal?
        if let a = item["amount"] {
            let value: Decimal
            switch checkAmount(a, currency: currency) {
            case .success(let v): value = v
            case .failure(let problem):
                diagnostics.append(.error("price.invalid", at: a.position, "the amount of '\(id)' \(problem.message)", suggestion: problem.suggestion))
                return nil
            }
            amount = value
            if unconfirmed {
                diagnostics.append(.error("price.invalid", at: a.position, "'\(id)' is marked unconfirmed but has an amount", suggestion: "remove the amount, or remove 'unconfirmed: true' once the price is confirmed"))
            }
        }
        var bundle: [(String, Int)] = []
        if let b = item["bundle"] {
            for entry in b.entries {
                guard let count = entry.value.int, count > 0 else {
                    diagnostics.append(.error("price.invalid", at: entry.value.position, "a bundle part's count must be a whole number above 0"))
                    continue
                }
                bundle.append((entry.key, count))
            }
        }
        if amount == nil && !unconfirmed && bundle.isEmpty {
            diagnostics.append(
                .error(
                    "price.invalid", at: item.position, "the price '\(id)' has no amount",
                    suggestion: "add 'amount: …', or 'unconfirmed: true' when the price is not known yet"))
        }
        var per: String?
        if let p = item["per"], !isNull(p) {
            if let text = text(p) { per = text } else {
                diagnostics.append(
                    .error("price.invalid", at: p.position, "'per' of '\(id)' must be text such as 'session', not \(p.typeName)"))
            }
        }
        var aliases: [String] = []
        if let a = item["aliases"], !isNull(a) {
            // One name may be written without brackets, as a page's aliases may.
            for alias in a.array ?? [a] {
                if let text = text(alias), !text.isEmpty { aliases.append(text) } else {
                    diagnostics.append(
                        .error(
                            "price.invalid", at: alias.position, "the aliases of '\(id)' must be names, not \(alias.typeName)",
                            suggestion: "for example: aliases: [treatment session, infusion]"))
                }
            }
        }
        return Price(
            id: id, name: name, amount: unconfirmed ? nil : amount, currency: currency,
            per: per, aliases: aliases, unconfirmed: unconfirmed || (amount == nil && !bundle.isEmpty),
            bundle: bundle, position: item.position)
    }

    static func isNull(_ value: YAMLValue) -> Bool {
        if case .null = value.kind { return true }
        return false
    }

    /// Text as written: a string, or a number or date written where text is meant (`per: 30 days`
    /// is text, `per: 2` a number); never true/false, a list or a set of keys.
    static func text(_ value: YAMLValue) -> String? {
        switch value.kind {
        case .string(let s), .date(let s): return s
        case .int, .double: return value.string
        default: return nil
        }
    }

    static func describe(_ value: YAMLValue) -> String {
        if case .string(let s) = value.kind { return "'\(s)'" }
        return value.typeName
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    /// A bundle's amount must equal the sum of its parts.
    mutating func checkBundles(_ diagnostics: inout [Diagnostic]) {
        for index in prices.indices where !prices[index].bundle.isEmpty {
            let price = prices[index]
            var total: Decimal = 0
            var known = true
            for part in price.bundle {
                guard let partPrice = self[part.id] else {
                    diagnostics.append(
                        .error(
                            "price.unknown-id", at: price.position, "the bundle '\(price.id)' includes '\(part.id)', which is not a declared price",
                            suggestion: Suggest.nearest(part.id, in: ids).map { "did you mean '\($0)'?" }))
                    known = false
                    continue
                }
                if let a = partPrice.amount { total += a * Decimal(part.count) } else { known = false }
            }
            guard known else { continue }
            if let amount = price.amount, amount != total {
                let parts = price.bundle.map { "\($0.count) × \(self[$0.id].map { Self.format($0.amount!, currency: $0.currency) } ?? "?")" }
                diagnostics.append(
                    .error(
                        "price.bundle-total", at: price.position,
                        "the bundle '\(price.id)' costs \(Self.format(amount, currency: price.currency)), but its parts add up to \(Self.format(total, currency: price.currency)) (\(parts.joined(separator: " + ")))",
                        suggestion: "set 'amount: \(total)', or remove the amount and let the build work it out"))
            } else if price.amount == nil {
                prices[index].amount = total
                prices[index].unconfirmed = false
            }
        }
    }

    /// The largest amount a price may declare. No clinic charges a million for one item; a larger
    /// number is a typo (an extra zero, a pasted phone number) that would be published.
    public static let maxAmount: Decimal = 1_000_000

    /// Digits after the decimal point of a currency (ISO 4217 minor units): 2 unless listed.
    public static func minorUnits(_ currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF": return 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": return 3
        case "CLF", "UYW": return 4
        default: return 2
        }
    }

    struct AmountProblem: Error {
        var message: String
        var suggestion: String?
    }

    /// A declared amount, exactly as written: a number from 0 to `maxAmount` with no more
    /// decimals than the currency has.
    static func checkAmount(_ value: YAMLValue, currency: String) -> Result<Decimal, AmountProblem> {
        let written = value.writtenNumber
        let example = "write it as a plain number such as 500 or 49.50"
        switch value.kind {
        case .int, .double:
            break
        case .string(let s) where s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 43 }) && s.utf8.contains(where: { $0 >= 48 && $0 <= 57 }):
            // Digits only, too many for a whole number.
            return .failure(AmountProblem(message: "is \(s), more than any price can be (at most \(format(maxAmount, currency: currency)))", suggestion: "check the number of digits"))
        default:
            return .failure(AmountProblem(message: "must be a number such as 500 or 49.50, not \(value.typeName)", suggestion: example))
        }
        if case .double(let d) = value.kind, !d.isFinite || abs(d) > 1e15 {
            return .failure(
                AmountProblem(
                    message: d < 0 ? "must not be negative (\(written))" : "is \(written), more than any price can be (at most \(format(maxAmount, currency: currency)))",
                    suggestion: d < 0 ? "write the price as a positive number; a discount is its own item" : "check the number of digits"))
        }
        guard let amount = value.decimal else {
            return .failure(AmountProblem(message: "must be a number such as 500 or 49.50, not \(written)", suggestion: example))
        }
        if amount < 0 {
            return .failure(AmountProblem(message: "must not be negative (\(written))", suggestion: "write the price as a positive number; a discount is its own item"))
        }
        if amount > maxAmount {
            return .failure(
                AmountProblem(message: "is \(format(amount, currency: currency)), more than any price can be (at most \(format(maxAmount, currency: currency)))", suggestion: "check the number of digits"))
        }
        let units = minorUnits(currency)
        if decimals(of: amount) > units {
            return .failure(
                AmountProblem(
                    message: "has more decimals than \(currency) has (\(written); at most \(units))",
                    suggestion: units == 0 ? "write a whole number" : "round it to \(units) decimals"))
        }
        return .success(amount)
    }

    /// Digits after the decimal point of a decimal, trailing zeros aside.
    static func decimals(of amount: Decimal) -> Int {
        let text = "\(amount)"
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text[text.index(after: dot)...].reversed().drop { $0 == "0" }.count
    }

    /// `$500`, `$3,000`, `$49.50`; other currencies as `EUR 500`. Exact: the decimal's own digits
    /// (never through `Double`), grouped by three, the fraction padded to the currency's decimals
    /// (never rounded: an amount from prose with more decimals shows them all).
    public static func format(_ amount: Decimal, currency: String) -> String {
        var text = "\(amount)"
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text.removeFirst()
        }
        var whole = text
        var fraction = ""
        if let dot = text.firstIndex(of: ".") {
            whole = String(text[..<dot])
            fraction = String(String(text[text.index(after: dot)...]).reversed().drop { $0 == "0" }.reversed())
        }
        var grouped = ""
        for (i, digit) in whole.enumerated() {
            if i > 0, (whole.count - i) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        if !fraction.isEmpty {
            let units = max(2, minorUnits(currency))
            if fraction.count < units { fraction += String(repeating: "0", count: units - fraction.count) }
            grouped += "." + fraction
        }
        let number = sign + grouped
        return currency == "USD" ? "$" + number : currency + " " + number
    }

    /// What a page shows for a price: the amount, or the wording for an unknown one.
    public func display(_ price: Price) -> String {
        guard let amount = price.amount else { return Self.unconfirmedWording }
        return Self.format(amount, currency: price.currency)
    }

    public static let unconfirmedWording = "ask us for the current fee"
}

extension Decimal {
    func rounded(_ scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }
}
