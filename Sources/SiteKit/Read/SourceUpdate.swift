import Foundation

extension SiteSources {
    /// The sources after the files at `changed` (absolute paths) were written, created or
    /// deleted, read again one by one instead of walking both folders: what `read` would
    /// return now, provided nothing else changed. Nil when only a full `read` can tell: a change
    /// to a folder, a symbolic link, a root, or sources that had folder-level problems.
    ///
    /// Files are classified as `read` classifies them (settings, rule files, pages, files to
    /// copy, templates, theme assets; hidden names and `_` folders skipped) and kept in its
    /// order; a test compares the two after every kind of change.
    /// `overlay` is `read`'s: texts that stand in for the files on disk.
    public func updated(changed: Set<String>, content: URL, theme: URL, workingDirectory: URL, overlay: SourceOverlay = SourceOverlay()) -> SiteSources? {
        if diagnostics.contains(where: { $0.code.hasPrefix("io.") || $0.code.hasPrefix("source.symlink") }) { return nil }
        let display = DisplayPaths(workingDirectory: workingDirectory)
        let contentRoot = content.standardizedFileURL
        let themeRoot = theme.standardizedFileURL
        let contentPath = contentRoot.path
        let templatesPath = themeRoot.appendingPathComponent("templates").path
        let staticPath = themeRoot.appendingPathComponent("static").path
        let contentDisplay = display.path(for: content)
        let themeDisplay = display.path(for: theme)
        var result = self
        for path in changed.sorted() {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            let full = url.path
            let roots = [contentPath, templatesPath, staticPath]
            // A root, or a folder holding one, changed: walk everything.
            if roots.contains(where: { $0 == full || $0.hasPrefix(full + "/") }) { return nil }
            let matches = roots.filter { full.hasPrefix($0 + "/") }
            if matches.count > 1 { return nil }
            guard let root = matches.first else {
                // Elsewhere in the theme folder (or outside both): the build does not read it.
                continue
            }
            let relative = String(full.dropFirst(root.count + 1))
            let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
            if parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) { continue }
            var info = stat()
            let exists = lstat(full, &info) == 0
            if exists {
                let type = info.st_mode & S_IFMT
                if type != S_IFREG { return nil }
                // A file that cannot be opened: `read` says so in its own way.
                let fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                if fd < 0 { return nil }
                close(fd)
            } else if errno != ENOENT {
                return nil
            }
            switch root {
            case contentPath:
                var reader = TreeReader(root: contentRoot, rootDisplay: contentDisplay, overlay: overlay)
                let displayPath = reader.display(relative)
                result.diagnostics.removeAll { $0.position.file == displayPath }
                let name = String(parts.last!)
                if relative == Self.settingsFileName {
                    result.settings = exists ? reader.readText(url, relative: relative) : nil
                } else if name.hasPrefix("_") && name.hasSuffix(".yaml") && parts.count == 1 {
                    result.dataFiles[name] = exists ? reader.readText(url, relative: relative) : nil
                } else if name.hasPrefix("_") && name != "_index.md" {
                    continue
                } else if parts.dropLast().contains(where: { $0.hasPrefix("_") }) {
                    continue
                } else if name.lowercased().hasSuffix(".md") {
                    let file = exists ? reader.readText(url, relative: relative) : nil
                    if let at = result.pages.firstIndex(where: { $0.relativePath == relative }) {
                        if let file { result.pages[at] = file } else { result.pages.remove(at: at) }
                    } else if let file {
                        result.pages.insert(file, at: Self.insertionPoint(of: relative, in: result.pages.map(\.relativePath)))
                    }
                } else {
                    let inContent = { (file: StaticFile) in file.source.standardizedFileURL.path.hasPrefix(contentPath + "/") }
                    result.staticFiles.removeAll { inContent($0) && $0.outputPath == relative }
                    if exists {
                        let at = result.staticFiles.firstIndex { !inContent($0) || Self.walkOrder(relative, $0.outputPath) } ?? result.staticFiles.count
                        result.staticFiles.insert(StaticFile(outputPath: relative, displayPath: displayPath, source: url), at: at)
                    }
                }
                result.diagnostics += reader.diagnostics
            case templatesPath:
                guard relative.hasSuffix(".mustache") else { continue }
                var reader = TreeReader(root: URL(fileURLWithPath: templatesPath), rootDisplay: themeDisplay + "/templates", overlay: overlay)
                let displayPath = reader.display(relative)
                result.diagnostics.removeAll { $0.position.file == displayPath }
                result.templates.removeAll { $0.relativePath == relative }
                if exists, let file = reader.readText(url, relative: relative) {
                    let at = result.templates.firstIndex { Self.walkOrder(relative, $0.relativePath) } ?? result.templates.count
                    result.templates.insert(file, at: at)
                }
                result.diagnostics += reader.diagnostics
            default:
                let inTheme = { (file: StaticFile) in file.source.standardizedFileURL.path.hasPrefix(staticPath + "/") }
                result.staticFiles.removeAll { inTheme($0) && $0.outputPath == relative }
                if exists {
                    let at = result.staticFiles.firstIndex { inTheme($0) && Self.walkOrder(relative, $0.outputPath) } ?? result.staticFiles.count
                    result.staticFiles.insert(
                        StaticFile(outputPath: relative, displayPath: themeDisplay + "/static/" + relative, source: url), at: at)
                }
            }
        }
        return result
    }

    /// Where `path` goes in `paths` (in walk order).
    static func insertionPoint(of path: String, in paths: [String]) -> Int {
        var low = 0
        var high = paths.count
        while low < high {
            let mid = (low + high) / 2
            if walkOrder(paths[mid], path) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Whether `a` comes before `b` in the order `read` walks a folder: names sorted within each
    /// folder, a folder's files at the folder's place.
    static func walkOrder(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: "/", omittingEmptySubsequences: false)
        let y = b.split(separator: "/", omittingEmptySubsequences: false)
        for (p, q) in zip(x, y) where p != q { return String(p) < String(q) }
        return x.count < y.count
    }
}
