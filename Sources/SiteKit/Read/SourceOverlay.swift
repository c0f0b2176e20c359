import Foundation

/// Texts that stand in for source files on disk: the unsaved buffers of an editor, for
/// `clinic-site lsp`. The build reads sources through `TreeReader.load`, which asks the overlay
/// first, so a buffer is decoded, classified and checked exactly as the saved file would be.
///
/// Keys are absolute, standardized paths (`/site/content/faq.md`). Only files that exist on disk
/// are walked; a buffer for a file never saved is not part of the site until it is.
public struct SourceOverlay: Sendable, Equatable {
    private var texts: [String: String] = [:]

    public init(_ texts: [String: String] = [:]) {
        for (path, text) in texts { self.texts[Self.key(path)] = text }
    }

    public var isEmpty: Bool { texts.isEmpty }
    public var paths: [String] { Array(texts.keys) }

    public subscript(path path: String) -> String? {
        get { texts[Self.key(path)] }
        set { texts[Self.key(path)] = newValue }
    }

    /// The bytes to decode in place of the file at `url`, when the overlay holds it.
    func bytes(for url: URL) -> [UInt8]? {
        guard !texts.isEmpty, let text = texts[url.standardizedFileURL.path] else { return nil }
        return Array(text.utf8)
    }

    static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
