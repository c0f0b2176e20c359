#ifndef CLINIC_VIPS_H
#define CLINIC_VIPS_H

#include <stddef.h>

/* libvips (Debian's libvips42) for SiteImages, the only module that imports it, loaded with
   dlopen on first use rather than linked: linking it maps libvips and the hundred libraries it
   needs (libaom, librsvg, poppler, ImageMagick, GLib…) into every run, photos or not. See vips.c.

   libvips's operations take their optional arguments as NULL-terminated varargs, which Swift
   cannot call: each one used is wrapped here with fixed arguments. The other functions are
   libvips's and GLib's own of the same name without the `cs_` prefix. Every function but
   cs_vips_init and cs_vips_init_error needs a successful cs_vips_init first. */

/* Opaque here; libvips's own headers define it in vips.c. */
typedef struct _VipsImage VipsImage;

/* Loads libvips (once, whichever thread comes first) and starts it: one libvips thread per
   operation, only libvips's own fuzzed loaders, no operation cache. Returns 0, or -1 when libvips
   cannot be loaded or started (cs_vips_init_error says why). */
int cs_vips_init(void);
/* Why cs_vips_init failed (dlopen's message, a missing function, libvips's error), or NULL. */
const char *cs_vips_init_error(void);

const char *cs_vips_version_string(void);
const char *cs_vips_error_buffer(void);
void cs_vips_error_clear(void);

/* Header only (libvips decodes lazily): a truncated file fails later, when pixels are read. */
VipsImage *cs_load_buffer(const void *bytes, size_t length);
/* A JPEG decoded at 1/`shrink` of its size (1, 2, 4 or 8) by libjpeg's DCT scaling, much faster
   than decoding it whole and resizing (shrink-on-load). */
VipsImage *cs_load_jpeg_shrunk(const void *bytes, size_t length, int shrink);
/* A copy of `in` without any metadata (EXIF, GPS, XMP, IPTC, ICC profile, orientation): the
   savers' `strip` is not honoured by every saver of every libvips version (8.14's webpsave keeps
   EXIF and XMP), so nothing is left for them to write. */
int cs_without_metadata(VipsImage *in, VipsImage **out);
int cs_autorot(VipsImage *in, VipsImage **out);
/* Resized to `width` (never enlarged), converted to sRGB (CMYK and other ICC profiles). */
int cs_thumbnail(VipsImage *in, VipsImage **out, int width);
VipsImage *cs_image_copy_memory(VipsImage *image);
int cs_black(VipsImage **out, int width, int height, int bands);

/* The savers: `*bytes` is GLib memory, released with cs_g_free. */
int cs_jpegsave(VipsImage *in, void **bytes, size_t *length, int quality);
int cs_pngsave(VipsImage *in, void **bytes, size_t *length);
int cs_webpsave(VipsImage *in, void **bytes, size_t *length, int quality);
int cs_gifsave(VipsImage *in, void **bytes, size_t *length);
int cs_avifsave(VipsImage *in, void **bytes, size_t *length, int quality);
void cs_g_free(void *memory);

int cs_image_get_width(const VipsImage *image);
int cs_image_get_height(const VipsImage *image);
int cs_image_get_bands(const VipsImage *image);
/* Whether the image's interpretation is sRGB (VIPS_INTERPRETATION_sRGB). */
int cs_image_is_srgb(const VipsImage *image);
int cs_image_get_int(const VipsImage *image, const char *name, int *out);
int cs_has_operation(const char *name);
int cs_has_field(const VipsImage *image, const char *name);
/* The loader that read the image (`jpegload_buffer`), or NULL. */
const char *cs_loader(const VipsImage *image);
void cs_unref(VipsImage *image);

#endif
