#ifndef CLINIC_CURL_H
#define CLINIC_CURL_H

#include <stddef.h>

/* libcurl (Debian's libcurl4) for the opt-in external link check (ExternalLinkChecker,
   `--check-external`), loaded with dlopen on the first request rather than linked: Foundation's
   FoundationNetworking, which the check used before, links libcurl and its thirty libraries
   (GnuTLS, Kerberos, LDAP, OpenSSL…) into every run, for a flag that is off by default. See curl.c. */

/* What cc_request returns. */
enum {
    CC_UNAVAILABLE = -1, /* libcurl cannot be loaded or started: `error` says why */
    CC_ANSWERED = 0,     /* an HTTP answer: `*status` is its status (after redirects) */
    CC_FAILED = 1,       /* no answer (DNS, connection, TLS, too many redirects…): `error` says why */
    CC_TIMED_OUT = 2,    /* no answer within `timeout_ms` */
};

/* One http(s) request to `url`: HEAD when `head` is nonzero, else GET (its body is not kept:
   the transfer stops at its first bytes). Redirects are followed (at most 10, http and https
   only) and `*status` is the last answer's. The whole request, redirects included, takes at
   most `timeout_ms` milliseconds. Thread safe: each call has its own handle and no signals.
   `error` receives a NUL-terminated reason (truncated to `error_size`) unless CC_ANSWERED. */
int cc_request(const char *url, int head, long timeout_ms, const char *user_agent, long *status, char *error,
    size_t error_size);

#endif
