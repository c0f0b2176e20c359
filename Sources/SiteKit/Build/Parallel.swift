import Dispatch

extension Array where Element: Sendable {
    /// Maps on all cores, keeping order. Results are identical to `map` (a test compares them).
    func parallelMap<T: Sendable>(parallel: Bool = true, _ transform: @Sendable (Element) -> T) -> [T] {
        guard parallel, count > 1 else { return map(transform) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let out = results
        let input = self
        DispatchQueue.concurrentPerform(iterations: count) { i in
            out[i] = transform(input[i])
        }
        return results.map { $0! }
    }
}
