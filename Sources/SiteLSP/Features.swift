import Foundation
import SiteKit

/// Completion, hover, go to definition and quick fixes for one document, from the site model
/// of the last check. Runs on the server's work queue.
struct Features {
    let workspace: SiteWorkspace
    let path: String
    let uri: String
    let lines: LineTable
    let uris: [String: String]

    private func uri(of path: String) -> String { uris[path] ?? URL(fileURLWithPath: path).absoluteString }

    /// The line's bytes and the cursor's byte column in it.
    private func cursor(_ params: JSON) -> (line: Int, bytes: [UInt8], column: Int)? {
        guard let position = LSPPosition(params["position"]), position.line < lines.lineCount else { return nil }
        return (position.line, Array(lines.lineBytes(position.line)), lines.byteColumn(of: position))
    }

    // MARK: Completion

    func completion(_ params: JSON) -> JSON {
        guard let (line, bytes, column) = cursor(params), let model = workspace.siteModel() else { return .array([]) }
        let before = String(decoding: bytes[..<column], as: UTF8.self)
        func edit(replacing typed: String, with text: String) -> JSON {
            let start = lines.position(line: line, byteColumn: column - typed.utf8.count)
            let end = lines.position(line: line, byteColumn: column)
            return ["range": LSPRange(start: start, end: end).json, "newText": .string(text)]
        }
        func item(_ label: String, detail: String, kind: Int, typed: String, documentation: String? = nil) -> JSON {
            var json: [String: JSON] = [
                "label": .string(label), "detail": .string(detail), "kind": .int(kind), "textEdit": edit(replacing: typed, with: label),
                "filterText": .string(label),
            ]
            if let documentation { json["documentation"] = .string(documentation) }
            return .object(json)
        }
        // `{{price `, `{{list `, `{{clinic ` and the id typed so far.
        if let (name, typed) = Self.shortcodeBeingTyped(before) {
            switch name {
            case "price":
                return .array(
                    model.prices.prices.map { price in
                        item(price.id, detail: "\(price.name): \(Self.amount(price, model.prices))", kind: 21, typed: typed, documentation: "Declared at \(price.position)")
                    })
            case "list":
                return .array(
                    model.lists.lists.values.sorted { $0.id < $1.id }.map { list in
                        item(list.id, detail: "\(list.items.count) items", kind: 21, typed: typed, documentation: list.items.prefix(5).map { "- " + $0 }.joined(separator: "\n"))
                    })
            case "clinic":
                return .array(model.clinic.map { item($0.key, detail: $0.value, kind: 21, typed: typed) })
            case "table":
                return .array([item("prices", detail: "the price table", kind: 21, typed: typed)])
            default:
                return .array([])
            }
        }
        // Inside `](`: pages, then after `#` their heading ids.
        if let target = Self.linkTargetBeingTyped(before) {
            if let hash = target.firstIndex(of: "#") {
                let typed = String(target[target.index(after: hash)...])
                guard let page = model.page(linkedAs: String(target[..<hash]), from: path) else { return .array([]) }
                return .array(model.headings(of: page).map { item($0.id, detail: $0.title, kind: 18, typed: typed) })
            }
            let folder = (path as NSString).deletingLastPathComponent
            return .array(
                model.pages.map { page in
                    let relative = Self.relativePath(page.absolutePath, from: folder)
                    return item(relative, detail: page.title + " (" + page.url + ")", kind: 17, typed: target)
                })
        }
        return .array([])
    }

    /// `{{price trea` → ("price", "trea").
    static func shortcodeBeingTyped(_ before: String) -> (String, String)? {
        guard let open = before.range(of: "{{", options: .backwards) else { return nil }
        let inside = before[open.upperBound...]
        if inside.contains("}") { return nil }
        let parts = inside.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].contains(" ") else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// `see [the FAQ](faq.md#dri` → "faq.md#dri".
    static func linkTargetBeingTyped(_ before: String) -> String? {
        guard let open = before.range(of: "](", options: .backwards) else { return nil }
        let target = before[open.upperBound...]
        if target.contains(")") || target.contains(" ") { return nil }
        return String(target)
    }

    static func relativePath(_ path: String, from folder: String) -> String {
        let a = path.split(separator: "/")
        let b = folder.split(separator: "/")
        var common = 0
        while common < min(a.count, b.count - 0), common < b.count, a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        return (ups + a[common...].map(String.init)).joined(separator: "/")
    }

    static func amount(_ price: Price, _ catalog: PriceCatalog) -> String {
        guard let amount = price.amount else { return "unconfirmed" }
        return PriceCatalog.format(amount, currency: price.currency) + (price.per.map { " per " + $0 } ?? "")
    }

    // MARK: Hover and definition

    /// What the cursor is on: a shortcode (`{{price id}}`) or a link's target.
    enum Target {
        case shortcode(name: String, argument: String, range: LSPRange)
        case link(target: String, range: LSPRange)
    }

    func target(_ params: JSON) -> Target? {
        guard let (line, bytes, column) = cursor(params) else { return nil }
        // Shortcodes on the line.
        var i = 0
        while let open = Self.findBytes([123, 123], in: bytes, from: i, before: bytes.count) {
            guard let close = Self.findBytes([125, 125], in: bytes, from: open + 2, before: bytes.count) else { break }
            if open <= column, column <= close + 2 {
                let inner = String(decoding: bytes[(open + 2)..<close], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                let parts = inner.split(separator: " ", maxSplits: 1)
                if parts.count == 2 {
                    let range = LSPRange(start: lines.position(line: line, byteColumn: open), end: lines.position(line: line, byteColumn: close + 2))
                    return .shortcode(name: String(parts[0]), argument: parts[1].trimmingCharacters(in: .whitespaces), range: range)
                }
            }
            i = close + 2
        }
        // Links: `[text](target)`, the cursor anywhere from `[` to `)`.
        i = 0
        while let middle = Self.findBytes([93, 40], in: bytes, from: i, before: bytes.count) {
            let close = bytes[(middle + 2)...].firstIndex(of: 41) ?? bytes.count
            let open = bytes[..<middle].lastIndex(of: 91) ?? middle
            if open <= column, column <= close {
                var target = String(decoding: bytes[(middle + 2)..<close], as: UTF8.self)
                if let space = target.firstIndex(of: " ") { target = String(target[..<space]) }
                target = target.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                let range = LSPRange(start: lines.position(line: line, byteColumn: open), end: lines.position(line: line, byteColumn: min(close + 1, bytes.count)))
                return .link(target: target, range: range)
            }
            i = middle + 2
        }
        return nil
    }

    static func findBytes(_ pattern: [UInt8], in line: [UInt8], from: Int, before: Int) -> Int? {
        var i = from
        while i + pattern.count <= min(before, line.count) {
            if line[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    func hover(_ params: JSON) -> JSON {
        guard let target = target(params), let model = workspace.siteModel() else { return .null }
        let text: String
        let range: LSPRange
        switch target {
        case .shortcode(let name, let argument, let r):
            range = r
            switch name {
            case "price":
                guard let price = model.prices[argument] else { return .null }
                text = "**\(price.name)** (`\(price.id)`): \(Self.amount(price, model.prices))\n\nDeclared at \(price.position)"
            case "list":
                guard let list = model.lists[argument] else { return .null }
                text = "List `\(list.id)`, \(list.items.count) items\n\n" + list.items.map { "- " + $0 }.joined(separator: "\n") + "\n\nDeclared at \(list.position)"
            case "clinic":
                guard let entry = model.clinic.first(where: { $0.key == argument }) else { return .null }
                text = "clinic.\(entry.key): \(entry.value)\n\nDeclared at \(entry.position)"
            default:
                return .null
            }
        case .link(let href, let r):
            range = r
            guard let page = model.page(linkedAs: href, from: path) else { return .null }
            var line = "**\(page.title)** (\(page.url)), \(workspace.displayPath(page.absolutePath))"
            if let hash = href.firstIndex(of: "#") {
                let id = String(href[href.index(after: hash)...])
                if let heading = model.headings(of: page).first(where: { $0.id == id }) { line += "\n\nSection: \(heading.title)" }
            }
            text = line
        }
        return ["contents": ["kind": "markdown", "value": .string(text)], "range": range.json]
    }

    func definition(_ params: JSON) -> JSON {
        guard let target = target(params), let model = workspace.siteModel() else { return .null }
        func location(_ position: SourcePosition) -> JSON {
            let file = workspace.absolutePath(position.file)
            let line = max(position.line - 1, 0)
            let table = model.texts[file].map(LineTable.init)
            let start = table?.position(line: line, byteColumn: max(position.column - 1, 0)) ?? LSPPosition(line: line, character: 0)
            return ["uri": .string(uri(of: file)), "range": LSPRange(start: start, end: start).json]
        }
        switch target {
        case .shortcode(let name, let argument, _):
            switch name {
            case "price": return model.prices[argument].map { location($0.position) } ?? .null
            case "list": return model.lists[argument].map { location($0.position) } ?? .null
            case "clinic": return model.clinic.first { $0.key == argument }.map { location($0.position) } ?? .null
            default: return .null
            }
        case .link(let href, _):
            guard let page = model.page(linkedAs: href, from: path) else { return .null }
            var line = 0
            if let hash = href.firstIndex(of: "#") {
                line = model.headingLine(String(href[href.index(after: hash)...]), in: page) ?? 0
            }
            let start = LSPPosition(line: line, character: 0)
            return ["uri": .string(uri(of: page.absolutePath)), "range": LSPRange(start: start, end: start).json]
        }
    }

    // MARK: Code actions

    /// A quick fix for each diagnostic of the last check that touches the requested range and
    /// carries an exact edit (`Diagnostic.fix`), while the document still holds the text the edit
    /// replaces (it may have changed since the check).
    func codeActions(_ params: JSON, diagnostics: [MappedDiagnostic]) -> JSON {
        guard let wanted = LSPRange(params["range"]) else { return .array([]) }
        var actions: [JSON] = []
        for mapped in diagnostics where mapped.range.start <= wanted.end && wanted.start <= mapped.range.end {
            guard let fix = mapped.diagnostic.fix, let range = mapped.fixRange, lines.bytes(in: range).elementsEqual(fix.original.utf8) else { continue }
            let edit: JSON = ["range": range.json, "newText": .string(fix.replacement)]
            actions.append([
                "title": .string(fix.title), "kind": "quickfix", "isPreferred": true,
                "diagnostics": [LanguageServer.diagnosticJSON(mapped.diagnostic, range: mapped.range)],
                "edit": ["changes": .object([uri: [edit]])],
            ])
        }
        return .array(actions)
    }
}
