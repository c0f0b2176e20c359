import FuzzCommon
import SiteMarkdown

// The GitHub-style slugger behind every heading id and `#anchor`.
//
// Input: lines of text, each a heading of one page, in order.
// Invariants:
// - a slug holds no character that needs escaping in an HTML attribute or a URL fragment (no
//   whitespace, no control character, no ASCII punctuation but '-' and '_') and no ASCII capital;
// - `unique` never hands out one id twice, never an empty one, and gives the bare slug (or
//   `Slugger.fallback` for an empty slug) or that with "-N";
// - the slug of a slug has no more characters than the slug (slugging does not grow text).

@_cdecl("FuzzSlugger_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSlugger)
}

let forbiddenASCII: Set<UInt8> = Set((0...127).map(UInt8.init)).filter { c in
    !((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSlugger(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    var slugger = Slugger()
    var given = Set<String>()
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let heading = String(line)
        let slug = Slugger.slug(heading)
        for c in slug.utf8 where c < 128 {
            invariant(!forbiddenASCII.contains(c), "slug \(slug.debugDescription) of \(heading.debugDescription) holds byte \(c)")
        }
        for scalar in slug.unicodeScalars {
            invariant(!scalar.properties.isWhitespace && scalar.properties.generalCategory != .control && scalar.properties.generalCategory != .format,
                "slug \(slug.debugDescription) holds U+\(String(scalar.value, radix: 16))")
        }
        invariant(Slugger.slug(slug).unicodeScalars.count <= slug.unicodeScalars.count, "re-slugging \(slug.debugDescription) grew it")
        let id = slugger.unique(heading)
        invariant(given.insert(id).inserted, "the id \(id.debugDescription) was handed out twice")
        // A heading that leaves no slug gets the fallback ("section").
        let base = slug.isEmpty ? Slugger.fallback : slug
        invariant(!id.isEmpty, "an empty id for \(heading.debugDescription)")
        if id != base {
            invariant(id.hasPrefix(base + "-") && Int(id.dropFirst(base.count + 1)) != nil, "id \(id.debugDescription) for slug \(slug.debugDescription)")
        }
    }
    return 0
}
