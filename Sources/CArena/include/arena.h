#ifndef CLINIC_ARENA_H
#define CLINIC_ARENA_H

#include <stddef.h>

/* A bump allocator for one Markdown render (MarkdownRenderer.render gives it to cmark-gfm as its
   `cmark_mem`): each small allocation is a pointer bump in the thread's current block and its
   free does nothing; large ones are their own malloc; the whole render's memory goes at once
   when the outermost render on the thread ends. See arena.c. */

void *clinic_arena_calloc(size_t count, size_t size);
void *clinic_arena_realloc(void *pointer, size_t size);
void clinic_arena_free(void *pointer);

/* A render starts on this thread; a render inside another (a shortcode's Markdown) shares its
   arena. */
void clinic_arena_begin(void);
/* A render ends: when it is the outermost on this thread, everything allocated since the
   outermost begin is released. */
void clinic_arena_end(void);

#endif
