/*
 * gluefake/sys/alloc.h - replacing gluefake's allocator, for tests that make
 * allocations fail on purpose (SQLite's malloc-failure sweep).
 */
#ifndef GLUEFAKE_SYS_ALLOC_H
#define GLUEFAKE_SYS_ALLOC_H

#include <stddef.h>

#include "../api.h"
#include "../buffer.h" /* gf_buffer_free, which frees what the allocator allocated */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_allocator {
  void *(*malloc_fn)(size_t size);
  void *(*realloc_fn)(void *ptr, size_t size);
  void (*free_fn)(void *ptr);
} gf_allocator;

/* Makes every later allocation of gluefake (and of cJSON, whose hooks are
 * process-wide) go through `allocator`; NULL restores malloc/realloc/free.
 * Not thread-safe: call it while no fake is in use, and free everything
 * allocated under one allocator before switching to another. */
GF_API void gf_set_allocator(const gf_allocator *allocator);

#ifdef __cplusplus
}
#endif

#endif
