import Foundation
import SiteKit

/// A file of one build, as the server keeps it in memory.
enum ServedFile: Sendable, Equatable {
    case text(String)
    /// A file copied as it is (an image, a PDF, a theme asset), read from disk at each request.
    /// `size` and `modified` were read at build time, only to tell whether a rebuild changed it.
    case file(URL, size: Int, modified: Double)
}

/// One build of the site in memory: its files by output path, and its diagnostics.
struct SiteSnapshot: Sendable {
    var files: [String: ServedFile]
    var diagnostics: [Diagnostic]
    var pageCount: Int
    /// Source texts by display path (for the source line under each error in the overlay).
    var sources: [String: String]

    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    init(result: BuildResult, sources siteSources: SiteSources) {
        var files: [String: ServedFile] = [:]
        files.reserveCapacity(result.files.count)
        for file in result.files {
            switch file.contents {
            case .text(let text):
                files[file.path] = .text(text)
            case .copy(let url):
                let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
                let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                files[file.path] = .file(url, size: size, modified: modified)
            }
        }
        self.files = files
        self.diagnostics = result.diagnostics
        self.pageCount = result.pageCount
        var texts: [String: String] = [:]
        for file in siteSources.pages + siteSources.templates + Array(siteSources.dataFiles.values) {
            texts[file.displayPath] = file.text
        }
        if let settings = siteSources.settings { texts[settings.displayPath] = settings.text }
        self.sources = texts
    }

    /// The line a diagnostic points at, when known.
    func sourceLine(_ position: SourcePosition) -> String? {
        guard position.line > 0, let text = sources[position.file] else { return nil }
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if number == position.line { return String(line) }
        }
        return nil
    }
}

/// What the server shows: the latest build, and the last one without errors.
struct PreviewState: Sendable {
    var latest: SiteSnapshot?
    var lastGood: SiteSnapshot?
    /// Changes whenever what is served changes; pages carry it and reload when it moves on.
    var generation = 0
    /// Tells this server process from an earlier one, so a page from before a restart reloads.
    let instance: String

    init(instance: String = String(UInt32.random(in: 0...UInt32.max), radix: 36)) {
        self.instance = instance
    }

    var token: String { "\(instance)-\(generation)" }
}
