import Foundation
import Mustache

/// The theme's Mustache templates, parsed once. Templates are named by their path below
/// `theme/templates/` without `.mustache` (`page`, `partials/nav`).
public struct Theme: Sendable {
    public private(set) var library = MustacheLibrary()
    public private(set) var files: [String: SourceFile] = [:]

    public var names: [String] { files.keys.sorted() }

    /// The ids the templates write literally (`<main id="main">`), in any template or partial:
    /// taken before a page's headings are numbered, so that `## Main` becomes `main-1` rather
    /// than a second `main`. Ids made by a tag (`id="{{…}}"`) are not known before rendering;
    /// the assembled page's duplicate-id check catches those.
    public var literalIDs: Set<String> {
        var ids = Set<String>()
        for file in files.values {
            for value in ChromeScanner.scan(file.text).ids where !value.contains("{{") { ids.insert(value) }
        }
        return ids
    }

    public init() {}

    /// Parses and checks `templates`. `readErrors` are the diagnostics of reading the sources:
    /// a template they name (unreadable, say) is there, though not in `templates`.
    public static func load(_ templates: [SourceFile], readErrors: [Diagnostic] = []) -> (Theme, [Diagnostic]) {
        var theme = Theme()
        var diagnostics: [Diagnostic] = []
        Escape.registerMustacheContentType
        for file in templates {
            let name = String(file.relativePath.dropLast(".mustache".count))
            theme.files[name] = file
            if let tooDeep = Self.nestingTooDeep(file) {
                diagnostics.append(tooDeep)
                continue
            }
            do {
                // Every value is escaped by `Escape.html` (see `Escape.MustacheHTML`).
                let template = try MustacheTemplate(string: Escape.mustachePragma + file.text)
                theme.library.register(template, named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(syntaxError(error, in: file))
            } catch {
                diagnostics.append(.error("template.error", at: SourcePosition(file: file.displayPath), "template syntax error: \(error)"))
            }
        }
        diagnostics += theme.missingIncludes(unreadable: Set(readErrors.map(\.position.file)))
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
        var edges: [String: [(name: String, position: SourcePosition, sigil: Character)]] = [:]
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
                for (next, position, sigil) in edges[node] ?? [] {
                    if next == start {
                        let cycle = (path + [start]).joined(separator: " → ")
                        if reported.insert(Set(path).sorted().joined(separator: ",")).inserted {
                            // Reported in `start`, at its include of the next template of the loop.
                            let second = path.count == 1 ? start : path[1]
                            let closing = path.count == 1 ? (name: next, position: position, sigil: sigil) : edges[start]!.first { $0.name == second }!
                            let tag = closing.sigil == "<" ? "{{<\(second)}}" : "{{> \(second)}}"
                            diagnostics.append(
                                .error(
                                    "template.recursive-partial", at: closing.position,
                                    "the template '\(start)' includes itself (\(cycle)), which would never finish",
                                    suggestion: "remove the \(tag) that closes the loop"))
                        }
                    } else if visited.insert(next).inserted {
                        stack.append((next, path + [next]))
                    }
                }
            }
        }
        return diagnostics
    }

    public func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

    public func render(_ name: String, context: [String: Any]) -> String? {
        library.render(context, withTemplate: name)
    }
}
