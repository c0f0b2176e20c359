import Foundation

/// Turns the raw request target into a path of the in-memory site, refusing anything that could
/// name a place outside it.
///
/// The site is served from a dictionary of output paths, so no request can reach the disk by
/// itself; the checks still refuse, rather than quietly normalize, every spelling of a way out
/// (`..`, `%2e%2e`, an encoded `/` or `\`, NUL and other control bytes), so that a page that
/// links with such a path is noticed, and so that the rule holds if the map ever changes.
/// It works on the raw target as the client sent it (`PreviewHTTPServer.Request.path`), never a
/// cleaned-up one (FlyingFox, used before, removed dot segments from its `request.path`).
enum RequestPath {
    enum Outcome: Equatable {
        /// The decoded path below the site root, without the leading `/`; ends with `/` for a
        /// folder (`""` is the root, `faq/`, `style.css`).
        case path(String)
        /// Refused with 400; the reason is for the response body.
        case rejected(String)
    }

    static func decode(_ rawTarget: String) -> Outcome {
        var raw = Substring(rawTarget)
        // Absolute form (`GET http://host/path`) is valid HTTP/1.1; keep only the path.
        for scheme in ["http://", "https://"] where raw.lowercased().hasPrefix(scheme) {
            let afterScheme = raw.dropFirst(scheme.count)
            raw = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        if let query = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<query] }
        guard raw.first == "/" else { return .rejected("the path must start with /") }
        for byte in raw.utf8 where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            return .rejected(byte == UInt8(ascii: "\\") ? "backslashes are not allowed in paths" : "control characters are not allowed in paths")
        }
        var segments: [String] = []
        for rawSegment in raw.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let segment = String(rawSegment).removingPercentEncoding else {
                return .rejected("the path is not valid percent-encoded UTF-8")
            }
            if segment == "." || segment == ".." { return .rejected("'.' and '..' are not allowed in paths") }
            if segment.contains("/") || segment.contains("\\") { return .rejected("encoded slashes are not allowed in paths") }
            if segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return .rejected("control characters are not allowed in paths")
            }
            segments.append(segment)
        }
        return .path(segments.joined(separator: "/"))
    }
}
