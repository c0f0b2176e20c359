import Foundation
import FuzzCommon
@testable import SiteKit
import Yams

// Reading one page: bytes → SourceText.decode → SourceText.splitFrontMatter → YAMLReader.parse →
// PageLoader.load (types, slug, url, aliases).
//
// Input: the bytes of a Markdown file.
// Invariants:
// - decoding fails only with source.encoding, at a line and column inside the file, and only for
//   bytes that are not UTF-8 (after one byte-order mark);
// - decoded text has no CR, and as many lines as the file (CRLF, CR and LF each end one line);
// - the split keeps line numbers: the body has exactly the text's line breaks, and the text ends
//   with the body's text after the blanked front matter;
// - every diagnostic and every YAML node lies inside the file (line 1…lines, column ≥ 1);
// - a YAML mapping with a key that is not text (`{[a]: b}: c`) is an error, never a crash;
// - a loaded page's URL starts with a single '/' (never `//`, another host), has no '.', '..' or
//   empty segment, no backslash, control character, '?', '#' or '%'; its output path is relative
//   and does not climb; every alias likewise; a slug taken holds only letters, digits, marks,
//   '-', '_', '.', '~'.

@_cdecl("FuzzFrontMatter_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzFrontMatter)
}

let file = "content/guide/page.md"

func lineBreaks(_ input: [UInt8]) -> Int {
    var count = 0
    var i = 0
    while i < input.count {
        if input[i] == 10 {
            count += 1
        } else if input[i] == 13 {
            count += 1
            if i + 1 < input.count, input[i + 1] == 10 { i += 1 }
        }
        i += 1
    }
    return count
}

func inside(_ p: SourcePosition, lines: Int, _ what: String) {
    invariant(p.file == file, "\(what): file \(p.file)")
    invariant(p.line >= 1 && p.line <= lines + 1, "\(what): line \(p.line) of \(lines)")
    invariant(p.column >= 1, "\(what): column \(p.column)")
}

func checkURL(_ url: String, _ what: String) {
    invariant(startsWithSlash(url), "\(what) \(url.debugDescription) is not root-relative")
    let segments = pathSegments(url).dropFirst()
    invariant(!segments.contains("..") && !segments.contains("."), "\(what) \(url.debugDescription) has a dot segment")
    invariant(!url.utf8.contains(UInt8(ascii: "\\")), "\(what) \(url.debugDescription) has a backslash")
    invariant(!url.utf8.starts(with: "//".utf8), "\(what) \(url.debugDescription) is protocol-relative (another host)")
    invariant(!url.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(what) \(url.debugDescription) has a control character")
    // Nothing a browser would read as the end of the path, or as an escape.
    invariant(!url.unicodeScalars.contains { $0 == "?" || $0 == "#" || $0 == "%" }, "\(what) \(url.debugDescription) has '?', '#' or '%'")
    invariant(!segments.dropLast().contains(""), "\(what) \(url.debugDescription) has an empty segment")
}

/// A slug that was taken holds only letters, digits, marks, '-', '_', '.', '~'.
func checkSlug(_ page: Page, frontMatter: YAMLValue) {
    guard page.kind == .page, frontMatter["url"] == nil, let slug = frontMatter["slug"]?.string,
        let last = pathSegments(page.url).dropLast().last, last == slug
    else { return }
    for c in slug.unicodeScalars {
        let ascii = c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_.~".unicodeScalars.contains(c))
        let letter: Bool
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark, .spacingMark,
            .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            letter = !c.isASCII
        default: letter = false
        }
        invariant(ascii || letter, "slug \(slug.debugDescription) taken with \(c.debugDescription)")
    }
}

func checkOutputPath(_ path: String, _ what: String) {
    invariant(!startsWithSlash(path), "\(what) output path \(path.debugDescription) is absolute")
    let segments = pathSegments(path)
    invariant(!segments.contains("..") && !segments.contains("."), "\(what) output path \(path.debugDescription) climbs out of the output folder")
    invariant(!path.isEmpty && path.utf8.last != UInt8(ascii: "/"), "\(what) output path \(path.debugDescription) names no file")
}

func checkValue(_ value: YAMLValue, lines: Int) {
    inside(value.position, lines: lines, "YAML node")
    switch value.kind {
    case .array(let items): items.forEach { checkValue($0, lines: lines) }
    case .mapping(let entries):
        for e in entries {
            inside(e.keyPosition, lines: lines, "YAML key \(e.key.debugDescription)")
            checkValue(e.value, lines: lines)
        }
    default: break
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzFrontMatter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let lines = lineBreaks(input) + 1
    let text: String
    switch SourceText.decode(Data(input), file: file) {
    case .failure(let d):
        invariant(d.code == "source.encoding", "decode failed with \(d.code)")
        inside(d.position, lines: lines, "source.encoding")
        let body = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
        invariant(String(validating: body, as: UTF8.self) == nil, "valid UTF-8 refused")
        return 0
    case .success(let t):
        text = t
    }
    invariant(!text.utf8.contains(13), "a CR survived decoding")
    invariant(lineCount(text) == lines, "decoded text has \(lineCount(text)) lines, the file \(lines)")

    switch SourceText.splitFrontMatter(text, file: file) {
    case .failure(let d):
        invariant(d.code == "frontmatter.unclosed" && hasPrefixBytes(text, "---"), "split failed with \(d.code)")
        inside(d.position, lines: lines, "frontmatter.unclosed")
    case .success(let split):
        let breaks = split.body.utf8.count { $0 == 10 }
        invariant(breaks == text.utf8.count { $0 == 10 }, "the body has \(breaks) line breaks, the text \(text.utf8.count { $0 == 10 })")
        if let yaml = split.frontMatter {
            invariant(hasPrefixBytes(text, "---") && split.frontMatterFirstLine == 2, "front matter without an opening fence")
            invariant(yaml.isEmpty || containsBytes(text, yaml), "the front matter is not part of the text")
            let rest = String(decoding: split.body.utf8.drop { $0 == 10 }, as: UTF8.self)
            invariant(hasSuffixBytes(text, rest), "the body is not the end of the text")
            do {
                checkValue(try YAMLReader.parse(yaml, file: file, firstLine: 2), lines: lines)
            } catch {
                inside(error.position, lines: lines, "YAML error \(error.message)")
            }
        } else {
            invariant(split.body == text, "a file without front matter changed")
        }
    }

    let (page, diagnostics) = PageLoader.load(SourceFile(relativePath: "guide/page.md", displayPath: file, text: text))
    for d in diagnostics {
        inside(d.position, lines: lines, d.code)
        invariant(d.severity == .error || d.severity == .warning, "\(d.code) has severity \(d.severity)")
    }
    if let page {
        checkURL(page.url, "url")
        checkSlug(page, frontMatter: page.frontMatter)
        checkOutputPath(page.outputPath, "url \(page.url)")
        for alias in page.aliases {
            checkURL(alias.url, "alias")
            checkOutputPath(PageLoader.outputPath(for: alias.url), "alias \(alias.url)")
            inside(alias.position, lines: lines, "alias")
        }
    }
    return 0
}
