import Foundation

/// A text source file read from disk: where it is, how messages name it, and its text.
public struct SourceFile: Sendable, Hashable {
    /// Path below its root (`content/` or `theme/templates/`), with `/` separators.
    public var relativePath: String
    /// The path messages print, relative to the working directory when possible (`content/faq.md`).
    public var displayPath: String
    public var text: String

    public init(relativePath: String, displayPath: String, text: String) {
        self.relativePath = relativePath
        self.displayPath = displayPath
        self.text = text
    }
}

/// A file copied to the output as it is.
public struct StaticFile: Sendable, Hashable {
    /// The path below the output folder.
    public var outputPath: String
    public var displayPath: String
    public var source: URL
}

/// Everything the build reads from disk, read once at the start (I/O at the edge).
public struct SiteSources: Sendable {
    public var pages: [SourceFile] = []
    public var staticFiles: [StaticFile] = []
    /// `content/_site.yaml`, when present.
    public var settings: SourceFile?
    /// Other data files at the top of `content/` whose names start with `_` and end in `.yaml`
    /// (`_schemas.yaml`, `_wording.yaml`), by file name.
    public var dataFiles: [String: SourceFile] = [:]
    /// `theme/templates/**/*.mustache`; `relativePath` is the template's name plus `.mustache`.
    public var templates: [SourceFile] = []
    public var diagnostics: [Diagnostic] = []

    public init() {}

    /// The name of the site settings file under `content/`.
    public static let settingsFileName = "_site.yaml"

    /// Reads `content/` and `theme/`. Missing folders and unreadable files become diagnostics with
    /// environment codes (`io.*`); the build exits 2 on them.
    ///
    /// `overlay` holds texts that stand in for files on disk (an editor's unsaved buffers, for
    /// `clinic-site lsp`): a file it names is walked and classified as usual, but its text is the
    /// overlay's.
    public static func read(content: URL, theme: URL, output: URL?, workingDirectory: URL, overlay: SourceOverlay = SourceOverlay()) -> SiteSources {
        var sources = SiteSources()
        let display = DisplayPaths(workingDirectory: workingDirectory)
        let contentDisplay = display.path(for: content)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: content.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            sources.diagnostics.append(
                .error(
                    "io.missing-folder", at: SourcePosition(file: contentDisplay),
                    "the content folder '\(contentDisplay)' does not exist",
                    suggestion: "run from the repository root, or pass --content PATH"))
            return sources
        }
        if let output {
            let outputPath = output.standardizedFileURL.resolvingSymlinksInPath().path
            let contentPath = content.standardizedFileURL.resolvingSymlinksInPath().path
            if outputPath == contentPath || outputPath.hasPrefix(contentPath + "/") {
                sources.diagnostics.append(
                    .error(
                        "io.output-inside-content", at: SourcePosition(file: display.path(for: output)),
                        "the output folder lies inside the content folder '\(contentDisplay)', so every build would read the last one",
                        suggestion: "choose an output folder outside '\(contentDisplay)'"))
                return sources
            }
            // Replacing an output folder that is, or holds, the sources would delete them.
            let themePath = theme.standardizedFileURL.resolvingSymlinksInPath().path
            func within(_ inner: String, _ outer: String) -> Bool { inner == outer || inner.hasPrefix(outer + "/") }
            if within(outputPath, themePath) || within(contentPath, outputPath) || within(themePath, outputPath) {
                sources.diagnostics.append(
                    .error(
                        "io.output-contains-sources", at: SourcePosition(file: display.path(for: output)),
                        "the output folder '\(display.path(for: output))' is or holds the content or the theme; replacing it would delete them",
                        suggestion: "choose a separate output folder, e.g. --output output"))
                return sources
            }
        }
        var walker = TreeReader(root: content, rootDisplay: contentDisplay, overlay: overlay)
        enum Role { case settings, data(String), page }
        var toRead: [(role: Role, relative: String, url: URL)] = []
        for (relative, url) in walker.files() {
            let name = (relative as NSString).lastPathComponent
            if relative == settingsFileName {
                toRead.append((.settings, relative, url))
                continue
            }
            if name.hasPrefix("_") && name.hasSuffix(".yaml") && !relative.contains("/") {
                toRead.append((.data(name), relative, url))
                continue
            }
            if name.hasPrefix("_") && name != "_index.md" { continue }
            // Folders whose names start with '_' hold data, not pages.
            if relative.split(separator: "/").dropLast().contains(where: { $0.hasPrefix("_") }) { continue }
            if name.lowercased().hasSuffix(".md") {
                toRead.append((.page, relative, url))
            } else if walker.checkReadable(url, relative: relative) {
                sources.staticFiles.append(
                    StaticFile(outputPath: relative, displayPath: contentDisplay + "/" + relative, source: url))
            }
        }
        // A folder named `_site.yaml` (its files are data, skipped) would leave the site without
        // settings, silently: every `{{clinic …}}` would then fail far from the cause.
        var settingsIsFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: content.appendingPathComponent(settingsFileName).path, isDirectory: &settingsIsFolder),
            settingsIsFolder.boolValue
        {
            sources.diagnostics.append(
                .error(
                    "settings.invalid", at: SourcePosition(file: contentDisplay + "/" + settingsFileName),
                    "'\(settingsFileName)' is a folder, so the site has no settings; the settings are one YAML file",
                    suggestion: "rename or move the folder, and write the settings (name: …, menu: …) into the file \(contentDisplay)/\(settingsFileName)"))
        }
        // Read and decoded on every core, kept in the walk's order.
        let reader = walker
        for ((role, _, _), result) in zip(toRead, toRead.parallelMap { reader.load($0.url, relative: $0.relative) }) {
            switch (result, role) {
            case (.failure(let diagnostic), _): walker.diagnostics.append(diagnostic)
            case (.success(let file), .settings): sources.settings = file
            case (.success(let file), .data(let name)): sources.dataFiles[name] = file
            case (.success(let file), .page): sources.pages.append(file)
            }
        }
        sources.diagnostics += walker.diagnostics

        let themeDisplay = display.path(for: theme)
        guard FileManager.default.fileExists(atPath: theme.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            sources.diagnostics.append(
                .error(
                    "io.missing-folder", at: SourcePosition(file: themeDisplay),
                    "the theme folder '\(themeDisplay)' does not exist",
                    suggestion: "run from the repository root, or pass --theme PATH"))
            return sources
        }
        var templates = TreeReader(root: theme.appendingPathComponent("templates"), rootDisplay: themeDisplay + "/templates", overlay: overlay)
        for (relative, url) in templates.files() {
            guard relative.hasSuffix(".mustache") else { continue }
            if let file = templates.readText(url, relative: relative) { sources.templates.append(file) }
        }
        sources.diagnostics += templates.diagnostics
        var assets = TreeReader(root: theme.appendingPathComponent("static"), rootDisplay: themeDisplay + "/static")
        for (relative, url) in assets.files() where assets.checkReadable(url, relative: relative) {
            sources.staticFiles.append(
                StaticFile(outputPath: relative, displayPath: themeDisplay + "/static/" + relative, source: url))
        }
        sources.diagnostics += assets.diagnostics
        return sources
    }
}

/// Prints paths relative to the working directory when they lie below it.
struct DisplayPaths {
    let base: String

    init(workingDirectory: URL) {
        base = workingDirectory.standardizedFileURL.path
    }

    func path(for url: URL) -> String {
        let full = url.standardizedFileURL.path
        if full == base { return "." }
        if full.hasPrefix(base + "/") { return String(full.dropFirst(base.count + 1)) }
        return full
    }
}

/// Walks one folder in sorted order: skips names starting with `.`, follows no symlinked
/// folder (so a symlink loop cannot hang the build), refuses symlinks leading outside the root.
struct TreeReader {
    let root: URL
    let rootDisplay: String
    /// Texts read instead of the files on disk.
    let overlay: SourceOverlay
    var diagnostics: [Diagnostic] = []
    private let rootPath: String

    init(root: URL, rootDisplay: String, overlay: SourceOverlay = SourceOverlay()) {
        self.root = root
        self.rootDisplay = rootDisplay
        self.overlay = overlay
        self.rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Every regular file below the root, sorted by path, as (relative path, URL).
    mutating func files() -> [(String, URL)] {
        var found: [(String, URL)] = []
        walk(directory: root.path, relative: "") { found.append(($0, $1)) }
        return found
    }

    /// Paths are plain strings here and a file's URL is made once, without asking the file
    /// system (`isDirectory: false`): `URL.appendingPathComponent` and `.path` for every entry
    /// were most of this serial walk on large sites.
    private mutating func walk(directory: String, relative: String, _ visit: (String, URL) -> Void) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else {
            if fm.fileExists(atPath: directory) {
                diagnostics.append(
                    .error(
                        "io.unreadable", at: SourcePosition(file: display(relative)),
                        "cannot read the folder '\(display(relative))'", suggestion: "check its permissions"))
            }
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let full = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            var type: FileAttributeType? =
                switch info.st_mode & S_IFMT {
                case S_IFLNK: .typeSymbolicLink
                case S_IFDIR: .typeDirectory
                case S_IFREG: .typeRegular
                default: nil
                }
            if type == .typeSymbolicLink {
                let target = URL(fileURLWithPath: full, isDirectory: false).resolvingSymlinksInPath().path
                guard target == rootPath || target.hasPrefix(rootPath + "/") else {
                    diagnostics.append(
                        .error(
                            "source.symlink-outside", at: SourcePosition(file: display(path)),
                            "'\(display(path))' is a symbolic link to '\(target)', outside '\(rootDisplay)'",
                            suggestion: "copy the file into '\(rootDisplay)' instead of linking to it"))
                    continue
                }
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: target, isDirectory: &isDirectory) else {
                    diagnostics.append(
                        .error(
                            "source.symlink-broken", at: SourcePosition(file: display(path)),
                            "'\(display(path))' is a symbolic link that leads nowhere (a loop or a missing target)",
                            suggestion: "remove the link or point it at an existing file"))
                    continue
                }
                if isDirectory.boolValue {
                    diagnostics.append(
                        .warning(
                            "source.symlink-folder", at: SourcePosition(file: display(path)),
                            "'\(display(path))' is a symbolic link to a folder; linked folders are not followed",
                            suggestion: "move the folder into '\(rootDisplay)'"))
                    continue
                }
                // What the link leads to, before anything opens it: reading a FIFO waits forever.
                var targetInfo = stat()
                guard stat(full, &targetInfo) == 0 else { continue }
                if let kind = Self.special(targetInfo.st_mode) {
                    diagnostics.append(
                        .error(
                            "source.not-a-file", at: SourcePosition(file: display(path)),
                            "'\(display(path))' is a symbolic link to \(kind), not a file, so it cannot be read",
                            suggestion: "remove the link, or point it at an ordinary file"))
                    continue
                }
                type = .typeRegular
            } else if type == nil, let kind = Self.special(info.st_mode) {
                diagnostics.append(
                    .error(
                        "source.not-a-file", at: SourcePosition(file: display(path)),
                        "'\(display(path))' is \(kind), not a file, so it cannot be read",
                        suggestion: "remove it from '\(rootDisplay)'"))
                continue
            }
            if type == .typeDirectory {
                walk(directory: full, relative: path, visit)
            } else if type == .typeRegular {
                visit(path, URL(fileURLWithPath: full, isDirectory: false))
            }
        }
    }

    /// What kind of special file `mode` is ("a FIFO (named pipe)"), or nil for a file or folder.
    static func special(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "a special file"
        }
    }

    func display(_ relative: String) -> String {
        relative.isEmpty ? rootDisplay : rootDisplay + "/" + relative
    }

    /// Whether a file to copy can be opened for reading. Checked while reading the sources, so an
    /// unreadable file is an `io.unreadable` at the file (for `check` too), not a failure half way
    /// through writing the output. The file is opened, not only its mode read: ACLs, root and
    /// read-only mounts decide, as they will when it is copied.
    mutating func checkReadable(_ url: URL, relative: String) -> Bool {
        let fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            close(fd)
            return true
        }
        let reason = String(cString: strerror(errno))
        diagnostics.append(
            .error(
                "io.unreadable", at: SourcePosition(file: display(relative)),
                "cannot read '\(display(relative))' (\(reason))", suggestion: "check that the file's permissions let you read it"))
        return false
    }

    /// Reads the file at `url`, or records why it cannot be read.
    mutating func readText(_ url: URL, relative: String) -> SourceFile? {
        switch load(url, relative: relative) {
        case .success(let file): return file
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        }
    }

    /// The file at `url`, decoded, or why it cannot be read (safe on any thread).
    func load(_ url: URL, relative: String) -> Result<SourceFile, Diagnostic> {
        guard let bytes = overlay.bytes(for: url) ?? SourceText.readFile(url.path) else {
            return .failure(
                .error(
                    "io.unreadable", at: SourcePosition(file: display(relative)),
                    "cannot read '\(display(relative))'", suggestion: "check that the file's permissions let you read it"))
        }
        return SourceText.decode(bytes: bytes, file: display(relative)).map {
            SourceFile(relativePath: relative, displayPath: display(relative), text: $0)
        }
    }
}
