import Foundation

/// A Markdown page after its front matter is read: what it is and where it goes.
public struct Page: Sendable {
    public enum Kind: Sendable, Hashable { case home, section, page }

    public var source: SourceFile
    /// The front matter as a mapping (empty when the file has none).
    public var frontMatter: YAMLValue
    public var title: String
    public var description: String?
    public var date: String?
    public var draft: Bool
    public var weight: Int
    /// The template named by front matter `template:`, if any.
    public var template: String?
    public var kind: Kind
    /// Root-relative URL: `/faq/`, `/`, or a file URL such as `/404.html`.
    public var url: String
    /// Path of the HTML file below the output folder: `faq/index.html`.
    public var outputPath: String
    /// Other URLs that redirect to this page.
    public var aliases: [(url: String, position: SourcePosition)]
    /// The Markdown body, front-matter lines blanked so lines match the file.
    public var body: String

    /// The source folder below `content/` ("" at the top).
    public var sourceDirectory: String {
        let dir = (source.relativePath as NSString).deletingLastPathComponent
        return dir
    }

    /// The first folder of the URL (`services` for `/services/knee/`), nil for top-level pages.
    public var section: String? {
        let parts = url.split(separator: "/")
        return parts.count >= 2 || (kind == .section && parts.count == 1) ? String(parts[0]) : nil
    }
}

/// Reads front matter and works out each page's URL.
public enum PageLoader {
    /// Loads one page; nil (with diagnostics) when its front matter cannot be read.
    public static func load(_ file: SourceFile) -> (Page?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let start = SourcePosition(file: file.displayPath, line: 1, column: 1)
        let split: SourceText.Split
        switch SourceText.splitFrontMatter(file.text, file: file.displayPath) {
        case .success(let s): split = s
        case .failure(let d): return (nil, [d])
        }
        var frontMatter = YAMLValue(.mapping([]), at: start)
        if let yaml = split.frontMatter {
            do {
                frontMatter = try YAMLReader.parse(yaml, file: file.displayPath, firstLine: split.frontMatterFirstLine)
            } catch {
                return (nil, [.error("frontmatter.invalid", at: error.position, error.message, suggestion: error.hint)])
            }
            if case .null = frontMatter.kind { frontMatter = YAMLValue(.mapping([]), at: start) }
            guard case .mapping = frontMatter.kind else {
                return (nil, [.error("frontmatter.invalid", at: frontMatter.position, "front matter must be a set of keys such as 'title: …', not \(frontMatter.typeName)")])
            }
        }

        func text(_ key: String) -> String? {
            guard let v = frontMatter[key] else { return nil }
            if case .null = v.kind { return nil }
            guard let s = v.string else {
                diagnostics.append(.error("schema.type", at: v.position, "'\(key)' must be text, not \(v.typeName)"))
                return nil
            }
            return s
        }

        // A missing title is reported by the content rules (schema.missing-key), with the rest of the schema.
        let title = text("title")
        var draft = false
        if let d = frontMatter["draft"] {
            if let b = d.bool { draft = b } else { diagnostics.append(.error("schema.type", at: d.position, "'draft' must be true or false, not \(d.typeName)")) }
        }
        var weight = 0
        if let w = frontMatter["weight"] {
            if let i = w.int { weight = i } else { diagnostics.append(.error("schema.type", at: w.position, "'weight' must be a whole number, not \(w.typeName)")) }
        }

        let (kind, url, outputPath) = location(of: file, frontMatter: frontMatter, diagnostics: &diagnostics)
        var aliases: [(String, SourcePosition)] = []
        if let list = frontMatter["aliases"] {
            for item in list.array ?? [list] {
                guard let s = item.string, let normalized = normalizeExplicitURL(s) else {
                    diagnostics.append(.error("page.bad-url", at: item.position, "an alias must be a path on this site such as /old-faq/, without '..'"))
                    continue
                }
                aliases.append((normalized, item.position))
            }
        }
        let page = Page(
            source: file, frontMatter: frontMatter, title: title ?? "", description: text("description"),
            date: text("date"), draft: draft, weight: weight, template: text("template"), kind: kind,
            url: url, outputPath: outputPath, aliases: aliases, body: split.body)
        return (page, diagnostics)
    }

    static func location(of file: SourceFile, frontMatter: YAMLValue, diagnostics: inout [Diagnostic]) -> (Page.Kind, String, String) {
        var parts = file.relativePath.split(separator: "/").map(String.init)
        let fileName = parts.removeLast()
        let stem = String(fileName.dropLast(3))
        var kind = Page.Kind.page
        if stem == "index" || stem == "_index" {
            kind = parts.isEmpty ? .home : .section
        } else {
            parts.append(stem)
        }
        if let slugValue = frontMatter["slug"], kind == .page {
            if let slug = slugValue.string, !slug.isEmpty, !slug.unicodeScalars.contains("/"), !slug.unicodeScalars.contains("\\"),
                !slug.unicodeScalars.contains("\0"), !Self.isDotSegment(Substring.UnicodeScalarView(slug.unicodeScalars))
            {
                parts[parts.count - 1] = slug
            } else {
                diagnostics.append(
                    .error(
                        "page.bad-slug", at: slugValue.position,
                        "a slug is one piece of a URL: no '/', no '..', not empty",
                        suggestion: "use letters, digits and hyphens, e.g. slug: what-to-expect"))
            }
        }
        if let urlValue = frontMatter["url"] {
            if let s = urlValue.string, let url = normalizeExplicitURL(s) {
                return (kind, url, outputPath(for: url))
            }
            diagnostics.append(.error("page.bad-url", at: urlValue.position, "'url' must be a path on this site such as /about/ or /404.html, without '..'"))
        }
        let url = parts.isEmpty ? "/" : "/" + parts.joined(separator: "/") + "/"
        return (kind, url, outputPath(for: url))
    }

    /// `.` or `..`, compared by scalars.
    static func isDotSegment(_ segment: Substring.UnicodeScalarView) -> Bool {
        let scalars = Array(segment)
        return scalars == ["."] || scalars == [".", "."]
    }

    /// `/x/` → `x/index.html`; `/404.html` → `404.html`.
    static func outputPath(for url: String) -> String {
        let trimmed = String(url.dropFirst())
        if trimmed.isEmpty { return "index.html" }
        if url.hasSuffix("/") { return trimmed + "index.html" }
        return trimmed
    }

    /// A root-relative URL from front matter (`url`, `aliases`): adds the leading and trailing
    /// slash; nil when it climbs (`..`) or is not a path.
    static func normalizeExplicitURL(_ raw: String) -> String? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, !s.contains("://"), !s.contains("\\"), !s.contains("?"), !s.contains("#") else { return nil }
        if !s.hasPrefix("/") { s = "/" + s }
        // Split on the scalar '/', as the file system does: a '/' followed by a combining mark is
        // not a '/' Character, so a Character split would miss a '..' segment.
        if s.unicodeScalars.contains("\0") || s.unicodeScalars.contains("\\") { return nil }
        let segments = s.unicodeScalars.split(separator: "/", omittingEmptySubsequences: true)
        if segments.contains(where: { isDotSegment($0) }) { return nil }
        let last = segments.last.map(String.init) ?? ""
        if s != "/" && !s.hasSuffix("/") && !last.contains(".") { s += "/" }
        return s
    }
}
