import Foundation

/// Finds `{{name argument}}` shortcodes in text: a lowercase name, one space, an argument of
/// letters, digits, `-`, `_` and `.`; spaces inside the braces are allowed.
public enum ShortcodeScanner {
    public struct Match: Sendable, Hashable {
        public var name: String
        public var argument: String
        /// The whole `{{…}}`, in the text's UTF-8 view.
        public var range: Range<String.UTF8View.Index>
    }

    public static func scan(_ text: String) -> [Match] {
        // Most text has no brace at all: ruled out with memchr before the walk by index.
        var bytes = text
        guard bytes.withUTF8({ $0.count >= 4 && memchr($0.baseAddress!, 123, $0.count) != nil }) else { return [] }
        let utf8 = text.utf8
        var matches: [Match] = []
        var index = utf8.startIndex
        while index < utf8.endIndex {
            guard utf8[index] == UInt8(ascii: "{"), let next = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
                next < utf8.endIndex, utf8[next] == UInt8(ascii: "{")
            else {
                index = utf8.index(after: index)
                continue
            }
            let bodyStart = utf8.index(after: next)
            var end = bodyStart
            var closed: String.UTF8View.Index?
            while end < utf8.endIndex {
                if utf8[end] == UInt8(ascii: "}") {
                    let after = utf8.index(after: end)
                    if after < utf8.endIndex, utf8[after] == UInt8(ascii: "}") {
                        closed = end
                    }
                    break
                }
                if utf8[end] == UInt8(ascii: "{") || utf8[end] == UInt8(ascii: "\n") { break }
                end = utf8.index(after: end)
            }
            guard let close = closed else {
                index = bodyStart
                continue
            }
            let body = String(utf8[bodyStart..<close])!
            let parts = body.split(separator: " ", omittingEmptySubsequences: true)
            let upper = utf8.index(close, offsetBy: 2)
            if parts.count == 2, isName(parts[0]), isArgument(parts[1]) {
                matches.append(Match(name: String(parts[0]), argument: String(parts[1]), range: index..<upper))
            }
            index = upper
        }
        return matches
    }

    private static func isName(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    private static func isArgument(_ s: Substring) -> Bool {
        !s.isEmpty
            && s.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
            }
    }
}
