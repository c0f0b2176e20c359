import Foundation
import SiteKit

/// An HTTP response before it is handed to the server library.
struct PreviewResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    init(status: Int, contentType: String, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        // Every response: never cached (a reload must fetch the new build), never sniffed.
        self.headers = ["Content-Type": contentType, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"]
        self.headers.merge(headers) { _, new in new }
    }

    static func text(_ status: Int, _ message: String, headers: [String: String] = [:]) -> PreviewResponse {
        PreviewResponse(status: status, contentType: "text/plain; charset=utf-8", body: Data((message + "\n").utf8), headers: headers)
    }
}

/// Answers a request from the in-memory site: which file, which status, which headers, and the
/// reload script and error overlay in HTML. Pure apart from reading copied files, so it is
/// tested without a socket as well as through one.
struct PreviewRouter: Sendable {
    /// Folders a copied file may come from (`content/`, `theme/static/`); symlinks are resolved
    /// before the check, so a link leading elsewhere is refused.
    var allowedRoots: [URL]

    func respond(method: String, rawPath: String, rawQuery: String, state: PreviewState) -> PreviewResponse {
        guard method == "GET" || method == "HEAD" else {
            return .text(405, "405 Method Not Allowed: the preview serves GET and HEAD only", headers: ["Allow": "GET, HEAD"])
        }
        if rawPath == LiveReload.scriptPath {
            return PreviewResponse(status: 200, contentType: "text/javascript; charset=utf-8", body: Data(LiveReload.script.utf8))
        }
        if rawPath.hasPrefix(LiveReload.reservedPrefix) {
            return .text(404, "404 Not Found")
        }
        let path: String
        switch RequestPath.decode(rawPath) {
        case .rejected(let reason): return .text(400, "400 Bad Request: \(reason)")
        case .path(let p): path = p
        }

        let view = View(state: state)
        if path.isEmpty || path.hasSuffix("/") {
            if let response = serve(path + "index.html", status: 200, view: view) { return response }
        } else if let response = serve(path, status: 200, view: view) {
            return response
        } else if view.lookup(path + "/index.html") != nil {
            // A folder without its trailing slash: redirect, so relative links in the page resolve.
            let location = rawPath + "/" + (rawQuery.isEmpty ? "" : "?" + rawQuery)
            return .text(301, "301 Moved Permanently: \(location)", headers: ["Location": location])
        }
        if let response = serve("404.html", status: 404, view: view) { return response }
        if view.neverBuiltWithoutErrors { return html(nil, status: 500, view: view) }
        let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
            + "<body><h1>Not found</h1><p>There is no page at <code>/\(Escape.html(path))</code>.</p></body></html>\n"
        return html(page, status: 404, view: view)
    }

    /// The served site: the latest build when it has no errors, else the last good build, with
    /// what only the latest build has (a page just added) still reachable.
    struct View {
        var state: PreviewState
        var errors: [Diagnostic]
        var primary: [String: ServedFile]
        var fallback: [String: ServedFile]

        init(state: PreviewState) {
            self.state = state
            let latest = state.latest
            errors = latest?.errors ?? []
            if errors.isEmpty {
                primary = latest?.files ?? [:]
                fallback = [:]
            } else {
                primary = state.lastGood?.files ?? [:]
                fallback = latest?.files ?? [:]
            }
        }

        func lookup(_ path: String) -> ServedFile? { primary[path] ?? fallback[path] }
        var neverBuiltWithoutErrors: Bool { !errors.isEmpty && state.lastGood == nil }
    }

    private func serve(_ path: String, status: Int, view: View) -> PreviewResponse? {
        let isHTML = ContentTypes.isHTML(path)
        if isHTML, view.neverBuiltWithoutErrors {
            // No good version of any page yet: every page (and the 404 page) is the list of errors.
            return html(nil, status: 500, view: view)
        }
        guard let file = view.lookup(path) else { return nil }
        switch file {
        case .text(let text):
            if isHTML { return html(text, status: status, view: view) }
            return PreviewResponse(status: status, contentType: ContentTypes.forPath(path), body: Data(text.utf8))
        case .file(let url, _, _):
            guard let data = readCopied(url) else { return nil }
            if isHTML { return html(String(decoding: data, as: UTF8.self), status: status, view: view) }
            return PreviewResponse(status: status, contentType: ContentTypes.forPath(path), body: data)
        }
    }

    /// HTML with the reload script, and the error overlay while the latest build has errors;
    /// before any build has succeeded, the page of errors instead (also when `page` is nil).
    private func html(_ page: String?, status: Int, view: View) -> PreviewResponse {
        let token = view.state.token
        var body: String
        if view.errors.isEmpty {
            body = LiveReload.inject(into: page ?? "", token: token, overlay: nil)
        } else {
            let latest = view.state.latest
            let overlay = ErrorOverlay(
                errors: view.errors, warningCount: latest?.warningCount ?? 0,
                sourceLine: { latest?.sourceLine($0) })
            if let page, !view.neverBuiltWithoutErrors {
                body = LiveReload.inject(into: page, token: token, overlay: overlay.overlay())
            } else {
                body = LiveReload.inject(into: overlay.page(), token: token, overlay: nil)
            }
        }
        return PreviewResponse(status: status, contentType: ContentTypes.html, body: Data(body.utf8))
    }

    /// The bytes of a copied file, only when it lies inside an allowed folder once every
    /// symlink is resolved, and is a regular file.
    func readCopied(_ url: URL) -> Data? {
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath().path
        let inside = allowedRoots.contains { root in
            let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
            return resolved.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/")
        }
        guard inside else { return nil }
        // Ordinary files only: a FIFO would hold the request (and a thread) forever.
        return SourceText.readFile(resolved).map { Data($0) }
    }
}
