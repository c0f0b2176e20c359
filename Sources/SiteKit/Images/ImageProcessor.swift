import Foundation
import SiteImages

/// One raster image as the pages show it: its variants, each a published path and width.
public struct PublishedImage: Sendable, Hashable {
    public struct Variant: Sendable, Hashable {
        /// Below the output folder (`about/anderson.960w.webp`).
        public var path: String
        public var width: Int
        public var height: Int
    }
    public struct SourceSet: Sendable, Hashable {
        public var format: RasterFormat
        /// Narrowest first.
        public var variants: [Variant]
    }
    /// The widest variant's size: the `<img>`'s `width` and `height` (the source's aspect ratio).
    public var width: Int
    public var height: Int
    /// In the source's format, narrowest first; the widest is at the source's own path.
    public var fallback: SourceSet
    /// The other formats (AVIF, WebP), best first.
    public var sources: [SourceSet]
}

/// Why an image is not published: reported at each place that shows it (`image.invalid`,
/// `image.too-large`), or at the file when nothing shows it.
public struct ImageProblem: Sendable, Hashable {
    public var code: String
    public var message: String
    public var suggestion: String?
}

/// The images of one build: what each raster image's `<img>` becomes, the files to publish in
/// place of the source, and the problems.
public struct ImageSet: Sendable {
    /// By output path of the source (`about/anderson.jpg`).
    public var images: [String: PublishedImage] = [:]
    public var problems: [String: ImageProblem] = [:]
    /// The files published in place of each source (by the source's output path).
    public var files: [String: [OutputFile]] = [:]
    /// Problems inside files that are published as they are (SVGs with scripts).
    public var diagnostics: [Diagnostic] = []
    /// Changes whenever any image, problem or published file changes (for `BuildCache`).
    public var digest = 0

    public static let empty = ImageSet()

    /// The image at a root-relative URL path (`/about/anderson.jpg`).
    func image(atURLPath path: String) -> PublishedImage? {
        images.isEmpty ? nil : images[String(path.drop { $0 == "/" })]
    }

    func problem(atURLPath path: String) -> ImageProblem? {
        problems.isEmpty ? nil : problems[String(path.drop { $0 == "/" })]
    }
}

/// The image stage: decodes each raster image once with libvips (`SiteImages`) and keeps the
/// results in a cache folder, keyed by the source's SHA-256, the settings and the libvips
/// version and formats, so that an unchanged photo is never processed again (next build,
/// `serve`), and libvips is not even loaded when every image is in the cache. The cache is
/// outside the output: the output is the same with an empty cache.
public final class ImageProcessor: @unchecked Sendable {
    public let cacheFolder: URL
    private let lock = NSLock()
    /// Images decoded and encoded (not found in the cache), since this processor was made.
    private var processed = 0
    /// Source files already hashed, by path and what `stat` says of them (for `serve`).
    private var hashes: [String: (stamp: FileStamp, hash: String)] = [:]
    /// Cache entries already read, by folder (for `serve` and `lsp`, which build again and again).
    private var manifests: [String: Manifest] = [:]
    /// libvips's part of every key (`Vips.fingerprint(memo:)`), worked out on the first image:
    /// from a memo in the cache folder, so that libvips is loaded only to process an image.
    private var fingerprint: String??

    private var libvipsFingerprint: String? {
        lock.withLock {
            if let known = fingerprint { return known }
            let found = Vips.fingerprint(memo: cacheFolder.appendingPathComponent("libvips.probe"))
            fingerprint = .some(found)
            return found
        }
    }

    /// Bump when what is written for the same source and settings changes.
    static let pipelineVersion = "3"

    public init(cacheFolder: URL) {
        self.cacheFolder = cacheFolder
    }

    /// A cache in the system's temporary folder, for builds that are not given one.
    public static let temporary = ImageProcessor(
        cacheFolder: FileManager.default.temporaryDirectory.appendingPathComponent("clinic-site-cache-\(getuid())/images"))

    /// How many images were decoded and encoded rather than found in the cache.
    public var processingCount: Int { lock.withLock { processed } }

    struct FileStamp: Equatable {
        var size: Int
        var modified: timespec
        var inode: UInt64
        static func == (a: Self, b: Self) -> Bool {
            a.size == b.size && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec && a.inode == b.inode
        }
    }

    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(size: Int(info.st_size), modified: info.st_mtim, inode: UInt64(info.st_ino))
    }

    /// Works out the published images of `files` (the site's static files).
    public func prepare(_ files: [StaticFile], settings: ImageSettings, parallel: Bool) -> ImageSet {
        let images = files.filter { RasterFormat(fileExtension: ($0.outputPath as NSString).pathExtension) != nil }
        let svgs = files.filter { ($0.outputPath as NSString).pathExtension.lowercased() == "svg" }
        var set = ImageSet()
        guard !images.isEmpty || !svgs.isEmpty else { return set }
        // A file that cannot be read is left out: reading the sources reported it (io.unreadable).
        let outcomes = images.parallelMap(parallel: parallel) { access($0.source.path, R_OK) == 0 ? self.outcome(for: $0, settings: settings) : nil }
        var hasher = Hasher()
        for (file, outcome) in zip(images, outcomes) {
            hasher.combine(file.outputPath)
            switch outcome {
            case nil:
                continue
            case .published(let image, let published):
                set.images[file.outputPath] = image
                set.files[file.outputPath] = published
                hasher.combine(image)
                for f in published { if case .copy(let url) = f.contents { hasher.combine(url) } }
            case .refused(let problem):
                set.problems[file.outputPath] = problem
                hasher.combine(problem)
            }
        }
        for svg in svgs {
            set.diagnostics += SVGCheck.check(svg)
        }
        hasher.combine(set.diagnostics)
        set.digest = hasher.finalize()
        return set
    }

    enum Outcome: Sendable {
        case published(PublishedImage, [OutputFile])
        case refused(ImageProblem)
    }

    /// The formats published for a source of `format`: its own (PNG for a GIF when libvips
    /// cannot write GIF), then the settings' extra formats that libvips can write.
    static func formats(for format: RasterFormat, settings: ImageSettings) -> [RasterFormat] {
        let own = format == .gif && !Vips.canWrite(.gif) ? .png : format
        return [own] + settings.formats.filter { $0 != own && Vips.canWrite($0) }
    }

    func outcome(for file: StaticFile, settings: ImageSettings) -> Outcome {
        let name = (file.outputPath as NSString).lastPathComponent
        guard let stamp = Self.stamp(file.source.path) else {
            return .refused(ImageProblem(code: "image.invalid", message: "'\(name)' cannot be read", suggestion: "check the file's permissions"))
        }
        if stamp.size > settings.maxFileBytes {
            let mb = { (n: Int) in String(format: "%.1f MB", Double(n) / 1_000_000) }
            let widest = settings.widths.max() ?? 1440
            return .refused(
                ImageProblem(
                    code: "image.too-large",
                    message: "'\(name)' is \(mb(stamp.size)), more than the \(mb(settings.maxFileBytes)) the site allows for one image (images.max_file_mb in _site.yaml)",
                    suggestion:
                        "shrink it, e.g. with libvips (apt-get install libvips-tools): vipsthumbnail '\(file.displayPath)' --size \(widest * 2) -o '%s-small.jpg[Q=85,strip]' and use the new file, or export it smaller from the photo app"
                ))
        }
        let unreadable = Outcome.refused(ImageProblem(code: "image.invalid", message: "'\(name)' cannot be read", suggestion: "check the file's permissions"))
        // Read only when its hash is unknown (the file is new or changed) or it must be processed.
        var data: Data?
        let sourceHash: String
        if let known = lock.withLock({ hashes[file.source.path] }), known.stamp == stamp {
            sourceHash = known.hash
        } else {
            guard let read = FileManager.default.contents(atPath: file.source.path) else { return unreadable }
            data = read
            sourceHash = read.withUnsafeBytes { SHA256.hex($0) }
            lock.withLock { hashes[file.source.path] = (stamp, sourceHash) }
        }
        // Without libvips nothing can be processed, and a cached result could not be trusted.
        guard let libvips = libvipsFingerprint else {
            return .refused(Self.problem(.unavailable(Vips.unavailable ?? "libvips could not be started"), name: name, settings: settings))
        }
        let key = SHA256.hex("\(Self.pipelineVersion)|\(sourceHash)|\(settings.cacheKey)|\(libvips)")
        let folder = cacheFolder.appendingPathComponent(key)
        let manifest: Manifest
        if let known = lock.withLock({ manifests[folder.path] }), FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) {
            manifest = known
        } else if let cached = Manifest.read(folder) {
            manifest = cached
            lock.withLock { manifests[folder.path] = cached }
        } else {
            guard let data = data ?? FileManager.default.contents(atPath: file.source.path) else { return unreadable }
            let attempt: Result<ProcessedImage, ImageError> = data.withUnsafeBytes { bytes in
                do throws(ImageError) {
                    return .success(
                        try Vips.process(
                            bytes, widths: settings.widths, formats: { Self.formats(for: $0, settings: settings) }, quality: settings.quality,
                            maxPixels: settings.maxPixels))
                } catch {
                    return .failure(error)
                }
            }
            let result: ProcessedImage
            switch attempt {
            case .success(let processed): result = processed
            case .failure(let error): return .refused(Self.problem(error, name: name, settings: settings))
            }
            lock.withLock { processed += 1 }
            manifest = Manifest(format: result.format, variants: result.variants.map { Manifest.Entry(width: $0.width, height: $0.height, format: $0.format) })
            // Written beside, then renamed: a cache entry is either whole or absent.
            let staging = cacheFolder.appendingPathComponent(".\(key).\(getpid()).\(UInt64.random(in: 0...UInt64.max))")
            do {
                try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
                for variant in result.variants {
                    try Data(variant.bytes).write(to: staging.appendingPathComponent(Manifest.fileName(variant.width, variant.format)))
                }
                try manifest.write(staging)
                if rename(staging.path, folder.path) != 0 { try? FileManager.default.removeItem(at: staging) }
            } catch {
                try? FileManager.default.removeItem(at: staging)
                return .refused(
                    ImageProblem(
                        code: "io.image-cache", message: "the image cache '\(cacheFolder.path)' cannot be written (\(error.localizedDescription))",
                        suggestion: "check the folder's permissions or delete it"))
            }
        }
        let (image, files) = Self.publish(file, manifest: manifest, folder: folder)
        return .published(image, files)
    }

    static func problem(_ error: ImageError, name: String, settings: ImageSettings) -> ImageProblem {
        switch error {
        case .tooManyPixels(let w, let h):
            return ImageProblem(
                code: "image.invalid",
                message: "'\(name)' declares \(w) × \(h) pixels (\((w * h + 500_000) / 1_000_000) megapixels), more than the \(settings.maxPixels / 1_000_000) the site reads (images.max_megapixels): it was not decoded",
                suggestion: "use a photo of normal size (a phone's is 12 to 48 megapixels); a file this large is damaged or made to exhaust memory")
        case .unsupportedFormat(let loader):
            return ImageProblem(
                code: "image.invalid", message: "'\(name)' is a \(loader.uppercased()) image, which browsers cannot all show",
                suggestion: "export it as JPEG (photos) or PNG (drawings)")
        case .unreadable(let reason):
            let short = reason.split(separator: "\n").first.map(String.init) ?? reason
            return ImageProblem(
                code: "image.invalid", message: "'\(name)' is not a readable image (\(short))",
                suggestion: "open it on your computer and export it again as JPEG or PNG; a file cut short by a failed upload or copy reads like this")
        case .unavailable(let reason):
            return ImageProblem(
                code: "image.invalid", message: "'\(name)' cannot be processed: \(reason)",
                suggestion: "install libvips, which clinic-site loads for images: apt-get install libvips42 (scripts/install-deps.sh installs libvips-dev, which brings it)")
        }
    }

    /// The published image and its files, from a cache entry.
    static func publish(_ file: StaticFile, manifest: Manifest, folder: URL) -> (PublishedImage, [OutputFile]) {
        let path = file.outputPath as NSString
        let stem = path.deletingPathExtension
        let fallbackFormat = manifest.variants.first?.format ?? manifest.format
        var sets: [RasterFormat: [PublishedImage.Variant]] = [:]
        var files: [OutputFile] = []
        let widest = manifest.variants.map(\.width).max() ?? 0
        for entry in manifest.variants {
            let source = folder.appendingPathComponent(Manifest.fileName(entry.width, entry.format))
            // The widest in the source's own format keeps the source's name, so links to it work.
            let published =
                entry.format == manifest.format && entry.width == widest ? file.outputPath : "\(stem).\(entry.width)w.\(entry.format.fileExtension)"
            files.append(OutputFile(path: published, contents: .copy(source)))
            sets[entry.format, default: []].append(PublishedImage.Variant(path: published, width: entry.width, height: entry.height))
        }
        if fallbackFormat != manifest.format {
            files.append(OutputFile(path: file.outputPath, contents: .copy(file.source)))  // a GIF libvips cannot write
        }
        let fallback = PublishedImage.SourceSet(format: fallbackFormat, variants: sets[fallbackFormat] ?? [])
        let others = manifest.formatOrder.filter { $0 != fallbackFormat }.map { PublishedImage.SourceSet(format: $0, variants: sets[$0] ?? []) }
        let top = fallback.variants.last
        return (PublishedImage(width: top?.width ?? 0, height: top?.height ?? 0, fallback: fallback, sources: others), files)
    }
}

/// What a cache entry holds: `manifest` lists the variants; each is a file `WIDTH.EXT`.
struct Manifest: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var width: Int
        var height: Int
        var format: RasterFormat
    }
    var format: RasterFormat
    var variants: [Entry]

    /// Formats in the order they were made (the source's, then the settings' best first).
    var formatOrder: [RasterFormat] {
        var seen: [RasterFormat] = []
        for v in variants where !seen.contains(v.format) { seen.append(v.format) }
        return seen
    }

    static func fileName(_ width: Int, _ format: RasterFormat) -> String { "\(width).\(format.fileExtension)" }

    static func read(_ folder: URL) -> Manifest? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("manifest.json").path),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data),
            manifest.variants.allSatisfy({ FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName($0.width, $0.format)).path) })
        else { return nil }
        return manifest
    }

    func write(_ folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: folder.appendingPathComponent("manifest.json"))
    }
}
