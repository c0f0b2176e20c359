import Foundation
import SiteMarkdown
import Mustache

/// The checks `Theme.load` runs on the templates before any page is rendered: syntax errors at
/// the tag to fix, includes of templates that do not exist, and includes that never end.
/// swift-mustache renders an unknown partial or parent as empty text, silently, so a typo in
/// `{{<base}}` would publish empty pages.
extension Theme {
    /// One `{{…}}` tag of a template, found by `tags(in:)`.
    struct Tag {
        /// The character right after `{{` (`#`, `^`, `/`, `$`, `<`, `>`, `!`, `=`, `{`, `&`), or
        /// nil for a variable.
        var sigil: Character?
        /// The name after the sigil, blanks trimmed.
        var name: String
        /// Where `{{` stands (1-based line, column in UTF-8 bytes).
        var position: SourcePosition
        /// False for a tag never closed with `}}`; it is then the last tag.
        var closed: Bool

        /// How the tag is written, for messages: `{{> partials/nav}}`, `{{<base}}`.
        var written: String {
            switch sigil {
            case ">": return "{{> \(name)}}"
            case .some(let s): return "{{\(s)\(name)}}"
            case nil: return "{{\(name)}}"
            }
        }
    }

    /// Every tag of `file` with the default `{{ }}` delimiters, comments included (as one tag
    /// each, whatever they hold). Stops at a set-delimiter tag (`{{=<% %>=}}`), after which
    /// `{{` means nothing; `complete` is then false.
    static func tags(in file: SourceFile) -> (tags: [Tag], complete: Bool) {
        let bytes = Array(file.text.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")
        var tags: [Tag] = []
        var line = 1
        var lineStart = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == newline {
                line += 1
                lineStart = i + 1
                i += 1
                continue
            }
            guard bytes[i] == open, i + 1 < bytes.count, bytes[i + 1] == open else {
                i += 1
                continue
            }
            let position = SourcePosition(file: file.displayPath, line: line, column: i - lineStart + 1)
            let bodyStart = i + 2
            var end = bodyStart
            while end + 1 < bytes.count, !(bytes[end] == close && bytes[end + 1] == close) { end += 1 }
            guard end + 1 < bytes.count else {
                let body = String(decoding: bytes[bodyStart...], as: UTF8.self)
                tags.append(Tag(sigil: nil, name: body.trimmingCharacters(in: .whitespacesAndNewlines), position: position, closed: false))
                return (tags, true)
            }
            var body = String(decoding: bytes[bodyStart..<end], as: UTF8.self)
            var sigil: Character?
            if let first = body.first, "#^/$<>!={&".contains(first) {
                sigil = first
                body.removeFirst()
            }
            tags.append(Tag(sigil: sigil, name: body.trimmingCharacters(in: .whitespacesAndNewlines), position: position, closed: true))
            if sigil == "=" { return (tags, false) }
            var next = end + 2
            if sigil == "{", next < bytes.count, bytes[next] == close { next += 1 }
            for j in i..<next where bytes[j] == newline {
                line += 1
                lineStart = j + 1
            }
            i = next
        }
        return (tags, true)
    }

    /// A diagnostic for a syntax error, at the tag to fix: swift-mustache stops where it noticed
    /// the error, which is past the end of the file for a section never closed, and the next line
    /// for a tag never closed.
    static func syntaxError(_ error: MustacheTemplate.ParserError, in file: SourceFile) -> Diagnostic {
        // The parser read the template below `Escape.mustachePragma`, one line long.
        let parserPosition = bytePosition(line: error.context.lineNumber - 1, characterColumn: error.context.columnNumber, in: file)
        let (tags, complete) = Self.tags(in: file)
        let message = "template syntax error: \(describe(error.error))"
        guard let kind = error.error as? MustacheTemplate.Error else {
            return .error("template.error", at: parserPosition, message)
        }
        switch kind {
        case .expectedSectionEnd:
            // The innermost section still open at the end of the file.
            if complete, let open = openSections(tags).last {
                let (opener, closer) = open.sigil == "<" ? ("{{<\(open.name)}}", "{{/\(open.name)}}") : (open.written, "{{/\(open.name)}}")
                return .error(
                    "template.error", at: open.position, "template syntax error: \(opener) is never closed",
                    suggestion: "add \(closer) where the \(open.sigil == "<" ? "inherited template" : open.sigil == "$" ? "block" : "section") ends")
            }
            return .error("template.error", at: parserPosition, message, suggestion: "every {{#section}} and {{^section}} needs its {{/section}} with the same name")
        case .unfinishedName:
            // The tag the parser was reading: the last `{{` before where it stopped.
            let tag = complete ? tags.last(where: { $0.position <= parserPosition }) : nil
            let position = tag?.position ?? parserPosition
            if let tag, !tag.closed || tag.name.contains("{{") {
                return .error(
                    "template.error", at: position, "template syntax error: this tag is never closed with }}",
                    suggestion: "end the tag with }}, as in {{\(tag.sigil.map(String.init) ?? "")\(tag.name.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || "._-?*/".contains($0)) })}}")
            }
            return .error(
                "template.error", at: position, message,
                suggestion:
                    "end the tag with }} on the same line (}}} after {{{name); a name is letters, digits and . _ - only, without blanks inside")
        case .sectionCloseNameIncorrect:
            // The parser stopped on the name of the closing tag; report at the tag and name the
            // section it should close.
            let closing = complete ? tags.last(where: { $0.sigil == "/" && $0.position <= parserPosition }) : nil
            var suggestion = "every {{#section}} and {{^section}} needs its {{/section}} with the same name"
            if let closing, let open = openSections(Array(tags.prefix { $0.position < closing.position })).last {
                suggestion = "\(open.written) (line \(open.position.line)) is still open here: close it with {{/\(open.name)}}, or fix the name"
            }
            return .error("template.error", at: parserPosition, message, suggestion: suggestion)
        case .illegalTokenInsideInheritSection, .textInsideInheritSection:
            return .error(
                "template.error", at: parserPosition, message,
                suggestion: "between {{<parent}} and {{/parent}} write only {{$block}}…{{/block}} definitions; put other text inside them")
        case .invalidSetDelimiter:
            return .error("template.error", at: parserPosition, message, suggestion: "write it as {{=<% %>=}}: two delimiters separated by a blank")
        default:
            return .error("template.error", at: parserPosition, message)
        }
    }

    /// How deeply sections (`{{#…}}`, `{{^…}}`, `{{$…}}`, `{{<…}}`) may nest in one template.
    /// swift-mustache parses (and renders) each level by recursion, and 3,000 levels overflow
    /// its thread's stack; a real template nests a handful.
    public static let maxSectionDepth = 100

    /// `template.error` at the first section opened `maxSectionDepth` levels deep, or nil. Reads
    /// tags as swift-mustache will, set-delimiter tags (`{{=<% %>=}}`) included, before it parses.
    static func nestingTooDeep(_ file: SourceFile) -> Diagnostic? {
        let bytes = Array(file.text.utf8)
        var open = Array("{{".utf8), close = Array("}}".utf8)
        var depth = 0
        var line = 1, lineStart = 0
        var i = 0
        func starts(_ d: [UInt8], at k: Int) -> Bool {
            k + d.count <= bytes.count && bytes[k..<(k + d.count)].elementsEqual(d)
        }
        while i < bytes.count {
            if bytes[i] == 10 {
                line += 1
                lineStart = i + 1
                i += 1
                continue
            }
            guard starts(open, at: i) else {
                i += 1
                continue
            }
            let position = SourcePosition(file: file.displayPath, line: line, column: i - lineStart + 1)
            var k = i + open.count
            while k < bytes.count, bytes[k] == 32 || bytes[k] == 9 { k += 1 }
            let sigil = k < bytes.count ? bytes[k] : 0
            var end = k
            while end < bytes.count, !starts(close, at: end) { end += 1 }
            guard end < bytes.count else { return nil }  // never closed: the parser reports it
            var next = end + close.count
            if sigil == UInt8(ascii: "{"), next < bytes.count, bytes[next] == UInt8(ascii: "}") { next += 1 }
            switch sigil {
            case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"):
                depth += 1
                if depth > maxSectionDepth {
                    return .error(
                        "template.error", at: position,
                        "template syntax error: sections are nested more than \(maxSectionDepth) levels deep here",
                        suggestion: "close some sections before opening new ones: a template may nest at most \(maxSectionDepth) sections")
                }
            case UInt8(ascii: "/"):
                depth = max(0, depth - 1)
            case UInt8(ascii: "="):
                // `=<% %>=`: the new delimiters, separated by blanks.
                var inner = Array(bytes[(k + 1)..<end])
                if inner.last == UInt8(ascii: "=") { inner.removeLast() }
                let parts = inner.split(whereSeparator: { $0 == 32 || $0 == 9 }).map(Array.init)
                if parts.count == 2 {
                    open = parts[0]
                    close = parts[1]
                }
            default:
                break
            }
            for j in i..<min(next, bytes.count) where bytes[j] == 10 {
                line += 1
                lineStart = j + 1
            }
            i = next
        }
        return nil
    }

    /// Sections (`{{#…}}`, `{{^…}}`, `{{$…}}`, `{{<…}}`) opened and not closed by the end of `tags`.
    static func openSections(_ tags: [Tag]) -> [Tag] {
        var stack: [Tag] = []
        for tag in tags {
            switch tag.sigil {
            case "#", "^", "$", "<": stack.append(tag)
            case "/": if stack.last?.name == tag.name { stack.removeLast() }
            default: break
            }
        }
        return stack
    }

    /// The position (column in UTF-8 bytes) of the character at `line`, `characterColumn` (as
    /// swift-mustache counts: Characters), clamped to the file.
    static func bytePosition(line: Int, characterColumn: Int, in file: SourceFile) -> SourcePosition {
        guard let text = LineLocator(file.text).line(line) else { return SourcePosition(file: file.displayPath, line: line, column: characterColumn) }
        let column = text.prefix(max(0, characterColumn - 1)).utf8.count + 1
        return SourcePosition(file: file.displayPath, line: line, column: column)
    }

    /// `{{> name}}` and `{{<name}}` that name no template of the theme: swift-mustache would
    /// render them as nothing.
    /// Templates whose file is in `unreadable` (files the reader reported) are not missing.
    func missingIncludes(unreadable: Set<String>) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for name in names {
            let file = files[name]!
            // `theme/templates/` from `theme/templates/partials/nav.mustache`.
            let root = file.displayPath.hasSuffix(file.relativePath) ? String(file.displayPath.dropLast(file.relativePath.count)) : ""
            for include in Self.includes(in: file) where files[include.name] == nil && !include.name.hasPrefix("*") {
                if unreadable.contains(root + include.name + ".mustache") { continue }
                let written = include.sigil == "<" ? "{{<\(include.name)}}" : "{{> \(include.name)}}"
                let what = include.sigil == "<" ? "inherits from" : "includes"
                let candidates = self.names.filter { $0 != name }
                let suggestion: String
                var fix: Fix?
                if let near = Suggest.nearest(include.name, in: candidates, maxDistance: max(2, include.name.count / 4)) {
                    let tag = include.sigil == "<" ? "{{<\(near)}}" : "{{> \(near)}}"
                    suggestion = "did you mean \(tag)?"
                    fix = Fix(replacing: written, at: include.position, with: tag, title: "Change to \(tag)")
                } else {
                    suggestion = "create \(root)\(include.name).mustache, or name one of: \(candidates.joined(separator: ", "))"
                }
                diagnostics.append(
                    .error(
                        "template.missing", at: include.position,
                        "the template '\(name)' \(what) '\(include.name)' (\(written)), which does not exist in the theme: it would render as nothing",
                        suggestion: suggestion, fix: fix))
            }
        }
        return diagnostics
    }

    /// `{{> name}}` and `{{< name}}` tags in a template, with positions (not those in comments).
    static func includes(in file: SourceFile) -> [(name: String, position: SourcePosition, sigil: Character)] {
        tags(in: file).tags.compactMap { tag in
            guard tag.closed, let sigil = tag.sigil, sigil == ">" || sigil == "<" else { return nil }
            return (tag.name, tag.position, sigil)
        }
    }
}
