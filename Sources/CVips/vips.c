/* libvips through dlopen (see include/CVips.h).

   Why: linked, libvips and its dependencies (libaom, x265, librsvg, poppler, OpenEXR,
   ImageMagick, GLib…, about a hundred libraries) are mapped by the dynamic loader into every run
   of clinic-site, including `check` and a build of a site without a photo: about 13 MB of
   resident memory. Loaded here on the first image, a run without images never maps them.

   The functions called and the constants passed are declared below from libvips 8.14's and
   GLib 2.74's headers, not included: those need pkg-config's include folders, and SwiftPM's
   pkgConfig would also link the libraries. The declarations are checked against the real headers
   by compiling this file with -DCS_CHECK_WITH_VIPS_HEADERS and `pkg-config --cflags vips`
   (a conflicting type or a wrong constant is a compile error): VipsLoadingTests does it.
   Each function is called through a pointer of its declared type (`__typeof__`), the variadic
   operations included, resolved once, under pthread_once, from the handle of libvips.so.42 (its
   SONAME; dlsym on it also finds the GLib and GObject functions, which libvips needs). */
#include "CVips.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CS_CHECK_WITH_VIPS_HEADERS
#include <vips/vips.h>
#endif

/* libvips's (vips/\*.h). gboolean is int; GType is gsize (unsigned long); enums are int or
   unsigned int, as the compiler gives them. */
int vips_init(const char *argv0);
int vips_version(int flag);
const char *vips_version_string(void);
void vips_concurrency_set(int concurrency);
void vips_block_untrusted_set(int state);
void vips_cache_set_max(int max);
const char *vips_error_buffer(void);
void vips_error_clear(void);
VipsImage *vips_image_new_from_buffer(const void *buf, size_t len, const char *option_string, ...);
int vips_jpegload_buffer(void *buf, size_t len, VipsImage **out, ...);
int vips_copy(VipsImage *in, VipsImage **out, ...);
char **vips_image_get_fields(VipsImage *image);
int vips_image_remove(VipsImage *image, const char *name);
int vips_autorot(VipsImage *in, VipsImage **out, ...);
int vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, ...);
VipsImage *vips_image_copy_memory(VipsImage *image);
int vips_black(VipsImage **out, int width, int height, ...);
int vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
int vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
int vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
int vips_gifsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
int vips_heifsave_buffer(VipsImage *in, void **buf, size_t *len, ...);
int vips_image_get_width(const VipsImage *image);
int vips_image_get_height(const VipsImage *image);
int vips_image_get_bands(const VipsImage *image);
int vips_image_get_interpretation(const VipsImage *image);
int vips_image_get_int(const VipsImage *image, const char *name, int *out);
unsigned long vips_image_get_typeof(const VipsImage *image, const char *name);
int vips_image_get_string(const VipsImage *image, const char *name, const char **out);
unsigned long vips_type_find(const char *basename, const char *nickname);
/* GLib's and GObject's. */
void g_object_unref(void *object);
void g_free(void *mem);
void g_strfreev(char **str_array);

/* The constants passed, by their libvips and GLib names. */
enum {
    CS_VIPS_ABI = 42,                             /* CS_VIPS_ABI */
    CS_FAIL_ON_TRUNCATED = 1,                     /* VipsFailOn */
    CS_SIZE_DOWN = 2,                             /* VipsSize */
    CS_MAX_COORD = 10000000,                      /* CS_MAX_COORD */
    CS_HEIF_COMPRESSION_AV1 = 4,                  /* VipsForeignHeifCompression */
    CS_INTERPRETATION_SRGB = 22,                  /* VipsInterpretation */
    CS_TRUE = 1,
};

#ifdef CS_CHECK_WITH_VIPS_HEADERS
_Static_assert(CS_VIPS_ABI == VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE, "ABI");
_Static_assert(CS_FAIL_ON_TRUNCATED == VIPS_FAIL_ON_TRUNCATED, "VIPS_FAIL_ON_TRUNCATED");
_Static_assert(CS_SIZE_DOWN == VIPS_SIZE_DOWN, "VIPS_SIZE_DOWN");
_Static_assert(CS_MAX_COORD == VIPS_MAX_COORD, "VIPS_MAX_COORD");
_Static_assert(CS_HEIF_COMPRESSION_AV1 == VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "VIPS_FOREIGN_HEIF_COMPRESSION_AV1");
_Static_assert(CS_INTERPRETATION_SRGB == VIPS_INTERPRETATION_sRGB, "VIPS_INTERPRETATION_sRGB");
_Static_assert(CS_TRUE == TRUE, "TRUE");
#endif

#define CS_LIBVIPS "libvips.so.42"

/* Every libvips and GLib function called, as X(name). */
#define CS_FUNCTIONS(X) \
    X(vips_init) X(vips_version) X(vips_version_string) X(vips_concurrency_set) \
    X(vips_block_untrusted_set) X(vips_cache_set_max) X(vips_error_buffer) X(vips_error_clear) \
    X(vips_image_new_from_buffer) X(vips_jpegload_buffer) X(vips_copy) X(vips_image_get_fields) \
    X(vips_image_remove) X(vips_autorot) X(vips_thumbnail_image) X(vips_image_copy_memory) \
    X(vips_black) X(vips_jpegsave_buffer) X(vips_pngsave_buffer) X(vips_webpsave_buffer) \
    X(vips_gifsave_buffer) X(vips_heifsave_buffer) X(vips_image_get_width) \
    X(vips_image_get_height) X(vips_image_get_bands) X(vips_image_get_interpretation) \
    X(vips_image_get_int) X(vips_image_get_typeof) X(vips_image_get_string) X(vips_type_find) \
    X(g_object_unref) X(g_free) X(g_strfreev)

#define CS_POINTER(name) static __typeof__(name) *p_##name;
CS_FUNCTIONS(CS_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = -1;
static char failure[512];

static void load(void) {
    void *handle = dlopen(CS_LIBVIPS, RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        const char *reason = dlerror();
        snprintf(failure, sizeof failure, "libvips cannot be loaded (%s)", reason ? reason : CS_LIBVIPS);
        return;
    }
#define CS_RESOLVE(name) \
    if (!(p_##name = (__typeof__(name) *)dlsym(handle, #name))) { \
        snprintf(failure, sizeof failure, "%s has no function %s", CS_LIBVIPS, #name); \
        return; \
    }
    CS_FUNCTIONS(CS_RESOLVE)
    /* What VIPS_INIT checks: the library's ABI is the one these headers describe. */
    int abi = p_vips_version(3) - p_vips_version(5);
    if (abi != CS_VIPS_ABI) {
        snprintf(failure, sizeof failure, "%s has ABI version %d, clinic-site was built for %d", CS_LIBVIPS, abi,
            CS_VIPS_ABI);
        return;
    }
    /* libvips's warnings (a damaged tile) would be printed on stderr: the build reports them itself. */
    setenv("VIPS_WARNING", "0", 0);
    if (p_vips_init("clinic-site")) {
        snprintf(failure, sizeof failure, "libvips could not be started (%s)", p_vips_error_buffer());
        return;
    }
    p_vips_concurrency_set(1);
    /* Only libvips's own, fuzzed loaders: not ImageMagick's or others a .png could reach. */
    p_vips_block_untrusted_set(CS_TRUE);
    /* libvips's operation cache would keep decoded photos alive between builds in `serve`. */
    p_vips_cache_set_max(0);
    status = 0;
}

int cs_vips_init(void) {
    pthread_once(&once, load);
    return status;
}

const char *cs_vips_init_error(void) { return cs_vips_init() == 0 ? NULL : failure; }

const char *cs_vips_version_string(void) { return p_vips_version_string(); }
const char *cs_vips_error_buffer(void) { return p_vips_error_buffer(); }
void cs_vips_error_clear(void) { p_vips_error_clear(); }

VipsImage *cs_load_buffer(const void *bytes, size_t length) {
    return p_vips_image_new_from_buffer(bytes, length, "", "fail_on", CS_FAIL_ON_TRUNCATED, NULL);
}

VipsImage *cs_load_jpeg_shrunk(const void *bytes, size_t length, int shrink) {
    VipsImage *out = NULL;
    if (p_vips_jpegload_buffer((void *)bytes, length, &out, "shrink", shrink, "fail_on", CS_FAIL_ON_TRUNCATED, NULL)) return NULL;
    return out;
}

int cs_without_metadata(VipsImage *in, VipsImage **out) {
    if (p_vips_copy(in, out, NULL)) return -1;
    char **fields = p_vips_image_get_fields(*out);
    for (int i = 0; fields[i]; i++) p_vips_image_remove(*out, fields[i]);
    p_g_strfreev(fields);
    return 0;
}

int cs_autorot(VipsImage *in, VipsImage **out) { return p_vips_autorot(in, out, NULL); }

int cs_thumbnail(VipsImage *in, VipsImage **out, int width) {
    return p_vips_thumbnail_image(in, out, width, "height", CS_MAX_COORD, "size", CS_SIZE_DOWN, "no_rotate", CS_TRUE, NULL);
}

VipsImage *cs_image_copy_memory(VipsImage *image) { return p_vips_image_copy_memory(image); }

int cs_black(VipsImage **out, int width, int height, int bands) { return p_vips_black(out, width, height, "bands", bands, NULL); }

int cs_jpegsave(VipsImage *in, void **bytes, size_t *length, int quality) {
    return p_vips_jpegsave_buffer(in, bytes, length, "Q", quality, "strip", CS_TRUE, "optimize_coding", CS_TRUE, "interlace", CS_TRUE, NULL);
}

int cs_pngsave(VipsImage *in, void **bytes, size_t *length) {
    return p_vips_pngsave_buffer(in, bytes, length, "strip", CS_TRUE, "compression", 6, NULL);
}

int cs_webpsave(VipsImage *in, void **bytes, size_t *length, int quality) {
    return p_vips_webpsave_buffer(in, bytes, length, "Q", quality, "strip", CS_TRUE, "effort", 4, NULL);
}

int cs_gifsave(VipsImage *in, void **bytes, size_t *length) { return p_vips_gifsave_buffer(in, bytes, length, "strip", CS_TRUE, NULL); }

int cs_avifsave(VipsImage *in, void **bytes, size_t *length, int quality) {
    return p_vips_heifsave_buffer(in, bytes, length, "Q", quality, "compression", CS_HEIF_COMPRESSION_AV1, "strip", CS_TRUE, NULL);
}

void cs_g_free(void *memory) { p_g_free(memory); }

int cs_image_get_width(const VipsImage *image) { return p_vips_image_get_width(image); }
int cs_image_get_height(const VipsImage *image) { return p_vips_image_get_height(image); }
int cs_image_get_bands(const VipsImage *image) { return p_vips_image_get_bands(image); }
int cs_image_is_srgb(const VipsImage *image) { return p_vips_image_get_interpretation(image) == CS_INTERPRETATION_SRGB; }
int cs_image_get_int(const VipsImage *image, const char *name, int *out) { return p_vips_image_get_int(image, name, out); }

int cs_has_operation(const char *name) { return p_vips_type_find("VipsOperation", name) != 0; }

int cs_has_field(const VipsImage *image, const char *name) { return p_vips_image_get_typeof(image, name) != 0; }

const char *cs_loader(const VipsImage *image) {
    const char *out = NULL;
    if (p_vips_image_get_string(image, "vips-loader", &out)) return NULL;
    return out;
}

void cs_unref(VipsImage *image) { if (image) p_g_object_unref(image); }

