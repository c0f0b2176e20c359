import CGumbo

/// Reads HTML with gumbo, an HTML5-conformant parser (so a link inside `<textarea>` or a comment
/// is not mistaken for one). gumbo keeps no global state, so it is safe on many threads.
public enum HTMLScanner {
    static let linkAttributes: [String: [String]] = [
        "a": ["href"], "area": ["href"], "link": ["href"], "img": ["src"], "script": ["src"],
        "source": ["src"], "iframe": ["src"], "audio": ["src"], "video": ["src", "poster"],
        "form": ["action"], "track": ["src"], "embed": ["src"], "object": ["data"],
        "button": ["formaction"], "input": ["formaction", "src"],
    ]
    static let textBlocks: Set<String> = [
        "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption", "figcaption",
        "title", "blockquote", "button", "label", "summary", "th", "td", "address", "footer", "header", "nav",
    ]

    public static func scan(_ html: String) -> HTMLFacts {
        var facts = HTMLFacts()
        var html = html
        html.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                withUnsafePointer(to: kGumboDefaultOptions) { options in
                    guard let output = gumbo_parse_with_options(options, chars.baseAddress, chars.count) else { return }
                    defer { gumbo_destroy_output(options, output) }
                    var blocks: [UnsafeMutablePointer<GumboNode>: Int] = [:]
                    walk(output.pointee.root, block: nil, facts: &facts, blocks: &blocks)
                }
            }
        }
        facts.texts = facts.texts.map {
            var t = $0
            t.text = collapseWhitespace(t.text)
            return t
        }.filter { !$0.text.isEmpty }
        return facts
    }

    /// Runs of ASCII white space become one space; leading and trailing space is dropped.
    /// (Byte-level: Character.isWhitespace showed in the profile of a 5,000-page build.)
    static func collapseWhitespace(_ text: String) -> String {
        // Most texts (a title, a menu item) have nothing to collapse: returned as they are.
        var copy = text
        let untouched = copy.withUTF8 { b -> Bool in
            guard let first = b.first, let last = b.last, first != 32, last != 32 else { return false }
            var previousWasSpace = false
            for c in b {
                if c == 9 || c == 10 || c == 13 || c == 12 { return false }
                let isSpace = c == 32
                if isSpace && previousWasSpace { return false }
                previousWasSpace = isSpace
            }
            return true
        }
        return untouched ? text : collapsingWhitespace(text)
    }

    /// `collapseWhitespace` the long way, for any text.
    static func collapsingWhitespace(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for c in text.utf8 {
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 12 {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(32) }
                pendingSpace = false
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func walk(
        _ node: UnsafeMutablePointer<GumboNode>, block: UnsafeMutablePointer<GumboNode>?, facts: inout HTMLFacts,
        blocks: inout [UnsafeMutablePointer<GumboNode>: Int]
    ) {
        switch node.pointee.type {
        case GUMBO_NODE_ELEMENT, GUMBO_NODE_TEMPLATE:
            let element = node.pointee.v.element
            let tag = String(cString: gumbo_normalized_tagname(element.tag))
            let position = element.start_pos
            if tag == "script" { facts.scripts += 1 }
            if let id = attribute(element, "id") { facts.ids.append(id) }
            if tag == "a", let name = attribute(element, "name") { facts.ids.append(name) }
            for attr in linkAttributes[tag] ?? [] {
                if let value = attribute(element, attr) {
                    // <link rel="canonical"> and Open Graph URLs are absolute by design; they are
                    // still checked, as external links.
                    facts.links.append(
                        HTMLFacts.Link(element: tag, attribute: attr, value: value, line: Int(position.line), column: Int(position.column)))
                }
            }
            if tag == "script" || tag == "style" || tag == "template" || tag == "textarea" { return }
            let childBlock = textBlocks.contains(tag) && tag != "td" && tag != "th" ? node : block
            let children = element.children
            for i in 0..<Int(children.length) {
                let child = children.data[i]!.assumingMemoryBound(to: GumboNode.self)
                walk(child, block: childBlock, facts: &facts, blocks: &blocks)
            }
            // A line break or a block boundary separates words.
            if let b = blocks[childBlock ?? node] { facts.texts[b].text += " " }
        case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE, GUMBO_NODE_CDATA:
            let text = node.pointee.v.text
            let string = String(cString: text.text)
            let key = block ?? node
            if let index = blocks[key] {
                facts.texts[index].text += string
            } else if node.pointee.type != GUMBO_NODE_WHITESPACE {
                blocks[key] = facts.texts.count
                facts.texts.append(HTMLFacts.Text(text: string, line: Int(text.start_pos.line), column: Int(text.start_pos.column)))
            }
        case GUMBO_NODE_DOCUMENT:
            let children = node.pointee.v.document.children
            for i in 0..<Int(children.length) {
                walk(children.data[i]!.assumingMemoryBound(to: GumboNode.self), block: block, facts: &facts, blocks: &blocks)
            }
        default:
            return
        }
    }

    private static func attribute(_ element: GumboElement, _ name: String) -> String? {
        var attributes = element.attributes
        guard let attr = gumbo_get_attribute(&attributes, name) else { return nil }
        return String(cString: attr.pointee.value)
    }
}
