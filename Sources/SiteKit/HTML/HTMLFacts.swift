/// What the checks need from a piece of built HTML: its links, its ids and its text.
public struct HTMLFacts: Sendable, Hashable {
    public struct Link: Sendable, Hashable {
        public var element: String
        public var attribute: String
        public var value: String
        /// Line and column in the scanned HTML (1-based).
        public var line: Int
        public var column: Int
    }

    public struct Text: Sendable, Hashable {
        /// The text of one block (paragraph, list item, table row, heading, title …).
        public var text: String
        public var line: Int
        public var column: Int
    }

    public var links: [Link] = []
    public var ids: [String] = []
    public var texts: [Text] = []
    public var scripts = 0
}
