/// Values handed to another thread to be freed there: `drop` releases the only reference.
final class Garbage: @unchecked Sendable {
    private var value: Any?
    init(_ value: Any) { self.value = value }
    func drop() { value = nil }
}
