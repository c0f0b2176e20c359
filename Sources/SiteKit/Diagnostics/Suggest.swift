/// "Did you mean …?": the closest candidate by edit distance, when it is close enough.
public enum Suggest {
    /// The candidate nearest to `word` (case ignored) within `maxDistance`, the first in sorted
    /// order among the equally near; nil when none is that near.
    ///
    /// A site with many broken links asks this once per link over every URL: the distance is
    /// worked out only as far as it can still be within reach (`distance(_:_:within:)`), which
    /// gives the same answer as `plainNearest` (a test compares the two).
    public static func nearest(_ word: String, in candidates: [String], maxDistance: Int? = nil) -> String? {
        let limit = maxDistance ?? max(2, word.count / 3)
        let target = Array(word.lowercased().unicodeScalars)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let bound = min(limit, best?.distance ?? limit)
            // An ASCII candidate's length does not change when lowercased: one too long or too
            // short is out of reach before it is lowercased.
            if abs(candidate.utf8.count - target.count) > bound, candidate.utf8.allSatisfy({ $0 < 0x80 }) { continue }
            guard let d = distance(target, Array(candidate.lowercased().unicodeScalars), within: bound) else { continue }
            if let current = best, d > current.distance || (d == current.distance && !(candidate < current.candidate)) { continue }
            best = (candidate, d)
        }
        return best?.candidate
    }

    /// The plain way `nearest` must equal: every candidate's whole distance, in sorted order.
    static func plainNearest(_ word: String, in candidates: [String], maxDistance: Int? = nil) -> String? {
        let limit = maxDistance ?? max(2, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates.sorted() {
            let d = distance(word.lowercased(), candidate.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance over Unicode scalars, the whole table. Kept apart from the bounded
    /// form below on purpose: it is the plain way `BoundedEditDistanceTests` compares that one with.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The Levenshtein distance of `a` and `b` when it is at most `bound`, else nil: stops as
    /// soon as the lengths differ by more, or a whole row of the table exceeds it (a row's
    /// smallest value never decreases from one row to the next).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], within bound: Int) -> Int? {
        if abs(a.count - b.count) > bound { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var smallest = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                smallest = min(smallest, current[j])
            }
            if smallest > bound { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }
}
