import Foundation
import SiteKit

/// The exact replacement a diagnostic's suggestion describes, when it describes one.
///
/// Today a `Diagnostic` carries its fix only as prose (`suggestion`), so this reads the few
/// shapes of suggestion that name an exact replacement: "write {{price ID}} instead of $450",
/// "did you mean 'ID'?", "did you mean {{price ID}}?". It is the one place that does; when
/// diagnostics carry a structured replacement, this function should return that instead.
public enum QuickFix {
    public struct Edit: Sendable, Equatable {
        /// UTF-8 byte range within the diagnostic's line (0-based).
        public var bytes: Range<Int>
        public var newText: String
        public var title: String
    }

    public static func edit(for diagnostic: Diagnostic, line: [UInt8]) -> Edit? {
        guard let suggestion = diagnostic.suggestion, diagnostic.position.column > 0 else { return nil }
        let start = diagnostic.position.column - 1
        guard start < line.count else { return nil }
        let length = DiagnosticRange.length(of: line, from: start)
        let token = String(decoding: line[start..<(start + length)], as: UTF8.self)

        // "write {{price ID}} instead of $450 …": the amount becomes the shortcode.
        if suggestion.hasPrefix("write {{"), let close = suggestion.range(of: "}}") {
            let shortcode = String(suggestion[suggestion.index(suggestion.startIndex, offsetBy: 6)..<close.upperBound])
            guard let first = token.first, first == "$" || first.isNumber else { return nil }
            return Edit(bytes: start..<(start + length), newText: shortcode, title: "Write \(shortcode) instead of \(token)")
        }
        // "did you mean {{list ID}}?" / "did you mean {{> name}}?": the whole tag.
        if suggestion.hasPrefix("did you mean {{"), let close = suggestion.range(of: "}}") {
            let tag = String(suggestion[suggestion.index(suggestion.startIndex, offsetBy: 13)..<close.upperBound])
            guard token.hasPrefix("{{") else { return nil }
            return Edit(bytes: start..<(start + length), newText: tag, title: "Change to \(tag)")
        }
        // "did you mean 'X'?"
        guard suggestion.hasPrefix("did you mean '"), let end = suggestion.range(of: "'?") else { return nil }
        let wanted = String(suggestion[suggestion.index(suggestion.startIndex, offsetBy: 14)..<end.lowerBound])
        if token.hasPrefix("[") || token.hasPrefix("![") {
            // A link: change its destination (the part between `](` and `)`).
            guard let open = findBytes([93, 40], in: line, from: start, before: start + length) else { return nil }
            let hrefStart = open + 2
            let hrefEnd = start + length - 1
            guard hrefStart <= hrefEnd else { return nil }
            var href = String(decoding: line[hrefStart..<hrefEnd], as: UTF8.self)
            // A title after the destination (`(faq.md "FAQ")`) stays.
            var tail = ""
            if let space = href.firstIndex(of: " ") {
                tail = String(href[space...])
                href = String(href[..<space])
            }
            let replaced: String
            if diagnostic.code == "link.missing-fragment" {
                guard let hash = wanted.lastIndex(of: "#") else { return nil }
                let fragment = wanted[wanted.index(after: hash)...]
                let path = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                replaced = path + "#" + fragment
            } else {
                replaced = wanted
            }
            guard replaced != href else { return nil }
            return Edit(bytes: hrefStart..<(hrefStart + href.utf8.count), newText: replaced, title: "Change the link to '\(replaced)'" + (tail.isEmpty ? "" : ""))
        }
        if token.hasPrefix("{{") {
            // A shortcode: change its argument.
            let inner = line[(start + 2)..<(start + length)]
            guard let space = inner.firstIndex(of: 32) else { return nil }
            var argStart = space
            while argStart < inner.endIndex, line[argStart] == 32 { argStart += 1 }
            var argEnd = argStart
            while argEnd < inner.endIndex, line[argEnd] != 32, line[argEnd] != 125 { argEnd += 1 }
            guard argStart < argEnd else { return nil }
            return Edit(bytes: argStart..<argEnd, newText: wanted, title: "Change to '\(wanted)'")
        }
        // A key or id written as a word.
        var wordEnd = start
        while wordEnd < line.count, isIdentifier(line[wordEnd]) { wordEnd += 1 }
        guard wordEnd > start, String(decoding: line[start..<wordEnd], as: UTF8.self) != wanted else { return nil }
        return Edit(bytes: start..<wordEnd, newText: wanted, title: "Change to '\(wanted)'")
    }

    static func isIdentifier(_ b: UInt8) -> Bool {
        b >= 0x80 || (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == 45 || b == 95 || b == 46
    }

    static func findBytes(_ pattern: [UInt8], in line: [UInt8], from: Int, before: Int) -> Int? {
        var i = from
        while i + pattern.count <= min(before, line.count) {
            if Array(line[i..<(i + pattern.count)]) == pattern { return i }
            i += 1
        }
        return nil
    }
}
