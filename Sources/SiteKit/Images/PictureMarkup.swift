import Foundation
import SiteMarkdown

/// Turns each `<img>` of a page (its Markdown or its template) whose `src` is a published raster
/// image into a `<picture>`: a `<source>` for each extra format (AVIF, WebP) and the `<img>` in
/// the source's format, each with `srcset` and `sizes`, the `width` and `height` of the widest
/// variant, and `loading="lazy" decoding="async"` on all but the page's first image.
///
/// "First" means the first image of the page's content, its `<main>`: that is the photo a visitor
/// sees first and the browser should fetch at once. Images before `<main>` (a logo in the theme's
/// header) are above the fold and load eagerly too; a page without `<main>` counts from its top.
///
/// It reads the finished HTML, so it takes any image a page shows however its `src` was
/// resolved. An `<img>` that already has a `srcset` or sits in a `<picture>` is the author's own
/// and is left as it is.
enum PictureMarkup {
    static func rewrite(_ html: String, pageURL: String, images: ImageSet, sizes: String) -> String {
        guard !images.images.isEmpty, ByteSearch.contains("<img", in: html) else { return html }
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1024)
        var i = 0
        var copied = 0
        var pictureDepth = 0
        // Before `<main>`: the header's images, eager. A page without `<main>` is all content.
        var inContent = !ByteSearch.contains("<main", in: html)
        var seenContentImage = false
        func starts(_ word: String, at k: Int) -> Bool { ASCII.hasWord(Array(word.utf8), in: bytes, at: k) }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            if starts("<picture", at: i) { pictureDepth += 1 }
            if starts("</picture", at: i) { pictureDepth = max(0, pictureDepth - 1) }
            if !inContent, starts("<main", at: i), i + 5 < bytes.count, [32, 9, 10, 13, UInt8(ascii: ">")].contains(bytes[i + 5]) { inContent = true }
            guard starts("<img", at: i), i + 4 < bytes.count, [32, 9, 10, 13, UInt8(ascii: "/"), UInt8(ascii: ">")].contains(bytes[i + 4]),
                let tag = Tag.parse(bytes, from: i)
            else { i += 1; continue }
            let eager = !inContent || !seenContentImage
            if inContent { seenContentImage = true }
            defer { i = tag.end }
            guard pictureDepth == 0, tag.value("srcset") == nil, let src = tag.value("src").map(Escape.unescapeHTML),
                case .local(let path, _) = LinkResolver.resolve(src, from: pageURL), let image = images.image(atURLPath: path)
            else { continue }
            out += bytes[copied..<i]
            out += Array(markup(image, tag: tag, sizes: sizes, lazy: !eager).utf8)
            copied = tag.end
        }
        guard copied > 0 else { return html }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    static func markup(_ image: PublishedImage, tag: Tag, sizes: String, lazy: Bool) -> String {
        func url(_ path: String) -> String {
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: ",;")
            return "/" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
        }
        func srcset(_ set: PublishedImage.SourceSet) -> String {
            if set.variants.count == 1 { return url(set.variants[0].path) }
            return set.variants.map { "\(url($0.path)) \($0.width)w" }.joined(separator: ", ")
        }
        let sizesAttribute = " sizes=\"\(Escape.html(sizes))\""
        var html = "<picture>"
        for set in image.sources where !set.variants.isEmpty {
            html += "<source type=\"\(set.format.mimeType)\" srcset=\"\(Escape.html(srcset(set)))\""
            if set.variants.count > 1 { html += sizesAttribute }
            html += ">"
        }
        let fallback = image.fallback
        html += "<img src=\"\(Escape.html(url(fallback.variants.last?.path ?? "")))\""
        if fallback.variants.count > 1 { html += " srcset=\"\(Escape.html(srcset(fallback)))\"" + sizesAttribute }
        html += " width=\"\(image.width)\" height=\"\(image.height)\""
        let replaced: Set<String> = ["src", "srcset", "sizes", "width", "height", "loading", "decoding"]
        for attribute in tag.attributes where !replaced.contains(attribute.name) {
            var raw = attribute.raw
            // `![""](photo.jpg)`: an explicit empty alt, for a decorative image.
            if attribute.name == "alt", attribute.value == "&quot;&quot;" || attribute.value == "\"\"" { raw = "alt=\"\"" }
            html += " " + raw
        }
        if lazy { html += " loading=\"lazy\" decoding=\"async\"" }
        html += tag.selfClosing ? " /></picture>" : "></picture>"
        return html
    }

    /// An HTML start tag's attributes as written.
    struct Tag {
        struct Attribute {
            var name: String
            /// As written between its quotes (still escaped).
            var value: String?
            /// The whole attribute as written (`alt="A room"`).
            var raw: String
        }
        var attributes: [Attribute]
        var selfClosing: Bool
        /// The offset just after the tag's `>`.
        var end: Int

        func value(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

        static func parse(_ bytes: [UInt8], from start: Int) -> Tag? {
            var i = start + 1
            while i < bytes.count, bytes[i] > 32, bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
            var attributes: [Attribute] = []
            var selfClosing = false
            func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 12 }
            while i < bytes.count {
                while i < bytes.count, isSpace(bytes[i]) { i += 1 }
                guard i < bytes.count else { return nil }
                if bytes[i] == UInt8(ascii: ">") { return Tag(attributes: attributes, selfClosing: selfClosing, end: i + 1) }
                if bytes[i] == UInt8(ascii: "/") { selfClosing = true; i += 1; continue }
                selfClosing = false
                let nameStart = i
                while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
                let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
                var value: String?
                var j = i
                while j < bytes.count, isSpace(bytes[j]) { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "=") {
                    j += 1
                    while j < bytes.count, isSpace(bytes[j]) { j += 1 }
                    guard j < bytes.count else { return nil }
                    if bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") {
                        let quote = bytes[j]
                        guard let close = bytes[(j + 1)...].firstIndex(of: quote) else { return nil }
                        value = String(decoding: bytes[(j + 1)..<close], as: UTF8.self)
                        i = close + 1
                    } else {
                        let valueStart = j
                        while j < bytes.count, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">") { j += 1 }
                        value = String(decoding: bytes[valueStart..<j], as: UTF8.self)
                        i = j
                    }
                }
                if name.isEmpty { i += 1; continue }
                attributes.append(Attribute(name: name, value: value, raw: String(decoding: bytes[nameStart..<i], as: UTF8.self)))
            }
            return nil
        }
    }
}
