import Foundation
import SiteKit
import SiteMarkdown

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
    var diagnostics: [Diagnostic] {
        didSet { countDiagnostics() }
    }
    var pageCount: Int
    /// Source texts by display path (for the source line under each error in the overlay).
    var sources: SourceTexts
    /// Worked out once per build, not per request.
    private(set) var errors: [Diagnostic] = []
    private(set) var warningCount = 0

    var hasErrors: Bool { !errors.isEmpty }

    init(result: BuildResult, sources siteSources: SiteSources) {
        var files: [String: ServedFile] = [:]
        files.reserveCapacity(result.files.count)
        for file in result.files { files[file.path] = Self.served(file) }
        self.files = files
        self.diagnostics = result.diagnostics
        self.pageCount = result.pageCount
        self.sources = SourceTexts(siteSources)
        countDiagnostics()
    }

    /// The next build from this one: only `changed` paths (and copied files whose source is among
    /// `touched`) are looked at again. The paths of `result` must be this snapshot's.
    func updated(result: BuildResult, sources siteSources: SiteSources, changed: [String], touched: Set<String>) -> (SiteSnapshot, filesChanged: Bool) {
        var next = self
        var filesChanged = false
        for path in changed {
            if let file = Self.file(at: path, in: result.files) {
                next.files[path] = Self.served(file)
                filesChanged = true
            }
        }
        if !touched.isEmpty {
            for (path, served) in files {
                guard case .file(let url, _, _) = served, touched.contains(url.standardizedFileURL.path) else { continue }
                let again = Self.stamp(url)
                if again != served {
                    next.files[path] = again
                    filesChanged = true
                }
            }
        }
        if result.diagnostics != diagnostics { next.diagnostics = result.diagnostics }
        next.pageCount = result.pageCount
        next.sources = SourceTexts(siteSources)
        return (next, filesChanged)
    }

    private mutating func countDiagnostics() {
        errors = diagnostics.filter { $0.severity == .error }
        warningCount = diagnostics.warningCount
    }

    /// Binary search in files sorted by path.
    static func file(at path: String, in files: [OutputFile]) -> OutputFile? {
        var low = 0
        var high = files.count
        while low < high {
            let mid = (low + high) / 2
            if files[mid].path < path { low = mid + 1 } else { high = mid }
        }
        return low < files.count && files[low].path == path ? files[low] : nil
    }

    static func served(_ file: OutputFile) -> ServedFile {
        switch file.contents {
        case .text(let text): return .text(text)
        case .copy(let url): return stamp(url)
        }
    }

    static func stamp(_ url: URL) -> ServedFile {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return .file(url, size: size, modified: modified)
    }

    /// The line a diagnostic points at, when known.
    func sourceLine(_ position: SourcePosition) -> String? {
        guard position.line > 0, let text = sources[position.file] else { return nil }
        return LineLocator(text).line(position.line).map(String.init)
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

/// The text of every source file by display path (`SourceLookup`), looked up only when a message
/// shows a line.
public struct SourceTexts: Sendable {
    private let files: SourceLookup

    init(_ sources: SiteSources) {
        files = SourceLookup(sources)
    }

    public subscript(displayPath: String) -> String? { files[displayPath]?.text }
}
