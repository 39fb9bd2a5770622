/*
 * fixture_load.c - loading a fixture into a fake, all or nothing: a new
 * store is built aside, checked with the API's own rules, and swapped in
 * whole.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "core/json_text.h"
#include "fake_impl.h"
#include "gluefake/file.h"
#include "gluefake/fixture.h"
#include "validate.h"

typedef struct loader {
  const char *source;
  gf_error *err;
  gfi_store st;
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
static gf_status fail_violations(loader *l, const gfi_violations *v, const char *prefix,
                                 const char *skip)
{
  if (v->out_of_memory)
    return out_of_memory(l);
  const gfi_violation *first = &v->items[0];
  const char *path = first->wire_path;
  if (skip && strncmp(path, skip, strlen(skip)) == 0)
    path += strlen(skip);
  char full[600], rule[200];
  gfi_path_format(full, sizeof full, "%s%s%s", prefix, *prefix && *path ? "." : "", path);
  if (v->count > 1)
    gfi_path_format(rule, sizeof rule, "%s (and %zu more problem%s)", first->rule, v->count - 1,
                   v->count == 2 ? "" : "s");
  else
    gfi_path_format(rule, sizeof rule, "%s", first->rule);
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
      gfi_path_format(p, sizeof p, "%s%s%s", path, *path ? "." : "", item->string);
      return fail(l, p, rule);
    }
  }
  return GF_OK;
}

/* Decodes `item` into `out` (a `shape`), errors naming the source and path. */
static gf_status decode(loader *l, const gfi_shape *shape, const cJSON *item, void *out,
                        const char *path)
{
  gf_status status = gfi_shape_decode_into(shape, item, out, path, l->err);
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

/* Adds one decoded configuration under the rules of
 * CreateSecurityConfiguration (Name and EncryptionConfiguration required and
 * valid), its name unique; stored packed, as the API stores them. */
static gf_status add_config(loader *l, gf_security_configuration *config, const char *path)
{
  gf_create_security_configuration_request as_create = {config->name,
                                                        config->encryption_configuration};
  gfi_violations v;
  gfi_violations_init(&v);
  if (gfi_shape_validate(gfi_request_shapes[GF_OP_CREATE_SECURITY_CONFIGURATION], &as_create,
                         &v) ||
      v.out_of_memory)
    return fail_violations(l, &v, path, NULL);
  unsigned hashv = 0;
  const config_entry *twin = gfi_store_find_config(&l->st, config->name, &hashv);
  if (twin) {
    char rule[400], where[80];
    gfi_path_format(rule, sizeof rule, "duplicate name '%s' (security_configurations[%llu])",
                    config->name, (unsigned long long)twin->seq);
    snprintf(where, sizeof where, "%s.Name", path);
    return fail(l, where, rule);
  }
  if (!config->has_created_time_stamp) {
    config->has_created_time_stamp = true;
    config->created_time_stamp = gfi_store_clock_read(&l->st);
  }
  config_entry *entry = gfi_store_new_config(config);
  if (entry && gfi_store_add_config(&l->st, entry, hashv) == 0)
    return GF_OK;
  gfi_store_free_config(entry);
  return out_of_memory(l);
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
    gf_status status = decode(l, &gfi_shape_security_configuration, item, &config, path);
    if (status == GF_OK) {
      status = add_config(l, &config, path);
      gfi_shape_free_members(&gfi_shape_security_configuration, &config);
    }
    if (status != GF_OK)
      return status;
  }
  /* More configurations than the limit is a state the API can reach (a
   * limit lowered later), so its dump must load: creates then fail. */
  return GF_OK;
}

/* Adds one catalog's decoded settings under the rules of
 * PutDataCatalogEncryptionSettings, its key as CatalogId; stored packed. */
static gf_status add_catalog(loader *l, const char *catalog_id,
                             const gf_data_catalog_encryption_settings *settings,
                             const char *path)
{
  gf_put_data_catalog_encryption_settings_request as_put = {catalog_id, settings};
  gfi_violations v;
  gfi_violations_init(&v);
  if (gfi_shape_validate(gfi_request_shapes[GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS], &as_put,
                         &v) ||
      v.out_of_memory)
    return !v.out_of_memory && strcmp(v.items[0].wire_path, "CatalogId") == 0
               ? fail(l, path, v.items[0].rule)
               : fail_violations(l, &v, path, "DataCatalogEncryptionSettings.");
  catalog_entry *entry;
  HASH_FIND_STR(l->st.catalogs, catalog_id, entry);
  if (entry)
    return fail(l, path, "duplicate catalog id");
  if ((entry = gfi_calloc(1, sizeof *entry)) != NULL &&
      (entry->settings = gfi_shape_pack(&gfi_shape_data_catalog_encryption_settings, settings)) &&
      gfi_store_add_catalog(&l->st, entry, catalog_id) == 0)
    return GF_OK;
  gfi_store_free_catalog(entry);
  return out_of_memory(l);
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
    gfi_path_format(path, sizeof path, "data_catalog_encryption_settings.%s", item->string);
    gf_data_catalog_encryption_settings settings;
    gf_status status =
        decode(l, &gfi_shape_data_catalog_encryption_settings, item, &settings, path);
    if (status == GF_OK) {
      status = add_catalog(l, item->string, &settings, path);
      gfi_shape_free_members(&gfi_shape_data_catalog_encryption_settings, &settings);
    }
    if (status != GF_OK)
      return status;
  }
  return GF_OK;
}

static gf_status load_policies(loader *l, const cJSON *map)
{
  static const char *const keys[] = {"PolicyInJson", "PolicyHash", "CreateTime", "UpdateTime",
                                     NULL};
  const gfi_shape *policy_shape = gfi_response_shapes[GF_OP_GET_RESOURCE_POLICY];
  if (!cJSON_IsObject(map))
    return fail(l, "resource_policies", "must be an object of policies by resource ARN");
  const cJSON *item;
  cJSON_ArrayForEach(item, map)
  {
    char path[400];
    gfi_path_format(path, sizeof path, "resource_policies.%s", item->string);
    gf_get_resource_policy_request as_get = {item->string};
    gfi_violations v;
    gfi_violations_init(&v);
    if (gfi_shape_validate(gfi_request_shapes[GF_OP_GET_RESOURCE_POLICY], &as_get, &v))
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
      const gfi_path root = GF_PATH_ROOT("");
      const gfi_path at = {&root, &policy_shape->members[0], 0, NULL}; /* PolicyInJson */
      gfi_violation_add(&v, &at, 1, "Member must not be null");
    } else {
      gfi_shape_validate(policy_shape, &policy, &v);
    }
    if (v.count || v.out_of_memory) {
      gfi_shape_free_members(policy_shape, &policy);
      return fail_violations(l, &v, path, NULL);
    }
    policy_entry *entry = gfi_calloc(1, sizeof *entry);
    char computed[GF_HASH_SIZE];
    if (!policy.policy_hash)
      gfi_policy_hash(policy.policy_in_json, computed);
    if (entry) {
      entry->document = gfi_strdup(policy.policy_in_json);
      entry->hash = gfi_strdup(policy.policy_hash ? policy.policy_hash : computed);
      entry->create_time = policy.has_create_time ? policy.create_time
                                                  : gfi_store_clock_read(&l->st);
      entry->update_time = policy.has_update_time ? policy.update_time : entry->create_time;
    }
    gfi_shape_free_members(policy_shape, &policy);
    if (!entry || !entry->document || !entry->hash ||
        gfi_store_add_policy(&l->st, entry, item->string) != 0) {
      gfi_store_free_policy(entry);
      return out_of_memory(l);
    }
  }
  return GF_OK;
}

/* The sections of a fixture that fill the new store, in the order they
 * load: X(key, loader).  "account_id" and "region" come before them (the store is made
 * for it) and "faults" after (the one step that touches the live fake). */
#define FIXTURE_SECTIONS(X)                                                                \
  X("clock", load_clock)                                                                   \
  X("limits", load_limits)                                                                 \
  X("security_configurations", load_configs)                                               \
  X("data_catalog_encryption_settings", load_catalogs)                                     \
  X("resource_policies", load_policies)

static const char *const top_keys[] = {
#define GF_X_KEY(key, load) key,
    "account_id", "region", FIXTURE_SECTIONS(GF_X_KEY) "faults", NULL
#undef GF_X_KEY
};

static const struct section {
  const char *key;
  gf_status (*load)(loader *l, const cJSON *value);
} sections[] = {
#define GF_X_SECTION(key, load) {key, load},
    FIXTURE_SECTIONS(GF_X_SECTION)
#undef GF_X_SECTION
};

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
  gf_status status = gfi_json_parse_document(json, len, l.source, &root, l.err);
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
  if (account && !(cJSON_IsString(account) && gfi_valid_account_id(account->valuestring))) {
    status = fail(&l, "account_id", "must be a string of 12 digits");
    goto done;
  }
  const cJSON *region = cJSON_GetObjectItemCaseSensitive(root, "region");
  if (region && !(cJSON_IsString(region) && gfi_valid_region(region->valuestring))) {
    status = fail(&l, "region", "must be a region name (" GFI_REGION_RULE ")");
    goto done;
  }
  gfi_store_init(&l.st, account ? account->valuestring : gfi_fake_initial_account_id(fake),
                 region ? region->valuestring : gfi_fake_initial_region(fake));

  for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(root, sections[i].key);
    if (value && (status = sections[i].load(&l, value)) != GF_OK)
      goto done;
  }
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
  gfi_fake_swap_store(fake, &l.st);
done:
  gfi_store_clear(&l.st); /* the old data after a swap, the new one after an error */
  cJSON_Delete(root);
  gf_error_clear(&local);
  return status;
}

gf_status gf_fake_load_file(gf_fake *fake, const char *path, gf_error *err)
{
  gf_error local = GF_ERROR_INIT;
  gf_error *e = err ? err : &local;
  size_t len;
  char *text = gf_read_file(path, GF_MAX_FILE, 0, &len, e);
  gf_status status = text ? gf_fake_load(fake, text, len, path, e) : e->status;
  gfi_free(text);
  gf_error_clear(&local);
  return status;
}
