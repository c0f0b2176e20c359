import Foundation
import FuzzCommon
@testable import SiteKit

// The link resolver and the rewriting of links written to source files (`faq.md#cost`).
//
// Input: a link destination as written; its first byte chooses the page it is on and whether
// the settings allow `data:`.
// Invariants:
// - a local path is root-relative, with no '.', '..' or empty segment: nothing resolves above the
//   site's root or to another host;
// - a local path without characters that need escaping resolves to itself again;
// - a dangerous scheme (javascript:, vbscript:, data:, file:, in any case, after blanks) is
//   never external or local unless the settings allow it;
// - `normalize` never keeps a '.', '..' or empty segment;
// - a rewritten source link is a page's URL followed by the fragment as written, and only a
//   link to a `.md` file is rewritten.

@_cdecl("FuzzLinks_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzLinks)
}

let sources = [
    ("index.md", "Home", ""), ("faq.md", "FAQ", ""), ("services/_index.md", "Services", ""),
    ("services/knee-pain.md", "Knee", ""), ("services/other.md", "Other", "slug: different\n"),
    ("404.md", "Not found", "url: /404.html\n"), ("old.md", "Old", "aliases: [/previous/]\n"),
]

let index: SiteIndex = {
    let pages = sources.map { path, title, extra in
        PageLoader.load(SourceFile(relativePath: path, displayPath: "content/" + path, text: "---\ntitle: \(title)\n\(extra)---\n")).0!
    }
    var diagnostics: [Diagnostic] = []
    let index = SiteIndex(pages: pages, diagnostics: &diagnostics)
    precondition(diagnostics.isEmpty)
    return index
}()
let urls = Set(index.pages.map(\.url))

func checkLocal(_ path: String, _ href: String) {
    invariant(startsWithSlash(path), "local path \(path.debugDescription) of \(href.debugDescription) is not root-relative")
    var segments = pathSegments(path).dropFirst()
    if segments.last == "" { segments = segments.dropLast() }
    invariant(!segments.contains(".") && !segments.contains(".."), "local path \(path.debugDescription) of \(href.debugDescription) keeps a dot segment")
    invariant(!path.utf8.starts(with: "//".utf8) && !segments.contains(""), "local path \(path.debugDescription) of \(href.debugDescription) has an empty segment")
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzLinks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let first = input.first else { return 0 }
    let href = String(decoding: input.dropFirst(), as: UTF8.self)
    let page = index.pages[Int(first >> 1) % index.pages.count]
    let allowed: Set<String> = first & 1 == 1 ? ["data"] : []

    let target = LinkResolver.resolve(href, from: page.url, allowedSchemes: allowed)
    switch target {
    case .local(let path, _):
        checkLocal(path, href)
        // (Not with a C0 control: a browser trims those at the ends of a URL, and so does the
        // resolver, so a path ending in one resolves to the path without it.)
        if !path.unicodeScalars.contains(where: { "%#? \\".unicodeScalars.contains($0) || $0.properties.isWhitespace || $0.value < 0x20 }) {
            let again = LinkResolver.resolve(path, from: "/")
            invariant(again == .local(path: path, fragment: nil), "\(path.debugDescription) resolves to \(again)")
        }
    case .external(let scheme):
        invariant(LinkResolver.externalSchemes.contains(scheme) || allowed.contains(scheme), "external scheme \(scheme)")
    case .unsafe(let scheme):
        invariant(!allowed.contains(scheme), "allowed scheme \(scheme) refused")
    case .samePage, .malformed:
        break
    }
    // The scheme as a browser reads it (WHATWG URL): leading and trailing C0 controls and spaces
    // trimmed, every tab and newline removed, compared as bytes (a ':' followed by a combining
    // mark is one Character with it, but still the end of the scheme).
    var browser = Array(href.utf8.filter { $0 != 9 && $0 != 10 && $0 != 13 })
    while let c = browser.first, c <= 32 { browser.removeFirst() }
    let lowered = browser.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    for scheme in LinkResolver.dangerousSchemes where !allowed.contains(scheme) && lowered.starts(with: Array((scheme + ":").utf8)) {
        switch target {
        case .external, .local: invariant(false, "\(href.debugDescription) resolved to \(target)")
        default: break
        }
    }

    if let normalized = LinkResolver.normalize(path: href, base: String(decoding: page.url.utf8.dropFirst(), as: UTF8.self)) {
        let segments = pathSegments(normalized)
        invariant(normalized.isEmpty || !segments.contains { $0 == "." || $0 == ".." || $0.isEmpty }, "normalize gave \(normalized.debugDescription)")
    }

    let rewritten = index.rewriteSourceLink(href, from: page)
    if rewritten != href {
        // The first '#' scalar (a '#' followed by a combining mark is still a '#' to a browser).
        let hash = href.unicodeScalars.firstIndex(of: "#")
        let fragment = hash.map { String(href.unicodeScalars[$0...]) } ?? ""
        let path = hash.map { String(href.unicodeScalars[..<$0]) } ?? href
        invariant(hasSuffixBytes(path.lowercased(), ".md"), "\(href.debugDescription) rewritten to \(rewritten.debugDescription)")
        invariant(hasSuffixBytes(rewritten, fragment), "\(href.debugDescription) lost its fragment: \(rewritten.debugDescription)")
        let url = String(decoding: rewritten.utf8.dropLast(fragment.utf8.count), as: UTF8.self)
        invariant(urls.contains(url), "\(href.debugDescription) rewritten to \(rewritten.debugDescription), no page's URL")
    }
    return 0
}
