/* fixture_dump.c - a fake's whole state as a fixture, canonically. */
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "fake_impl.h"
#include "gluefake/fixture.h"

/* The entries of a uthash table in key order (compare_entries_<type>);
 * `out` NULL when out of memory. */
#define SORTED_KEYS(head, type, out, count)                                      \
  do {                                                                                     \
    type *e_, *tmp_;                                                                       \
    size_t i_ = 0;                                                                         \
    count = HASH_COUNT(head);                                                              \
    out = gfi_calloc(count ? count : 1, sizeof *out);                                       \
    if (out) {                                                                             \
      HASH_ITER(hh, head, e_, tmp_) { out[i_++] = e_; }                                    \
      qsort(out, count, sizeof *out, compare_entries_##type);                              \
    }                                                                                      \
  } while (0)

static int compare_entries_catalog_entry(const void *a, const void *b)
{
  const catalog_entry *x = *(catalog_entry *const *)a, *y = *(catalog_entry *const *)b;
  return strcmp(x->catalog_id, y->catalog_id);
}

static int compare_entries_policy_entry(const void *a, const void *b)
{
  const policy_entry *x = *(policy_entry *const *)a, *y = *(policy_entry *const *)b;
  return strcmp(x->resource_arn, y->resource_arn);
}

typedef struct dump_ctx {
  cJSON *root;
  int failed;
  cJSON *configs;         /* the array in its place in `root`, filled after the lock */
  config_entry **held;    /* the configurations to write, held */
  size_t held_len;
} dump_ctx;

static void add(dump_ctx *d, cJSON *parent, const char *key, cJSON *item)
{
  if (!item || !cJSON_AddItemToObject(parent, key, item)) {
    cJSON_Delete(item);
    d->failed = 1;
  }
}

static void dump_store(gfi_store *st, void *ctx)
{
  dump_ctx *d = ctx;
  cJSON *root = d->root;
  add(d, root, "account_id", cJSON_CreateString(st->account_id));
  add(d, root, "region", cJSON_CreateString(st->region));
  if (st->fixed_clock) {
    cJSON *clock = cJSON_CreateObject();
    if (clock) {
      add(d, clock, "now", cJSON_CreateNumber(st->clock_now));
      add(d, clock, "step", cJSON_CreateNumber(st->clock_step));
    }
    add(d, root, "clock", clock);
  }
  if (st->config_limit != GF_NO_LIMIT) {
    cJSON *limits = cJSON_CreateObject();
    if (limits)
      add(d, limits, "security_configurations", cJSON_CreateNumber((double)st->config_limit));
    add(d, root, "limits", limits);
  }
  /* The configurations, the bulk of a large state, are only held here and
   * written out after the lock is let go (gf_fake_dump). */
  d->held = gfi_malloc((st->order_len ? st->order_len : 1) * sizeof *d->held);
  for (size_t i = 0; d->held && i < st->order_len; i++)
    if (st->order[i].entry) {
      gfi_store_hold_config(st->order[i].entry);
      d->held[d->held_len++] = st->order[i].entry;
    }
  d->failed |= !d->held;
  d->configs = cJSON_CreateArray();
  add(d, root, "security_configurations", d->configs);

  cJSON *catalogs = cJSON_CreateObject();
  catalog_entry **sorted_catalogs;
  size_t n;
  SORTED_KEYS(st->catalogs, catalog_entry, sorted_catalogs, n);
  for (size_t i = 0; catalogs && sorted_catalogs && i < n; i++)
    add(d, catalogs, sorted_catalogs[i]->catalog_id,
        gfi_shape_encode(&gfi_shape_data_catalog_encryption_settings, sorted_catalogs[i]->settings));
  d->failed |= !sorted_catalogs;
  gfi_free(sorted_catalogs);
  add(d, root, "data_catalog_encryption_settings", catalogs);

  cJSON *policies = cJSON_CreateObject();
  policy_entry **sorted_policies;
  SORTED_KEYS(st->policies, policy_entry, sorted_policies, n);
  for (size_t i = 0; policies && sorted_policies && i < n; i++) {
    const policy_entry *p = sorted_policies[i];
    gf_get_resource_policy_response view = {p->document, p->hash, true, p->create_time,
                                            true, p->update_time};
    add(d, policies, p->resource_arn,
        gfi_shape_encode(gfi_response_shapes[GF_OP_GET_RESOURCE_POLICY], &view));
  }
  d->failed |= !sorted_policies;
  gfi_free(sorted_policies);
  add(d, root, "resource_policies", policies);
}

char *gf_fake_dump(gf_fake *fake)
{
  dump_ctx d = {cJSON_CreateObject(), 0, NULL, NULL, 0};
  if (!d.root)
    return NULL;
  gfi_fake_with_store(fake, dump_store, &d);
  /* Without the lock: calls go on while a large state is written out. */
  for (size_t i = 0; i < d.held_len; i++) {
    cJSON *config = d.failed || !d.configs ? NULL
                    : gfi_shape_encode(&gfi_shape_security_configuration, d.held[i]->config);
    if (!config || !cJSON_AddItemToArray(d.configs, config)) {
      cJSON_Delete(config);
      d.failed = 1;
    }
    gfi_store_free_config(d.held[i]);
  }
  gfi_free(d.held);
  char *text = d.failed ? NULL : cJSON_Print(d.root);
  cJSON_Delete(d.root);
  if (!text)
    return NULL;
  /* cJSON's buffer comes from its hooks, which are ours under
   * gf_set_allocator() and malloc otherwise - as gf_buffer_free() expects. */
  size_t len = strlen(text);
  char *out = gfi_malloc(len + 2);
  if (out) {
    memcpy(out, text, len);
    out[len] = '\n';
    out[len + 1] = '\0';
  }
  cJSON_free(text);
  return out;
}
