/*
 * fixture.c - loading a fixture into a fake (all or nothing: a new store is
 * built aside and swapped in whole) and dumping a fake's state canonically.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gluefake/fixture.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/sys/backend.h"
#include "store.h"

static const char *const top_keys[] = {"account_id",
                                       "clock",
                                       "limits",
                                       "security_configurations",
                                       "data_catalog_encryption_settings",
                                       "resource_policies",
                                       "faults",
                                       NULL};

typedef struct loader {
  const char *source;
  gf_error *err;
  gf_store st;
} loader;

/* "SOURCE: PATH: RULE" */
static gf_status fail(loader *l, const char *path, const char *rule)
{
  return gf_error_set(l->err, GF_INVALID_INPUT, "%s: %s: %s", l->source, path, rule);
}

static gf_status out_of_memory(loader *l)
{
  return gf_error_set(l->err, GF_INTERNAL_SERVICE, "%s: out of memory loading the fixture",
                      l->source);
}

/* Reports the first violation, its path put under `prefix`; `skip` drops a
 * leading path segment of the request shape that the fixture spells as its
 * own key (e.g. the "DataCatalogEncryptionSettings." of a put request). */
static gf_status fail_violations(loader *l, const gf_violations *v, const char *prefix,
                                 const char *skip)
{
  if (v->out_of_memory)
    return out_of_memory(l);
  const gf_violation *first = &v->items[0];
  const char *path = first->wire_path;
  if (skip && strncmp(path, skip, strlen(skip)) == 0)
    path += strlen(skip);
  char full[600], rule[200];
  gf_path_format(full, sizeof full, "%s%s%s", prefix, *prefix && *path ? "." : "", path);
  if (v->count > 1)
    gf_path_format(rule, sizeof rule, "%s (and %zu more problem%s)", first->rule, v->count - 1,
                   v->count == 2 ? "" : "s");
  else
    gf_path_format(rule, sizeof rule, "%s", first->rule);
  return fail(l, full, rule);
}

/* A JSON number that is finite: 0, else -1. */
static int read_number(const cJSON *item, double *out)
{
  if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
    return -1;
  *out = item->valuedouble;
  return 0;
}

static gf_status check_keys(loader *l, const cJSON *obj, const char *path,
                            const char *const *known)
{
  const cJSON *item;
  cJSON_ArrayForEach(item, obj)
  {
    const char *const *k = known;
    while (*k && strcmp(*k, item->string) != 0)
      k++;
    if (!*k) {
      char rule[300], p[300];
      size_t n = (size_t)snprintf(rule, sizeof rule, "unknown key (expected");
      for (k = known; *k && n < sizeof rule; k++)
        n += (size_t)snprintf(rule + n, sizeof rule - n, "%s %s", k == known ? "" : ",", *k);
      if (n < sizeof rule)
        snprintf(rule + n, sizeof rule - n, ")");
      gf_path_format(p, sizeof p, "%s%s%s", path, *path ? "." : "", item->string);
      return fail(l, p, rule);
    }
  }
  return GF_OK;
}

/* Decodes `item` into `out` (a `shape`), errors naming the source and path. */
static gf_status decode(loader *l, const gf_shape *shape, const cJSON *item, void *out,
                        const char *path)
{
  gf_violations missing;
  gf_violations_init(&missing);
  gf_status status = gf_shape_decode_into(shape, item, out, path, &missing, l->err);
  if (missing.count) /* a required boolean: its path is already the fixture's */
    return fail_violations(l, &missing, "", NULL);
  if (status != GF_OK && status != GF_INTERNAL_SERVICE)
    status = gf_error_set(l->err, GF_INVALID_INPUT, "%s: %s", l->source,
                          gf_error_message(l->err));
  return status;
}

static gf_status load_clock(loader *l, const cJSON *clock)
{
  static const char *const keys[] = {"now", "step", NULL};
  if (!cJSON_IsObject(clock))
    return fail(l, "clock", "must be an object {\"now\": SECONDS, \"step\": SECONDS}");
  gf_status status = check_keys(l, clock, "clock", keys);
  if (status != GF_OK)
    return status;
  double now, step = 0;
  const cJSON *step_item = cJSON_GetObjectItemCaseSensitive(clock, "step");
  if (read_number(cJSON_GetObjectItemCaseSensitive(clock, "now"), &now) != 0 || now < 0)
    return fail(l, "clock.now", "must be a number of seconds since the epoch, >= 0");
  if (step_item && (read_number(step_item, &step) != 0 || step < 0))
    return fail(l, "clock.step", "must be a number of seconds, >= 0");
  l->st.fixed_clock = 1;
  l->st.clock_now = now;
  l->st.clock_step = step;
  return GF_OK;
}

static gf_status load_limits(loader *l, const cJSON *limits)
{
  static const char *const keys[] = {"security_configurations", NULL};
  if (!cJSON_IsObject(limits))
    return fail(l, "limits", "must be an object {\"security_configurations\": N}");
  gf_status status = check_keys(l, limits, "limits", keys);
  if (status != GF_OK)
    return status;
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(limits, "security_configurations");
  if (!n)
    return GF_OK;
  if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 1e15 ||
      floor(n->valuedouble) != n->valuedouble)
    return fail(l, "limits.security_configurations", "must be an integer >= 0");
  l->st.config_limit = (size_t)n->valuedouble;
  return GF_OK;
}

static gf_status load_configs(loader *l, const cJSON *list)
{
  if (!cJSON_IsArray(list))
    return fail(l, "security_configurations", "must be an array of SecurityConfiguration");
  size_t index = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, list)
  {
    char path[64];
    snprintf(path, sizeof path, "security_configurations[%zu]", index++);
    gf_security_configuration config;
    gf_status status = decode(l, &gf_shape_security_configuration, item, &config, path);
    if (status != GF_OK)
      return status;
    /* The rules of CreateSecurityConfiguration: Name and
     * EncryptionConfiguration required and valid. */
    gf_create_security_configuration_request as_create = {config.name,
                                                          config.encryption_configuration};
    gf_violations v;
    gf_violations_init(&v);
    config_entry *twin = NULL, *entry = NULL;
    unsigned hashv = 0;
    if (gf_shape_validate(gf_request_shapes[GF_OP_CREATE_SECURITY_CONFIGURATION], &as_create,
                          &v) ||
        v.out_of_memory) {
      status = fail_violations(l, &v, path, NULL);
    } else {
      twin = gf_store_find_config(&l->st, config.name, &hashv);
      if (twin) {
        char rule[400];
        gf_path_format(rule, sizeof rule, "duplicate name '%s' (security_configurations[%llu])",
                       config.name, (unsigned long long)twin->seq);
        char where[80];
        snprintf(where, sizeof where, "%s.Name", path);
        status = fail(l, where, rule);
      }
    }
    if (status == GF_OK && !config.has_created_time_stamp) {
      config.has_created_time_stamp = true;
      config.created_time_stamp = gf_store_clock_read(&l->st);
    }
    /* Stored packed, as the API stores them. */
    if (status == GF_OK &&
        (!(entry = gf_store_new_config(&config)) || gf_store_add_config(&l->st, entry, hashv) != 0))
      status = out_of_memory(l);
    gf_shape_free_members(&gf_shape_security_configuration, &config);
    if (status != GF_OK) {
      gf_store_free_config(entry);
      return status;
    }
  }
  /* More configurations than the limit is a state the API can reach (a
   * limit lowered later), so its dump must load: creates then fail. */
  return GF_OK;
}

static gf_status load_catalogs(loader *l, const cJSON *map)
{
  if (!cJSON_IsObject(map))
    return fail(l, "data_catalog_encryption_settings",
                "must be an object of DataCatalogEncryptionSettings by catalog id");
  const cJSON *item;
  cJSON_ArrayForEach(item, map)
  {
    char path[400];
    gf_path_format(path, sizeof path, "data_catalog_encryption_settings.%s", item->string);
    gf_data_catalog_encryption_settings settings;
    gf_status status =
        decode(l, &gf_shape_data_catalog_encryption_settings, item, &settings, path);
    if (status != GF_OK)
      return status;
    /* The rules of PutDataCatalogEncryptionSettings, the key as CatalogId. */
    gf_put_data_catalog_encryption_settings_request as_put = {item->string, &settings};
    gf_violations v;
    gf_violations_init(&v);
    catalog_entry *twin = NULL;
    if (gf_shape_validate(gf_request_shapes[GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS],
                          &as_put, &v) ||
        v.out_of_memory) {
      status = !v.out_of_memory && strcmp(v.items[0].wire_path, "CatalogId") == 0
                   ? fail(l, path, v.items[0].rule)
                   : fail_violations(l, &v, path, "DataCatalogEncryptionSettings.");
    } else {
      HASH_FIND_STR(l->st.catalogs, item->string, twin);
      if (twin)
        status = fail(l, path, "duplicate catalog id");
    }
    /* Stored packed, as the API stores them. */
    catalog_entry *entry = NULL;
    if (status == GF_OK &&
        (!(entry = gf_calloc(1, sizeof *entry)) ||
         !(entry->settings = gf_shape_pack(&gf_shape_data_catalog_encryption_settings, &settings)) ||
         gf_store_add_catalog(&l->st, entry, item->string) != 0))
      status = out_of_memory(l);
    gf_shape_free_members(&gf_shape_data_catalog_encryption_settings, &settings);
    if (status != GF_OK) {
      gf_store_free_catalog(entry);
      return status;
    }
  }
  return GF_OK;
}

static gf_status load_policies(loader *l, const cJSON *map)
{
  static const char *const keys[] = {"PolicyInJson", "PolicyHash", "CreateTime", "UpdateTime",
                                     NULL};
  const gf_shape *policy_shape = gf_response_shapes[GF_OP_GET_RESOURCE_POLICY];
  if (!cJSON_IsObject(map))
    return fail(l, "resource_policies", "must be an object of policies by resource ARN");
  const cJSON *item;
  cJSON_ArrayForEach(item, map)
  {
    char path[400];
    gf_path_format(path, sizeof path, "resource_policies.%s", item->string);
    gf_get_resource_policy_request as_get = {item->string};
    gf_violations v;
    gf_violations_init(&v);
    if (gf_shape_validate(gf_request_shapes[GF_OP_GET_RESOURCE_POLICY], &as_get, &v))
      return fail(l, path, v.items[0].rule);
    policy_entry *twin;
    HASH_FIND_STR(l->st.policies, item->string, twin);
    if (twin)
      return fail(l, path, "duplicate resource ARN");
    if (cJSON_IsObject(item)) {
      gf_status status = check_keys(l, item, path, keys);
      if (status != GF_OK)
        return status;
    }
    gf_get_resource_policy_response policy;
    gf_status status = decode(l, policy_shape, item, &policy, path);
    if (status != GF_OK)
      return status;
    if (!policy.policy_in_json) {
      const gf_path root = GF_PATH_ROOT("");
      const gf_path at = {&root, &policy_shape->members[0], 0, NULL}; /* PolicyInJson */
      gf_violation_add(&v, &at, 1, "Member must not be null");
    } else {
      gf_shape_validate(policy_shape, &policy, &v);
    }
    if (v.count || v.out_of_memory) {
      gf_shape_free_members(policy_shape, &policy);
      return fail_violations(l, &v, path, NULL);
    }
    policy_entry *entry = gf_calloc(1, sizeof *entry);
    char computed[GF_HASH_SIZE];
    if (!policy.policy_hash)
      gf_policy_hash(policy.policy_in_json, computed);
    if (entry) {
      entry->document = (char *)policy.policy_in_json;
      entry->hash = policy.policy_hash ? (char *)policy.policy_hash : gf_strdup(computed);
      policy.policy_in_json = policy.policy_hash = NULL;
      entry->create_time = policy.has_create_time ? policy.create_time
                                                  : gf_store_clock_read(&l->st);
      entry->update_time = policy.has_update_time ? policy.update_time : entry->create_time;
    }
    gf_shape_free_members(policy_shape, &policy);
    if (!entry || !entry->hash || gf_store_add_policy(&l->st, entry, item->string) != 0) {
      gf_store_free_policy(entry);
      return out_of_memory(l);
    }
  }
  return GF_OK;
}

gf_status gf_fake_load(gf_fake *fake, const char *json, size_t len, const char *source,
                       gf_error *err)
{
  gf_error local = GF_ERROR_INIT;
  loader l;
  memset(&l, 0, sizeof l);
  l.source = source ? source : "<fixture>";
  l.err = err ? err : &local;
  if (!json)
    json = "", len = 0;

  cJSON *root = NULL;
  gf_status status = gf_json_parse_document(json, len, l.source, &root, l.err);
  if (status != GF_OK)
    goto done;
  if (!cJSON_IsObject(root)) {
    status = gf_error_set(l.err, GF_INVALID_INPUT, "%s: the fixture must be a JSON object",
                          l.source);
    goto done;
  }
  if ((status = check_keys(&l, root, "", top_keys)) != GF_OK)
    goto done;

  const cJSON *account = cJSON_GetObjectItemCaseSensitive(root, "account_id");
  if (account && !(cJSON_IsString(account) && gf_store_valid_account_id(account->valuestring))) {
    status = fail(&l, "account_id", "must be a string of 12 digits");
    goto done;
  }
  gf_store_init(&l.st, account ? account->valuestring : gf_fake_initial_account_id(fake));

  const cJSON *item;
  if ((item = cJSON_GetObjectItemCaseSensitive(root, "clock")) &&
      (status = load_clock(&l, item)) != GF_OK)
    goto done;
  if ((item = cJSON_GetObjectItemCaseSensitive(root, "limits")) &&
      (status = load_limits(&l, item)) != GF_OK)
    goto done;
  if ((item = cJSON_GetObjectItemCaseSensitive(root, "security_configurations")) &&
      (status = load_configs(&l, item)) != GF_OK)
    goto done;
  if ((item = cJSON_GetObjectItemCaseSensitive(root, "data_catalog_encryption_settings")) &&
      (status = load_catalogs(&l, item)) != GF_OK)
    goto done;
  if ((item = cJSON_GetObjectItemCaseSensitive(root, "resource_policies")) &&
      (status = load_policies(&l, item)) != GF_OK)
    goto done;
  const cJSON *faults = cJSON_GetObjectItemCaseSensitive(root, "faults");
  if (faults && !cJSON_IsString(faults)) {
    status = fail(&l, "faults", "must be a fault spec string");
    goto done;
  }
  /* Last, as the only step that touches the live fake before the swap: a
   * spec that fails to install changes nothing, and the swap cannot fail. */
  if (faults && (status = gf_faults_set(gf_fake_faults(fake), faults->valuestring, l.err)) !=
                    GF_OK) {
    gf_error_set(l.err, l.err->status, "%s: faults: %s", l.source, gf_error_message(l.err));
    goto done;
  }
  gf_fake_swap_store(fake, &l.st);
done:
  gf_store_clear(&l.st); /* the old data after a swap, the new one after an error */
  cJSON_Delete(root);
  gf_error_clear(&local);
  return status;
}

gf_status gf_fake_load_file(gf_fake *fake, const char *path, gf_error *err)
{
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f)
    return gf_error_set(err, GF_INVALID_INPUT, "%s: cannot open: %s", path ? path : "(null)",
                        strerror(errno));
  char *text = NULL;
  size_t len = 0, cap = 0;
  gf_status status = GF_OK;
  for (;;) {
    if (gf_grow(&text, &cap, len + 1, 1, 65536) != 0) {
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory reading it", path);
      break;
    }
    size_t n = fread(text + len, 1, cap - len, f);
    len += n;
    if (n == 0) {
      if (ferror(f))
        status = gf_error_set(err, GF_INVALID_INPUT, "%s: cannot read: %s", path,
                              strerror(errno));
      break;
    }
  }
  fclose(f);
  if (status == GF_OK)
    status = gf_fake_load(fake, text, len, path, err);
  gf_free(text);
  return status;
}

/* ---- dumping --------------------------------------------------------------- */

/* The entries of a uthash table in key order (compare_entries_<type>);
 * `out` NULL when out of memory. */
#define SORTED_KEYS(head, type, out, count)                                      \
  do {                                                                                     \
    type *e_, *tmp_;                                                                       \
    size_t i_ = 0;                                                                         \
    count = HASH_COUNT(head);                                                              \
    out = gf_calloc(count ? count : 1, sizeof *out);                                       \
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
} dump_ctx;

static void add(dump_ctx *d, cJSON *parent, const char *key, cJSON *item)
{
  if (!item || !cJSON_AddItemToObject(parent, key, item)) {
    cJSON_Delete(item);
    d->failed = 1;
  }
}

static void dump_store(gf_store *st, void *ctx)
{
  dump_ctx *d = ctx;
  cJSON *root = d->root;
  add(d, root, "account_id", cJSON_CreateString(st->account_id));
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
  cJSON *configs = cJSON_CreateArray();
  for (size_t i = 0; configs && i < st->order_len; i++) {
    if (!st->order[i].entry)
      continue;
    cJSON *config = gf_shape_encode(&gf_shape_security_configuration, st->order[i].entry->config);
    if (!config || !cJSON_AddItemToArray(configs, config)) {
      cJSON_Delete(config);
      d->failed = 1;
    }
  }
  add(d, root, "security_configurations", configs);

  cJSON *catalogs = cJSON_CreateObject();
  catalog_entry **sorted_catalogs;
  size_t n;
  SORTED_KEYS(st->catalogs, catalog_entry, sorted_catalogs, n);
  for (size_t i = 0; catalogs && sorted_catalogs && i < n; i++)
    add(d, catalogs, sorted_catalogs[i]->catalog_id,
        gf_shape_encode(&gf_shape_data_catalog_encryption_settings, sorted_catalogs[i]->settings));
  d->failed |= !sorted_catalogs;
  gf_free(sorted_catalogs);
  add(d, root, "data_catalog_encryption_settings", catalogs);

  cJSON *policies = cJSON_CreateObject();
  policy_entry **sorted_policies;
  SORTED_KEYS(st->policies, policy_entry, sorted_policies, n);
  for (size_t i = 0; policies && sorted_policies && i < n; i++) {
    const policy_entry *p = sorted_policies[i];
    gf_get_resource_policy_response view = {p->document, p->hash, true, p->create_time,
                                            true, p->update_time};
    add(d, policies, p->resource_arn,
        gf_shape_encode(gf_response_shapes[GF_OP_GET_RESOURCE_POLICY], &view));
  }
  d->failed |= !sorted_policies;
  gf_free(sorted_policies);
  add(d, root, "resource_policies", policies);
}

char *gf_fake_dump(gf_fake *fake)
{
  dump_ctx d = {cJSON_CreateObject(), 0};
  if (!d.root)
    return NULL;
  gf_fake_with_store(fake, dump_store, &d);
  char *text = d.failed ? NULL : cJSON_Print(d.root);
  cJSON_Delete(d.root);
  if (!text)
    return NULL;
  /* cJSON's buffer comes from its hooks, which are ours under
   * gf_set_allocator() and malloc otherwise - as gf_buffer_free() expects. */
  size_t len = strlen(text);
  char *out = gf_malloc(len + 2);
  if (out) {
    memcpy(out, text, len);
    out[len] = '\n';
    out[len + 1] = '\0';
  }
  cJSON_free(text);
  return out;
}
