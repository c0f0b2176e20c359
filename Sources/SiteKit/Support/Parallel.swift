import Dispatch

extension Array where Element: Sendable {
    /// Maps on all cores, keeping order. Results are identical to `map` (a test compares them).
    func parallelMap<T: Sendable>(parallel: Bool = true, _ transform: @Sendable (Element) -> T) -> [T] {
        guard parallel, count > 1 else { return map(transform) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        let input = self
        DispatchQueue.concurrentPerform(iterations: count) { i in
            out[i] = transform(input[i])
        }
        // Moved out, not copied: a copy of every result and the release of the originals were
        // reference counting on every field of every page.
        let n = count
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n { (buffer.baseAddress! + i).initialize(to: (results.baseAddress! + i).move()!) }
            initialized = n
        }
    }
}

/// The results of two independent computations, made on two cores when `parallel`.
func both<A: Sendable, B: Sendable>(parallel: Bool = true, _ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
    guard parallel else { return (a(), b()) }
    let first = Slots<A>(count: 1)
    let second = Slots<B>(count: 1)
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 { first.set(0, a()) } else { second.set(0, b()) }
    }
    return (first.takeAll()[0], second.takeAll()[0])
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

/// One value per index, set from many threads (each index by one thread only), then moved out
/// whole: a second result of a `parallelMap` without a tuple to copy apart afterwards.
final class Slots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    func set(_ index: Int, _ value: T) {
        slots[index] = value
    }

    /// Every value, in order (each index must have been set); the slots are empty afterwards.
    func takeAll() -> [T] {
        let n = slots.count
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n {
                (buffer.baseAddress! + i).initialize(to: (slots.baseAddress! + i).move()!)
                (slots.baseAddress! + i).initialize(to: nil)
            }
            initialized = n
        }
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}
