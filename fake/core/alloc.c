/* alloc.c - the allocator every part of gluefake goes through (see alloc.h). */
#include "alloc.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__ /* known once a libc header is in */
#include <malloc.h> /* malloc_trim */
#endif

#include "gluefake/sys/alloc.h"

static gf_allocator current = {malloc, realloc, free};

/* Failed allocations on this thread, so that a NULL from a library that
 * cannot say why (cJSON's parser) is told apart from bad input. */
static _Thread_local unsigned long failures;

unsigned long gfi_alloc_failures(void) { return failures; }

static void *counted(void *p)
{
  if (!p)
    failures++;
  return p;
}

static void *cjson_malloc(size_t size) { return gfi_malloc(size); }

void gf_set_allocator(const gf_allocator *allocator)
{
  static const gf_allocator system_allocator = {malloc, realloc, free};
  current = allocator ? *allocator : system_allocator;
  /* cJSON_InitHooks only uses realloc when malloc and free are the
   * system's; with custom hooks it falls back to malloc+copy. */
  cJSON_Hooks hooks = {cjson_malloc, gfi_free};
  cJSON_InitHooks(allocator ? &hooks : NULL);
}

void *gfi_malloc(size_t size) { return counted(current.malloc_fn(size ? size : 1)); }

void *gfi_calloc(size_t count, size_t size)
{
  if (size && count > SIZE_MAX / size)
    return counted(NULL);
  size_t bytes = count * size;
  void *p = gfi_malloc(bytes);
  if (p)
    memset(p, 0, bytes > 0 ? bytes : 1);
  return p;
}

void *gfi_realloc(void *ptr, size_t size)
{
  return counted(current.realloc_fn(ptr, size ? size : 1));
}

void gfi_free(void *ptr)
{
  if (ptr)
    current.free_fn(ptr);
}

void gf_buffer_free(void *ptr) { gfi_free(ptr); }

char *gfi_strndup(const char *s, size_t len)
{
  char *copy = gfi_malloc(len + 1);
  if (copy) {
    memcpy(copy, s, len);
    copy[len] = '\0';
  }
  return copy;
}

int gfi_grow(void *array, size_t *cap, size_t need, size_t size, size_t first)
{
  if (need <= *cap)
    return 0;
  size_t grown_cap = *cap ? *cap : first;
  while (grown_cap < need)
    grown_cap *= 2;
  if (size && grown_cap > SIZE_MAX / size)
    return -1;
  void **slot = array;
  void *grown = gfi_realloc(*slot, grown_cap * size);
  if (!grown)
    return -1;
  *slot = grown;
  *cap = grown_cap;
  return 0;
}

char *gfi_strdup(const char *s) { return gfi_strndup(s, strlen(s)); }

void gfi_text_vappend(gfi_text *t, const char *fmt, va_list ap)
{
  if (t->failed)
    return;
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  if (n < 0 || gfi_grow(&t->data, &t->cap, t->len + (size_t)n + 1, 1, 64) != 0)
    t->failed = 1;
  else
    t->len += (size_t)vsnprintf(t->data + t->len, t->cap - t->len, fmt, again);
  va_end(again);
}

void gfi_text_add(gfi_text *t, const char *data, size_t len)
{
  if (t->failed)
    return;
  if (gfi_grow(&t->data, &t->cap, t->len + len + 1, 1, 64) != 0) {
    t->failed = 1;
    return;
  }
  memcpy(t->data + t->len, data, len);
  t->len += len;
  t->data[t->len] = '\0';
}

void gfi_text_append(gfi_text *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  gfi_text_vappend(t, fmt, ap);
  va_end(ap);
}

void gfi_heap_give_back(void)
{
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}
