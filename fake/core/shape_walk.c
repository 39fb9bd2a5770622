/*
 * shape_walk.c - the walks every shape shares: freeing, packing an object
 * and all it points to into one allocation, and moving a packed copy.
 */
#include <string.h>

#include "alloc.h"
#include "gluefake/sys/backend.h"
#include "shapes.h"

/* ---- free -------------------------------------------------------------- */

void gfi_shape_free_members(const gfi_shape *shape, void *obj)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    void **slot = GF_MEMBER_PTR(obj, m->offset);
    switch (m->kind) {
    case GF_KIND_STRING:
      gfi_free(*slot);
      break;
    case GF_KIND_STRUCT:
      gfi_shape_free(m->shape, *slot);
      break;
    case GF_KIND_LIST: {
      size_t count = *(size_t *)GF_MEMBER_PTR(obj, m->aux_offset);
      for (size_t j = 0; *slot && j < count; j++)
        gfi_shape_free_members(m->shape, (char *)*slot + j * m->shape->size);
      gfi_free(*slot);
      break;
    }
    default:
      break;
    }
    if (m->kind == GF_KIND_STRING || m->kind == GF_KIND_STRUCT || m->kind == GF_KIND_LIST)
      *slot = NULL;
  }
}

void gfi_shape_free(const gfi_shape *shape, void *obj)
{
  if (!obj)
    return;
  gfi_shape_free_members(shape, obj);
  gfi_free(obj);
}

/* ---- packed copies: one allocation for an object and all it points to ---- */

static size_t align8(size_t n) { return GF_PACK_OFFSET(n); }

/* Adds up the room `obj`'s pointees take: objects (8-aligned) and strings. */
static void measure(const gfi_shape *shape, const void *obj, size_t *objects, size_t *strings)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    if (m->kind != GF_KIND_STRING && m->kind != GF_KIND_STRUCT && m->kind != GF_KIND_LIST)
      continue;
    const void *p = *(const void *const *)GF_MEMBER_CPTR(obj, m->offset);
    if (!p)
      continue;
    if (m->kind == GF_KIND_STRING) {
      *strings += strlen(p) + 1;
    } else if (m->kind == GF_KIND_STRUCT) {
      *objects += align8(m->shape->size);
      measure(m->shape, p, objects, strings);
    } else {
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      *objects += align8((count ? count : 1) * m->shape->size);
      for (size_t j = 0; j < count; j++)
        measure(m->shape, (const char *)p + j * m->shape->size, objects, strings);
    }
  }
}

/* Copies `src` into `dst`, its pointees taken from the two cursors. */
static void place(const gfi_shape *shape, void *dst, const void *src, char **objects,
                  char **strings)
{
  memcpy(dst, src, shape->size);
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    if (m->kind != GF_KIND_STRING && m->kind != GF_KIND_STRUCT && m->kind != GF_KIND_LIST)
      continue;
    const void *p = *(const void *const *)GF_MEMBER_CPTR(src, m->offset);
    void **to = GF_MEMBER_PTR(dst, m->offset);
    if (!p)
      continue;
    if (m->kind == GF_KIND_STRING) {
      size_t n = strlen(p) + 1;
      memcpy(*strings, p, n);
      *to = *strings;
      *strings += n;
    } else if (m->kind == GF_KIND_STRUCT) {
      *to = *objects;
      *objects += align8(m->shape->size);
      place(m->shape, *to, p, objects, strings);
    } else {
      size_t count = *(const size_t *)GF_MEMBER_CPTR(src, m->aux_offset);
      size_t bytes = (count ? count : 1) * m->shape->size;
      char *items = *objects;
      *objects += align8(bytes);
      memset(items, 0, bytes);
      for (size_t j = 0; j < count; j++)
        place(m->shape, items + j * m->shape->size, (const char *)p + j * m->shape->size, objects,
              strings);
      *to = items;
    }
  }
}

void *gfi_shape_pack_after(const gfi_shape *shape, const void *src, size_t header,
                          size_t *packed_size)
{
  size_t objects = align8(shape->size), strings = 0;
  measure(shape, src, &objects, &strings);
  char *block = gfi_malloc(align8(header) + objects + strings);
  if (block) {
    memset(block, 0, align8(header));
    char *obj = block + align8(header), *o = obj + align8(shape->size), *s = obj + objects;
    place(shape, obj, src, &o, &s);
    if (packed_size)
      *packed_size = objects + strings;
  }
  return block;
}

void *gfi_shape_pack(const gfi_shape *shape, const void *src)
{
  return gfi_shape_pack_after(shape, src, 0, NULL);
}

void gfi_shape_relocate(const gfi_shape *shape, void *obj, const char *from, char *to)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    if (m->kind != GF_KIND_STRING && m->kind != GF_KIND_STRUCT && m->kind != GF_KIND_LIST)
      continue;
    char **p = GF_MEMBER_PTR(obj, m->offset);
    if (!*p)
      continue;
    *p = to + (*p - from);
    if (m->kind == GF_KIND_STRUCT) {
      gfi_shape_relocate(m->shape, *p, from, to);
    } else if (m->kind == GF_KIND_LIST) {
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      for (size_t j = 0; j < count; j++)
        gfi_shape_relocate(m->shape, *p + j * m->shape->size, from, to);
    }
  }
}

void *gfi_shape_repack_after(const gfi_shape *shape, const void *packed, size_t packed_size,
                            size_t header)
{
  char *block = gfi_malloc(align8(header) + packed_size);
  if (block) {
    memset(block, 0, align8(header));
    char *obj = block + align8(header);
    memcpy(obj, packed, packed_size);
    gfi_shape_relocate(shape, obj, packed, obj);
  }
  return block;
}

/* ---- response free functions of the public API ------------------------- */

/* Every response gluefake hands out is packed: one allocation. */
#define GF_X_FREE_DEF(Wire, snake, UPPER)                                                  \
  void gf_##snake##_response_free(gf_##snake##_response *response) { gfi_free(response); }
GF_OPERATIONS(GF_X_FREE_DEF)
#undef GF_X_FREE_DEF

void gf_response_free(gf_operation op, void *response)
{
  (void)op;
  gfi_free(response);
}

void *gf_response_copy(gf_operation op, const void *response)
{
  if ((unsigned)op >= GF_OPERATION_COUNT || !response)
    return NULL;
  return gfi_shape_pack(gfi_response_shapes[op], response);
}
