import Foundation
import Yams

/// `clinic-site new PATH --title "…"`: a new Markdown page with the front matter its type needs.
///
/// The type comes from `--type`, else from the folder (`folders:` in `content/_schemas.yaml`),
/// else it is `page`. Every page gets `title` and `description: ""` (empty, so the build asks
/// for one); a type that requires a medical review gets `reviewed: pending`; any other key the
/// type requires gets an empty value of its kind, which the build then reports until filled in.
public enum NewPage {
    public struct Created: Sendable, Equatable {
        /// The file written.
        public var file: URL
        /// As messages print it (`content/faq/new.md`).
        public var displayPath: String
        /// The page type its front matter was made for.
        public var type: String
        /// The page's URL on the site (`/faq/new/`).
        public var url: String
        public var text: String
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Writes the page; refuses to overwrite anything.
    ///
    /// - Parameters:
    ///   - path: The page, below `content` (`faq/billing.md`) or including it
    ///     (`content/faq/billing.md`); `.md` is added when there is no extension.
    @discardableResult
    public static func create(
        path: String, title: String, type explicitType: String? = nil, draft: Bool = false,
        content: URL, workingDirectory: URL
    ) throws -> Created {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw Failure("--title must not be empty: it is the page's heading and browser title") }
        let relative = try relativePath(path, content: content, workingDirectory: workingDirectory)
        let file = content.appendingPathComponent(relative)
        let display = displayPath(file, workingDirectory: workingDirectory)

        for other in samePageFiles(relative) where FileManager.default.fileExists(atPath: content.appendingPathComponent(other).path) {
            let otherDisplay = displayPath(content.appendingPathComponent(other), workingDirectory: workingDirectory)
            throw Failure("'\(otherDisplay)' already makes the page \(url(of: relative)); '\(display)' would have the same URL")
        }

        let schema = Schema.load(content.appendingPathComponent("_schemas.yaml"))
        let type = explicitType ?? schema.folderType(of: relative) ?? "page"
        if let explicitType, !schema.types.isEmpty, schema.types[explicitType] == nil, explicitType != "page" {
            throw Failure("there is no page type '\(explicitType)' in content/_schemas.yaml; the types are: \(schema.types.keys.sorted().joined(separator: ", "))")
        }
        let text = frontMatter(
            title: title, type: type, writeType: explicitType != nil && explicitType != schema.folderType(of: relative),
            required: schema.requiredKeys(of: type), draft: draft)

        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw Failure("cannot create the folder '\(displayPath(file.deletingLastPathComponent(), workingDirectory: workingDirectory))': \(error.localizedDescription)")
        }
        // O_EXCL: refuse to overwrite, even a file made a moment ago by someone else.
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { throw Failure("'\(display)' already exists; it was left unchanged (choose another name, or edit it)") }
            throw Failure("cannot create '\(display)': \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw Failure("could not write all of '\(display)'") }
        return Created(file: file, displayPath: display, type: type, url: url(of: relative), text: text)
    }

    /// The front matter (and an empty body) of a new page.
    static func frontMatter(title: String, type: String, writeType: Bool, required: [(key: String, type: String)], draft: Bool) -> String {
        var lines = ["---", "title: \(quoted(title))", "description: \"\""]
        if writeType { lines.append("type: \(type)") }
        for (key, keyType) in required where !["title", "description", "reviewed_by"].contains(key) {
            if key == "reviewed" || keyType == "review" {
                lines.append("\(key): pending")
                continue
            }
            switch keyType {
            case "list", "text-list": lines.append("\(key): []")
            case "map": lines.append("\(key): {}")
            case "text": lines.append("\(key): \"\"")
            default: lines.append("\(key):")
            }
        }
        if draft { lines.append("draft: true") }
        lines += ["---", "", ""]
        return lines.joined(separator: "\n")
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The path below `content`, with `.md`; refuses paths outside it and other extensions.
    static func relativePath(_ path: String, content: URL, workingDirectory: URL) throws -> String {
        var path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { throw Failure("give the page's path, e.g. clinic-site new faq/billing.md --title \"Billing\"") }
        let name = (path as NSString).lastPathComponent
        if !name.contains(".") { path += ".md" }
        guard path.lowercased().hasSuffix(".md") else {
            throw Failure("'\(path)' is not a Markdown page: a page's name ends in .md")
        }
        let contentPath = content.standardizedFileURL.path
        // appendingPathComponent, not URL(relativeTo:): a base URL without a trailing slash would
        // lose its last folder.
        let absolute = path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path)
        let full = absolute.standardizedFileURL.path
        var relative: String
        if full.hasPrefix(contentPath + "/") {
            relative = String(full.dropFirst(contentPath.count + 1))
        } else if path.hasPrefix("/") {
            throw Failure("'\(path)' is outside the content folder '\(displayPath(content, workingDirectory: workingDirectory))'")
        } else {
            // A path below the content folder (`faq/billing.md`).
            let below = content.appendingPathComponent(path).standardizedFileURL.path
            guard below.hasPrefix(contentPath + "/") else {
                throw Failure("'\(path)' is outside the content folder '\(displayPath(content, workingDirectory: workingDirectory))'")
            }
            relative = String(below.dropFirst(contentPath.count + 1))
        }
        let parts = relative.split(separator: "/")
        if let hidden = parts.first(where: { $0.hasPrefix(".") || ($0.hasPrefix("_") && $0 != "_index.md") }) {
            throw Failure("'\(hidden)' starts with '\(hidden.first!)': the build skips such names, so the page would never appear")
        }
        relative = parts.joined(separator: "/")
        return relative
    }

    /// Other source files that would give the same URL (`faq.md`, `faq/index.md`, `faq/_index.md`).
    static func samePageFiles(_ relative: String) -> [String] {
        let stem = String(relative.dropLast(3))
        let name = (stem as NSString).lastPathComponent
        if name == "index" || name == "_index" {
            let folder = (stem as NSString).deletingLastPathComponent
            var others = [folder.isEmpty ? "index.md" : folder + "/index.md", folder.isEmpty ? "_index.md" : folder + "/_index.md"]
            if !folder.isEmpty { others.append(folder + ".md") }
            return others.filter { $0 != relative }
        }
        return [stem + "/index.md", stem + "/_index.md"]
    }

    static func url(of relative: String) -> String {
        var parts = relative.dropLast(3).split(separator: "/").map(String.init)
        if parts.last == "index" || parts.last == "_index" { parts.removeLast() }
        return parts.isEmpty ? "/" : "/" + parts.joined(separator: "/") + "/"
    }

    static func displayPath(_ url: URL, workingDirectory: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = workingDirectory.standardizedFileURL.path
        return full.hasPrefix(base + "/") ? String(full.dropFirst(base.count + 1)) : full
    }

    /// What `new` needs from `_schemas.yaml`: folder types and required keys, `extends` followed.
    /// A missing or unreadable schema gives plain pages (the build reports its problems).
    struct Schema {
        var folders: [(folder: String, type: String)] = []
        var types: [String: (extends: String?, required: [(key: String, type: String)])] = [:]

        static func load(_ file: URL) -> Schema {
            var schema = Schema()
            guard let text = try? String(contentsOf: file, encoding: .utf8),
                let root = (try? Yams.load(yaml: text)) as? [String: Any]
            else { return schema }
            if let folders = root["folders"] as? [String: Any] {
                for (folder, type) in folders {
                    if let type = type as? String {
                        schema.folders.append((folder.trimmingCharacters(in: CharacterSet(charactersIn: "/ ")), type))
                    }
                }
                schema.folders.sort { $0.folder.count > $1.folder.count }
            }
            // Yams loses key order in dictionaries; read the required keys in file order from a Node.
            if let node = try? Yams.compose(yaml: text), let types = node.mapping?["types"]?.mapping {
                for (nameNode, body) in types {
                    guard let name = nameNode.string else { continue }
                    let extends = body.mapping?["extends"]?.string
                    var required: [(String, String)] = []
                    if let keys = body.mapping?["required"]?.mapping {
                        for (key, type) in keys {
                            if let key = key.string { required.append((key, type.string ?? "any")) }
                        }
                    }
                    schema.types[name] = (extends, required)
                }
            }
            return schema
        }

        func folderType(of relative: String) -> String? {
            let directory = (relative as NSString).deletingLastPathComponent
            return folders.first { directory == $0.folder || directory.hasPrefix($0.folder + "/") }?.type
        }

        /// The required keys of `type`, its ancestors' and `page`'s, base first, without repeats.
        func requiredKeys(of type: String) -> [(key: String, type: String)] {
            var chain: [String] = []
            var next: String? = type
            while let name = next, !chain.contains(name) {
                chain.append(name)
                next = types[name]?.extends
            }
            if !chain.contains("page") { chain.append("page") }
            var seen = Set<String>()
            var result: [(key: String, type: String)] = []
            for name in chain.reversed() {
                for entry in types[name]?.required ?? [] where seen.insert(entry.key).inserted {
                    result.append(entry)
                }
            }
            return result
        }
    }
}
