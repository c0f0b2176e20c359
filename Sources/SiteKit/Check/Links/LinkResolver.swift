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
        // The first ':' scalar: a ':' followed by a combining mark is one Character with it, but a
        // browser still reads the scheme before it (`javascript:\u{301}…`).
        guard let colon = s.unicodeScalars.firstIndex(of: ":") else { return nil }
        let candidate = s.unicodeScalars[..<colon]
        guard let first = candidate.first,
            (first.value >= 65 && first.value <= 90) || (first.value >= 97 && first.value <= 122),
            candidate.allSatisfy({ c in
                (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || (c.value >= 48 && c.value <= 57)
                    || c == "+" || c == "-" || c == "."
            })
        else { return nil }
        return String(candidate).lowercased()
    }

    /// `s` ends with the ASCII `suffix`, compared as bytes and ignoring ASCII case.
    static func hasSuffixIgnoringASCIICase(_ s: String, _ suffix: String) -> Bool {
        let bytes = Array(s.utf8.suffix(suffix.utf8.count))
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        return bytes.count == suffix.utf8.count && zip(bytes, suffix.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// Resolves `href` as written on the page at `pageURL` (root-relative, e.g. `/faq/`).
    ///
    /// Paths are handled as unicode scalars and bytes, never as Characters: a '/' (or '#', '?',
    /// ' ') followed by a combining mark forms one Character with it, which a Character-based
    /// split, prefix or search does not see, while a browser and the file system do.
    public static func resolve(_ href: String, from pageURL: String, allowedSchemes: Set<String> = []) -> Target {
        if let fast = resolveSimple(href) { return fast }
        let trimmed = asBrowsersRead(href).trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .malformed(reason: "the link has no destination") }
        let lowered = trimmed.lowercased()
        if trimmed.unicodeScalars.contains(where: { $0 == " " || $0 == "\\" }) && !lowered.utf8.starts(with: "mailto:".utf8)
            && !lowered.utf8.starts(with: "tel:".utf8)
        {
            return .malformed(reason: "a link destination cannot contain spaces or backslashes (use %20 or a hyphen)")
        }
        if let scheme = scheme(of: trimmed) {
            if allowedSchemes.contains(scheme) { return .external(scheme: scheme) }
            if dangerousSchemes.contains(scheme) { return .unsafe(scheme: scheme) }
            guard externalSchemes.contains(scheme) else { return .unsafe(scheme: scheme) }
            if let reason = malformedExternal(trimmed, scheme: scheme) { return .malformed(reason: reason) }
            return .external(scheme: scheme)
        }
        if trimmed.utf8.starts(with: "//".utf8) { return .malformed(reason: "a link starting with // needs a scheme: write https://…") }
        var rest = Substring(trimmed).unicodeScalars
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            let raw = String(rest[rest.index(after: hash)...])
            fragment = raw.removingPercentEncoding ?? raw
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
        if rest.isEmpty {
            return fragment.map { .samePage(fragment: $0) } ?? .malformed(reason: "the link has no destination")
        }
        guard let decoded = String(rest).removingPercentEncoding else {
            return .malformed(reason: "the link has a broken %-escape")
        }
        let rooted = decoded.utf8.first == UInt8(ascii: "/")
        let base: String
        if rooted {
            base = ""
        } else {
            // Relative links resolve against the page's folder, as a browser does.
            let page = Substring(pageURL).utf8.drop { $0 == UInt8(ascii: "/") }
            let folder = page.lastIndex(of: UInt8(ascii: "/")).map { page[..<$0] } ?? page[page.startIndex..<page.startIndex]
            base = String(decoding: pageURL.utf8.last == UInt8(ascii: "/") ? page : folder, as: UTF8.self)
        }
        let relative = rooted ? String(decoding: decoded.utf8.dropFirst(), as: UTF8.self) : decoded
        guard let normalized = normalize(path: relative, base: base) else {
            return .malformed(reason: "the link climbs above the site's root with '..'")
        }
        let trailing = decoded.utf8.last == UInt8(ascii: "/") && !normalized.isEmpty ? "/" : ""
        return .local(path: "/" + normalized + trailing, fragment: fragment)
    }

    /// `href` as a browser's URL parser (WHATWG) reads it before looking for a scheme: leading
    /// and trailing C0 controls and spaces dropped, and every tab, LF and CR removed, so that
    /// `java\tscript:` or `\u{1}javascript:` (which browsers run) are seen as `javascript:`.
    static func asBrowsersRead(_ href: String) -> String {
        var scalars = href.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }[...]
        while let c = scalars.first, c.value <= 0x20 { scalars.removeFirst() }
        while let c = scalars.last, c.value <= 0x20 { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
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
    /// nil when `..` climbs above the root. Splits on the byte '/', as the file system does.
    public static func normalize(path: String, base: String) -> String? {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        var segments = base.utf8.split(separator: slash).map { String(decoding: $0, as: UTF8.self) }
        for part in path.utf8.split(separator: slash, omittingEmptySubsequences: true) {
            if part.elementsEqual([dot]) { continue }
            if part.elementsEqual([dot, dot]) {
                if segments.isEmpty { return nil }
                segments.removeLast()
            } else {
                segments.append(String(decoding: part, as: UTF8.self))
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
