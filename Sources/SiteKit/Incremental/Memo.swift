/// A stage's result from the last build, with what the stage read to make it (`Reads`): the next
/// build reuses the result when the stage would read the same again. The stage declares its
/// reads where it calls `value`, so what a result depends on is written beside the code that
/// depends on it.
///
/// A memo that does not keep (`keeps == false`, a one-off build such as `clinic-site build`)
/// remembers nothing: every call makes the value, and nothing is held past the build.
struct Memo<Reads: Equatable, Value> {
    private var last: (reads: Reads, value: Value)?
    let keeps: Bool

    init(keeps: Bool) { self.keeps = keeps }

    /// The last value when it was made from equal `reads` (or when `blind`, for the tests that
    /// show a memo ignoring a dependency is caught); otherwise `make()`, remembered if keeping.
    mutating func value(reads: @autoclosure () -> Reads, blind: Bool = false, _ make: () -> Value) -> Value {
        guard keeps else { return make() }
        let now = reads()
        if let last, last.reads == now || blind { return last.value }
        let value = make()
        last = (now, value)
        return value
    }
}

/// One entry per page of the last build, by source path (`relativePath`): each stage keeps in
/// its entry what it read of the page and of the site, and tells a hit from a miss itself.
struct PageMemo<Entry> {
    private(set) var entries: [String: Entry] = [:]
    let keeps: Bool

    init(keeps: Bool) { self.keeps = keeps }

    subscript(path: String) -> Entry? { keeps ? entries[path] : nil }

    /// Remembers `entry` for the page at `path` (nothing, when not keeping).
    mutating func store(_ entry: Entry, for path: String) {
        if keeps { entries[path] = entry }
    }

    /// Forgets the pages that are not in this build; their diagnostics may have changed.
    mutating func keepOnly<C: Collection>(_ paths: C, dirty: inout Set<String>) where C.Element == String {
        guard entries.count > paths.count else { return }
        let kept = Set(paths)
        for path in entries.keys where !kept.contains(path) { dirty.insert(path) }
        entries = entries.filter { kept.contains($0.key) }
    }
}
