import SiteImages

/// `images:` in `_site.yaml`: how photos are published. Every key is optional.
///
///     images:
///       widths: [480, 960, 1440]   # published widths; never wider than the source
///       quality: 80                # JPEG, WebP and AVIF quality, 1–100
///       formats: [webp]            # besides the original format: webp, avif (when libvips can)
///       max_file_mb: 20            # a bigger source file is an error (image.too-large)
///       max_megapixels: 100        # a bigger image is refused before decoding (image.invalid)
///       sizes: "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)"
public struct ImageSettings: Sendable, Hashable {
    public var widths = [480, 960, 1440]
    public var quality = 80
    /// Formats offered as `<source>`s besides the original's, best first.
    public var formats: [RasterFormat] = [.webp]
    public var maxFileBytes = 20 * 1_000_000
    public var maxPixels = 100 * 1_000_000
    /// The `sizes` attribute: how wide the theme shows an image (its text column is 40rem).
    public var sizes = "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)"

    public init() {}

    /// What the processed files depend on, for the cache key.
    var cacheKey: String { "w=\(widths.map(String.init).joined(separator: ","));q=\(quality);f=\(formats.map(\.rawValue).joined(separator: ","))" }

    static func parse(_ value: YAMLValue, diagnostics: inout [Diagnostic]) -> ImageSettings {
        var settings = ImageSettings()
        guard case .mapping = value.kind else {
            diagnostics.append(.error("settings.type", at: value.position, "'images' must be a set of keys (widths: …, quality: …), not \(value.typeName)"))
            return settings
        }
        func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
            guard let v = value[key] else { return nil }
            guard let n = v.int, range.contains(n) else {
                diagnostics.append(
                    .error("settings.type", at: v.position, "'images.\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return nil
            }
            return n
        }
        if let widths = value["widths"] {
            let items = widths.array ?? []
            let numbers = items.compactMap(\.int).filter { (16...8192).contains($0) }
            if numbers.isEmpty || numbers.count != items.count {
                diagnostics.append(
                    .error(
                        "settings.type", at: widths.position, "'images.widths' must be a list of widths in pixels from 16 to 8192",
                        suggestion: "for example: widths: [480, 960, 1440]"))
            } else {
                settings.widths = Array(Set(numbers)).sorted()
            }
        }
        if let q = integer("quality", in: 1...100) { settings.quality = q }
        if let mb = integer("max_file_mb", in: 1...1000) { settings.maxFileBytes = mb * 1_000_000 }
        if let mp = integer("max_megapixels", in: 1...1000) { settings.maxPixels = mp * 1_000_000 }
        if let sizes = value["sizes"] {
            if let s = sizes.string, !s.isEmpty { settings.sizes = s } else {
                diagnostics.append(.error("settings.type", at: sizes.position, "'images.sizes' must be text, e.g. \"100vw\""))
            }
        }
        if let formats = value["formats"] {
            var list: [RasterFormat] = []
            for item in formats.array ?? [formats] {
                guard let name = item.string, let format = RasterFormat(rawValue: name.lowercased()), format == .webp || format == .avif else {
                    diagnostics.append(
                        .error(
                            "settings.type", at: item.position, "each entry of 'images.formats' must be webp or avif",
                            suggestion: "the original format (JPEG, PNG, GIF) is always published; list the extra ones: formats: [avif, webp]"))
                    continue
                }
                if !list.contains(format) { list.append(format) }
            }
            settings.formats = list
        }
        return settings
    }
}
