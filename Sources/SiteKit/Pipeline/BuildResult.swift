import Foundation

/// A file of the built site.
public struct OutputFile: Sendable {
    public enum Contents: Sendable {
        case text(String)
        /// Copied from a source file (images, PDFs, theme assets).
        case copy(URL)
    }

    /// Path below the output folder, `/`-separated.
    public var path: String
    public var contents: Contents
}

/// What a build produced: the files (not yet written) and every diagnostic, sorted.
public struct BuildResult: Sendable {
    public var files: [OutputFile]
    public var diagnostics: [Diagnostic]
    public var pageCount: Int

    /// Seconds spent in each stage, in order (printed by `clinic-site build --timings`).
    public var timings: [(stage: String, seconds: Double)] = []

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// True when a diagnostic is about the environment (missing folder, unreadable file): exit 2.
    public var hasEnvironmentErrors: Bool { diagnostics.contains { $0.severity == .error && $0.code.hasPrefix("io.") } }
}
