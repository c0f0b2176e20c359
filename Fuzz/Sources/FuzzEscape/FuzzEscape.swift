import Foundation
import FuzzCommon
import SiteKit

// The escaping functions behind every value the build and the preview print: `Escape.html`
// (templates, skeletons, generated pages, the error overlay), `Escape.jsonInScript` (JSON-LD)
// and swift-mustache's `{{name}}` through `Theme` (which must escape with `Escape.html`).
//
// Input: any bytes, read as UTF-8 text (invalid bytes become U+FFFD).
// Invariants, each checked with gumbo, an HTML5 parser, as the reference:
// - the text escaped into an element (`<p>`), a `<title>` (RCDATA), a double- and a
//   single-quoted attribute gives exactly the elements, attributes and comments of the same
//   document with "x" in its place, and the parser reads the text back (line breaks normalised;
//   U+0000, other control characters and noncharacters aside, which it drops or replaces by U+FFFD);
// - JSON made with `Escape.jsonInScript` inside `<script type="application/ld+json">` leaves one
//   script element whose text parses back to the value;
// - Mustache's `{{v}}` prints exactly `Escape.html(v)`.

@_cdecl("FuzzEscape_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzEscape)
}

let theme: Theme = {
    let (theme, diagnostics) = Theme.load([SourceFile(relativePath: "t.mustache", displayPath: "t.mustache", text: "<p title=\"{{v}}\">{{v}}</p>")])
    precondition(diagnostics.isEmpty)
    return theme
}()

/// What the parser keeps of a text: CR LF and CR as LF, without U+0000 and U+FFFD.
func normalized(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var previousCR = false
    for c in s.unicodeScalars {
        defer { previousCR = c == "\r" }
        if c == "\n" && previousCR { continue }
        // gumbo drops U+0000 in text and puts U+FFFD for it, for other control characters and
        // for noncharacters elsewhere (as the HTML standard allows): none of them is markup.
        let v = c.value
        if v == 0 || v == 0xFFFD || (v < 0x20 && v != 9 && v != 10 && v != 12 && v != 13) || (v >= 0x7F && v <= 0x9F)
            || (v >= 0xFDD0 && v <= 0xFDEF) || v & 0xFFFE == 0xFFFE
        {
            continue
        }
        out.append(c == "\r" ? "\n" : c)
    }
    return String(out)
}

func document(_ body: (String) -> String, _ value: String) -> String {
    "<!DOCTYPE html><html><head>" + body(value) + "</html>"
}

let contexts: [(name: String, wrap: @Sendable (String) -> String)] = [
    ("element", { "</head><body><p>" + $0 + "</p></body>" }),
    ("title", { "<title>" + $0 + "</title></head><body></body>" }),
    ("double-quoted attribute", { "</head><body><p title=\"" + $0 + "\">x</p></body>" }),
    ("single-quoted attribute", { "</head><body><p title='" + $0 + "'>x</p></body>" }),
]

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzEscape(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let escaped = Escape.html(text)
    for b in escaped.utf8 {
        invariant(b != 60 && b != 62 && b != 34 && b != 39, "Escape.html left byte \(b) in \(escaped.debugDescription)")
    }
    let reference = contexts.map { HTMLOutline(document: document($0.wrap, "x")) }
    for (index, context) in contexts.enumerated() {
        let outline = HTMLOutline(document: document(context.wrap, escaped))
        invariant(outline.structure == reference[index].structure, "\(context.name): \(text.debugDescription) gave \(outline.structure), not \(reference[index].structure)")
        let got: String?
        switch context.name {
        case "element": got = outline.text(inFirst: "p")
        case "title": got = outline.text(inFirst: "title")
        default: got = outline.elements("p").first?.first { $0.name == "title" }?.value
        }
        invariant(got.map(normalized) == normalized(text), "\(context.name): \(text.debugDescription) read back as \(got.debugDescription)")
    }

    // JSON-LD.
    if let json = try? JSONSerialization.data(withJSONObject: ["v": text], options: [.sortedKeys, .withoutEscapingSlashes]) {
        let safe = Escape.jsonInScript(String(decoding: json, as: UTF8.self))
        let outline = HTMLOutline(document: "<!DOCTYPE html><html><head><script type=\"application/ld+json\">" + safe + "</script></head><body></body></html>")
        invariant(outline.elements("script").count == 1 && outline.structure.count == 4, "JSON-LD of \(text.debugDescription) gave \(outline.structure)")
        let inside = outline.text(inFirst: "script") ?? ""
        let back = (try? JSONSerialization.jsonObject(with: Data(inside.utf8))) as? [String: String]
        invariant(back?["v"].map(normalized) == normalized(text), "JSON-LD of \(text.debugDescription) read back as \(back.debugDescription)")
    }

    // swift-mustache's own escaping.
    let rendered = theme.render("t", context: ["v": text])
    invariant(rendered == "<p title=\"\(escaped)\">\(escaped)</p>", "Mustache printed \(rendered.debugDescription) for \(text.debugDescription)")
    return 0
}
