/*
 * alloc.h - the allocator every part of gluefake goes through, and the
 * growable arrays and texts built on it (internal to the libraries).
 *
 * Every allocation of gluefake, uthash's included, goes through gfi_malloc()
 * and friends, so that a test can make the nth allocation fail and check
 * that the failure becomes an InternalServiceException, never an exit().
 */
#ifndef GLUEFAKE_CORE_ALLOC_H
#define GLUEFAKE_CORE_ALLOC_H

#include "internal.h"

#include <stdarg.h>
#include <stddef.h>

#include "gluefake/api.h"
#include "gluefake/errors.h"

GFI_SHARED void *gfi_malloc(size_t size);
GFI_SHARED void *gfi_calloc(size_t count, size_t size);
GFI_SHARED void *gfi_realloc(void *ptr, size_t size);
GFI_SHARED void gfi_free(void *ptr);
GFI_SHARED char *gfi_strdup(const char *s);
GFI_SHARED char *gfi_strndup(const char *s, size_t len);

/* A zeroed block of `size` bytes for a new `what` ("fake"), or NULL with
 * `err` set to InternalServiceException "out of memory creating a <what>"
 * (object.c). */
GFI_SHARED void *gfi_new_object(size_t size, const char *what, gf_error *err);

/* Makes `*array` (of `size`-byte elements, `*cap` of them) hold at least
 * `need`, doubling from `first`.  0, or -1 when out of memory (nothing
 * changed).  `array` is the address of the array pointer. */
GFI_SHARED int gfi_grow(void *array, size_t *cap, size_t need, size_t size, size_t first);

/* A text that grows as it is appended to, printf-style.  Zero it to start;
 * after a failed allocation `failed` is set and later appends do nothing.
 * `data` (NUL-terminated once anything was appended) is the caller's to
 * gfi_free(), failed or not. */
typedef struct gfi_text {
  char *data;
  size_t len, cap;
  int failed;
} gfi_text;

GFI_SHARED void gfi_text_append(gfi_text *text, const char *fmt, ...) GF_PRINTF(2, 3);
/* Appends `len` bytes as they are (no format: for the hot paths). */
GFI_SHARED void gfi_text_add(gfi_text *text, const char *data, size_t len);
GFI_SHARED void gfi_text_vappend(gfi_text *text, const char *fmt, va_list ap) GF_PRINTF(2, 0);

/* Gives the heap's free pages back to the system (glibc's malloc_trim;
 * nothing elsewhere): after a large parse is freed, its nodes would
 * otherwise stay resident though unused.  A few milliseconds, so it is the
 * server's to call after a large state load, not every load's. */
GFI_SHARED void gfi_heap_give_back(void);

/* How many allocations have failed on this thread so far: compare before
 * and after a call that returns NULL both for bad input and for lack of
 * memory.  (cJSON counts only under gf_set_allocator(), when its hooks are
 * ours.) */
GFI_SHARED unsigned long gfi_alloc_failures(void);

/* uthash, built so that running out of memory is reported, not fatal. */
#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) gfi_malloc(sz)
#define uthash_free(ptr, sz) gfi_free(ptr)

#endif
