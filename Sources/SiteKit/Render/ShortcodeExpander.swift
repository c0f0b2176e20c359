import Foundation
import SiteMarkdown

/// Expands the shortcodes pages may use, reporting misuse at the shortcode's position:
/// - `{{price ID}}`: the formatted amount (`$500`), or the wording for an unconfirmed price;
/// - `{{table prices}}` (alone in its paragraph): the price table;
/// - `{{list ID}}` (alone in its paragraph): a shared list;
/// - `{{clinic KEY}}`: a value from the `clinic:` settings (`phone`, `email`, …).
public struct ShortcodeExpander: Sendable {
    public var prices: PriceCatalog
    public var lists: DataLists
    public var settings: SiteSettings

    public static let names = ["clinic", "list", "price", "table"]
    public static let unconfirmedDetail = "not confirmed yet, please ask us"

    public init(prices: PriceCatalog, lists: DataLists, settings: SiteSettings) {
        self.prices = prices
        self.lists = lists
        self.settings = settings
    }

    public func expand(_ shortcode: Shortcode, file: String, diagnostics: inout [Diagnostic]) -> ShortcodeExpansion {
        let at = SourcePosition(file: file, line: shortcode.position.line, column: shortcode.position.column)
        switch shortcode.name {
        case "price":
            guard let price = prices[shortcode.argument] else {
                let near = suggestion(shortcode, prices.ids, declared: prices.declaringFile, at: at)
                diagnostics.append(
                    .error("price.unknown-id", at: at, "no price has the id '\(shortcode.argument)'", suggestion: near.suggestion, fix: near.fix))
                return .keep
            }
            if price.amount == nil { diagnostics.append(unconfirmed(price, at: at)) }
            return .text(prices.display(price))
        case "table":
            guard shortcode.argument == "prices" else {
                diagnostics.append(.error("shortcode.unknown", at: at, "there is no table called '\(shortcode.argument)'", suggestion: "write {{table prices}}"))
                return .keep
            }
            guard shortcode.standsAlone else { return misplaced(shortcode, at: at, &diagnostics) }
            for price in prices.prices where price.amount == nil { diagnostics.append(unconfirmed(price, at: at)) }
            return .generatedMarkdown(priceTable())
        case "list":
            guard let list = lists[shortcode.argument] else {
                let near = suggestion(shortcode, Array(lists.lists.keys), declared: nil, at: at)
                diagnostics.append(
                    .error("list.unknown-id", at: at, "no list has the id '\(shortcode.argument)'", suggestion: near.suggestion, fix: near.fix))
                return .keep
            }
            guard shortcode.standsAlone else { return misplaced(shortcode, at: at, &diagnostics) }
            return .markdownWrittenIn(list.items.map { "- \($0)\n" }.joined(), directory: list.directory)
        case "clinic":
            guard let value = settings.raw["clinic"]?[shortcode.argument] else {
                let keys = settings.raw["clinic"]?.entries.map(\.key) ?? []
                let near = suggestion(shortcode, keys, declared: settings.file, at: at)
                diagnostics.append(
                    .error(
                        "shortcode.unknown-key", at: at, "the site settings have no clinic.\(shortcode.argument)",
                        suggestion: near.suggestion, fix: near.fix))
                return .keep
            }
            if value["unconfirmed"]?.bool == true {
                diagnostics.append(
                    .warning(
                        "data.unconfirmed", at: at, "the clinic's \(shortcode.argument) is unconfirmed; the page says \"\(Self.unconfirmedDetail)\"",
                        suggestion: "fill in clinic.\(shortcode.argument) in \(settings.file ?? "the site settings") once it is known"))
                return .text(Self.unconfirmedDetail)
            }
            guard let text = value.string else {
                diagnostics.append(.error("shortcode.unknown-key", at: at, "clinic.\(shortcode.argument) is not a single value"))
                return .keep
            }
            return .text(text)
        default:
            let near = Suggest.nearest(shortcode.name, in: Self.names)
            diagnostics.append(
                .error(
                    "shortcode.unknown", at: at, "there is no shortcode called '\(shortcode.name)'",
                    suggestion: near.map { "did you mean {{\($0) \(shortcode.argument)}}?" }
                        ?? "the shortcodes are {{price ID}}, {{list ID}}, {{table prices}} and {{clinic KEY}}",
                    fix: .renaming(shortcode.name, at: SourcePosition(file: at.file, line: at.line, column: at.column + 2), to: near)))
            return .keep
        }
    }

    func unconfirmed(_ price: Price, at: SourcePosition) -> Diagnostic {
        .warning(
            "price.unconfirmed", at: at, "price of \(price.id) is unconfirmed; the page says \"\(PriceCatalog.unconfirmedWording)\"",
            suggestion: "set its amount at \(price.position) once the clinic confirms it")
    }

    func misplaced(_ shortcode: Shortcode, at: SourcePosition, _ diagnostics: inout [Diagnostic]) -> ShortcodeExpansion {
        diagnostics.append(
            .error(
                "shortcode.misplaced", at: at, "{{\(shortcode.name) \(shortcode.argument)}} makes a block, so it must stand alone in its paragraph",
                suggestion: "put it on a line of its own with an empty line above and below"))
        return .keep
    }

    /// "did you mean 'ID'?" for a shortcode's unknown argument, with the edit of the argument
    /// where the shortcode is written `{{name argument}}` (`keepingFixes` drops it for other
    /// spacings); else what is declared.
    func suggestion(_ shortcode: Shortcode, _ candidates: [String], declared: String?, at: SourcePosition) -> (suggestion: String?, fix: Fix?) {
        let word = shortcode.argument
        if let near = Suggest.nearest(word, in: candidates) {
            let argument = SourcePosition(file: at.file, line: at.line, column: at.column + 2 + shortcode.name.utf8.count + 1)
            return ("did you mean '\(near)'?", .renaming(word, at: argument, to: near))
        }
        guard !candidates.isEmpty else { return (declared.map { "nothing is declared in \($0)" }, nil) }
        return ("the declared ids are: " + candidates.sorted().joined(separator: ", "), nil)
    }

    /// The price table as Markdown, rendered from the data (never typed by hand).
    func priceTable() -> String {
        var rows = ["| Service | Price |", "|:--|--:|"]
        for price in prices.prices {
            var cell = prices.display(price)
            if price.amount != nil, let per = price.per { cell += " per \(per)" }
            if !price.bundle.isEmpty {
                let parts = price.bundle.map { "\($0.count) × \(prices[$0.id]?.name.lowercased() ?? $0.id)" }.joined(separator: ", ")
                cell += " (\(parts))"
            }
            rows.append("| \(escapeCell(price.name)) | \(escapeCell(cell)) |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    func escapeCell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|", options: .literal) }
}
