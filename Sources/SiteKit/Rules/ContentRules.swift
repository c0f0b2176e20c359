/// Content rules for a medical site (page schemas, medical review, required notices, wording).
/// Placeholder interface: the rules themselves are being written (issue 5).
public struct ContentRules: Sendable {
    public static func load(_ dataFiles: [String: SourceFile]) -> (ContentRules, [Diagnostic]) {
        (ContentRules(), [])
    }

    public func check(_ pages: [AssembledPage], today: String) -> [Diagnostic] {
        []
    }
}
