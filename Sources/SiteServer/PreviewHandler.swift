import FlyingFox
import Foundation

/// The FlyingFox handler: live-reload events at `/__clinic-site/events`, everything else from
/// `PreviewRouter`, HEAD answered with GET's headers and no body.
struct PreviewHandler: HTTPHandler {
    let router: PreviewRouter
    let state: Locked<PreviewState>
    let hub: EventHub

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let method = request.method.rawValue.uppercased()
        // The raw target: FlyingFox's `request.path` has '..' already resolved away.
        let rawPath = request.target.path()
        if rawPath == LiveReload.eventsPath, method == "GET" || method == "HEAD" {
            return events(request, head: method == "HEAD")
        }
        // Requests that come before the first build wait for it (the handler's time limit bounds it).
        while state.withLock({ $0.latest == nil }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let response = router.respond(method: method, rawPath: rawPath, rawQuery: request.target.query(), state: state.current)
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers[HTTPHeader(name)] = value }
        let status = HTTPStatusCode(response.status, phrase: Self.phrase(response.status))
        if method == "HEAD" {
            headers[.contentLength] = String(response.body.count)
            return HTTPResponse(statusCode: status, headers: headers, body: Data())
        }
        return HTTPResponse(statusCode: status, headers: headers, body: response.body)
    }

    private func events(_ request: HTTPRequest, head: Bool) -> HTTPResponse {
        let headers: HTTPHeaders = [
            .contentType: "text/event-stream; charset=utf-8",
            HTTPHeader("Cache-Control"): "no-store",
            HTTPHeader("X-Accel-Buffering"): "no",
        ]
        if head {
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data())
        }
        let since = request.query.first { $0.name == "since" }?.value
        let stream = hub.subscribe(since: since)
        return HTTPResponse(statusCode: .ok, headers: headers, body: HTTPBodySequence(from: EventBytes(stream: stream)))
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 500: return "Internal Server Error"
        default: return "Status"
        }
    }
}
