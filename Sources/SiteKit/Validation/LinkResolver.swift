import Foundation

/// Classifies and normalises link destinations. Pure functions, no site knowledge.
public enum LinkResolver {
    public enum Target: Sendable, Hashable {
        /// `http`, `https`, `mailto`, `tel` (and schemes the settings allow).
        case external(scheme: String)
        /// A path on this site, root-relative and percent-decoded (`/faq/`), and a decoded fragment.
        case local(path: String, fragment: String?)
        /// A fragment on the same page (`#cost`).
        case samePage(fragment: String)
        /// A scheme that can run code or that the site does not allow (`javascript:`, `data:`).
        case unsafe(scheme: String)
        case malformed(reason: String)
    }

    public static let externalSchemes: Set<String> = ["http", "https", "mailto", "tel"]
    public static let dangerousSchemes: Set<String> = ["javascript", "vbscript", "data", "file"]

    /// True when `s` starts with a URL scheme (`https:`, `mailto:`).
    public static func hasScheme(_ s: String) -> Bool { scheme(of: s) != nil }

    public static func scheme(of s: String) -> String? {
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let candidate = s[..<colon]
        guard let first = candidate.unicodeScalars.first,
            (first.value >= 65 && first.value <= 90) || (first.value >= 97 && first.value <= 122),
            candidate.unicodeScalars.allSatisfy({ c in
                (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || (c.value >= 48 && c.value <= 57)
                    || c == "+" || c == "-" || c == "."
            })
        else { return nil }
        return candidate.lowercased()
    }

    /// Resolves `href` as written on the page at `pageURL` (root-relative, e.g. `/faq/`).
    public static func resolve(_ href: String, from pageURL: String, allowedSchemes: Set<String> = []) -> Target {
        if let fast = resolveSimple(href) { return fast }
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .malformed(reason: "the link has no destination") }
        if trimmed.contains(where: { $0 == " " || $0 == "\\" }) && !trimmed.hasPrefix("mailto:") && !trimmed.hasPrefix("tel:") {
            return .malformed(reason: "a link destination cannot contain spaces or backslashes (use %20 or a hyphen)")
        }
        if let scheme = scheme(of: trimmed) {
            if allowedSchemes.contains(scheme) { return .external(scheme: scheme) }
            if dangerousSchemes.contains(scheme) { return .unsafe(scheme: scheme) }
            guard externalSchemes.contains(scheme) else { return .unsafe(scheme: scheme) }
            if let reason = malformedExternal(trimmed, scheme: scheme) { return .malformed(reason: reason) }
            return .external(scheme: scheme)
        }
        if trimmed.hasPrefix("//") { return .malformed(reason: "a link starting with // needs a scheme: write https://…") }
        var rest = trimmed
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            let raw = String(rest[rest.index(after: hash)...])
            fragment = raw.removingPercentEncoding ?? raw
            rest = String(rest[..<hash])
        }
        if let question = rest.firstIndex(of: "?") { rest = String(rest[..<question]) }
        if rest.isEmpty {
            return fragment.map { .samePage(fragment: $0) } ?? .malformed(reason: "the link has no destination")
        }
        guard let decoded = rest.removingPercentEncoding else {
            return .malformed(reason: "the link has a broken %-escape")
        }
        let base: String
        if decoded.hasPrefix("/") {
            base = ""
        } else {
            // Relative links resolve against the page's folder, as a browser does.
            base = pageURL.hasSuffix("/") ? String(pageURL.dropFirst()) : (String(pageURL.dropFirst()) as NSString).deletingLastPathComponent
        }
        let relative = decoded.hasPrefix("/") ? String(decoded.dropFirst()) : decoded
        guard let normalized = normalize(path: relative, base: base) else {
            return .malformed(reason: "the link climbs above the site's root with '..'")
        }
        let trailing = decoded.hasSuffix("/") && !normalized.isEmpty ? "/" : ""
        return .local(path: "/" + normalized + trailing, fragment: fragment)
    }

    /// The common case without Foundation: a root-relative path of plain characters
    /// (`/services/knee-pain-0012/#costs`), no `.` segments, no escapes, no query.
    static func resolveSimple(_ href: String) -> Target? {
        let bytes = href.utf8
        guard bytes.first == UInt8(ascii: "/"), bytes.count > 1 || bytes.first != nil else { return nil }
        var previous: UInt8 = 0
        var hash: String.Index?
        for index in bytes.indices {
            let c = bytes[index]
            let plain = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 47
            if c == UInt8(ascii: "#"), hash == nil {
                hash = index
            } else if c == UInt8(ascii: ".") && hash == nil {
                // A dot is fine inside a file name (site.css), not as a segment (./, ../).
                if previous == UInt8(ascii: "/") || previous == UInt8(ascii: ".") { return nil }
            } else if !plain && !(hash != nil && c == UInt8(ascii: ".")) {
                return nil
            }
            if c == UInt8(ascii: "/"), previous == UInt8(ascii: "/") { return nil }
            previous = c
        }
        guard let hash else { return .local(path: href, fragment: nil) }
        let path = String(href[..<hash])
        let fragment = String(href[href.index(after: hash)...])
        return .local(path: path, fragment: fragment)
    }

    /// Joins `path` onto `base` (both without a leading slash) and resolves `.` and `..`.
    /// nil when `..` climbs above the root.
    public static func normalize(path: String, base: String) -> String? {
        var segments = base.split(separator: "/").map(String.init)
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if segments.isEmpty { return nil }
                segments.removeLast()
            } else {
                segments.append(String(part))
            }
        }
        return segments.joined(separator: "/")
    }

    static func malformedExternal(_ href: String, scheme: String) -> String? {
        switch scheme {
        case "http", "https":
            guard let url = URL(string: href), let host = url.host, !host.isEmpty else {
                return "'\(href)' is not a well-formed web address"
            }
            if host.contains("..") || host.hasPrefix(".") || host.hasSuffix("-") { return "'\(host)' is not a valid host name" }
            return nil
        case "mailto":
            let address = href.dropFirst("mailto:".count).split(separator: "?").first.map(String.init) ?? ""
            let parts = address.split(separator: "@")
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else {
                return "'\(href)' is not a well-formed e-mail link (mailto:name@example.org)"
            }
            return nil
        case "tel":
            let number = href.dropFirst("tel:".count)
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || "+-(). ".contains($0) }), number.contains(where: \.isNumber) else {
                return "'\(href)' is not a well-formed phone link (tel:+16015550100)"
            }
            return nil
        default:
            return nil
        }
    }
}
