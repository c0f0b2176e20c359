import Foundation
import SiteMarkdown

/// SVGs are published as they are; one that holds a script is an error, since it runs when the
/// file is opened on its own (`<script>`, `on…=` event attributes, `javascript:` URLs,
/// `<foreignObject>` HTML).
enum SVGCheck {
    static func check(_ file: StaticFile) -> [Diagnostic] {
        guard let data = FileManager.default.contents(atPath: file.source.path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        guard let (offset, what) = firstScript(in: Array(text.utf8)) else { return [] }
        let at = LineLocator(text).position(ofOffset: offset)
        return [
            .error(
                "image.svg-script", at: SourcePosition(file: file.displayPath, line: at.line, column: at.column),
                "this SVG holds a script (\(what)), which would run in the visitor's browser when the file is opened",
                suggestion: "remove it, or export the drawing again as a plain SVG (e.g. Inkscape's 'Optimized SVG')")
        ]
    }

    /// The UTF-8 offset and a description of the first script-like construct, if any.
    static func firstScript(in bytes: [UInt8]) -> (Int, String)? {
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        func matches(_ word: String, at i: Int) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count else { return false }
            for k in 0..<w.count where lower(bytes[i + k]) != w[k] { return false }
            return true
        }
        var insideTag = false
        var quote: UInt8 = 0
        for i in bytes.indices {
            let c = bytes[i]
            if quote != 0 {
                if c == quote { quote = 0 }
                if matches("javascript:", at: i) { return (i, "a javascript: URL") }
                continue
            }
            if c == UInt8(ascii: "<") {
                if matches("<script", at: i) { return (i, "a <script> element") }
                if matches("<foreignobject", at: i) { return (i, "a <foreignObject> element") }
                insideTag = !matches("<!--", at: i)
                continue
            }
            if c == UInt8(ascii: ">") { insideTag = false; continue }
            guard insideTag else { continue }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c; continue }
            // An attribute named on…, after whitespace: onload=, onclick=, …
            if (c == 32 || c == 9 || c == 10 || c == 13), matches("on", at: i + 1) {
                var j = i + 3
                while j < bytes.count, (lower(bytes[j]) >= 97 && lower(bytes[j]) <= 122) { j += 1 }
                while j < bytes.count, bytes[j] == 32 { j += 1 }
                if j > i + 3, j < bytes.count, bytes[j] == UInt8(ascii: "=") {
                    let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    return (i + 1, "an \(name)= event attribute")
                }
            }
        }
        return nil
    }
}
