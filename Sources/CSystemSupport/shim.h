// Linux calls that Swift's Glibc module does not expose.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

/// Swaps two paths in one step (renameat2 with RENAME_EXCHANGE). Returns 0, or -1 with errno.
static inline int clinic_exchange_paths(const char *a, const char *b) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */);
}
