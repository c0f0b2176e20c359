import Foundation
import Mustache

/// The theme's Mustache templates, parsed once. Templates are named by their path below
/// `theme/templates/` without `.mustache` (`page`, `partials/nav`).
public struct Theme: Sendable {
    public private(set) var library = MustacheLibrary()
    public private(set) var files: [String: SourceFile] = [:]

    public var names: [String] { files.keys.sorted() }

    public init() {}

    public static func load(_ templates: [SourceFile]) -> (Theme, [Diagnostic]) {
        var theme = Theme()
        var diagnostics: [Diagnostic] = []
        for file in templates {
            let name = String(file.relativePath.dropLast(".mustache".count))
            theme.files[name] = file
            do {
                let template = try MustacheTemplate(string: file.text)
                theme.library.register(template, named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(
                    .error(
                        "template.error", at: SourcePosition(file: file.displayPath, line: error.context.lineNumber, column: error.context.columnNumber),
                        "template syntax error: \(describe(error.error))",
                        suggestion: "every {{#section}} and {{^section}} needs its {{/section}} with the same name"))
            } catch {
                diagnostics.append(.error("template.error", at: SourcePosition(file: file.displayPath), "template syntax error: \(error)"))
            }
        }
        diagnostics += theme.partialCycles()
        return (theme, diagnostics)
    }

    static func describe(_ error: Error) -> String {
        guard let e = error as? MustacheTemplate.Error else { return "\(error)" }
        switch e {
        case .sectionCloseNameIncorrect: return "this {{/…}} closes a section with another name"
        case .unfinishedName: return "a tag is not closed with }}"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "badly formed set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot be applied to an inherited section"
        case .illegalTokenInsideInheritSection: return "only {{$block}} definitions may stand inside {{<parent}}"
        case .textInsideInheritSection: return "only {{$block}} definitions may stand inside {{<parent}}"
        case .invalidConfigVariableSyntax: return "badly formed configuration tag"
        case .unrecognisedConfigVariable: return "unknown configuration tag"
        }
    }

    /// Partials (`{{> name}}`) and parents (`{{< name}}`) that include themselves, directly or
    /// through others, would recurse forever while rendering: refuse them before rendering.
    func partialCycles() -> [Diagnostic] {
        var edges: [String: [(String, SourcePosition)]] = [:]
        for (name, file) in files {
            edges[name] = Self.includes(in: file)
        }
        var diagnostics: [Diagnostic] = []
        var reported = Set<String>()
        for start in names {
            // Depth-first search for a path from `start` back to itself.
            var stack: [(String, [String])] = [(start, [start])]
            var visited = Set<String>()
            while let (node, path) = stack.popLast() {
                for (next, position) in edges[node] ?? [] {
                    if next == start {
                        let cycle = (path + [start]).joined(separator: " → ")
                        if reported.insert(Set(path).sorted().joined(separator: ",")).inserted {
                            diagnostics.append(
                                .error(
                                    "template.recursive-partial", at: path.count == 1 ? position : SourcePosition(file: files[start]!.displayPath),
                                    "the template '\(start)' includes itself (\(cycle)), which would never finish",
                                    suggestion: "remove the {{> \(path.count == 1 ? start : path[1])}} that closes the loop"))
                        }
                    } else if visited.insert(next).inserted {
                        stack.append((next, path + [next]))
                    }
                }
            }
        }
        return diagnostics
    }

    /// `{{> name}}` and `{{< name}}` tags in a template, with positions.
    static func includes(in file: SourceFile) -> [(String, SourcePosition)] {
        var result: [(String, SourcePosition)] = []
        for (lineIndex, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{") {
                let afterOpen = rest[open.upperBound...]
                guard let close = afterOpen.range(of: "}}") else { break }
                let tag = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                if let first = tag.first, first == ">" || first == "<" {
                    let name = tag.dropFirst().trimmingCharacters(in: .whitespaces)
                    let column = line.utf8.distance(from: line.startIndex, to: open.lowerBound) + 1
                    result.append((name, SourcePosition(file: file.displayPath, line: lineIndex + 1, column: column)))
                }
                rest = afterOpen[close.upperBound...]
            }
        }
        return result
    }

    public func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

    public func render(_ name: String, context: [String: Any]) -> String? {
        library.render(context, withTemplate: name)
    }
}
