import Foundation
import SiteImages
import Testing
import TestSupport

@testable import SiteKit

/// Photos: every raster image a page shows is published in its format and WebP at a few widths,
/// oriented and without metadata, with `<picture>` markup; bad images are refused where they are
/// shown. The images are made by scripts/make-test-images.py (Pillow).
@Suite("Images", .serialized)
struct ImageTests {
    /// The generated images, made once per test run.
    static let images: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-site-test-images-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("scripts/make-test-images.py").path, folder.path]
        try? process.run()
        process.waitUntilExit()
        return folder
    }()

    static func image(_ name: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: images.appendingPathComponent(name).path) else {
            Issue.record("scripts/make-test-images.py did not make \(name): is Pillow installed? (python3 -m pip install pillow; `make unit-test` does it)")
            throw CocoaError(.fileNoSuchFile)
        }
        return data
    }

    /// A site whose pages show `photos` (name in content/ → generated image).
    static func site(_ body: String, photos: [String: String], settings: String = "name: Test\n", extra: [String: String] = [:]) throws -> TestSite {
        var files = ["content/_site.yaml": settings, "content/index.md": "---\ntitle: Home\n---\nWelcome.\n"]
        files["content/about.md"] = "---\ntitle: About\ndescription: About us.\n---\n" + body
        files.merge(extra) { a, _ in a }
        let site = try TestSite(files)
        for (path, name) in photos {
            try image(name).write(to: site.url(path))
        }
        return site
    }

    static func build(_ site: TestSite, processor: ImageProcessor) -> BuildResult {
        var options = SiteBuilder.Options(today: "2026-11-24")
        options.images = processor
        return SiteBuilder(options: options).build(site.sources())
    }

    static func bytes(_ result: BuildResult, _ path: String) -> Data? {
        guard let file = result.files.first(where: { $0.path == path }) else { return nil }
        switch file.contents {
        case .text(let t): return Data(t.utf8)
        case .copy(let url): return FileManager.default.contents(atPath: url.path)
        }
    }

    static func inspect(_ data: Data) throws -> ImageInspection {
        try data.withUnsafeBytes { try Vips.inspect($0) }
    }

    static func freshProcessor() -> ImageProcessor {
        ImageProcessor(cacheFolder: FileManager.default.temporaryDirectory.appendingPathComponent("clinic-site-test-cache-\(UUID().uuidString)"))
    }

    static let body = """
        ![Dr. Anderson in the treatment room](/large.jpg)

        ![A logo with a see-through background](/transparent.png)

        ![A small icon](/tiny.jpg)

        ![The building, printed in CMYK](/cmyk.jpg)

        ![""](/anim.gif)

        """
    static let photos = ["content/large.jpg": "large.jpg", "content/transparent.png": "transparent.png", "content/tiny.jpg": "tiny.jpg",
        "content/cmyk.jpg": "cmyk.jpg", "content/anim.gif": "anim.gif"]

    @Test("each photo becomes a <picture> with WebP and original-format srcsets, width, height and lazy loading after the first")
    func markup() throws {
        let site = try Self.site(Self.body, photos: Self.photos)
        let result = Self.build(site, processor: Self.freshProcessor())
        #expect(result.diagnostics.map(\.code) == [], "\(result.diagnostics)")
        let html = try #require(site.html(result, "about/index.html"))
        let sizes = "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)"
        // Rotated by its EXIF orientation: 4000 × 3000 stored, 3000 × 4000 shown; widest 1440.
        #expect(
            html.contains(
                "<picture><source type=\"image/webp\" srcset=\"/large.480w.webp 480w, /large.960w.webp 960w, /large.1440w.webp 1440w\" sizes=\"\(sizes)\">"
                    + "<img src=\"/large.jpg\" srcset=\"/large.480w.jpg 480w, /large.960w.jpg 960w, /large.jpg 1440w\" sizes=\"\(sizes)\" width=\"1440\" height=\"1920\" alt=\"Dr. Anderson in the treatment room\" /></picture>"),
            "\(html)")
        #expect(
            html.contains(
                "<picture><source type=\"image/webp\" srcset=\"/transparent.480w.webp 480w, /transparent.800w.webp 800w\" sizes=\"\(sizes)\">"
                    + "<img src=\"/transparent.png\" srcset=\"/transparent.480w.png 480w, /transparent.png 800w\" sizes=\"\(sizes)\" width=\"800\" height=\"600\" alt=\"A logo with a see-through background\" loading=\"lazy\" decoding=\"async\" /></picture>"))
        // Smaller than every width: one variant of each format, at its own size.
        #expect(
            html.contains(
                "<picture><source type=\"image/webp\" srcset=\"/tiny.64w.webp\"><img src=\"/tiny.jpg\" width=\"64\" height=\"48\" alt=\"A small icon\" loading=\"lazy\" decoding=\"async\" /></picture>"))
        #expect(html.contains("<img src=\"/cmyk.jpg\" srcset=\"/cmyk.480w.jpg 480w, /cmyk.960w.jpg 960w, /cmyk.jpg 1200w\" sizes=\"\(sizes)\" width=\"1200\" height=\"900\""))
        // `![""](…)`: decorative, an empty alt and no warning.
        #expect(html.contains("width=\"300\" height=\"200\" alt=\"\" loading=\"lazy\" decoding=\"async\" /></picture>"))
        // Only the first image loads eagerly.
        #expect(html.components(separatedBy: "loading=\"lazy\"").count - 1 == 4)
        #expect(html.components(separatedBy: "<img ").count - 1 == 5)
    }

    @Test("the first photo of the content loads eagerly even when the theme's header shows images before it")
    func firstContentImageEager() throws {
        let site = try Self.site(
            "![Dr. Anderson in the treatment room](/large.jpg)\n\n![A small icon](/tiny.jpg)\n",
            photos: ["content/large.jpg": "large.jpg", "content/tiny.jpg": "tiny.jpg", "theme/static/logo.png": "transparent.png"])
        // The clinic's theme has a logo <img> in its header, before <main>: here a raster one
        // (processed) and an SVG one (copied as it is).
        let base = try #require(TestSite.minimalTheme["theme/templates/base.mustache"])
        try site.write(
            "theme/templates/base.mustache",
            base.replacingOccurrences(
                of: "<body>", with: "<body><header><img src=\"/logo.png\" alt=\"\"><img src=\"/logo.svg\" alt=\"\"></header>"))
        try site.write("theme/static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n")
        let result = Self.build(site, processor: Self.freshProcessor())
        #expect(result.diagnostics.map(\.code) == [], "\(result.diagnostics)")
        let html = try #require(site.html(result, "about/index.html"))
        func img(_ src: String) throws -> String {
            let start = try #require(html.range(of: "<img src=\"\(src)\""))
            let end = try #require(html[start.upperBound...].range(of: ">"))
            return String(html[start.lowerBound..<end.upperBound])
        }
        #expect(try img("/logo.png").contains("srcset="), "the header's raster logo is processed too")
        #expect(try !img("/logo.png").contains("loading="), "above the fold: the header's logo loads eagerly")
        #expect(try !img("/large.jpg").contains("loading="), "the content's first photo loads eagerly: \(html)")
        #expect(try img("/tiny.jpg").contains("loading=\"lazy\" decoding=\"async\""))
    }

    @Test("variants have the planned sizes and formats, sRGB, and no EXIF, GPS, XMP or ICC data")
    func variants() throws {
        let site = try Self.site(Self.body, photos: Self.photos)
        let result = Self.build(site, processor: Self.freshProcessor())
        let expected: [(String, RasterFormat, Int, Int, Int)] = [
            ("large.480w.jpg", .jpeg, 480, 640, 3), ("large.960w.jpg", .jpeg, 960, 1280, 3), ("large.jpg", .jpeg, 1440, 1920, 3),
            ("large.480w.webp", .webp, 480, 640, 3), ("large.1440w.webp", .webp, 1440, 1920, 3),
            ("transparent.480w.png", .png, 480, 360, 4), ("transparent.png", .png, 800, 600, 4), ("transparent.800w.webp", .webp, 800, 600, 4),
            ("tiny.jpg", .jpeg, 64, 48, 3), ("tiny.64w.webp", .webp, 64, 48, 3),
            ("cmyk.jpg", .jpeg, 1200, 900, 3), ("cmyk.480w.webp", .webp, 480, 360, 3),
            ("anim.gif", .gif, 300, 200, 0), ("anim.300w.webp", .webp, 300, 200, 0),
        ]
        for (path, format, width, height, bands) in expected {
            let data = try #require(Self.bytes(result, path), "\(path) is not published")
            let info = try Self.inspect(data)
            #expect(info.format == format, "\(path)")
            #expect((info.width, info.height) == (width, height), "\(path): \(info.width) × \(info.height)")
            if bands > 0 { #expect(info.bands == bands, "\(path)") }
            #expect(info.isSRGB || info.format == .gif, "\(path) is not sRGB")
            #expect(!info.hasEXIF && !info.hasXMP && !info.hasICC && info.orientation == nil, "\(path) keeps metadata: \(info)")
            // The GPS position and the camera serial are nowhere in the bytes either.
            for secret in ["Exif", "GPS", "SERIAL-12345", "PhoneMaker", "xmpmeta"] {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds '\(secret)'")
            }
        }
        // The source really had them (the test is not vacuous).
        let source = try Self.inspect(try Self.image("large.jpg"))
        #expect(source.hasEXIF && source.hasXMP && source.orientation == 6)
        #expect(try Self.image("large.jpg").range(of: Data("SERIAL-12345".utf8)) != nil)
        // Every image file published is one of the planned variants: nothing else is copied.
        let published = result.files.map(\.path).filter { RasterFormat(fileExtension: ($0 as NSString).pathExtension) != nil }
        #expect(published.count == 2 * (3 + 2 + 1 + 3 + 1), "\(published)")
    }

    @Test("the same sources give the same bytes, and a second build takes every image from the cache")
    func deterministicAndCached() throws {
        let site = try Self.site(Self.body, photos: Self.photos)
        let processor = Self.freshProcessor()
        let first = Self.build(site, processor: processor)
        #expect(processor.processingCount == 5)
        let second = Self.build(site, processor: processor)
        #expect(processor.processingCount == 5, "a second build processed images again")
        // A new process (a new processor) on the same cache folder processes nothing either.
        let again = ImageProcessor(cacheFolder: processor.cacheFolder)
        _ = Self.build(site, processor: again)
        #expect(again.processingCount == 0)
        // An empty cache gives the same bytes.
        let fresh = Self.freshProcessor()
        let third = Self.build(site, processor: fresh)
        #expect(fresh.processingCount == 5)
        for result in [second, third] {
            #expect(result.files.map(\.path) == first.files.map(\.path))
            for file in first.files {
                #expect(Self.bytes(result, file.path) == Self.bytes(first, file.path), "\(file.path) differs")
            }
        }
        // A changed photo is processed again, the others are not.
        try Self.image("other.jpg").write(to: site.url("content/tiny.jpg"))
        let changed = Self.build(site, processor: processor)
        #expect(processor.processingCount == 6)
        #expect(site.html(changed, "about/index.html")?.contains("<img src=\"/tiny.jpg\" srcset=\"/tiny.480w.jpg 480w") == true)
    }

    @Test("broken, huge and too large images are errors where they are shown, and output/ is unchanged")
    func diagnostics() throws {
        let body = """
            ![A truncated photo](/truncated.jpg)

            ![Not a photo](/notimage.png)

            ![A bomb](/bomb.png)

            ![Too big for the settings](/large.jpg)

            ![](/tiny.jpg)

            """
        let site = try Self.site(
            "Fine.\n", photos: ["content/tiny.jpg": "tiny.jpg"], settings: "name: Test\nimages:\n  max_file_mb: 2\n")
        try site.buildAndWrite()
        let before = site.listing("output").map { ($0, site.read("output/" + $0)) }
        try site.write("content/about.md", "---\ntitle: About\ndescription: About us.\n---\n" + body)
        for name in ["truncated.jpg", "notimage.png", "bomb.png", "large.jpg"] {
            try Self.image(name).write(to: site.url("content/" + name))
        }
        // Not shown by any page: reported at the file.
        try Self.image("truncated.jpg").write(to: site.url("content/unused.jpg"))
        try site.write("theme/static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <circle r=\"4\" onload=\"alert(1)\"/>\n</svg>\n")
        let result = try site.buildAndWrite()
        let seen = result.diagnostics.map { "\($0.position) \($0.code): \($0.message)" }
        let expected = [
            "content/about.md:5:1 image.invalid: 'truncated.jpg' is not a readable image",
            "content/about.md:7:1 image.invalid: 'notimage.png' is not a readable image",
            "content/about.md:9:1 image.invalid: 'bomb.png' declares 30000 × 30000 pixels (900 megapixels), more than the 100 the site reads (images.max_megapixels): it was not decoded",
            "content/about.md:11:1 image.too-large: 'large.jpg' is 3.1 MB, more than the 2.0 MB the site allows for one image (images.max_file_mb in _site.yaml)",
            "content/about.md:13:1 a11y.missing-alt: this image has no alt text, so screen-reader users will not know what it shows",
            "content/unused.jpg image.invalid: 'unused.jpg' is not a readable image",
            "theme/static/logo.svg:2:17 image.svg-script: this SVG holds a script (an onload= event attribute), which would run in the visitor's browser when the file is opened",
        ]
        #expect(seen.count == expected.count, "\(seen)")
        for (s, e) in zip(seen, expected) {
            #expect(s.hasPrefix(e), "\(s)\n  expected \(e)")
        }
        #expect(result.diagnostics.first { $0.code == "image.too-large" }?.suggestion?.contains("vipsthumbnail 'content/large.jpg' --size 2880") == true)
        #expect(result.hasErrors)
        let after = site.listing("output").map { ($0, site.read("output/" + $0)) }
        #expect(after.map(\.0) == before.map(\.0))
        #expect(after.map(\.1) == before.map(\.1))
    }

    @Test("images settings are read and checked")
    func settings() throws {
        let (good, none) = SiteSettings.parse(
            SourceFile(relativePath: "_site.yaml", displayPath: "content/_site.yaml", text: "images:\n  widths: [800, 400]\n  quality: 70\n  formats: [avif, webp]\n  sizes: 100vw\n"))
        #expect(none.isEmpty)
        #expect(good.images.widths == [400, 800] && good.images.quality == 70 && good.images.formats == [.avif, .webp] && good.images.sizes == "100vw")
        let (_, bad) = SiteSettings.parse(
            SourceFile(relativePath: "_site.yaml", displayPath: "content/_site.yaml", text: "images:\n  widths: [big]\n  quality: 0\n  formats: [tiff]\n"))
        #expect(bad.map { "\($0.position) \($0.code)" } == ["content/_site.yaml:2:11 settings.type", "content/_site.yaml:3:12 settings.type", "content/_site.yaml:4:13 settings.type"])
    }

    @Test("a cached build after a photo changes equals a full build")
    func incremental() throws {
        let site = try Self.site(Self.body, photos: Self.photos)
        let processor = Self.freshProcessor()
        var options = SiteBuilder.Options(today: "2026-11-24")
        options.images = processor
        let cache = BuildCache()
        _ = SiteBuilder(options: options, cache: cache).build(site.sources())
        try Self.image("cmyk.jpg").write(to: site.url("content/tiny.jpg"))
        try Self.image("truncated.jpg").write(to: site.url("content/cmyk.jpg"))
        let cached = SiteBuilder(options: options, cache: cache).build(site.sources())
        let full = SiteBuilder(options: options).build(site.sources())
        #expect(cached.diagnostics == full.diagnostics)
        #expect(cached.diagnostics.map(\.code) == ["image.invalid"])
        #expect(cached.files.map(\.path) == full.files.map(\.path))
        for file in full.files { #expect(Self.bytes(cached, file.path) == Self.bytes(full, file.path), "\(file.path)") }
    }

    @Test("AVIF is offered first when the settings list it and the installed libvips can write it, and never otherwise")
    func avif() throws {
        let site = try Self.site(
            "![The building](/cmyk.jpg)\n", photos: ["content/cmyk.jpg": "cmyk.jpg"], settings: "name: Test\nimages:\n  formats: [avif, webp]\n")
        let result = Self.build(site, processor: Self.freshProcessor())
        let html = try #require(site.html(result, "about/index.html"))
        let avifFiles = result.files.map(\.path).filter { $0.hasSuffix(".avif") }
        if Vips.canWrite(.avif) {
            #expect(html.contains("<picture><source type=\"image/avif\" srcset=\"/cmyk.480w.avif 480w, /cmyk.960w.avif 960w, /cmyk.1200w.avif 1200w\""))
            #expect(avifFiles.count == 3)
            let info = try Self.inspect(try #require(Self.bytes(result, "cmyk.480w.avif")))
            #expect((info.width, info.height) == (480, 360) && !info.hasEXIF && !info.hasXMP)
        } else {
            #expect(!html.contains("image/avif") && avifFiles.isEmpty)
        }
        #expect(html.contains("<source type=\"image/webp\""))
        print("libvips \(Vips.version) writes AVIF: \(Vips.canWrite(.avif)), GIF: \(Vips.canWrite(.gif))")
    }
}
