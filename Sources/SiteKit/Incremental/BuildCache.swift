import Foundation

/// What one build of a site leaves for the next build of the same site: each stage's memo, so
/// that a change to one page redoes only the work that change affects (`clinic-site serve` and
/// `clinic-site lsp` keep one across rebuilds).
///
///     let cache = BuildCache()
///     let builder = SiteBuilder(options: options, cache: cache)
///     let first = builder.build(sources)      // does everything, remembers it
///     let second = builder.build(edited)      // redoes what the edit affects
///
/// A build without a cache runs the same stages with memos that keep nothing. The result is
/// always that of such a build (files byte for byte, diagnostics in order): a test applies a
/// series of edits and compares after each. Each stage declares, beside its code, what it reads
/// (docs/architecture.md lists them): `LoadStage`, `SiteDataStage`, `AssembleStage`,
/// `OutputStage`, `CheckStage`, `ReportStage`.
///
/// Digests use `Hasher` (64 bits, seeded per process); the cache never outlives the process.
/// Builds that share a cache run one at a time (the cache serializes them).
public final class BuildCache: @unchecked Sendable {
    /// A cache for builds to come.
    public convenience init() { self.init(keeps: true) }

    /// `keeps: false`: memos for one build only, which remember nothing.
    init(keeps: Bool) {
        self.keeps = keeps
        load = LoadMemo(keeps: keeps)
        siteData = SiteDataMemo(keeps: keeps)
        assemble = AssembleMemo(keeps: keeps)
        output = OutputMemo(keeps: keeps)
        check = CheckMemo(keeps: keeps)
        report = ReportMemo(keeps: keeps)
    }

    let keeps: Bool
    var load: LoadMemo
    var siteData: SiteDataMemo
    var assemble: AssembleMemo
    var output: OutputMemo
    var check: CheckMemo
    var report: ReportMemo

    /// What the last build did, for tests and the preview's terminal line.
    public struct Statistics: Sendable, Equatable, CustomStringConvertible {
        /// Pages whose front matter was read again.
        public var loaded = 0
        /// Pages rendered and put into their template again.
        public var rendered = 0
        /// Pages whose links were checked again.
        public var checked = 0
        /// Pages the content rules looked at again.
        public var ruled = 0
        /// Pages in the build.
        public var pages = 0
        /// Whether the diagnostics were sorted from scratch (rather than patched).
        public var sortedAll = false

        public var description: String {
            "\(rendered) of \(pages) pages rendered, \(checked) checked"
        }
    }

    public internal(set) var statistics = Statistics()

    /// For tests only: dependencies the cache pretends not to have, to show that comparing with
    /// a full build catches a cache that misses one.
    struct Blind: Sendable, CustomStringConvertible {
        var source = false, settings = false, theme = false, urls = false, navigation = false, prices = false
        var lists = false, output = false, ids = false, rules = false, sitemap = false, index = false

        static var each: [Blind] {
            let keys: [WritableKeyPath<Blind, Bool>] = [
                \.source, \.settings, \.theme, \.urls, \.navigation, \.prices, \.lists, \.output, \.ids, \.rules, \.sitemap, \.index,
            ]
            let names = ["source", "settings", "theme", "urls", "navigation", "prices", "lists", "output", "ids", "rules", "sitemap", "index"]
            return zip(keys, names).map { key, name in
                var blind = Blind()
                blind[keyPath: key] = true
                blind.name = name
                return blind
            }
        }

        var name = "nothing"
        var description: String { name }
    }

    var blind = Blind()

    /// Output paths whose contents differ from the previous build's, or nil when unknown
    /// (the first build, or when files were added, removed or reordered).
    public internal(set) var changedFiles: [String]?

    /// Whether the last report differs from the one before.
    public var diagnosticsChanged: Bool { diagnosticFilesChanged.map { !$0.isEmpty } ?? true }

    /// The files (as diagnostics name them) whose diagnostics differ from the previous build's,
    /// or nil when unknown (the first build, or when the report was sorted again).
    public internal(set) var diagnosticFilesChanged: Set<String>?

    /// Source paths whose diagnostics may differ from the last build's: a stage redid the page,
    /// or the page left a stage (a draft now, a duplicate URL, deleted).
    var dirty: Set<String> = []

    // MARK: - Build bracket

    private let buildLock = NSLock()
    private var nextSerial = 0

    func beginBuild() {
        buildLock.lock()
        statistics = Statistics()
        dirty = []
        diagnosticFilesChanged = nil
    }

    func endBuild() {
        buildLock.unlock()
    }

    /// A build that stopped before its stages (a missing folder): what the next report changes
    /// is unknown.
    func stopped() {
        buildLock.lock()
        defer { buildLock.unlock() }
        report.forgetLastReport()
        diagnosticFilesChanged = nil
    }

    /// A number no earlier result of this cache has: stages tell versions of a result apart by it.
    func serial() -> Int {
        nextSerial += 1
        return nextSerial
    }

    static func digest<T: Hashable>(_ value: T) -> Int {
        var hasher = Hasher()
        hasher.combine(value)
        return hasher.finalize()
    }
}
