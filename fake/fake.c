/*
 * fake.c - the fake backend: an in-memory store on uthash and the nine
 * operations with the semantics of the design notes.
 *
 * Every operation validates its request before taking the lock, allocates
 * everything it will need (the response included) before changing the
 * store, and only then commits; so an error of any kind, running out of
 * memory included, leaves the store as it was.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "gluefake/calls.h"
#include "gluefake/fake.h"
#include "gluefake/faults.h"
#include "gluefake/sys/backend.h"
#include "shapes.h"
#include <uthash.h>

typedef struct config_entry {
  gf_security_configuration config; /* owned deep copy; config.name is the key */
  uint64_t seq;                      /* creation order, never reused */
  UT_hash_handle hh;
} config_entry;

/* Position of a configuration in the listing order.  Deleted entries stay
 * as tombstones (entry NULL) until compaction, so that seq stays sorted and
 * a NextToken can resume with a binary search. */
typedef struct order_slot {
  uint64_t seq;
  config_entry *entry;
} order_slot;

typedef struct catalog_entry {
  char *catalog_id;                            /* key */
  gf_data_catalog_encryption_settings settings; /* owned deep copy, as put */
  UT_hash_handle hh;
} catalog_entry;

typedef struct policy_entry {
  char *resource_arn; /* key */
  char *document;     /* byte for byte as put */
  char hash[32];
  double create_time, update_time;
  UT_hash_handle hh;
} policy_entry;

/*
 * A fake is a stack of backends: `front`, what client code holds, hands
 * every call to the recorder, which logs what the client saw; the recorder
 * wraps the fault injector, which wraps `store`, the store's own slots.
 */
struct gf_fake {
  gf_backend front; /* first: the gf_backend * of gf_fake_backend() is the gf_fake * */
  gf_backend store;
  gf_faults *faults;
  gf_recorder *recorder;
  pthread_mutex_t lock; /* guards everything below */
  char account_id[13];
  char initial_account_id[13];
  int fixed_clock;
  double clock_now, clock_step;
  size_t config_limit;

  config_entry *configs;
  order_slot *order;
  size_t order_len, order_cap, tombstones;
  uint64_t next_seq;
  uint64_t generation; /* bumped by reset: tokens of an earlier store are stale */

  catalog_entry *catalogs;
  policy_entry *policies;
};

#define DEFAULT_REGION "us-east-1"
#define DEFAULT_PAGE_SIZE 100

/* The fake whose store slot `self` is. */
static gf_fake *fake_of(gf_backend *self)
{
  return (gf_fake *)(void *)((char *)self - offsetof(gf_fake, store));
}

static int valid_account_id(const char *id)
{
  if (!id || strlen(id) != 12)
    return 0;
  for (int i = 0; i < 12; i++)
    if (id[i] < '0' || id[i] > '9')
      return 0;
  return 1;
}

/* Reads the clock; the caller holds the lock. */
static double clock_read(gf_fake *fake)
{
  if (fake->fixed_clock) {
    double now = fake->clock_now;
    fake->clock_now += fake->clock_step;
    return now;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000) / 1000.0;
}

static void default_resource_arn(const gf_fake *fake, char buf[64])
{
  snprintf(buf, 64, "arn:aws:glue:" DEFAULT_REGION ":%s:catalog", fake->account_id);
}

/* ---- hashing: policy hashes and NextTokens ------------------------------ */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 16 bytes -> 22 characters of unpadded base64url. */
static void encode16(const unsigned char in[16], char out[23])
{
  int o = 0;
  for (int i = 0; i < 16; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < 16)
      v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < 16)
      v |= in[i + 2];
    int chars = i + 2 < 16 ? 4 : 2;
    for (int c = 0; c < chars; c++)
      out[o++] = b64[(v >> (18 - 6 * c)) & 63];
  }
  out[o] = '\0';
}

static int decode16(const char *in, unsigned char out[16])
{
  if (strlen(in) != 22)
    return -1;
  uint32_t acc = 0;
  int bits = 0, o = 0;
  for (int i = 0; i < 22; i++) {
    const char *p = strchr(b64, in[i]);
    if (!p || !in[i])
      return -1;
    acc = (acc << 6) | (uint32_t)(p - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < 16)
        out[o++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return acc == 0 ? 0 : -1; /* the 4 spare bits must be zero: one spelling per token */
}

static void put_u64(unsigned char *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

/* A deterministic hash of a policy document, the same in every process. */
static void policy_hash(const char *document, char out[32])
{
  unsigned char raw[16];
  size_t len = strlen(document);
  put_u64(raw, fnv1a(0xcbf29ce484222325ULL, document, len));
  put_u64(raw + 8, fnv1a(0x84222325cbf29ce4ULL, document, len));
  encode16(raw, out);
}

/* What makes a token this store's: its account, its generation, the
 * cursor.  Not a secret - only a guard against forged and stale tokens. */
static uint64_t token_check(const gf_fake *fake, uint64_t cursor)
{
  unsigned char buf[16];
  put_u64(buf, cursor);
  put_u64(buf + 8, fake->generation);
  uint64_t h = fnv1a(0x9e3779b97f4a7c15ULL, "gluefake-token", 14);
  h = fnv1a(h, fake->account_id, strlen(fake->account_id));
  return fnv1a(h, buf, sizeof buf);
}

static void token_encode(const gf_fake *fake, uint64_t cursor, char out[23])
{
  unsigned char raw[16];
  put_u64(raw, cursor);
  put_u64(raw + 8, token_check(fake, cursor));
  encode16(raw, out);
}

/* Returns 0 and the cursor (seq of the last item already listed) when the
 * token was issued by this store since its last reset. */
static int token_decode(const gf_fake *fake, const char *token, uint64_t *cursor)
{
  unsigned char raw[16];
  if (decode16(token, raw) != 0)
    return -1;
  uint64_t c = get_u64(raw);
  if (get_u64(raw + 8) != token_check(fake, c) || c >= fake->next_seq)
    return -1;
  *cursor = c;
  return 0;
}

/* ---- the store ----------------------------------------------------------- */

static void free_config_entry(config_entry *e)
{
  if (e) {
    gf_shape_free_members(&gf_shape_security_configuration, &e->config);
    gf_free(e);
  }
}

static void free_catalog_entry(catalog_entry *e)
{
  if (e) {
    gf_free(e->catalog_id);
    gf_shape_free_members(&gf_shape_data_catalog_encryption_settings, &e->settings);
    gf_free(e);
  }
}

static void free_policy_entry(policy_entry *e)
{
  if (e) {
    gf_free(e->resource_arn);
    gf_free(e->document);
    gf_free(e);
  }
}

/* Empties the store; the caller holds the lock (or owns the fake). */
static void store_clear(gf_fake *fake)
{
  config_entry *c, *ctmp;
  HASH_ITER(hh, fake->configs, c, ctmp)
  {
    HASH_DEL(fake->configs, c);
    free_config_entry(c);
  }
  catalog_entry *k, *ktmp;
  HASH_ITER(hh, fake->catalogs, k, ktmp)
  {
    HASH_DEL(fake->catalogs, k);
    free_catalog_entry(k);
  }
  policy_entry *p, *ptmp;
  HASH_ITER(hh, fake->policies, p, ptmp)
  {
    HASH_DEL(fake->policies, p);
    free_policy_entry(p);
  }
  gf_free(fake->order);
  fake->order = NULL;
  fake->order_len = fake->order_cap = fake->tombstones = 0;
  fake->next_seq = 0;
  fake->generation++;
}

/* First index in the order whose seq is greater than `cursor`. */
static size_t order_after(const gf_fake *fake, uint64_t cursor)
{
  size_t lo = 0, hi = fake->order_len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (fake->order[mid].seq <= cursor)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Drops tombstones once they are the majority, so that listing stays
 * linear in the number of live configurations. */
static void order_compact(gf_fake *fake)
{
  if (fake->tombstones < 64 || fake->tombstones * 2 < fake->order_len)
    return;
  size_t kept = 0;
  for (size_t i = 0; i < fake->order_len; i++)
    if (fake->order[i].entry)
      fake->order[kept++] = fake->order[i];
  fake->order_len = kept;
  fake->tombstones = 0;
}

/* ---- operations ---------------------------------------------------------- */

static gf_status out_of_memory(gf_error *err, const char *operation)
{
  return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", operation);
}

static gf_status fake_get_data_catalog_encryption_settings(
    gf_backend *self, const gf_get_data_catalog_encryption_settings_request *req,
    gf_get_data_catalog_encryption_settings_response **out, gf_error *err)
{
  static const gf_encryption_at_rest default_at_rest = {GF_MODE_DISABLED, NULL};
  static const gf_connection_password_encryption default_password = {false, NULL};
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, req, err))
    return err->status;

  gf_get_data_catalog_encryption_settings_response *resp = gf_calloc(1, sizeof *resp);
  pthread_mutex_lock(&fake->lock);
  const char *catalog_id = req->catalog_id ? req->catalog_id : fake->account_id;
  catalog_entry *entry;
  HASH_FIND_STR(fake->catalogs, catalog_id, entry);
  /* A catalog never set, or a member never put, reads as the default. */
  gf_data_catalog_encryption_settings view = {&default_at_rest, &default_password};
  if (entry && entry->settings.encryption_at_rest)
    view.encryption_at_rest = entry->settings.encryption_at_rest;
  if (entry && entry->settings.connection_password_encryption)
    view.connection_password_encryption = entry->settings.connection_password_encryption;
  if (resp)
    resp->data_catalog_encryption_settings =
        gf_shape_dup(&gf_shape_data_catalog_encryption_settings, &view);
  pthread_mutex_unlock(&fake->lock);

  if (!resp || !resp->data_catalog_encryption_settings) {
    gf_get_data_catalog_encryption_settings_response_free(resp);
    return out_of_memory(err, "GetDataCatalogEncryptionSettings");
  }
  *out = resp;
  return GF_OK;
}

static gf_status fake_put_data_catalog_encryption_settings(
    gf_backend *self, const gf_put_data_catalog_encryption_settings_request *req,
    gf_put_data_catalog_encryption_settings_response **out, gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, req, err))
    return err->status;

  gf_put_data_catalog_encryption_settings_response *resp = gf_calloc(1, sizeof *resp);
  catalog_entry *fresh = gf_calloc(1, sizeof *fresh);
  if (!resp || !fresh ||
      gf_shape_copy(&gf_shape_data_catalog_encryption_settings, &fresh->settings,
                    req->data_catalog_encryption_settings) != 0) {
    gf_free(resp);
    gf_free(fresh);
    return out_of_memory(err, "PutDataCatalogEncryptionSettings");
  }

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  const char *catalog_id = req->catalog_id ? req->catalog_id : fake->account_id;
  catalog_entry *entry;
  HASH_FIND_STR(fake->catalogs, catalog_id, entry);
  if (entry) {
    /* Swap the settings in; the old ones leave with `fresh`. */
    gf_data_catalog_encryption_settings old = entry->settings;
    entry->settings = fresh->settings;
    fresh->settings = old;
  } else if ((fresh->catalog_id = gf_strdup(catalog_id)) != NULL) {
    HASH_ADD_KEYPTR(hh, fake->catalogs, fresh->catalog_id, strlen(fresh->catalog_id), fresh);
    if (fresh->hh.tbl)
      fresh = NULL; /* now the store's */
    else
      status = out_of_memory(err, "PutDataCatalogEncryptionSettings");
  } else {
    status = out_of_memory(err, "PutDataCatalogEncryptionSettings");
  }
  pthread_mutex_unlock(&fake->lock);

  free_catalog_entry(fresh);
  if (status != GF_OK) {
    gf_free(resp);
    return status;
  }
  *out = resp;
  return GF_OK;
}

static gf_status fake_put_resource_policy(gf_backend *self,
                                          const gf_put_resource_policy_request *req,
                                          gf_put_resource_policy_response **out,
                                          gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_PUT_RESOURCE_POLICY, req, err))
    return err->status;

  char hash[32];
  policy_hash(req->policy_in_json, hash);
  gf_put_resource_policy_response *resp = gf_calloc(1, sizeof *resp);
  policy_entry *fresh = gf_calloc(1, sizeof *fresh);
  char *document = gf_strdup(req->policy_in_json);
  if (resp)
    resp->policy_hash = gf_strdup(hash);
  if (!resp || !resp->policy_hash || !fresh || !document) {
    gf_put_resource_policy_response_free(resp);
    gf_free(fresh);
    gf_free(document);
    return out_of_memory(err, "PutResourcePolicy");
  }

  gf_status status = GF_OK;
  char default_arn[64];
  pthread_mutex_lock(&fake->lock);
  default_resource_arn(fake, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  const char *exists = req->policy_exists_condition;
  policy_entry *entry;
  HASH_FIND_STR(fake->policies, arn, entry);
  if (entry && exists && strcmp(exists, GF_POLICY_NOT_EXIST) == 0) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "A policy already exists for resource '%s' "
                          "(PolicyExistsCondition is NOT_EXIST)",
                          arn);
  } else if (!entry && exists && strcmp(exists, GF_POLICY_MUST_EXIST) == 0) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "No policy exists for resource '%s' (PolicyExistsCondition is "
                          "MUST_EXIST)",
                          arn);
  } else if (!entry && req->policy_hash_condition) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "PolicyHashCondition was given but no policy exists for resource "
                          "'%s'",
                          arn);
  } else if (entry && req->policy_hash_condition &&
             strcmp(req->policy_hash_condition, entry->hash) != 0) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "PolicyHashCondition '%s' does not match the hash of the current "
                          "policy of resource '%s'",
                          req->policy_hash_condition, arn);
  } else if (entry) {
    char *old = entry->document;
    entry->document = document;
    document = old;
    memcpy(entry->hash, hash, sizeof hash);
    entry->update_time = clock_read(fake);
  } else if ((fresh->resource_arn = gf_strdup(arn)) == NULL) {
    status = out_of_memory(err, "PutResourcePolicy");
  } else {
    fresh->document = document;
    memcpy(fresh->hash, hash, sizeof hash);
    HASH_ADD_KEYPTR(hh, fake->policies, fresh->resource_arn, strlen(fresh->resource_arn),
                    fresh);
    if (fresh->hh.tbl) {
      fresh->create_time = fresh->update_time = clock_read(fake);
      fresh = NULL;
      document = NULL;
    } else {
      fresh->document = NULL;
      status = out_of_memory(err, "PutResourcePolicy");
    }
  }
  pthread_mutex_unlock(&fake->lock);

  free_policy_entry(fresh);
  gf_free(document);
  if (status != GF_OK) {
    gf_put_resource_policy_response_free(resp);
    return status;
  }
  *out = resp;
  return GF_OK;
}

static gf_status fake_get_resource_policy(gf_backend *self,
                                          const gf_get_resource_policy_request *req,
                                          gf_get_resource_policy_response **out,
                                          gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_GET_RESOURCE_POLICY, req, err))
    return err->status;

  gf_status status = GF_OK;
  gf_get_resource_policy_response *resp = NULL;
  char default_arn[64];
  pthread_mutex_lock(&fake->lock);
  default_resource_arn(fake, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  policy_entry *entry;
  HASH_FIND_STR(fake->policies, arn, entry);
  if (!entry) {
    status = gf_error_set(err, GF_ENTITY_NOT_FOUND, "Policy not found for resource '%s'", arn);
  } else {
    gf_get_resource_policy_response view = {entry->document, entry->hash, true,
                                            entry->create_time, true, entry->update_time};
    resp = gf_shape_dup(gf_response_shapes[GF_OP_GET_RESOURCE_POLICY], &view);
    if (!resp)
      status = out_of_memory(err, "GetResourcePolicy");
  }
  pthread_mutex_unlock(&fake->lock);
  *out = resp;
  return status;
}

static gf_status fake_delete_resource_policy(gf_backend *self,
                                             const gf_delete_resource_policy_request *req,
                                             gf_delete_resource_policy_response **out,
                                             gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_DELETE_RESOURCE_POLICY, req, err))
    return err->status;
  gf_delete_resource_policy_response *resp = gf_calloc(1, sizeof *resp);
  if (!resp)
    return out_of_memory(err, "DeleteResourcePolicy");

  gf_status status = GF_OK;
  char default_arn[64];
  policy_entry *entry;
  pthread_mutex_lock(&fake->lock);
  default_resource_arn(fake, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  HASH_FIND_STR(fake->policies, arn, entry);
  if (!entry) {
    status = gf_error_set(err, GF_ENTITY_NOT_FOUND, "Policy not found for resource '%s'", arn);
  } else if (req->policy_hash_condition && strcmp(req->policy_hash_condition, entry->hash)) {
    status = gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                          "PolicyHashCondition '%s' does not match the hash of the current "
                          "policy of resource '%s'",
                          req->policy_hash_condition, arn);
    entry = NULL;
  } else {
    HASH_DEL(fake->policies, entry);
  }
  pthread_mutex_unlock(&fake->lock);

  if (status != GF_OK) {
    gf_free(resp);
    return status;
  }
  free_policy_entry(entry);
  *out = resp;
  return GF_OK;
}

static gf_status fake_create_security_configuration(
    gf_backend *self, const gf_create_security_configuration_request *req,
    gf_create_security_configuration_response **out, gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_CREATE_SECURITY_CONFIGURATION, req, err))
    return err->status;

  gf_create_security_configuration_response *resp = gf_calloc(1, sizeof *resp);
  config_entry *fresh = gf_calloc(1, sizeof *fresh);
  gf_security_configuration given = {req->name, false, 0, req->encryption_configuration};
  if (resp)
    resp->name = gf_strdup(req->name);
  if (!resp || !resp->name || !fresh ||
      gf_shape_copy(&gf_shape_security_configuration, &fresh->config, &given) != 0) {
    gf_create_security_configuration_response_free(resp);
    gf_free(fresh);
    return out_of_memory(err, "CreateSecurityConfiguration");
  }

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  config_entry *existing;
  HASH_FIND_STR(fake->configs, req->name, existing);
  if (existing) {
    status = gf_error_set(err, GF_ALREADY_EXISTS,
                          "Security configuration '%s' already exists", req->name);
  } else if (fake->config_limit != GF_NO_LIMIT &&
             HASH_COUNT(fake->configs) >= fake->config_limit) {
    status = gf_error_set(err, GF_RESOURCE_NUMBER_LIMIT_EXCEEDED,
                          "The number of security configurations would exceed the limit "
                          "of %zu",
                          fake->config_limit);
  } else {
    if (fake->order_len == fake->order_cap) {
      order_compact(fake);
    }
    if (fake->order_len == fake->order_cap) {
      size_t cap = fake->order_cap ? fake->order_cap * 2 : 16;
      order_slot *grown = gf_realloc(fake->order, cap * sizeof *grown);
      if (grown) {
        fake->order = grown;
        fake->order_cap = cap;
      }
    }
    if (fake->order_len < fake->order_cap) {
      const char *key = fresh->config.name;
      HASH_ADD_KEYPTR(hh, fake->configs, key, strlen(key), fresh);
    }
    if (fake->order_len < fake->order_cap && fresh->hh.tbl) {
      double now = clock_read(fake);
      fresh->seq = fake->next_seq++;
      fresh->config.has_created_time_stamp = true;
      fresh->config.created_time_stamp = now;
      fake->order[fake->order_len].seq = fresh->seq;
      fake->order[fake->order_len].entry = fresh;
      fake->order_len++;
      resp->has_created_timestamp = true;
      resp->created_timestamp = now;
      fresh = NULL;
    } else {
      status = out_of_memory(err, "CreateSecurityConfiguration");
    }
  }
  pthread_mutex_unlock(&fake->lock);

  free_config_entry(fresh);
  if (status != GF_OK) {
    gf_create_security_configuration_response_free(resp);
    return status;
  }
  *out = resp;
  return GF_OK;
}

static gf_status fake_delete_security_configuration(
    gf_backend *self, const gf_delete_security_configuration_request *req,
    gf_delete_security_configuration_response **out, gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_DELETE_SECURITY_CONFIGURATION, req, err))
    return err->status;
  gf_delete_security_configuration_response *resp = gf_calloc(1, sizeof *resp);
  if (!resp)
    return out_of_memory(err, "DeleteSecurityConfiguration");

  pthread_mutex_lock(&fake->lock);
  config_entry *entry;
  HASH_FIND_STR(fake->configs, req->name, entry);
  if (entry) {
    HASH_DEL(fake->configs, entry);
    size_t at = order_after(fake, entry->seq) - 1;
    fake->order[at].entry = NULL;
    fake->tombstones++;
    order_compact(fake);
  }
  pthread_mutex_unlock(&fake->lock);

  if (!entry) {
    gf_free(resp);
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "Security configuration '%s' not found",
                        req->name);
  }
  free_config_entry(entry);
  *out = resp;
  return GF_OK;
}

static gf_status fake_get_security_configuration(
    gf_backend *self, const gf_get_security_configuration_request *req,
    gf_get_security_configuration_response **out, gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_GET_SECURITY_CONFIGURATION, req, err))
    return err->status;
  gf_get_security_configuration_response *resp = gf_calloc(1, sizeof *resp);
  if (!resp)
    return out_of_memory(err, "GetSecurityConfiguration");

  pthread_mutex_lock(&fake->lock);
  config_entry *entry;
  HASH_FIND_STR(fake->configs, req->name, entry);
  if (entry)
    resp->security_configuration = gf_shape_dup(&gf_shape_security_configuration, &entry->config);
  pthread_mutex_unlock(&fake->lock);

  if (!entry) {
    gf_free(resp);
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "Security configuration '%s' not found",
                        req->name);
  }
  if (!resp->security_configuration) {
    gf_free(resp);
    return out_of_memory(err, "GetSecurityConfiguration");
  }
  *out = resp;
  return GF_OK;
}

static gf_status fake_get_security_configurations(
    gf_backend *self, const gf_get_security_configurations_request *req,
    gf_get_security_configurations_response **out, gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_GET_SECURITY_CONFIGURATIONS, req, err))
    return err->status;
  size_t page = req->has_max_results ? (size_t)req->max_results : DEFAULT_PAGE_SIZE;
  gf_get_security_configurations_response *resp = gf_calloc(1, sizeof *resp);
  if (!resp)
    return out_of_memory(err, "GetSecurityConfigurations");

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  uint64_t cursor = 0;
  size_t at = 0;
  if (req->next_token) {
    if (token_decode(fake, req->next_token, &cursor) != 0) {
      status = gf_error_set(err, GF_INVALID_INPUT,
                            "Invalid NextToken: it was not issued by this fake, or the fake "
                            "was reset since");
      goto unlock;
    }
    at = order_after(fake, cursor);
  }
  size_t live = HASH_COUNT(fake->configs);
  size_t room = page < live ? page : live;
  gf_security_configuration *items = gf_calloc(room ? room : 1, sizeof *items);
  resp->security_configurations = items;
  if (!items) {
    status = out_of_memory(err, "GetSecurityConfigurations");
    goto unlock;
  }
  size_t n = 0;
  for (; at < fake->order_len && n < page; at++) {
    config_entry *entry = fake->order[at].entry;
    if (!entry)
      continue;
    if (gf_shape_copy(&gf_shape_security_configuration, &items[n], &entry->config) != 0) {
      status = out_of_memory(err, "GetSecurityConfigurations");
      break;
    }
    resp->security_configurations_count = ++n;
    cursor = entry->seq;
  }
  while (at < fake->order_len && !fake->order[at].entry)
    at++;
  if (status == GF_OK && at < fake->order_len) {
    char token[23];
    token_encode(fake, cursor, token);
    if (!(resp->next_token = gf_strdup(token)))
      status = out_of_memory(err, "GetSecurityConfigurations");
  }
unlock:
  pthread_mutex_unlock(&fake->lock);
  if (status != GF_OK) {
    gf_get_security_configurations_response_free(resp);
    return status;
  }
  *out = resp;
  return GF_OK;
}

/* ---- life cycle and settings --------------------------------------------- */

/* The front slots: everything goes through the recorder. */
#define GF_X_FRONT_DEF(Wire, snake, UPPER)                                                 \
  static gf_status front_##snake(gf_backend *self, const gf_##snake##_request *request,    \
                                 gf_##snake##_response **out, gf_error *err)               \
  {                                                                                        \
    return gf_##snake(gf_recorder_backend(((gf_fake *)self)->recorder), request, out, err);\
  }
GF_OPERATIONS(GF_X_FRONT_DEF)
#undef GF_X_FRONT_DEF

static void front_destroy(gf_backend *self) { gf_fake_free((gf_fake *)self); }

gf_fake *gf_fake_new(const char *account_id, gf_error *err)
{
  if (account_id && !valid_account_id(account_id)) {
    gf_error_set(err, GF_INVALID_INPUT, "account id '%s' is not 12 digits", account_id);
    return NULL;
  }
  gf_fake *fake = gf_calloc(1, sizeof *fake);
  if (!fake) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory creating a fake");
    return NULL;
  }
  gf_backend front = GF_BACKEND_INIT, store = GF_BACKEND_INIT;
#define GF_X_SLOT_INIT(Wire, snake, UPPER)                                                 \
  front.snake = front_##snake;                                                             \
  store.snake = fake_##snake;
  GF_OPERATIONS(GF_X_SLOT_INIT)
#undef GF_X_SLOT_INIT
  front.destroy = front_destroy;
  fake->front = front;
  fake->store = store; /* no destroy: the store is freed with its fake */
  pthread_mutex_init(&fake->lock, NULL);
  snprintf(fake->initial_account_id, sizeof fake->initial_account_id, "%s",
           account_id ? account_id : GF_DEFAULT_ACCOUNT_ID);
  memcpy(fake->account_id, fake->initial_account_id, sizeof fake->account_id);
  fake->config_limit = GF_NO_LIMIT;
  if (!(fake->faults = gf_faults_new(&fake->store, err)) ||
      !(fake->recorder = gf_recorder_new(gf_faults_backend(fake->faults), err))) {
    gf_fake_free(fake);
    return NULL;
  }
  /* Lets an existing test binary run under faults without recompiling; a
   * spec that does not parse must not be ignored. */
  const char *spec = getenv("GLUEFAKE_FAULTS");
  gf_error why = GF_ERROR_INIT;
  if (spec && *spec && gf_faults_set(fake->faults, spec, &why) != GF_OK) {
    fprintf(stderr, "gluefake: GLUEFAKE_FAULTS: %s\n", gf_error_message(&why));
    gf_error_set(err, why.status, "GLUEFAKE_FAULTS: %s", gf_error_message(&why));
    gf_error_clear(&why);
    gf_fake_free(fake);
    return NULL;
  }
  return fake;
}

void gf_fake_free(gf_fake *fake)
{
  if (!fake)
    return;
  gf_recorder_free(fake->recorder);
  gf_faults_free(fake->faults);
  store_clear(fake);
  pthread_mutex_destroy(&fake->lock);
  gf_free(fake);
}

gf_backend *gf_fake_backend(gf_fake *fake) { return fake ? &fake->front : NULL; }

gf_faults *gf_fake_faults(gf_fake *fake) { return fake->faults; }

gf_recorder *gf_fake_calls(gf_fake *fake) { return fake->recorder; }

void gf_fake_reset(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  store_clear(fake);
  memcpy(fake->account_id, fake->initial_account_id, sizeof fake->account_id);
  fake->fixed_clock = 0;
  fake->config_limit = GF_NO_LIMIT;
  pthread_mutex_unlock(&fake->lock);
  gf_faults_clear(fake->faults);
  gf_calls_clear(fake->recorder);
}

gf_status gf_fake_set_account_id(gf_fake *fake, const char *account_id, gf_error *err)
{
  if (!valid_account_id(account_id))
    return gf_error_set(err, GF_INVALID_INPUT, "account id '%s' is not 12 digits",
                        account_id ? account_id : "(null)");
  pthread_mutex_lock(&fake->lock);
  memcpy(fake->account_id, account_id, sizeof fake->account_id);
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_account_id(gf_fake *fake, char buf[13])
{
  pthread_mutex_lock(&fake->lock);
  memcpy(buf, fake->account_id, 13);
  pthread_mutex_unlock(&fake->lock);
}

gf_status gf_fake_set_clock(gf_fake *fake, double now, double step, gf_error *err)
{
  if (!isfinite(now) || !isfinite(step) || now < 0)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "clock: now must be a finite number >= 0 and step finite");
  pthread_mutex_lock(&fake->lock);
  fake->fixed_clock = 1;
  fake->clock_now = now;
  fake->clock_step = step;
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_set_real_clock(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  fake->fixed_clock = 0;
  pthread_mutex_unlock(&fake->lock);
}

double gf_fake_now(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  double now = clock_read(fake);
  pthread_mutex_unlock(&fake->lock);
  return now;
}

void gf_fake_set_security_configuration_limit(gf_fake *fake, size_t limit)
{
  pthread_mutex_lock(&fake->lock);
  fake->config_limit = limit;
  pthread_mutex_unlock(&fake->lock);
}

size_t gf_fake_security_configuration_count(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  size_t n = HASH_COUNT(fake->configs);
  pthread_mutex_unlock(&fake->lock);
  return n;
}
