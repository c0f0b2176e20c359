/* libcurl through dlopen (see include/CCurl.h), as CVips does libvips.

   Why: FoundationNetworking's URLSession, which the external link check used before, is built on
   libcurl; linking it maps libcurl and the thirty libraries it needs (GnuTLS, OpenSSL's libssl
   and libcrypto, Kerberos, LDAP, SASL, nghttp2, librtmp, libssh2…) into every run of
   clinic-site, about 5 MB of resident memory, although only `--check-external` needs them.
   Loaded here on the first request, a run without that flag never maps them.

   The functions called and the constants passed are declared below from curl 7.88's headers, not
   included: <curl/curl.h> comes with libcurl4-openssl-dev (or -gnutls-dev), which running
   clinic-site should not need. The declarations are checked against the real headers by
   compiling this file with -DCS_CHECK_WITH_CURL_HEADERS (a conflicting type or a wrong constant
   is a compile error): ExternalFetchTests does it. Each function is called through a pointer of
   its declared type (`__typeof__`), resolved once, under pthread_once, from libcurl.so.4 (its
   SONAME), where curl_global_init is also called once. */
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifdef CS_CHECK_WITH_CURL_HEADERS
/* typecheck-gcc.h would make curl_easy_setopt and curl_easy_getinfo macros. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#endif

/* curl's (curl/curl.h, curl/easy.h). CURLcode, CURLoption and CURLINFO are enums without negative
   values: unsigned int, as the compiler gives them. */
typedef void CURL;
unsigned int curl_global_init(long flags);
CURL *curl_easy_init(void);
unsigned int curl_easy_setopt(CURL *curl, unsigned int option, ...);
unsigned int curl_easy_perform(CURL *curl);
unsigned int curl_easy_getinfo(CURL *curl, unsigned int info, ...);
void curl_easy_cleanup(CURL *curl);
const char *curl_easy_strerror(unsigned int code);

/* The constants passed or compared, by their curl names. */
enum {
    CS_CURL_GLOBAL_DEFAULT = 3,
    CS_CURLOPT_WRITEDATA = 10001,
    CS_CURLOPT_URL = 10002,
    CS_CURLOPT_ERRORBUFFER = 10010,
    CS_CURLOPT_WRITEFUNCTION = 20011,
    CS_CURLOPT_USERAGENT = 10018,
    CS_CURLOPT_NOBODY = 44,
    CS_CURLOPT_FOLLOWLOCATION = 52,
    CS_CURLOPT_MAXREDIRS = 68,
    CS_CURLOPT_NOSIGNAL = 99,
    CS_CURLOPT_TIMEOUT_MS = 155,
    CS_CURLOPT_PROTOCOLS_STR = 10318,
    CS_CURLOPT_REDIR_PROTOCOLS_STR = 10319,
    CS_CURLINFO_RESPONSE_CODE = 0x200000 + 2,
    CS_CURLE_OK = 0,
    CS_CURLE_WRITE_ERROR = 23,
    CS_CURLE_OPERATION_TIMEDOUT = 28,
    CS_CURL_ERROR_SIZE = 256,
};

#ifdef CS_CHECK_WITH_CURL_HEADERS
_Static_assert(CS_CURL_GLOBAL_DEFAULT == CURL_GLOBAL_DEFAULT, "CURL_GLOBAL_DEFAULT");
_Static_assert(CS_CURLOPT_WRITEDATA == CURLOPT_WRITEDATA, "CURLOPT_WRITEDATA");
_Static_assert(CS_CURLOPT_URL == CURLOPT_URL, "CURLOPT_URL");
_Static_assert(CS_CURLOPT_ERRORBUFFER == CURLOPT_ERRORBUFFER, "CURLOPT_ERRORBUFFER");
_Static_assert(CS_CURLOPT_WRITEFUNCTION == CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION");
_Static_assert(CS_CURLOPT_USERAGENT == CURLOPT_USERAGENT, "CURLOPT_USERAGENT");
_Static_assert(CS_CURLOPT_NOBODY == CURLOPT_NOBODY, "CURLOPT_NOBODY");
_Static_assert(CS_CURLOPT_FOLLOWLOCATION == CURLOPT_FOLLOWLOCATION, "CURLOPT_FOLLOWLOCATION");
_Static_assert(CS_CURLOPT_MAXREDIRS == CURLOPT_MAXREDIRS, "CURLOPT_MAXREDIRS");
_Static_assert(CS_CURLOPT_NOSIGNAL == CURLOPT_NOSIGNAL, "CURLOPT_NOSIGNAL");
_Static_assert(CS_CURLOPT_TIMEOUT_MS == CURLOPT_TIMEOUT_MS, "CURLOPT_TIMEOUT_MS");
_Static_assert(CS_CURLOPT_PROTOCOLS_STR == CURLOPT_PROTOCOLS_STR, "CURLOPT_PROTOCOLS_STR");
_Static_assert(CS_CURLOPT_REDIR_PROTOCOLS_STR == CURLOPT_REDIR_PROTOCOLS_STR, "CURLOPT_REDIR_PROTOCOLS_STR");
_Static_assert(CS_CURLINFO_RESPONSE_CODE == CURLINFO_RESPONSE_CODE, "CURLINFO_RESPONSE_CODE");
_Static_assert(CS_CURLE_OK == CURLE_OK, "CURLE_OK");
_Static_assert(CS_CURLE_WRITE_ERROR == CURLE_WRITE_ERROR, "CURLE_WRITE_ERROR");
_Static_assert(CS_CURLE_OPERATION_TIMEDOUT == CURLE_OPERATION_TIMEDOUT, "CURLE_OPERATION_TIMEDOUT");
_Static_assert(CS_CURL_ERROR_SIZE == CURL_ERROR_SIZE, "CURL_ERROR_SIZE");
/* The write callback's type, as CURLOPT_WRITEFUNCTION takes it. */
static size_t discard(char *data, size_t size, size_t count, void *context);
_Static_assert(__builtin_types_compatible_p(__typeof__(&discard), curl_write_callback), "curl_write_callback");
#endif

#define CS_LIBCURL "libcurl.so.4"

/* Every curl function called, as X(name). */
#define CS_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform) X(curl_easy_getinfo) \
    X(curl_easy_cleanup) X(curl_easy_strerror)

#define CS_POINTER(name) static __typeof__(name) *p_##name;
CS_FUNCTIONS(CS_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char failure[512];

static void load(void) {
    void *handle = dlopen(CS_LIBCURL, RTLD_NOW);
    if (!handle) {
        const char *reason = dlerror();
        snprintf(failure, sizeof failure, "libcurl cannot be loaded (%s)", reason ? reason : CS_LIBCURL);
        return;
    }
#define CS_RESOLVE(name) \
    if (!(p_##name = (__typeof__(name) *)dlsym(handle, #name))) { \
        snprintf(failure, sizeof failure, "%s has no function %s", CS_LIBCURL, #name); \
        return; \
    }
    CS_FUNCTIONS(CS_RESOLVE)
    unsigned int code = p_curl_global_init(CS_CURL_GLOBAL_DEFAULT);
    if (code != CS_CURLE_OK) {
        snprintf(failure, sizeof failure, "libcurl could not be started (%s)", p_curl_easy_strerror(code));
        return;
    }
    loaded = 1;
}

/* The body is not wanted: the status is known by the time its first bytes come, so the
   transfer stops there (curl_easy_perform then returns CURLE_WRITE_ERROR). The bodies of
   redirects that are followed are skipped by libcurl and never reach here. */
static size_t discard(char *data, size_t size, size_t count, void *context) {
    (void)data, (void)size, (void)count;
    *(int *)context = 1;
    return 0;
}

static void copy(char *error, size_t error_size, const char *text) {
    if (error_size > 0) snprintf(error, error_size, "%s", text);
}

int cc_request(const char *url, int head, long timeout_ms, const char *user_agent, long *status, char *error,
    size_t error_size) {
    pthread_once(&once, load);
    if (!loaded) {
        copy(error, error_size, failure);
        return CC_UNAVAILABLE;
    }
    CURL *curl = p_curl_easy_init();
    if (!curl) {
        copy(error, error_size, "libcurl could not make a handle");
        return CC_FAILED;
    }
    char message[CS_CURL_ERROR_SIZE] = "";
    int stopped = 0;
    unsigned int code = CS_CURLE_OK;
    /* Each option is checked: an unknown one (an older libcurl) is a failure, not ignored. */
#define CS_SET(option, value) \
    if (code == CS_CURLE_OK) code = p_curl_easy_setopt(curl, option, value)
    CS_SET(CS_CURLOPT_ERRORBUFFER, message);
    CS_SET(CS_CURLOPT_URL, url);
    CS_SET(CS_CURLOPT_NOSIGNAL, 1L);
    CS_SET(CS_CURLOPT_PROTOCOLS_STR, "http,https");
    CS_SET(CS_CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    CS_SET(CS_CURLOPT_FOLLOWLOCATION, 1L);
    CS_SET(CS_CURLOPT_MAXREDIRS, 10L);
    CS_SET(CS_CURLOPT_TIMEOUT_MS, timeout_ms);
    CS_SET(CS_CURLOPT_USERAGENT, user_agent);
    CS_SET(CS_CURLOPT_NOBODY, head ? 1L : 0L);
    CS_SET(CS_CURLOPT_WRITEFUNCTION, discard);
    CS_SET(CS_CURLOPT_WRITEDATA, &stopped);
    if (code == CS_CURLE_OK) code = p_curl_easy_perform(curl);
    long answer = 0;
    if (code == CS_CURLE_OK || (code == CS_CURLE_WRITE_ERROR && stopped)) {
        if (p_curl_easy_getinfo(curl, CS_CURLINFO_RESPONSE_CODE, &answer) != CS_CURLE_OK) answer = 0;
    }
    int result;
    if (answer > 0) {
        *status = answer;
        result = CC_ANSWERED;
    } else {
        copy(error, error_size, message[0] ? message : p_curl_easy_strerror(code));
        result = code == CS_CURLE_OPERATION_TIMEDOUT ? CC_TIMED_OUT : CC_FAILED;
    }
    p_curl_easy_cleanup(curl);
    return result;
}
