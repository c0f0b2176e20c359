import Foundation
import SiteKit

/// A small site in a temporary folder, for every test target: files written below `root`,
/// built in memory or on disk, edited as editors do (write, then rename), removed when done.
///
/// `init(_:theme:)` adds `minimalTheme` unless the files bring templates of their own; `basic`
/// is a whole site with its own theme and a file outside `content/` and `theme/`
/// (`secret.txt`), which the preview server's tests make sure no request reaches.
package final class TestSite: @unchecked Sendable {
    package let root: URL
    /// True when this site made `root`: then it removes it when it goes away. A site made with
    /// `init(root:)` never removes anything.
    private let owned: Bool

    package var content: URL { url("content") }
    package var theme: URL { url("theme") }

    /// The date every build of a test site takes as today, so rules never depend on the clock.
    package static let today = "2026-11-24"

    /// A theme small enough to read in a test, with every template the content model needs.
    package static let minimalTheme: [String: String] = [
        "theme/templates/base.mustache": """
            <!DOCTYPE html>
            <html lang="{{site.language}}">
            <head><meta charset="utf-8"><title>{{page.title}} | {{site.name}}</title><link rel="stylesheet" href="/style.css">{{{json_ld}}}</head>
            <body>{{> partials/nav}}
            <main id="main">{{$main}}{{/main}}</main>
            <footer><p>Crisis help: call or text 988.</p></footer>
            </body></html>
            """,
        "theme/templates/page.mustache": "{{<base}}{{$main}}<h1>{{page.title}}</h1>\n{{{content}}}{{/main}}{{/base}}\n",
        "theme/templates/partials/nav.mustache": "<nav><ul>{{#menu}}<li><a href=\"{{url}}\"{{#current}} aria-current=\"page\"{{/current}}>{{title}}</a></li>{{/menu}}</ul></nav>\n",
        "theme/static/style.css": "body{}\n",
    ]

    /// What `basic`'s `secret.txt` holds.
    package static let secret = "TOP-SECRET-OUTSIDE-THE-SITE"

    /// A site with a one-template theme, a 404 page, files of several types, and `secret.txt`
    /// beside `content/` and `theme/`.
    package static let basic: [String: String] = [
        "secret.txt": secret + "\n",
        "content/_site.yaml": "name: Test Clinic\nbase_url: https://test.example\n",
        "content/index.md": "---\ntitle: Home\ndescription: The home page.\n---\n\nWelcome home. See the [FAQ](faq/index.md).\n",
        "content/faq/index.md": "---\ntitle: FAQ\ndescription: Questions.\n---\n\nFirst answer.\n",
        "content/404.md": "---\ntitle: Not found\ndescription: Missing.\nurl: /404.html\nsitemap: false\n---\n\nThis page does not exist.\n",
        "content/files/guide.pdf": "%PDF-1.4 fake\n",
        "theme/templates/page.mustache":
            "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{{site.name}}</title></head><body>{{{content}}}</body></html>\n",
        "theme/static/style.css": "body { color: black; }\n",
        "theme/static/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        "theme/static/app.js": "console.log(1);\n",
        "theme/static/data.json": "{}\n",
    ]

    /// Writes `files` (path → text) below a new temporary folder, with `minimalTheme` unless
    /// `theme` is false or the files bring their own templates.
    package convenience init(_ files: [String: String] = TestSite.basic, theme: Bool = true) throws {
        try self.init(files, theme: theme ? Self.minimalTheme : [:])
    }

    /// Writes `files` below a new temporary folder, with the files of `theme` unless `files`
    /// bring their own templates.
    package init(_ files: [String: String], theme: [String: String]) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-site-test-\(UUID().uuidString)")
            .resolvingSymlinksInPath()
        owned = true
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var all = files
        if !files.keys.contains(where: { $0.hasPrefix("theme/") }) {
            all.merge(theme) { own, _ in own }
        }
        for (path, text) in all {
            try write(path, text)
        }
    }

    /// A site that already exists at `root` (the repository, a fixture): read, never removed.
    package init(root: URL) {
        self.root = root
        owned = false
    }

    deinit {
        if owned { try? FileManager.default.removeItem(at: root) }
    }

    /// Writes `text` to `path`, as editors do: to a temporary file, then renamed onto the path,
    /// so a reader never sees half a file.
    package func write(_ path: String, _ text: String) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".tmp-\(UUID().uuidString.prefix(6))")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else { throw TestFailure("cannot rename onto \(path)") }
    }

    /// Deletes the file or folder at `path`.
    package func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: url(path))
    }

    package func move(_ from: String, to: String) throws {
        let target = url(to)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: url(from), to: target)
    }

    package func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: url(path).path)
    }

    package func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    package func sources(output: String? = "output") -> SiteSources {
        SiteSources.read(content: content, theme: theme, output: output.map(url), workingDirectory: root)
    }

    package func build(drafts: Bool = false, parallel: Bool = true, today: String = TestSite.today, output: String? = "output") -> BuildResult {
        SiteBuilder(options: .init(drafts: drafts, parallel: parallel, today: today)).build(sources(output: output))
    }

    /// Builds and writes to `output/` when there is no error, as `clinic-site build` does.
    @discardableResult
    package func buildAndWrite() throws -> BuildResult {
        let result = build()
        if !result.hasErrors {
            try OutputWriter.write(result.files, to: url("output"), displayPath: "output")
        }
        return result
    }

    /// The text of the built file at `path`, nil when the build made none.
    package func html(_ result: BuildResult, _ path: String) -> String? {
        for file in result.files where file.path == path {
            if case .text(let text) = file.contents { return text }
        }
        return nil
    }

    package func read(_ path: String) -> String? {
        (try? Data(contentsOf: url(path))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every file below `folder`, relative, sorted.
    package func listing(_ folder: String) -> [String] {
        let base = url(folder)
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let file as URL in e where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            out.append(String(file.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1)))
        }
        return out.sorted()
    }

    /// Deletes the whole site now (a site made by `init(root:)` is left alone).
    package func remove() {
        if owned { try? FileManager.default.removeItem(at: root) }
    }
}

/// A page with front matter, for brevity.
package func page(_ title: String, _ body: String = "", extra: String = "") -> String {
    "---\ntitle: \(title)\n\(extra)---\n\n\(body)"
}

/// The repository root, from this file's path (`Tests/TestSupport/TestSite.swift`).
package let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
