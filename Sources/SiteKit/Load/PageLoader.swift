import Foundation

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
            if let i = w.int {
                weight = i
            } else {
                // Name what was written (`10^30`, a number too long for a whole number), not only its type.
                let written = w.written ?? w.string.map { "'\($0)'" } ?? w.typeName
                diagnostics.append(
                    .error(
                        "schema.type", at: w.position, "'weight' must be a whole number such as 10, not \(written)",
                        suggestion: "weights only order pages (lower first): small whole numbers such as 10, 20, 30 are enough"))
            }
        }

        let (kind, url, outputPath, urlPosition) = location(of: file, frontMatter: frontMatter, diagnostics: &diagnostics)
        var aliases: [(String, SourcePosition)] = []
        if let list = frontMatter["aliases"] {
            for item in list.array ?? [list] {
                guard let s = item.string, let normalized = normalizeExplicitURL(s) else {
                    diagnostics.append(
                        .error(
                            "page.bad-url", at: item.position,
                            "an alias must be a path on this site such as /old-faq/\(item.string.flatMap(urlProblem).map { ": \($0)" } ?? "")"))
                    continue
                }
                aliases.append((normalized, item.position))
            }
        }
        let page = Page(
            source: file, frontMatter: frontMatter, title: title ?? "", description: text("description"),
            date: text("date"), draft: draft, weight: weight, template: text("template"), kind: kind,
            url: url, outputPath: outputPath, aliases: aliases, urlPosition: urlPosition, body: split.body,
            ignores: IgnoreMarkers(text: file.text, frontMatter: frontMatter))
        return (page, diagnostics)
    }

    static func location(
        of file: SourceFile, frontMatter: YAMLValue, diagnostics: inout [Diagnostic]
    ) -> (Page.Kind, String, String, SourcePosition?) {
        // Split on the scalar '/', as the file system does (see normalizeExplicitURL).
        var parts = file.relativePath.unicodeScalars.split(separator: "/").map(String.init)
        let fileName = parts.removeLast()
        // Drop ".md" as bytes: a prepended mark (U+0600) before the '.' would make ".md" no
        // suffix of Characters, and dropLast(3) would take the mark with it.
        let stem = String(decoding: fileName.utf8.dropLast(3), as: UTF8.self)
        var kind = Page.Kind.page
        if stem == "index" || stem == "_index" {
            kind = parts.isEmpty ? .home : .section
        } else {
            parts.append(stem)
        }
        var urlPosition: SourcePosition?
        if let slugValue = frontMatter["slug"], kind == .page {
            if let slug = slugValue.string, slugProblem(slug) == nil {
                parts[parts.count - 1] = slug
                urlPosition = slugValue.position
            } else {
                let problem = slugValue.string.flatMap(slugProblem) ?? "it must be text, not \(slugValue.typeName)"
                diagnostics.append(
                    .error(
                        "page.bad-slug", at: slugValue.position,
                        "a slug is one piece of a URL (letters, digits, '-', '_', '.', '~'): \(problem)",
                        suggestion: "use letters, digits and hyphens, e.g. slug: what-to-expect"))
            }
        }
        if let urlValue = frontMatter["url"] {
            if let s = urlValue.string, let url = normalizeExplicitURL(s) {
                return (kind, url, outputPath(for: url), urlValue.position)
            }
            diagnostics.append(
                .error(
                    "page.bad-url", at: urlValue.position,
                    "'url' must be a path on this site such as /about/ or /404.html\(urlValue.string.flatMap(urlProblem).map { ": \($0)" } ?? "")"))
        }
        // A file or folder name that no link can reach as written (`a?b.md` gives `/a?b/`, which
        // a browser asks for as `/a`).
        for (index, part) in parts.enumerated() where !(index == parts.count - 1 && urlPosition != nil) {
            if let c = part.unicodeScalars.first(where: { $0 == "?" || $0 == "#" || $0 == "%" || $0 == "\\" || isInvisible($0) }) {
                diagnostics.append(
                    .error(
                        "page.bad-url", at: SourcePosition(file: file.displayPath, line: 1, column: 1),
                        "the file's path gives the URL '/\(parts.joined(separator: "/"))/', and \(describe(c)) cannot be in a URL as written",
                        suggestion: "rename '\(part)' with letters, digits and hyphens, or give the page a 'slug:' or 'url:'"))
                break
            }
        }
        let url = parts.isEmpty ? "/" : "/" + parts.joined(separator: "/") + "/"
        if let problem = urlLengthProblem(url) {
            diagnostics.append(
                .error(
                    "page.bad-url", at: urlPosition ?? SourcePosition(file: file.displayPath, line: 1, column: 1),
                    "the page's URL is too long: \(problem)", suggestion: "give the page a shorter 'slug:' or 'url:', or move it to a shallower folder"))
        }
        return (kind, url, outputPath(for: url), urlPosition)
    }

    static func isInvisible(_ c: Unicode.Scalar) -> Bool {
        c.properties.generalCategory == .control || c.properties.generalCategory == .format
    }

    /// `.` or `..`, compared by scalars.
    static func isDotSegment(_ segment: Substring.UnicodeScalarView) -> Bool {
        let scalars = Array(segment)
        return scalars == ["."] || scalars == [".", "."]
    }

    /// Why `slug` cannot be one segment of a URL as written, or nil when it can: letters, digits,
    /// '-', '_', '.', '~' and non-ASCII letters (with their marks) only, so the URL printed in
    /// links is the folder's name and needs no escaping; never empty, `.` or `..`.
    static func slugProblem(_ slug: String) -> String? {
        if slug.isEmpty { return "it is empty" }
        if let problem = segmentLengthProblem(Substring(slug)) { return problem }
        if isDotSegment(Substring(slug).unicodeScalars) { return "'\(slug)' names its folder itself or the folder above" }
        for scalar in slug.unicodeScalars where !isSlugScalar(scalar) {
            return "\(describe(scalar)) cannot be in a slug"
        }
        return nil
    }

    static func isSlugScalar(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            let v = c.value
            return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57) || c == "-" || c == "_" || c == "." || c == "~"
        }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The longest piece of a URL between two '/', in UTF-8 bytes: the file system allows 255 for a
    /// file or folder name (NAME_MAX), and the writer needs room for a temporary name beside it.
    public static let maxSegmentBytes = 200
    /// The longest URL of a page, in UTF-8 bytes: well below the 4,096 of a whole path (PATH_MAX),
    /// which also holds the output folder's own path.
    public static let maxURLBytes = 2_000

    /// Why a piece of a URL is too long for a file name, or nil.
    static func segmentLengthProblem(_ segment: Substring) -> String? {
        let n = segment.utf8.count
        guard n > maxSegmentBytes else { return nil }
        return "'\(segment.prefix(24))…' is \(n) bytes long; one piece of a URL may have at most \(maxSegmentBytes), as it becomes a file or folder name"
    }

    /// Why a whole URL is too long for the output's paths, or nil.
    static func urlLengthProblem(_ url: String) -> String? {
        let n = url.utf8.count
        guard n > maxURLBytes else { return nil }
        return "it is \(n) bytes long; a page's URL may have at most \(maxURLBytes), as it becomes a path on disk"
    }

    /// A scalar as messages name it: `'?'`, or its code for a blank, control or format character.
    static func describe(_ c: Unicode.Scalar) -> String {
        switch c.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return c == " " ? "a space" : String(format: "the character U+%04X", c.value)
        default:
            return "'\(c)'"
        }
    }

    /// `/x/` → `x/index.html`; `/404.html` → `404.html`. Works on bytes: a '/' merged with a
    /// combining mark into one Character is still a '/' on disk.
    static func outputPath(for url: String) -> String {
        var bytes = Substring(url).utf8
        if bytes.first == UInt8(ascii: "/") { bytes = bytes.dropFirst() }
        let trimmed = String(decoding: bytes, as: UTF8.self)
        if trimmed.isEmpty { return "index.html" }
        if url.utf8.last == UInt8(ascii: "/") { return trimmed + "index.html" }
        return trimmed
    }

    /// A root-relative URL from front matter (`url`, `aliases`): adds the leading and trailing
    /// slash; nil when it is not a plain path on this site (see `urlProblem`).
    static func normalizeExplicitURL(_ raw: String) -> String? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        guard urlProblem(s) == nil else { return nil }
        if s.utf8.first != UInt8(ascii: "/") { s = "/" + s }
        let last = s.unicodeScalars.split(separator: "/").last.map(String.init) ?? ""
        if s != "/" && s.utf8.last != UInt8(ascii: "/") && !last.unicodeScalars.contains(".") { s += "/" }
        return s
    }

    /// Why `url` (trimmed) is not a path on this site, or nil. Checked on unicode scalars, as the
    /// file system and browsers read it: a '/' followed by a combining mark is not a '/'
    /// Character, so Character-based checks would miss a '..' or '//' that the disk sees.
    static func urlProblem(_ url: String) -> String? {
        let scalars = url.unicodeScalars
        if scalars.isEmpty { return "it is empty" }
        for c in scalars {
            switch c {
            case "\\": return "'\\' is not a path separator; use '/'"
            case "?", "#": return "'\(c)' starts a query or a fragment, not part of a page's path"
            case "%": return "'%' would have to be written %25 in every link; leave it out"
            default:
                if isInvisible(c) {
                    return "\(describe(c)) cannot be in a URL"
                }
            }
        }
        let segments = scalars.split(separator: "/", omittingEmptySubsequences: false)
        if segments.count > 2, segments[0].isEmpty, segments[1].isEmpty {
            return "'//' starts a link to another site; a page's URL starts with a single '/'"
        }
        if scalars.contains(":") && LinkResolver.hasScheme(url) { return "a page's URL is a path such as /about/, not an address with a scheme" }
        // Empty segments (`/a//b/`) are allowed only as the leading and trailing '/'.
        let inner = segments.dropFirst(segments.first?.isEmpty == true ? 1 : 0).dropLast(segments.count > 1 && segments.last?.isEmpty == true ? 1 : 0)
        if inner.contains(where: { $0.isEmpty }) { return "'//' leaves an empty piece in the path" }
        if inner.contains(where: { isDotSegment($0) }) { return "'.' and '..' are not allowed in a page's URL" }
        if let problem = urlLengthProblem(url) { return problem }
        for segment in url.utf8.split(separator: UInt8(ascii: "/")) {
            if let problem = segmentLengthProblem(Substring(segment)) { return problem }
        }
        return nil
    }
}
