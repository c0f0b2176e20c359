import Foundation

/// What `clinic-site serve` serves and how.
public struct PreviewConfiguration: Sendable {
    /// The address to listen on: an IPv4 or IPv6 address, or `localhost`. Loopback by default,
    /// so the preview (drafts included) is not shown to the network.
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: UInt16 = 8000
    public var content: URL
    public var theme: URL
    /// Messages name files relative to it (`content/faq.md`).
    public var workingDirectory: URL
    public var watch: WatchMode = .native
    /// Saves closer together than this make one rebuild.
    public var debounce: Duration = .milliseconds(100)
    /// "Today" for date checks; nil takes the current date at each rebuild.
    public var today: String?
    /// Render on all cores.
    public var parallel = true

    public init(content: URL, theme: URL, workingDirectory: URL) {
        self.content = content.standardizedFileURL
        self.theme = theme.standardizedFileURL
        self.workingDirectory = workingDirectory.standardizedFileURL
    }
}

/// What the server tells whoever started it (the CLI prints it; the library never prints).
public enum PreviewEvent: Sendable {
    /// A build finished (the first one, then one per burst of changes).
    case built(PreviewBuildReport)
    /// The watcher could not watch something; the message says what to do.
    case watcherProblem(String)
}

/// One build of the preview.
public struct PreviewBuildReport: Sendable {
    /// 1 for the first build, then one more per rebuild.
    public var number: Int
    public var pageCount: Int
    public var fileCount: Int
    /// Reading `content/` and `theme/`, then building in memory.
    public var readSeconds: Double
    public var buildSeconds: Double
    public var seconds: Double { readSeconds + buildSeconds }
    /// Sorted, as `clinic-site build` reports them.
    public var diagnostics: [Diagnostic]
    /// Whether the served site (files or diagnostics) differs from the previous build; open
    /// pages reload only then.
    public var changed: Bool
    /// Whether the diagnostics differ from the previous build's.
    public var diagnosticsChanged: Bool
    /// Whether a build without errors exists (this one or an earlier one): while the site has
    /// errors, pages show them over that build's pages, else as a page of their own.
    public var hasGoodBuild: Bool
    /// Source texts by display path, for `DiagnosticFormatter`'s excerpts.
    public var sources: SourceTexts
    /// What the build did again: pages rendered and checked, of how many (nil without a cache).
    public var work: BuildCache.Statistics?
    /// Whether the sources were read again one changed file at a time (rather than walked whole).
    public var readChangedFilesOnly = false
    /// Seconds spent in each stage of the build (`serve --timings`).
    public var timings: [(stage: String, seconds: Double)] = []

    public var hasErrors: Bool { diagnostics.errorCount > 0 }
}

import SiteKit
