/*
 * alloc.h - the library's allocator (internal).
 *
 * Every allocation of gluefake, uthash's included, goes through gf_malloc()
 * and friends, so that a test can make the nth allocation fail and check
 * that the failure becomes an InternalServiceException, never an exit().
 */
#ifndef GLUEFAKE_ALLOC_H
#define GLUEFAKE_ALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *gf_malloc(size_t size);
void *gf_calloc(size_t count, size_t size);
void *gf_realloc(void *ptr, size_t size);
void gf_free(void *ptr);
char *gf_strdup(const char *s);
char *gf_strndup(const char *s, size_t len);

/* Makes `*array` (of `size`-byte elements, `*cap` of them) hold at least
 * `need`, doubling from `first`.  0, or -1 when out of memory (nothing
 * changed).  `array` is the address of the array pointer. */
int gf_grow(void *array, size_t *cap, size_t need, size_t size, size_t first);

/* A text that grows as it is appended to, printf-style.  Zero it to start;
 * after a failed allocation `failed` is set and later appends do nothing.
 * `data` (NUL-terminated once anything was appended) is the caller's to
 * gf_free(), failed or not. */
typedef struct gf_text {
  char *data;
  size_t len, cap;
  int failed;
} gf_text;

void gf_text_append(gf_text *text, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void gf_text_vappend(gf_text *text, const char *fmt, va_list ap);

/* How many allocations have failed on this thread so far: compare before
 * and after a call that returns NULL both for bad input and for lack of
 * memory.  (cJSON counts only under gf_set_allocator(), when its hooks are
 * ours.) */
unsigned long gf_alloc_failures(void);

/* uthash, built so that running out of memory is reported, not fatal. */
#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) gf_malloc(sz)
#define uthash_free(ptr, sz) gf_free(ptr)

#endif
