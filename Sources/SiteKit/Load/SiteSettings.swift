import Foundation

/// Site-wide settings from `content/_site.yaml`. Every key is optional; a site without the file
/// builds with these defaults.
public struct SiteSettings: Sendable {
    public struct MenuItem: Sendable, Hashable {
        public var title: String
        public var url: String
        public var position: SourcePosition
    }

    public var name = "Untitled site"
    /// Absolute base URL for canonical links and the sitemap, without a trailing slash; empty when unset.
    public var baseURL = ""
    public var language = "en"
    public var description = ""
    /// Navigation; nil means "from the pages" (the home page and every top-level page or section).
    public var menu: [MenuItem]?
    /// Pass raw HTML in Markdown through (off by default).
    public var allowRawHTML = false
    /// URL schemes allowed in links besides http, https, mailto and tel (e.g. `data`).
    public var allowedSchemes: [String] = []
    /// How photos are published (`images:`; see `ImageSettings`).
    public var images = ImageSettings()
    /// The whole file, for templates (`{{site.clinic.name}}`) and the `{{clinic KEY}}` shortcode.
    public var raw = YAMLValue(.mapping([]), at: SourcePosition(file: ""))
    public var file: String?

    public init() {}

    public static func parse(_ source: SourceFile?) -> (SiteSettings, [Diagnostic]) {
        var settings = SiteSettings()
        guard let source else { return (settings, []) }
        settings.file = source.displayPath
        let value: YAMLValue
        do {
            value = try YAMLReader.parse(source.text, file: source.displayPath, firstLine: 1)
        } catch {
            return (settings, [.error("settings.invalid", at: error.position, error.message, suggestion: error.hint)])
        }
        var diagnostics: [Diagnostic] = []
        guard case .mapping = value.kind else {
            return (settings, [.error("settings.invalid", at: value.position, "the site settings must be a set of keys (name: …, base_url: …)")])
        }
        settings.raw = value
        func text(_ key: String) -> String? {
            guard let v = value[key] else { return nil }
            guard let s = v.string else {
                diagnostics.append(.error("settings.type", at: v.position, "'\(key)' must be text, not \(v.typeName)"))
                return nil
            }
            return s
        }
        if let name = text("name") { settings.name = name }
        if let base = text("base_url") {
            settings.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
            if !base.isEmpty, URL(string: base)?.scheme == nil {
                diagnostics.append(
                    .error("settings.base-url", at: value["base_url"]!.position, "base_url must be an absolute URL such as https://example.org"))
            }
        }
        if let language = text("language") { settings.language = language }
        if let description = text("description") { settings.description = description }
        if let raw = value["allow_raw_html"] {
            if let b = raw.bool { settings.allowRawHTML = b } else {
                diagnostics.append(.error("settings.type", at: raw.position, "'allow_raw_html' must be true or false"))
            }
        }
        if let schemes = value["allowed_schemes"] {
            settings.allowedSchemes = allowedSchemes(schemes, diagnostics: &diagnostics)
        }
        if let images = value["images"] {
            settings.images = ImageSettings.parse(images, diagnostics: &diagnostics)
        }
        if let menu = value["menu"] {
            guard let items = menu.array else {
                diagnostics.append(.error("settings.type", at: menu.position, "'menu' must be a list of entries with title and url"))
                return (settings, diagnostics)
            }
            settings.menu = items.compactMap { item in
                guard let title = item["title"]?.string, let url = item["url"]?.string else {
                    diagnostics.append(
                        .error("settings.menu", at: item.position, "each menu entry needs a 'title' and a 'url'", suggestion: "for example:  - title: FAQ\n    url: /faq/"))
                    return nil
                }
                return MenuItem(title: title, url: url, position: item["url"]!.position)
            }
        }
        return (settings, diagnostics)
    }

    /// `allowed_schemes: [data, ftp]`: a list of scheme names (letters first, then letters,
    /// digits, '+', '-', '.'). Anything else is an error at the value, never read as "none".
    static func allowedSchemes(_ value: YAMLValue, diagnostics: inout [Diagnostic]) -> [String] {
        if case .null = value.kind { return [] }
        guard let items = value.array else {
            let example = value.string.map { "allowed_schemes: [\($0)]" } ?? "allowed_schemes: [data]"
            diagnostics.append(
                .error(
                    "settings.type", at: value.position, "'allowed_schemes' must be a list of scheme names, not \(value.typeName)",
                    suggestion: "write it as a list in brackets: \(example)"))
            return []
        }
        var schemes: [String] = []
        for item in items {
            guard case .string(let name) = item.kind, isSchemeName(name) else {
                diagnostics.append(
                    .error(
                        "settings.type", at: item.position,
                        "each entry of 'allowed_schemes' must be a scheme name such as data or ftp (without ':'), not \(item.typeName == "text" ? "'\(item.string ?? "")'" : item.typeName)"))
                continue
            }
            schemes.append(name.lowercased())
        }
        return schemes
    }

    /// A URL scheme as RFC 3986 spells it: a letter, then letters, digits, '+', '-' or '.'.
    static func isSchemeName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        guard let first = bytes.first, letter(first) else { return false }
        return bytes.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) || $0 == 43 || $0 == 45 || $0 == 46 }
    }
}
