import SiteMarkdown

/// The prose of one page, read once and shared by the rules that look for words: the text of
/// its front matter and of every Markdown block, and all of it as lowercase ASCII bytes in one
/// buffer, so that a word is looked for once per page rather than once per paragraph.
struct PageText {
    /// A piece of the page's text, and where it comes from (to turn an offset into a position).
    struct Unit {
        enum Origin {
            case block(TextBlock)
            case frontMatter(YAMLValue)
        }
        var text: String
        var origin: Origin

        var isBlock: Bool {
            if case .block = origin { return true }
            return false
        }

        var isCode: Bool {
            if case .block(let block) = origin { return block.kind == .codeBlock }
            return false
        }
    }

    /// Front-matter prose first, then the body's blocks in order.
    let units: [Unit]
    /// Every unit's UTF-8 bytes, ASCII letters lowercased, each unit followed by a newline.
    let bytes: [UInt8]
    /// Where each unit starts in `bytes`.
    let starts: [Int]
    /// The index of the first block unit (after the front matter's).
    let firstBlock: Int

    /// Front-matter keys that hold no prose (addresses, ids, dates, codes).
    static let nonProseKeys: Set<String> = [
        "url", "slug", "aliases", "template", "type", "ignore", "tags", "reviewed", "reviewed_by", "date", "lastmod",
        "draft", "weight", "sitemap", "id", "currency", "per", "bundle", "unconfirmed", "amount",
    ]

    init(_ page: AssembledPage) {
        var units: [Unit] = []
        func walk(_ value: YAMLValue) {
            switch value.kind {
            case .string(let s): units.append(Unit(text: s, origin: .frontMatter(value)))
            case .array(let items): items.forEach(walk)
            case .mapping(let entries):
                for entry in entries where !Self.nonProseKeys.contains(entry.key) { walk(entry.value) }
            default: break
            }
        }
        walk(page.page.frontMatter)
        firstBlock = units.count
        for block in page.rendered.body.textBlocks {
            units.append(Unit(text: block.text, origin: .block(block)))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.reduce(0) { $0 + $1.text.utf8.count + 1 })
        var starts: [Int] = []
        starts.reserveCapacity(units.count)
        for unit in units {
            starts.append(bytes.count)
            bytes.append(contentsOf: unit.text.utf8)
            bytes.append(10)
        }
        bytes.withUnsafeMutableBufferPointer { b in
            for i in b.indices where b[i] &- 65 < 26 { b[i] |= 0x20 }
        }
        self.units = units
        self.bytes = bytes
        self.starts = starts
    }

    /// The unit that holds byte `offset`, and the offset within it.
    func unit(at offset: Int) -> (index: Int, offset: Int) {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return (low, offset - starts[low])
    }
}
