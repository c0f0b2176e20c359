import Dispatch
import Foundation
import SiteMarkdown

/// The build pipeline: named stages from sources to files and diagnostics, the same for
/// `build`, `check`, `serve` and `lsp`. It writes nothing (`OutputWriter` does) and reads no
/// source (`SiteSources.read` does); photos are read and kept in their cache folder, and
/// `--check-external` asks the network (docs/architecture.md).
///
///     SiteSources → LoadStage → SiteDataStage → AssembleStage → OutputStage → CheckStage
///       → ReportStage → BuildResult
///
/// Each stage is a folder with its input and output types; its memo, beside it, is what a
/// `BuildCache` keeps for the next build. Without a cache the same stages run with memos that
/// keep nothing.
public struct SiteBuilder: Sendable {
    public struct Options: Sendable {
        /// Include `draft: true` pages.
        public var drafts = false
        /// Render on all cores (results are the same either way).
        public var parallel = true
        /// Check http(s) links over the network (off by default; see `ExternalLinkChecker`).
        public var externalLinks: ExternalLinkChecker?
        /// Render each template once per shape of context and fill in the values (see
        /// `TemplateSkeletons`); off renders every page through swift-mustache. Same results.
        public var reusesTemplateSkeletons = true
        /// Publishes the raster images (variants, kept in its cache folder; see `ImageProcessor`).
        public var images = ImageProcessor.temporary
        /// "Today" for date-based checks (medical review age), so results never depend on the clock.
        public var today: String
        /// Drops each fix whose file does not hold its `original` text (`keepingFixes`, in
        /// `ReportStage`). Off for a caller that checks the fixes it uses against the text itself:
        /// the language server, only for the files whose diagnostics it publishes.
        public var checksFixes = true

        public init(drafts: Bool = false, parallel: Bool = true, today: String = Options.currentDate()) {
            self.drafts = drafts
            self.parallel = parallel
            self.today = today
        }

        /// The current date as YYYY-MM-DD (UTC). From the C library's calendar, not
        /// `DateFormatter`: that loads ICU's locale and time-zone data (about 5 MB resident) on
        /// every run, even one given `--today`, whose default this is.
        public static func currentDate() -> String {
            var now = time(nil)
            var parts = tm()
            gmtime_r(&now, &parts)
            func padded(_ n: Int32, _ width: Int) -> String {
                let digits = String(n)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))"
        }
    }

    public var options: Options
    /// Results of earlier builds to reuse (`clinic-site serve`); the result is the same without.
    public var cache: BuildCache?

    public init(options: Options = Options(), cache: BuildCache? = nil) {
        self.options = options
        self.cache = cache
    }

    /// Problems reading the sources after which there is nothing to build.
    static let stoppingCodes: Set<String> = ["io.missing-folder", "io.output-inside-content", "io.output-contains-sources"]

    public func build(_ sources: SiteSources) -> BuildResult {
        if sources.diagnostics.contains(where: { Self.stoppingCodes.contains($0.code) }) {
            cache?.stopped()
            return BuildResult(files: [], diagnostics: sources.diagnostics.sortedForReport(), pageCount: 0)
        }
        let cache = self.cache ?? BuildCache(keeps: false)
        cache.beginBuild()
        defer { cache.endBuild() }
        var clock = StageClock()
        var loaded = LoadStage.run(sources, options: options, cache: cache)
        clock.lap("load pages")
        let site = SiteDataStage.run(loaded, sources: sources, options: options, cache: cache)
        clock.lap("site data")
        let assembled = AssembleStage.run(&loaded, site: site, options: options, cache: cache)
        clock.lap("render and assemble")
        let output = OutputStage.run(assembled, site: site, settings: loaded.settings, sources: sources, cache: cache)
        clock.lap("index output")
        let checked = CheckStage.run(assembled, output: output, site: site, settings: loaded.settings, sources: sources, options: options, cache: cache)
        clock.lap("check links")
        let report = ReportStage.run(
            global: sources.diagnostics + loaded.diagnostics + site.diagnostics + output.conflicts + checked.diagnostics,
            pageDiagnostics: loaded.pageDiagnostics + assembled.diagnostics + checked.pageDiagnostics,
            files: output.files, pages: site.pages, site: site, sources: sources, options: options, cache: cache)
        clock.lap("report")
        let result = BuildResult(files: report.files, diagnostics: report.diagnostics, pageCount: site.pages.count, timings: clock.laps)
        // What only this build used (every assembled page, with its facts and diagnostics) is
        // freed on another thread: freeing it here was serial work before the output is written.
        let garbage = Garbage((loaded, site, assembled, checked))
        DispatchQueue.global(qos: .utility).async { garbage.drop() }
        return result
    }
}
