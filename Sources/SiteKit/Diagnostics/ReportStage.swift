import Foundation

/// Stage 6: the report. Every diagnostic, less those the authors' `ignore` markers exempt
/// (`Suppressions`), sorted as `sortedForReport` sorts, each fix kept only where its file holds
/// the text it replaces (`keepingFixes`, unless `Options.checksFixes` is off); and the files
/// sorted by path.
///
/// Reads: each page's diagnostics from every stage, the site-wide ones, the pages with an
/// `ignore` marker, and the text of the files that fixes name. A build that keeps its memos
/// patches the last report where pages' diagnostics changed instead of sorting them all again,
/// and checks the fixes of those pages alone (and of the site-wide diagnostics).
enum ReportStage {
    /// `pageDiagnostics`: every page's diagnostics, when nothing is kept (the memos hold them otherwise).
    static func run(
        global: [Diagnostic], pageDiagnostics: [[Diagnostic]], files: [OutputFile], pages: [Page], site: SiteData,
        sources: SiteSources, options: SiteBuilder.Options, cache: BuildCache
    ) -> (files: [OutputFile], diagnostics: [Diagnostic]) {
        let checksFixes = options.checksFixes
        guard cache.keeps, let digests = site.digests else {
            var all = global
            all.reserveCapacity(global.count + pageDiagnostics.reduce(0) { $0 + $1.count })
            for list in pageDiagnostics { all += list }
            let kept = Suppressions(pages: pages).filter(all)
            // The files and the report are sorted at the same time, on two cores.
            return both(
                parallel: options.parallel, { files.sorted { $0.path < $1.path } },
                {
                    let sorted = kept.sortedForReport()
                    return checksFixes ? sorted.keepingFixes(thatMatch: sources) : sorted
                })
        }
        let (sortedFiles, changed) = cache.output.sorted(files)
        cache.changedFiles = changed
        let load = cache.load.entries
        let (assemble, check) = (cache.assemble, cache.check)
        let texts = SourceLookup(sources)
        let report = cache.report.report(
            global: checksFixes ? global.keepingFixes { texts[$0] } : global, pages: pages, digests: digests, dirty: cache.dirty,
            statistics: &cache.statistics
        ) { path in
            let entry = load[path]
            let diagnostics = (entry?.diagnostics ?? []) + assemble.diagnostics(of: path) + check.diagnostics(of: path)
            guard checksFixes else { return (diagnostics, false) }
            let own = entry?.source
            // Whether kept or dropped, a fix in another file depends on that file's text.
            let elsewhere = diagnostics.contains { $0.fix != nil && $0.position.file != own?.displayPath }
            return (diagnostics.keepingFixes { $0 == own?.displayPath ? own : texts[$0] }, elsewhere)
        }
        cache.diagnosticFilesChanged = report.changedFiles
        return (sortedFiles, report.diagnostics)
    }
}

/// What `ReportStage` remembers: each page's diagnostics and the sorted report.
struct ReportMemo {
    let keeps: Bool
    /// The last build's diagnostics of each page, by source path.
    private var chunks: [String: [Diagnostic]] = [:]
    private var lastGlobal: [Diagnostic] = []
    private var lastSuppressions: Int?
    private var lastSorted: [Diagnostic] = []
    /// Set when a build stopped before the report: the next one cannot say what changed.
    private var lastUnknown = false
    /// Pages whose diagnostics hold a fix in another file: it was checked against that file's
    /// text, which can change while the page stays as it was, so they are gathered on every build.
    private var fixesElsewhere: Set<String> = []

    init(keeps: Bool) { self.keeps = keeps }

    /// The report: the last one, patched where the diagnostics of `dirty` pages or the global
    /// ones changed. `chunk` gives a page's diagnostics now, and whether one of their fixes is
    /// in a file other than the page (then the page is gathered again on the next build, dirty
    /// or not). `changedFiles`: the files (as
    /// diagnostics name them) whose run of the report differs from the last one's; nil when the
    /// report was sorted again and differs.
    mutating func report(
        global: [Diagnostic], pages: [Page], digests: SiteDigests, dirty: Set<String>, statistics: inout BuildCache.Statistics,
        chunk: (String) -> (diagnostics: [Diagnostic], fixElsewhere: Bool)
    ) -> (diagnostics: [Diagnostic], changedFiles: Set<String>?) {
        var removed: [Diagnostic] = []
        var added: [Diagnostic] = []
        for path in fixesElsewhere.isEmpty ? dirty : dirty.union(fixesElsewhere) {
            let (diagnostics, fixElsewhere) = chunk(path)
            if fixElsewhere { fixesElsewhere.insert(path) } else { fixesElsewhere.remove(path) }
            let old = chunks[path] ?? []
            if old != diagnostics {
                removed += old
                added += diagnostics
            }
            chunks[path] = diagnostics.isEmpty ? nil : diagnostics
        }
        if global != lastGlobal {
            removed += lastGlobal
            added += global
        }
        lastGlobal = global

        let patchable = lastSuppressions == digests.suppressions && removed.count + added.count < 4096
        lastSuppressions = digests.suppressions
        let suppressions = Suppressions(pages: pages)
        if patchable {
            // Taken out of the memo while it is patched, so that it is patched in place when the
            // caller has let go of the last report.
            var sorted = lastSorted
            lastSorted = []
            let files = Self.patch(&sorted, removing: suppressions.filter(removed), adding: suppressions.filter(added))
            lastSorted = sorted
            return (lastSorted, files)
        }
        let before = lastSorted
        var all = global
        for chunk in chunks.values { all += chunk }
        lastSorted = suppressions.filter(all).sortedForReport()
        statistics.sortedAll = true
        defer { lastUnknown = false }
        return (lastSorted, lastSorted == before && !lastUnknown ? [] : nil)
    }

    /// A build stopped before its report (`SiteBuilder.stoppingCodes`): the next report is
    /// sorted again, and what changed is unknown.
    mutating func forgetLastReport() {
        lastSuppressions = nil
        lastUnknown = true
    }

    /// The order of `sortedForReport`.
    static func precedes(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.position, a.severity, a.code, a.message) < (b.position, b.severity, b.code, b.message)
    }

    /// `sorted` without `removing` (each once) and with `adding`, still sorted; returns the files
    /// whose run changed. The report is sorted by file first, so each file named is one run,
    /// patched on its own, and the rest of the report is not touched (not even copied, when
    /// `sorted` is the only reference to it).
    static func patch(_ sorted: inout [Diagnostic], removing: [Diagnostic], adding: [Diagnostic]) -> Set<String> {
        if removing.isEmpty && adding.isEmpty { return [] }
        var changed: Set<String> = []
        let files = Set(removing.map(\.position.file)).union(adding.map(\.position.file))
        for file in files {
            let run = sorted.run(of: file)
            let old = Array(sorted[run])
            let new = patch(run: old, removing: removing.filter { $0.position.file == file }, adding: adding.filter { $0.position.file == file })
            if new != old {
                sorted.replaceSubrange(run, with: new)
                changed.insert(file)
            }
        }
        return changed
    }

    /// One file's sorted run without `removing` (each once) and with `adding`.
    private static func patch(run sorted: [Diagnostic], removing: [Diagnostic], adding: [Diagnostic]) -> [Diagnostic] {
        var drop = Set<Int>()
        for d in removing {
            // The first element not before `d`, then along the run of equal keys.
            var low = 0
            var high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if precedes(sorted[mid], d) { low = mid + 1 } else { high = mid }
            }
            var i = low
            while i < sorted.count, !precedes(d, sorted[i]) {
                if sorted[i] == d, !drop.contains(i) {
                    drop.insert(i)
                    break
                }
                i += 1
            }
        }
        let insert = adding.sortedForReport()
        var result: [Diagnostic] = []
        result.reserveCapacity(sorted.count - drop.count + insert.count)
        var j = 0
        for (i, d) in sorted.enumerated() where !drop.contains(i) {
            while j < insert.count, precedes(insert[j], d) {
                result.append(insert[j])
                j += 1
            }
            result.append(d)
        }
        result.append(contentsOf: insert[j...])
        return result
    }
}
