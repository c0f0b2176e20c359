import Foundation

/// The text sources of a build (pages, templates, data files, settings) by the path that
/// diagnostics name them by (`displayPath`). The pages' table is made on first use, and only when
/// a path is not one of the few templates, data files or settings. Thread-safe.
public final class SourceLookup: @unchecked Sendable {
    private let sources: SiteSources
    private let lock = NSLock()
    private var pages: [String: SourceFile]?

    public init(_ sources: SiteSources) {
        self.sources = sources
    }

    public subscript(displayPath: String) -> SourceFile? {
        if let template = sources.templates.first(where: { $0.displayPath == displayPath }) { return template }
        if let data = sources.dataFiles.values.first(where: { $0.displayPath == displayPath }) { return data }
        if let settings = sources.settings, settings.displayPath == displayPath { return settings }
        lock.lock()
        defer { lock.unlock() }
        if pages == nil {
            pages = Dictionary(sources.pages.lazy.map { ($0.displayPath, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return pages![displayPath]
    }
}
