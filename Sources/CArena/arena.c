/* The arena behind MarkdownRenderer (see include/arena.h).

   Why: cmark-gfm allocates every node, buffer and string of a parse with calloc and frees each
   one with free; in a build those calls were half of all the time spent in the allocator, and
   they contend between the threads that render pages. A render's allocations all die together,
   when its HTML and facts have been copied into Swift values, so an arena fits.

   Blocks come from malloc; an allocation is 16-byte aligned and preceded by its requested size
   and a tag, so that realloc can copy it, or grow it in place when it is the latest of the
   current block (cmark's buffers grow by doubling). Allocations of 64 KB or more (a long page's
   buffers and its HTML) are not kept in the arena: each is its own malloc, on a per-thread list,
   freed when cmark frees it and otherwise when the render ends. Without that a 50 MB page kept
   every outgrown copy of its buffers until the end: its build peaked at 1,093 MB, against
   696 MB with cmark's own allocator; now 979 MB, the rest being the small temporaries of the
   inline parser, which an arena keeps until the end of the render.
   Each thread keeps one block for its next render, stored under a thread-specific key whose
   destructor frees it when the thread exits (`serve` outlives many worker threads). On
   allocation failure it aborts, as cmark's own allocator does. */
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

/* The header of a large allocation; a small one has only the last two fields. */
typedef struct large {
    struct large *prev;
    struct large *next;
    size_t size;
    size_t tag;
} large;

enum { BLOCK_SIZE = 96 * 1024, HEADER = 16, LARGE_FROM = 64 * 1024 };
static const size_t SMALL_TAG = 0x534d414c4cu, LARGE_TAG = 0x4c41524745u;

static __thread block *blocks = NULL; /* the current block first */
static __thread large *larges = NULL; /* large allocations not freed yet */
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

static size_t tag_of(void *pointer) { return *(size_t *)((char *)pointer - 8); }

static void link_large(large *l) {
    l->prev = NULL;
    l->next = larges;
    if (larges != NULL) larges->prev = l;
    larges = l;
}

static void unlink_large(large *l) {
    if (l->prev != NULL) l->prev->next = l->next; else larges = l->next;
    if (l->next != NULL) l->next->prev = l->prev;
}

static void *allocate_large(size_t n) {
    if (n > SIZE_MAX - sizeof(large)) out_of_memory();
    large *l = (large *)malloc(sizeof(large) + n);
    if (l == NULL) out_of_memory();
    l->size = n;
    l->tag = LARGE_TAG;
    link_large(l);
    return l + 1;
}

static void *allocate(size_t n) {
    if (n >= LARGE_FROM) return allocate_large(n);
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
    *(size_t *)(at + 8) = SMALL_TAG;
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
    if (tag_of(pointer) == LARGE_TAG) {
        large *l = (large *)pointer - 1;
        if (n > SIZE_MAX - sizeof(large)) out_of_memory();
        unlink_large(l);
        large *moved = (large *)realloc(l, sizeof(large) + n);
        if (moved == NULL) out_of_memory();
        moved->size = n;
        link_large(moved);
        return moved + 1;
    }
    char *start = (char *)pointer - HEADER;
    size_t old = *(size_t *)start;
    if (n <= old) return pointer;
    if (n >= LARGE_FROM) {
        void *moved = allocate_large(n);
        memcpy(moved, pointer, old);
        return moved;
    }
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

void clinic_arena_free(void *pointer) {
    /* A small allocation goes with its block; a large one now. */
    if (pointer == NULL || tag_of(pointer) != LARGE_TAG) return;
    large *l = (large *)pointer - 1;
    unlink_large(l);
    free(l);
}

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
    while (larges != NULL) {
        large *next = larges->next;
        free(larges);
        larges = next;
    }
}
