// libvips (Debian's libvips-dev) for SiteImages, the only module that imports it.
// libvips's operations take their optional arguments as NULL-terminated varargs, which Swift
// cannot call: each one used is wrapped here with fixed arguments.
#include <vips/vips.h>

#include <stdlib.h>

/// libvips's warnings (a damaged tile) would be printed on stderr: the build reports them itself.
static inline int cs_vips_init(void) {
    setenv("VIPS_WARNING", "0", 0);
    return VIPS_INIT("clinic-site");
}

/// A copy of `in` without any metadata (EXIF, GPS, XMP, IPTC, ICC profile, orientation): the
/// savers' `strip` is not honoured by every saver of every libvips version (8.14's webpsave
/// keeps EXIF and XMP), so nothing is left for them to write.
static inline int cs_without_metadata(VipsImage *in, VipsImage **out) {
    if (vips_copy(in, out, NULL)) return -1;
    gchar **fields = vips_image_get_fields(*out);
    for (int i = 0; fields[i]; i++) vips_image_remove(*out, fields[i]);
    g_strfreev(fields);
    return 0;
}

/// Header only (libvips decodes lazily): a truncated file fails later, when pixels are read.
static inline VipsImage *cs_load_buffer(const void *bytes, size_t length) {
    return vips_image_new_from_buffer(bytes, length, "", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
}

/// A JPEG decoded at 1/`shrink` of its size (1, 2, 4 or 8) by libjpeg's DCT scaling, much
/// faster than decoding it whole and resizing (shrink-on-load).
static inline VipsImage *cs_load_jpeg_shrunk(const void *bytes, size_t length, int shrink) {
    VipsImage *out = NULL;
    if (vips_jpegload_buffer((void *)bytes, length, &out, "shrink", shrink, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL)) return NULL;
    return out;
}

static inline int cs_autorot(VipsImage *in, VipsImage **out) { return vips_autorot(in, out, NULL); }

/// Resized to `width` (never enlarged), converted to sRGB (CMYK and other ICC profiles).
static inline int cs_thumbnail(VipsImage *in, VipsImage **out, int width) {
    return vips_thumbnail_image(in, out, width, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL);
}

static inline int cs_jpegsave(VipsImage *in, void **bytes, size_t *length, int quality) {
    return vips_jpegsave_buffer(in, bytes, length, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, "interlace", TRUE, NULL);
}

static inline int cs_pngsave(VipsImage *in, void **bytes, size_t *length) {
    return vips_pngsave_buffer(in, bytes, length, "strip", TRUE, "compression", 6, NULL);
}

static inline int cs_webpsave(VipsImage *in, void **bytes, size_t *length, int quality) {
    return vips_webpsave_buffer(in, bytes, length, "Q", quality, "strip", TRUE, "effort", 4, NULL);
}

static inline int cs_gifsave(VipsImage *in, void **bytes, size_t *length) {
    return vips_gifsave_buffer(in, bytes, length, "strip", TRUE, NULL);
}

static inline int cs_avifsave(VipsImage *in, void **bytes, size_t *length, int quality) {
    return vips_heifsave_buffer(in, bytes, length, "Q", quality, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
        "strip", TRUE, NULL);
}

static inline int cs_black(VipsImage **out, int width, int height, int bands) {
    return vips_black(out, width, height, "bands", bands, NULL);
}

static inline int cs_has_operation(const char *name) { return vips_type_find("VipsOperation", name) != 0; }

static inline int cs_has_field(VipsImage *image, const char *name) { return vips_image_get_typeof(image, name) != 0; }

static inline const char *cs_loader(VipsImage *image) {
    const char *out = NULL;
    if (vips_image_get_string(image, "vips-loader", &out)) return NULL;
    return out;
}

static inline void cs_unref(VipsImage *image) { if (image) g_object_unref(image); }
