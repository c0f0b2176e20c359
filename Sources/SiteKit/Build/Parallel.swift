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

/// Values handed out once each, by index, from many threads (each index by one thread only), so
/// that a stage can free every input as soon as it has used it instead of at the stage's end.
final class TakeOnce<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(_ values: [T]) {
        slots = .allocate(capacity: values.count)
        for (i, v) in values.enumerated() { (slots.baseAddress! + i).initialize(to: v) }
    }

    /// The value at `index`; later calls for the same index get nil.
    func take(_ index: Int) -> T? {
        let value = slots[index]
        slots[index] = nil
        return value
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
