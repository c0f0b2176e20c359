/* The arena behind MarkdownRenderer (see include/arena.h).

   Why: cmark-gfm allocates every node, buffer and string of a parse with calloc and frees each
   one with free; in a build those calls were half of all the time spent in the allocator, and
   they contend between the threads that render pages. A render's allocations all die together,
   when its HTML and facts have been copied into Swift values, so an arena fits.

   Blocks come from malloc; an allocation is 16-byte aligned and preceded by its requested size,
   so that realloc can copy it, or grow it in place when it is the latest of the current block
   (cmark's buffers grow by doubling). Each thread keeps one block for its next render, stored
   under a thread-specific key whose destructor frees it when the thread exits (`serve` outlives
   many worker threads). On allocation failure it aborts, as cmark's own allocator does. */
#include "arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t size;
    size_t used;
    size_t pad; /* keeps the data 16-byte aligned */
} block;

enum { BLOCK_SIZE = 96 * 1024, HEADER = 16 };

static __thread block *blocks = NULL; /* the current block first */
static __thread int depth = 0;
static pthread_key_t spare_key; /* the block kept between renders */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void free_spare(void *spare) { free(spare); }
static void make_key(void) { pthread_key_create(&spare_key, free_spare); }

static void out_of_memory(void) {
    fprintf(stderr, "[clinic-site] out of memory\n");
    abort();
}

static size_t footprint(size_t n) { return ((n + 15) & ~(size_t)15) + HEADER; }

static void *allocate(size_t n) {
    if (n > SIZE_MAX - 64) out_of_memory();
    size_t need = footprint(n);
    block *b = blocks;
    if (b == NULL || b->size - b->used < need) {
        size_t size = need > BLOCK_SIZE ? need : BLOCK_SIZE;
        pthread_once(&once, make_key);
        block *spare = (block *)pthread_getspecific(spare_key);
        if (size == BLOCK_SIZE && spare != NULL) {
            b = spare;
            pthread_setspecific(spare_key, NULL);
        } else {
            b = (block *)malloc(sizeof(block) + size);
            if (b == NULL) out_of_memory();
            b->size = size;
        }
        b->used = 0;
        b->next = blocks;
        blocks = b;
    }
    char *at = (char *)(b + 1) + b->used;
    b->used += need;
    *(size_t *)at = n;
    return at + HEADER;
}

void *clinic_arena_calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) out_of_memory();
    void *p = allocate(count * size);
    memset(p, 0, count * size);
    return p;
}

void *clinic_arena_realloc(void *pointer, size_t n) {
    if (pointer == NULL) return allocate(n);
    char *start = (char *)pointer - HEADER;
    size_t old = *(size_t *)start;
    if (n <= old) return pointer;
    block *b = blocks;
    size_t oldNeed = footprint(old);
    size_t newNeed = footprint(n);
    if (b != NULL && start + oldNeed == (char *)(b + 1) + b->used && b->size - (b->used - oldNeed) >= newNeed) {
        b->used = b->used - oldNeed + newNeed;
        *(size_t *)start = n;
        return pointer;
    }
    void *moved = allocate(n);
    memcpy(moved, pointer, old);
    return moved;
}

void clinic_arena_free(void *pointer) { (void)pointer; }

void clinic_arena_begin(void) { depth += 1; }

void clinic_arena_end(void) {
    depth -= 1;
    if (depth > 0) return;
    block *b = blocks;
    while (b != NULL) {
        block *next = b->next;
        if (b->size == BLOCK_SIZE && pthread_getspecific(spare_key) == NULL) {
            pthread_setspecific(spare_key, b);
        } else {
            free(b);
        }
        b = next;
    }
    blocks = NULL;
}
