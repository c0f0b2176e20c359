import Foundation

/// Reads the theme's own output (head, navigation, footer) for links, ids and text, in one
/// pass over the bytes.
///
/// Why not gumbo here: gumbo costs a fixed ~0.3 ms a parse on this machine, which made reading
/// the template output of every page the largest stage of a 5,000-page build. Template output is
/// well-formed HTML that the Nu checker validates (the browser tests), so a tokenizer that knows
/// comments, raw-text elements (`script`, `style`, `textarea`), quoted attributes and character
/// references gives the same facts. `ChromeScannerTests` compares it with `HTMLScanner` (gumbo)
/// on every page of the clinic site and of the benchmark corpus. The Markdown body, which
/// authors write, is still read from cmark's tree and, where raw HTML is allowed, with gumbo.
public enum ChromeScanner {
    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]
    static let rawText: Set<String> = ["script", "style", "textarea"]

    public static func scan(_ html: String) -> HTMLFacts {
        var facts = HTMLFacts()
        var html = html
        html.withUTF8 { b in
            var scanner = State(b: b)
            scanner.run(&facts)
        }
        facts.texts = facts.texts.map {
            var t = $0
            t.text = HTMLScanner.collapseWhitespace(t.text)
            return t
        }.filter { !$0.text.isEmpty }
        return facts
    }

    private struct State {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        var line = 1
        var lineStart = 0
        /// Open elements: name, whether it is a text block, and its text entry (if any).
        var stack: [(name: String, block: Bool, entry: Int?)] = []

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        func column(_ at: Int) -> Int { at - lineStart + 1 }

        mutating func advance(to end: Int) {
            let stop = min(end, b.count)
            guard stop > i, let base = b.baseAddress else { return }
            // Line breaks found with memchr: a script or a long text is passed in a few calls.
            while i < stop, let found = memchr(base + i, 10, stop - i) {
                let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                line += 1
                lineStart = at + 1
                i = at + 1
            }
            i = max(i, stop)
        }

        func find(_ needle: String, from: Int, ignoringCase: Bool = false) -> Int? {
            var n = needle
            return n.withUTF8 { nb in
                guard from <= b.count else { return nil }
                return ByteSearch.firstOffset(of: nb, in: UnsafeBufferPointer(rebasing: b[from...]), ignoringASCIICase: ignoringCase).map { $0 + from }
            }
        }

        /// The index in `stack` of the nearest open text block.
        var blockIndex: Int? { stack.lastIndex { $0.block } }

        mutating func appendText(_ text: String, at start: Int, startLine: Int, startColumn: Int, facts: inout HTMLFacts) {
            if let index = blockIndex {
                if let entry = stack[index].entry {
                    facts.texts[entry].text += text
                } else if text.utf8.contains(where: { !isSpace($0) }) {
                    stack[index].entry = facts.texts.count
                    facts.texts.append(HTMLFacts.Text(text: text, line: startLine, column: startColumn))
                }
            } else if text.utf8.contains(where: { !isSpace($0) }) {
                facts.texts.append(HTMLFacts.Text(text: text, line: startLine, column: startColumn))
            }
        }

        /// After an element closes, a space separates its words from what follows: in the
        /// element's own text if it is a block, else in the block around it.
        mutating func closeElement(isBlock: Bool, entry: Int?, facts: inout HTMLFacts) {
            if isBlock {
                if let entry { facts.texts[entry].text += " " }
            } else if let index = blockIndex, let e = stack[index].entry {
                facts.texts[e].text += " "
            }
        }

        mutating func run(_ facts: inout HTMLFacts) {
            var textStart = 0
            var textLine = 1
            var textColumn = 1
            func flushText(_ s: inout State, upTo end: Int, _ facts: inout HTMLFacts) {
                if end > textStart {
                    let run = UnsafeBufferPointer(rebasing: s.b[textStart..<end])
                    if run.allSatisfy(ChromeScanner.isSpace) {
                        // Only spaces (between tags, mostly): what `appendText` would do with
                        // them, without making a string that it would drop.
                        if let index = s.blockIndex, let entry = s.stack[index].entry {
                            facts.texts[entry].text += String(decoding: run, as: UTF8.self)
                        }
                        return
                    }
                    let raw = String(decoding: run, as: UTF8.self)
                    s.appendText(decodeEntities(raw), at: textStart, startLine: textLine, startColumn: textColumn, facts: &facts)
                }
            }
            while i < b.count {
                guard b[i] == UInt8(ascii: "<") else {
                    let next = memchr(b.baseAddress! + i, 60, b.count - i).map { UnsafeRawPointer(b.baseAddress!).distance(to: UnsafeRawPointer($0)) } ?? b.count
                    advance(to: next)
                    continue
                }
                let tagStart = i
                let tagLine = line
                let tagColumn = column(i)
                if i + 3 < b.count, b[i + 1] == 33, b[i + 2] == 45, b[i + 3] == 45 {  // <!--
                    flushText(&self, upTo: tagStart, &facts)
                    let end = find("-->", from: i + 4).map { $0 + 3 } ?? b.count
                    advance(to: end)
                } else if i + 1 < b.count, b[i + 1] == 33 || b[i + 1] == 63 {  // <! or <?
                    flushText(&self, upTo: tagStart, &facts)
                    advance(to: (find(">", from: i) ?? b.count - 1) + 1)
                } else if i + 1 < b.count, b[i + 1] == 47 {  // </name>
                    flushText(&self, upTo: tagStart, &facts)
                    var j = i + 2
                    while j < b.count, isNameByte(b[j]) { j += 1 }
                    let name = lowercase(i + 2, j)
                    advance(to: (find(">", from: j) ?? b.count - 1) + 1)
                    if let index = stack.lastIndex(where: { $0.name == name }) {
                        while stack.count > index + 1 { stack.removeLast() }
                        let closed = stack.removeLast()
                        closeElement(isBlock: closed.block, entry: closed.entry, facts: &facts)
                    }
                } else if i + 1 < b.count, isLetter(b[i + 1]) {
                    flushText(&self, upTo: tagStart, &facts)
                    var j = i + 1
                    while j < b.count, isNameByte(b[j]) { j += 1 }
                    let name = lowercase(i + 1, j)
                    let end = readAttributes(from: j)
                    advance(to: end)
                    let tag = Self.tags[name] ?? Self.otherTag
                    if name == "script" { facts.scripts += 1 }
                    for attribute in attributes {
                        if attribute.key == "id" || (attribute.key == "name" && name == "a") { facts.ids.append(value(of: attribute)) }
                    }
                    for attr in tag.linkAttributes {
                        if let attribute = attributes.first(where: { $0.key == attr }) {
                            facts.links.append(HTMLFacts.Link(element: name, attribute: attr, value: value(of: attribute), line: tagLine, column: tagColumn))
                        }
                    }
                    if tag.isRawText {
                        let close = find("</" + name, from: i, ignoringCase: true) ?? b.count
                        advance(to: close)
                        let after = find(">", from: close).map { $0 + 1 } ?? b.count
                        advance(to: after)
                    } else if !tag.isVoid {
                        stack.append((name, tag.isBlock, nil))
                    } else {
                        closeElement(isBlock: false, entry: nil, facts: &facts)
                    }
                } else {
                    advance(to: i + 1)
                    continue
                }
                textStart = i
                textLine = line
                textColumn = column(i)
            }
            flushText(&self, upTo: b.count, &facts)
        }

        /// What the scanner needs to know of an element, found with one lookup of its name
        /// (four set and dictionary lookups a tag were a tenth of this scan).
        struct TagInfo {
            var isVoid = false
            var isRawText = false
            var isBlock = false
            var linkAttributes: [String] = []
        }

        static let otherTag = TagInfo()
        static let tags: [String: TagInfo] = {
            var tags: [String: TagInfo] = [:]
            let names = ChromeScanner.voidElements.union(ChromeScanner.rawText).union(HTMLScanner.textBlocks).union(HTMLScanner.linkAttributes.keys)
            for name in names {
                tags[name] = TagInfo(
                    isVoid: ChromeScanner.voidElements.contains(name), isRawText: ChromeScanner.rawText.contains(name),
                    isBlock: HTMLScanner.textBlocks.contains(name) && name != "td" && name != "th",
                    linkAttributes: HTMLScanner.linkAttributes[name] ?? [])
            }
            return tags
        }()

        /// An attribute of a start tag: its name, and where its value lies (read only when needed:
        /// most values, classes and labels, are never looked at).
        struct Attribute {
            var key: String
            var value: Range<Int>
        }

        /// The decoded value of an attribute.
        func value(of attribute: Attribute) -> String {
            decodeEntities(String(decoding: UnsafeBufferPointer(rebasing: b[attribute.value]), as: UTF8.self))
        }

        /// The attributes of the last start tag read (kept to reuse its storage).
        var attributes: [Attribute] = []

        /// Reads the attributes of a start tag from `start` to its `>` into `attributes`; returns
        /// the index after `>`.
        mutating func readAttributes(from start: Int) -> Int {
            attributes.removeAll(keepingCapacity: true)
            var j = start
            while j < b.count {
                while j < b.count, isSpace(b[j]) || b[j] == 47 { j += 1 }
                guard j < b.count else { break }
                if b[j] == 62 { return j + 1 }
                let nameStart = j
                while j < b.count, !isSpace(b[j]), b[j] != 61, b[j] != 62, b[j] != 47 { j += 1 }
                let key = lowercase(nameStart, j)
                while j < b.count, isSpace(b[j]) { j += 1 }
                var value = j..<j
                if j < b.count, b[j] == 61 {
                    j += 1
                    while j < b.count, isSpace(b[j]) { j += 1 }
                    if j < b.count, b[j] == 34 || b[j] == 39 {
                        let quote = b[j]
                        let valueStart = j + 1
                        j = valueStart
                        while j < b.count, b[j] != quote { j += 1 }
                        value = valueStart..<min(j, b.count)
                        j += 1
                    } else {
                        let valueStart = j
                        while j < b.count, !isSpace(b[j]), b[j] != 62 { j += 1 }
                        value = valueStart..<j
                    }
                }
                if !key.isEmpty, !attributes.contains(where: { $0.key == key }) {
                    attributes.append(Attribute(key: key, value: value))
                }
            }
            return b.count
        }

        func lowercase(_ from: Int, _ to: Int) -> String {
            let slice = UnsafeBufferPointer(rebasing: b[from..<to])
            // Names are nearly always lowercase already: no intermediate array then.
            guard slice.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(decoding: slice, as: UTF8.self) }
            return String(decoding: slice.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 12 }
    static func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    static func isNameByte(_ c: UInt8) -> Bool { isLetter(c) || (c >= 48 && c <= 57) || c == 45 }

    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "middot": "·", "mdash": "—",
        "ndash": "–", "copy": "©", "hellip": "…", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“",
    ]

    /// Character references: numeric ones and the common named ones. Byte by byte (a `&` in one
    /// grapheme cluster with the character before it is still a `&` to a browser; see `Escape`).
    static func decodeEntities(_ s: String) -> String {
        var s = s
        return s.withUTF8 { b -> String? in
            guard b.count > 0, memchr(b.baseAddress!, 38, b.count) != nil else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var i = 0
            while i < b.count {
                guard b[i] == 38, let semi = (i + 1..<min(b.count, i + 13)).first(where: { b[$0] == 59 }) else {
                    out.append(b[i])
                    i += 1
                    continue
                }
                let name = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)..<semi]), as: UTF8.self)
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    replacement = namedEntities[name]
                }
                if let replacement {
                    out.append(contentsOf: replacement.utf8)
                    i = semi + 1
                } else {
                    out.append(38)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        } ?? s
    }
}
