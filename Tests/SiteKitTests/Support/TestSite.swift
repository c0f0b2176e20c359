import Foundation
import Testing

@testable import SiteKit

/// A small site written to a temporary folder, built in memory or on disk.
struct TestSite {
    let root: URL

    /// A theme small enough to read in a test, with every template the content model needs.
    static let minimalTheme: [String: String] = [
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

    /// Writes `files` (path → text) below a new temporary folder. Adds the minimal theme unless
    /// `theme: false` or the files bring their own templates.
    init(_ files: [String: String], theme: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-site-test-\(UUID().uuidString)")
        var all = files
        if theme && !files.keys.contains(where: { $0.hasPrefix("theme/") }) {
            all.merge(Self.minimalTheme) { own, _ in own }
        }
        for (path, text) in all {
            try write(path, text)
        }
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    func sources(output: String? = "output") -> SiteSources {
        SiteSources.read(
            content: url("content"), theme: url("theme"), output: output.map(url), workingDirectory: root)
    }

    func build(drafts: Bool = false, parallel: Bool = true) -> BuildResult {
        SiteBuilder(options: .init(drafts: drafts, parallel: parallel, today: "2026-11-24")).build(sources())
    }

    /// Builds and writes to `output/` when there is no error, as `clinic-site build` does.
    @discardableResult
    func buildAndWrite() throws -> BuildResult {
        let result = build()
        if !result.hasErrors {
            try OutputWriter.write(result.files, to: url("output"), displayPath: "output")
        }
        return result
    }

    func html(_ result: BuildResult, _ path: String) -> String? {
        for file in result.files where file.path == path {
            if case .text(let text) = file.contents { return text }
        }
        return nil
    }

    func read(_ path: String) -> String? {
        (try? Data(contentsOf: url(path))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every file below `folder`, relative, sorted.
    func listing(_ folder: String) -> [String] {
        let base = url(folder)
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let file as URL in e where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            out.append(String(file.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1)))
        }
        return out.sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

extension BuildResult {
    /// Diagnostics as compact lines, `file:line:col: severity: code`, for exact assertions.
    var lines: [String] { diagnostics.map { "\($0.position): \($0.severity.rawValue): \($0.code)" } }
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    func codes(_ severity: Diagnostic.Severity? = nil) -> [String] {
        diagnostics.filter { severity == nil || $0.severity == severity }.map(\.code)
    }
}

/// The repository root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A page with front matter, for brevity.
func page(_ title: String, _ body: String = "", extra: String = "") -> String {
    "---\ntitle: \(title)\n\(extra)---\n\n\(body)"
}
