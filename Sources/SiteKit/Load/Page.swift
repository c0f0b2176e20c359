import Foundation

/// A Markdown page after its front matter is read: what it is and where it goes.
public struct Page: Sendable {
    public enum Kind: Sendable, Hashable { case home, section, page }

    // The fields live in one shared box, copied on write: a page is copied many times a build
    // (arrays of pages, memo entries), and a copy is then one retain instead of one per field.
    private final class Storage: @unchecked Sendable {
        var source: SourceFile
        var frontMatter: YAMLValue
        var title: String
        var description: String?
        var date: String?
        var draft: Bool
        var weight: Int
        var template: String?
        var kind: Kind
        var url: String
        var outputPath: String
        var aliases: [(url: String, position: SourcePosition)]
        var urlPosition: SourcePosition?
        var body: String
        var ignores: IgnoreMarkers

        init(
            source: SourceFile, frontMatter: YAMLValue, title: String, description: String?, date: String?, draft: Bool,
            weight: Int, template: String?, kind: Kind, url: String, outputPath: String,
            aliases: [(url: String, position: SourcePosition)], urlPosition: SourcePosition?, body: String,
            ignores: IgnoreMarkers
        ) {
            self.source = source
            self.frontMatter = frontMatter
            self.title = title
            self.description = description
            self.date = date
            self.draft = draft
            self.weight = weight
            self.template = template
            self.kind = kind
            self.url = url
            self.outputPath = outputPath
            self.aliases = aliases
            self.urlPosition = urlPosition
            self.body = body
            self.ignores = ignores
        }

        func copy() -> Storage {
            Storage(
                source: source, frontMatter: frontMatter, title: title, description: description, date: date, draft: draft,
                weight: weight, template: template, kind: kind, url: url, outputPath: outputPath, aliases: aliases,
                urlPosition: urlPosition, body: body, ignores: ignores)
        }
    }

    private var storage: Storage

    public init(
        source: SourceFile, frontMatter: YAMLValue, title: String, description: String?, date: String?, draft: Bool,
        weight: Int, template: String?, kind: Kind, url: String, outputPath: String,
        aliases: [(url: String, position: SourcePosition)], urlPosition: SourcePosition?, body: String,
        ignores: IgnoreMarkers = IgnoreMarkers()
    ) {
        storage = Storage(
            source: source, frontMatter: frontMatter, title: title, description: description, date: date, draft: draft,
            weight: weight, template: template, kind: kind, url: url, outputPath: outputPath, aliases: aliases,
            urlPosition: urlPosition, body: body, ignores: ignores)
    }

    private mutating func unique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public var source: SourceFile {
        get { storage.source }
        _modify {
            unique()
            yield &storage.source
        }
    }

    /// The front matter as a mapping (empty when the file has none).
    public var frontMatter: YAMLValue {
        get { storage.frontMatter }
        _modify {
            unique()
            yield &storage.frontMatter
        }
    }

    public var title: String {
        get { storage.title }
        _modify {
            unique()
            yield &storage.title
        }
    }

    public var description: String? {
        get { storage.description }
        _modify {
            unique()
            yield &storage.description
        }
    }

    public var date: String? {
        get { storage.date }
        _modify {
            unique()
            yield &storage.date
        }
    }

    public var draft: Bool {
        get { storage.draft }
        _modify {
            unique()
            yield &storage.draft
        }
    }

    public var weight: Int {
        get { storage.weight }
        _modify {
            unique()
            yield &storage.weight
        }
    }

    /// The template named by front matter `template:`, if any.
    public var template: String? {
        get { storage.template }
        _modify {
            unique()
            yield &storage.template
        }
    }

    public var kind: Kind {
        get { storage.kind }
        _modify {
            unique()
            yield &storage.kind
        }
    }

    /// Root-relative URL: `/faq/`, `/`, or a file URL such as `/404.html`.
    public var url: String {
        get { storage.url }
        _modify {
            unique()
            yield &storage.url
        }
    }

    /// Path of the HTML file below the output folder: `faq/index.html`.
    public var outputPath: String {
        get { storage.outputPath }
        _modify {
            unique()
            yield &storage.outputPath
        }
    }

    /// Other URLs that redirect to this page.
    public var aliases: [(url: String, position: SourcePosition)] {
        get { storage.aliases }
        _modify {
            unique()
            yield &storage.aliases
        }
    }

    /// Where the URL was chosen: the `url:` or `slug:` value; nil when it comes from the file's path.
    public var urlPosition: SourcePosition? {
        get { storage.urlPosition }
        _modify {
            unique()
            yield &storage.urlPosition
        }
    }

    /// The Markdown body, front-matter lines blanked so lines match the file.
    public var body: String {
        get { storage.body }
        _modify {
            unique()
            yield &storage.body
        }
    }

    /// The author's `ignore` markers (front matter and `<!-- ignore: -->` comments).
    public var ignores: IgnoreMarkers {
        get { storage.ignores }
        _modify {
            unique()
            yield &storage.ignores
        }
    }

    /// The source folder below `content/` ("" at the top).
    public var sourceDirectory: String {
        // Up to the last '/' byte (not Character: see PageLoader.normalizeExplicitURL).
        let bytes = source.relativePath.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(decoding: bytes[..<slash], as: UTF8.self)
    }

    /// The first folder of the URL (`services` for `/services/knee/`), nil for top-level pages.
    public var section: String? {
        let parts = url.unicodeScalars.split(separator: "/")
        return parts.count >= 2 || (kind == .section && parts.count == 1) ? String(parts[0]) : nil
    }
}
