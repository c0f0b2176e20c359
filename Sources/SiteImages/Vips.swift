import CVips
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Raster formats the site reads and publishes.
public enum RasterFormat: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case jpeg, png, webp, gif, avif

    /// The file extension variants are written with.
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    public var mimeType: String { "image/" + rawValue }

    /// The format of a file by its extension (`.JPG`, `.jpeg`), nil for other files.
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "gif": self = .gif
        default: return nil
        }
    }

    /// From libvips's loader name (`jpegload_buffer`).
    init?(loader: String) {
        if loader.hasPrefix("jpeg") { self = .jpeg }
        else if loader.hasPrefix("png") { self = .png }
        else if loader.hasPrefix("webp") { self = .webp }
        else if loader.hasPrefix("gif") { self = .gif }
        else if loader.hasPrefix("heif") { self = .avif }
        else { return nil }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Why an image cannot be published.
public enum ImageError: Error, Sendable, Equatable {
    /// libvips cannot read it (not an image, an unknown format, truncated or damaged data).
    case unreadable(String)
    /// The header declares more pixels than allowed: refused before any pixel is decoded.
    case tooManyPixels(width: Int, height: Int)
    /// A format this site does not publish (TIFF, HEIC…), named by libvips's loader.
    case unsupportedFormat(String)
    /// libvips cannot be loaded or started on this machine (libvips42 is not installed): why.
    case unavailable(String)
}

/// One published file of an image.
public struct EncodedImage: Sendable {
    public var width: Int
    public var height: Int
    public var format: RasterFormat
    public var bytes: [UInt8]
}

/// An image decoded once, oriented, and encoded at each width in each format.
public struct ProcessedImage: Sendable {
    /// Width and height after orientation, before any resizing.
    public var width: Int
    public var height: Int
    public var format: RasterFormat
    public var variants: [EncodedImage]
}

/// What a file holds, for checks and tests: its size, format and metadata.
public struct ImageInspection: Sendable {
    public var width: Int
    public var height: Int
    public var format: RasterFormat?
    public var bands: Int
    public var isSRGB: Bool
    public var hasEXIF: Bool
    public var hasXMP: Bool
    public var hasICC: Bool
    public var orientation: Int?
}

/// The only place that calls libvips (through `CVips`). libvips is loaded (dlopen) and
/// initialised once, on first use; each operation runs on one libvips thread, so that many images
/// are worked on at once by the build's own threads (and results do not depend on libvips's
/// thread count).
public enum Vips {
    /// libvips loaded and started (the first use of any of these loads it), what it can write,
    /// and the shared objects that loading it mapped (`fingerprint(memo:)`).
    private static let loaded: Loaded = {
        let before = Set(mappedSharedObjects())
        guard cs_vips_init() == 0 else { return Loaded(started: false, writable: [:], mapped: []) }
        // Whether each format can be written, found by encoding a small image (GIF needs cgif,
        // AVIF an AV1 encoder in libheif): done here, so that what it maps is counted too.
        var writable: [RasterFormat: Bool] = [:]
        var image: OpaquePointer?
        if cs_black(&image, 16, 16, 3) == 0, let image {
            for format in RasterFormat.allCases {
                writable[format] = (try? encode(image, as: format, quality: 50)) != nil
            }
            cs_unref(image)
        }
        cs_vips_error_clear()
        return Loaded(started: true, writable: writable, mapped: mappedSharedObjects().filter { !before.contains($0) })
    }()

    private struct Loaded: Sendable {
        var started: Bool
        var writable: [RasterFormat: Bool]
        var mapped: [String]
    }

    private static var started: Bool { loaded.started }

    /// Why libvips cannot be used on this machine (not installed, a libvips of another ABI), or
    /// nil when it can. The first call loads it.
    public static var unavailable: String? {
        started ? nil : cs_vips_init_error().map { String(cString: $0) } ?? "libvips could not be started"
    }

    /// The libvips version, e.g. `8.14.1`; empty without libvips.
    public static var version: String {
        guard started else { return "" }
        return String(cString: cs_vips_version_string())
    }

    /// Whether the installed libvips can write `format` (GIF needs cgif, AVIF an AV1 encoder in
    /// libheif).
    public static func canWrite(_ format: RasterFormat) -> Bool { loaded.writable[format] ?? false }

    /// What the image cache's key takes from libvips: its version and the formats it writes
    /// (`vips 8.14.1|11101`), or nil when libvips cannot be used.
    ///
    /// Working that out means loading libvips and the hundred libraries it needs (about 25 MB of
    /// resident memory), which a build whose images are all in the cache has no other use for.
    /// So it is kept in the file `memo` with the size, time and inode of every shared object that
    /// loading libvips mapped, of their folders (a new plugin or module), and of the loader's
    /// cache `/etc/ld.so.cache` (another libvips on the search path); while none of them changed
    /// and `LD_LIBRARY_PATH` is the same, the memo is the answer and libvips is not loaded. The
    /// memo is only a shortcut: when it is missing, unreadable or stale, libvips is loaded and it
    /// is written again.
    public static func fingerprint(memo: URL) -> String? {
        if let text = try? String(contentsOf: memo, encoding: .utf8), let known = ProbeMemo.fingerprint(in: text) { return known }
        guard started else { return nil }
        let fingerprint = "vips \(version)|" + RasterFormat.allCases.map { canWrite($0) ? "1" : "0" }.joined()
        // Without the list of what libvips mapped (no /proc), nothing could tell the memo stale.
        guard !loaded.mapped.isEmpty else { return fingerprint }
        let staging = memo.deletingLastPathComponent().appendingPathComponent(".\(memo.lastPathComponent).\(getpid()).\(UInt64.random(in: 0...UInt64.max))")
        do {
            try FileManager.default.createDirectory(at: memo.deletingLastPathComponent(), withIntermediateDirectories: true)
            try ProbeMemo.text(fingerprint: fingerprint, files: loaded.mapped).write(to: staging, atomically: false, encoding: .utf8)
            if rename(staging.path, memo.path) != 0 { try? FileManager.default.removeItem(at: staging) }
        } catch {
            try? FileManager.default.removeItem(at: staging)
        }
        return fingerprint
    }

    /// The regular files mapped into this process whose names say they are shared objects.
    static func mappedSharedObjects() -> [String] {
        // Read to its end in a loop: a /proc file has no size for a one-call read to go by.
        #if canImport(Glibc)
        let fd = Glibc.open("/proc/self/maps", O_RDONLY | O_CLOEXEC)
        #else
        let fd: Int32 = -1
        #endif
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        let maps = String(decoding: bytes, as: UTF8.self)
        var seen = Set<String>()
        var paths: [String] = []
        for line in maps.split(separator: "\n") {
            // address perms offset dev inode path
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            guard path.contains(".so"), !path.hasSuffix(" (deleted)"), seen.insert(path).inserted else { continue }
            paths.append(path)
        }
        return paths
    }

    private static func lastError() -> String {
        let message = String(cString: cs_vips_error_buffer()).trimmingCharacters(in: .whitespacesAndNewlines)
        cs_vips_error_clear()
        return message.isEmpty ? "libvips could not read it" : message
    }

    /// Reads the header only: size and format, without decoding pixels.
    static func open(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> OpaquePointer {
        if let reason = unavailable { throw .unavailable(reason) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw .unreadable("the file is empty") }
        guard let image = cs_load_buffer(base, bytes.count) else { throw .unreadable(lastError()) }
        return image
    }

    /// Decodes `bytes`, applies the orientation tag, converts to sRGB and encodes it at each
    /// width of `widths` narrower than the image and at the image's own width capped at the
    /// widest of `widths` (`plan`), in every format `formats` gives for the source's format,
    /// without metadata (EXIF, GPS, XMP, ICC). Images with more than `maxPixels` pixels are
    /// refused before decoding.
    public static func process(
        _ bytes: UnsafeRawBufferPointer, widths: [Int], formats: (RasterFormat) -> [RasterFormat], quality: Int, maxPixels: Int
    ) throws(ImageError) -> ProcessedImage {
        let image = try open(bytes)
        defer { cs_unref(image) }
        let width = Int(cs_image_get_width(image))
        let height = Int(cs_image_get_height(image))
        if width * height > maxPixels { throw .tooManyPixels(width: width, height: height) }
        let loader = cs_loader(image).map { String(cString: $0) } ?? "unknown"
        guard let format = RasterFormat(loader: loader), format != .avif else {
            throw .unsupportedFormat(loader.replacingOccurrences(of: "load_buffer", with: "").replacingOccurrences(of: "load", with: ""))
        }
        // Orientations 5 to 8 turn the image a quarter: it is shown `height` wide.
        var orientation: Int32 = 1
        if cs_has_field(image, "orientation") != 0 { _ = cs_image_get_int(image, "orientation", &orientation) }
        let shownWidth = (5...8).contains(orientation) ? height : width
        // A JPEG is decoded at 1/2, 1/4 or 1/8 when that is still as wide as the widest variant
        // (shrink-on-load: a 4032-pixel phone photo is decoded at 2016 for 1440).
        let widest = plan(widths, imageWidth: shownWidth).last ?? shownWidth
        let shrink = format == .jpeg ? [8, 4, 2].first { shownWidth / $0 >= widest } ?? 1 : 1
        var source = image
        if shrink > 1 {
            guard let shrunk = cs_load_jpeg_shrunk(bytes.baseAddress, bytes.count, Int32(shrink)) else { throw .unreadable(lastError()) }
            source = shrunk
        }
        defer { if source != image { cs_unref(source) } }
        var rotated: OpaquePointer?
        guard cs_autorot(source, &rotated) == 0, let rotated else { throw .unreadable(lastError()) }
        defer { cs_unref(rotated) }
        // Decoded once here (a truncated or damaged file fails now), then resized from memory.
        guard let decoded = cs_image_copy_memory(rotated) else { throw .unreadable(lastError()) }
        defer { cs_unref(decoded) }
        // The source's own size, shown upright (the decoded one may be shrunk).
        let oriented = shownWidth == width ? (width, height) : (height, width)
        var variants: [EncodedImage] = []
        for target in plan(widths, imageWidth: oriented.0) {
            var resized: OpaquePointer?
            guard cs_thumbnail(decoded, &resized, Int32(target)) == 0, let resized else { throw .unreadable(lastError()) }
            defer { cs_unref(resized) }
            var bare: OpaquePointer?
            guard cs_without_metadata(resized, &bare) == 0, let bare else { throw .unreadable(lastError()) }
            defer { cs_unref(bare) }
            let size = (Int(cs_image_get_width(resized)), Int(cs_image_get_height(resized)))
            for output in formats(format) {
                let encoded = try encode(bare, as: output, quality: quality)
                variants.append(EncodedImage(width: size.0, height: size.1, format: output, bytes: encoded))
            }
        }
        return ProcessedImage(width: oriented.0, height: oriented.1, format: format, variants: variants)
    }

    /// The widths an image `imageWidth` wide is published at, narrowest first.
    public static func plan(_ widths: [Int], imageWidth: Int) -> [Int] {
        let widest = min(imageWidth, widths.max() ?? imageWidth)
        return widths.filter { $0 < widest }.sorted() + [widest]
    }

    private static func encode(_ image: OpaquePointer, as format: RasterFormat, quality: Int) throws(ImageError) -> [UInt8] {
        var pointer: UnsafeMutableRawPointer?
        var length = 0
        let q = Int32(quality)
        let status: Int32
        switch format {
        case .jpeg: status = cs_jpegsave(image, &pointer, &length, q)
        case .png: status = cs_pngsave(image, &pointer, &length)
        case .webp: status = cs_webpsave(image, &pointer, &length, q)
        case .gif: status = cs_has_operation("gifsave_buffer") != 0 ? cs_gifsave(image, &pointer, &length) : -1
        case .avif: status = cs_has_operation("heifsave_buffer") != 0 ? cs_avifsave(image, &pointer, &length, q) : -1
        }
        guard status == 0, let pointer else { throw .unreadable(lastError()) }
        defer { cs_g_free(pointer) }
        let bytes = Array(UnsafeRawBufferPointer(start: pointer, count: length))
        return format == .webp ? WebPContainer.withoutMetadata(bytes) : bytes
    }

    /// Size, format and metadata of an encoded image (decodes nothing).
    public static func inspect(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> ImageInspection {
        let image = try open(bytes)
        defer { cs_unref(image) }
        var orientation: Int32 = 0
        let hasOrientation = cs_has_field(image, "orientation") != 0 && cs_image_get_int(image, "orientation", &orientation) == 0
        return ImageInspection(
            width: Int(cs_image_get_width(image)), height: Int(cs_image_get_height(image)),
            format: cs_loader(image).flatMap { RasterFormat(loader: String(cString: $0)) },
            bands: Int(cs_image_get_bands(image)),
            isSRGB: cs_image_is_srgb(image) != 0,
            hasEXIF: cs_has_field(image, "exif-data") != 0, hasXMP: cs_has_field(image, "xmp-data") != 0,
            hasICC: cs_has_field(image, "icc-profile-data") != 0, orientation: hasOrientation ? Int(orientation) : nil)
    }
}

/// libvips 8.14's webpsave writes an EXIF chunk (orientation, resolution) even with `strip`:
/// the chunks that carry metadata are dropped from the RIFF container after encoding.
enum WebPContainer {
    /// `bytes` without EXIF, XMP and ICCP chunks, with the VP8X flags and RIFF size to match.
    /// Anything that is not a well-formed extended WebP is returned as it is.
    static func withoutMetadata(_ bytes: [UInt8]) -> [UInt8] {
        func le32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        guard bytes.count >= 20, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else { return bytes }
        var out = Array(bytes[0..<12])
        var i = 12
        var dropped = false
        while i + 8 <= bytes.count {
            let size = le32(i + 4)
            let end = i + 8 + size + (size & 1)
            guard end <= bytes.count else { return bytes }
            let tag = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            if tag == "EXIF" || tag == "XMP " || tag == "ICCP" {
                dropped = true
            } else {
                var chunk = Array(bytes[i..<end])
                // VP8X flags: ICC 0x20, EXIF 0x08, XMP 0x04.
                if tag == "VP8X", chunk.count > 8 { chunk[8] &= ~UInt8(0x20 | 0x08 | 0x04) }
                out += chunk
            }
            i = end
        }
        guard dropped, i == bytes.count else { return bytes }
        let riff = out.count - 8
        for k in 0..<4 { out[4 + k] = UInt8((riff >> (8 * k)) & 0xFF) }
        return out
    }
}

/// The file `Vips.fingerprint(memo:)` keeps: a line that names the format, the environment that
/// decides which libvips is loaded, the fingerprint, then one line per file that must be as it was.
///
///     clinic-site libvips probe 1
///     env LD_LIBRARY_PATH=
///     fingerprint vips 8.14.1|11101
///     file 1024 1700000000 123456789 4242 /usr/lib/x86_64-linux-gnu/libvips.so.42.16.1
enum ProbeMemo {
    static let header = "clinic-site libvips probe 1"

    /// The stamp of a file that is not there.
    static let missing = "missing 0 0 0"

    static func environment() -> String {
        "env LD_LIBRARY_PATH=" + (ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"] ?? "")
    }

    /// `size seconds nanoseconds inode` of `path`, or nil when it cannot be read.
    static func stamp(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_size) \(info.st_mtim.tv_sec) \(info.st_mtim.tv_nsec) \(info.st_ino)"
    }

    static func text(fingerprint: String, files: [String]) -> String {
        var paths = ["/etc/ld.so.cache"]
        for file in files {
            paths.append(file)
            let folder = (file as NSString).deletingLastPathComponent
            if !paths.contains(folder) { paths.append(folder) }
        }
        var lines = [header, environment(), "fingerprint " + fingerprint]
        for path in paths {
            lines.append("file " + (stamp(path) ?? missing) + " " + path)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fingerprint `text` holds when every file it lists is as it was, nil otherwise.
    static func fingerprint(in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 3, lines[0] == header, lines[1] == environment(), lines[2].hasPrefix("fingerprint ") else { return nil }
        var files = 0
        for line in lines.dropFirst(3) where !line.isEmpty {
            // file SIZE SEC NSEC INODE PATH (the path may hold spaces)
            let fields = line.split(separator: " ", maxSplits: 5)
            guard fields.count == 6, fields[0] == "file", (stamp(String(fields[5])) ?? missing) == fields[1...4].joined(separator: " ")
            else { return nil }
            files += 1
        }
        return files > 0 ? String(lines[2].dropFirst("fingerprint ".count)) : nil
    }
}
