import CGumbo

/// The structure an HTML5 parser (gumbo) builds from a document: every element with its
/// attribute names, every comment, and the text, in document order. Two documents that differ
/// only in the text of their values have equal `structure`; a value that was not escaped adds an
/// element, an attribute or a comment. Used by the escaping tests and the escaping fuzz target.
public struct HTMLOutline: Sendable, Equatable {
    public enum Node: Sendable, Equatable {
        /// `depth` below the document; `attributes` as (name, value) in source order.
        case element(name: String, attributes: [Attribute], depth: Int)
        case comment(String, depth: Int)
        /// Text (whitespace and CDATA included), `raw` for the content of `script`, `style` and
        /// the like.
        case text(String, depth: Int)
    }

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var nodes: [Node] = []

    /// Elements (names and attribute names) and comments, with depths: what markup a document
    /// holds, without its text.
    public var structure: [String] {
        nodes.compactMap { node in
            switch node {
            case .element(let name, let attributes, let depth):
                return "\(depth) <\(name)" + attributes.map { " " + $0.name }.joined() + ">"
            case .comment(_, let depth): return "\(depth) <!-- -->"
            case .text: return nil
            }
        }
    }

    /// Parses a whole document.
    public init(document html: String) {
        var html = html
        var nodes: [Node] = []
        html.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                withUnsafePointer(to: kGumboDefaultOptions) { options in
                    guard let output = gumbo_parse_with_options(options, chars.baseAddress, chars.count) else { return }
                    defer { gumbo_destroy_output(options, output) }
                    Self.walk(output.pointee.document, depth: 0, into: &nodes)
                }
            }
        }
        self.nodes = nodes
    }

    /// The elements named `name`, with their attributes.
    public func elements(_ name: String) -> [[Attribute]] {
        nodes.compactMap {
            if case .element(name, let attributes, _) = $0 { return attributes }
            return nil
        }
    }

    /// The text of every node below the first element named `name` (its children's text joined).
    public func text(inFirst name: String) -> String? {
        guard let start = nodes.firstIndex(where: { if case .element(name, _, _) = $0 { return true } else { return false } }),
            case .element(_, _, let depth) = nodes[start]
        else { return nil }
        var out = ""
        for node in nodes[(start + 1)...] {
            switch node {
            case .element(_, _, let d), .comment(_, let d): if d <= depth { return out }
            case .text(let t, let d):
                if d <= depth { return out }
                out += t
            }
        }
        return out
    }

    private static func walk(_ node: UnsafeMutablePointer<GumboNode>, depth: Int, into nodes: inout [Node]) {
        switch node.pointee.type {
        case GUMBO_NODE_DOCUMENT:
            let children = node.pointee.v.document.children
            for i in 0..<Int(children.length) {
                walk(children.data[i]!.assumingMemoryBound(to: GumboNode.self), depth: depth + 1, into: &nodes)
            }
        case GUMBO_NODE_ELEMENT, GUMBO_NODE_TEMPLATE:
            let element = node.pointee.v.element
            var name = String(cString: gumbo_normalized_tagname(element.tag))
            if name.isEmpty {
                // An unknown element: its name as written.
                var piece = element.original_tag
                gumbo_tag_from_original_text(&piece)
                name = piece.data.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: piece.length), as: UTF8.self).lowercased() } ?? "?"
            }
            var attributes: [Attribute] = []
            for i in 0..<Int(element.attributes.length) {
                let attr = element.attributes.data[i]!.assumingMemoryBound(to: GumboAttribute.self)
                attributes.append(Attribute(name: String(cString: attr.pointee.name), value: String(cString: attr.pointee.value)))
            }
            nodes.append(.element(name: name, attributes: attributes, depth: depth))
            let children = element.children
            for i in 0..<Int(children.length) {
                walk(children.data[i]!.assumingMemoryBound(to: GumboNode.self), depth: depth + 1, into: &nodes)
            }
        case GUMBO_NODE_COMMENT:
            nodes.append(.comment(String(cString: node.pointee.v.text.text), depth: depth))
        case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE, GUMBO_NODE_CDATA:
            nodes.append(.text(String(cString: node.pointee.v.text.text), depth: depth))
        default:
            return
        }
    }
}
