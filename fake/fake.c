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
#include "store.h"

/*
 * A fake is a stack of backends: `front`, what client code holds, hands
 * every call to the recorder, which logs what the client saw; the recorder
 * wraps the fault injector, which wraps `store_slots`, the store's own
 * operations.
 */
struct gf_fake {
  gf_backend front; /* first: the gf_backend * of gf_fake_backend() is the gf_fake * */
  gf_backend store_slots;
  gf_faults *faults;
  gf_recorder *recorder;
  char initial_account_id[13];
  pthread_mutex_t lock; /* guards `st` */
  gf_store st;
};

#define DEFAULT_PAGE_SIZE 100

#if defined(__GNUC__)
#define GF_PREFETCH(p) __builtin_prefetch(p)
#else
#define GF_PREFETCH(p) ((void)(p))
#endif

/* The fake whose store slot `self` is. */
static gf_fake *fake_of(gf_backend *self)
{
  return (gf_fake *)(void *)((char *)self - offsetof(gf_fake, store_slots));
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

  gf_get_data_catalog_encryption_settings_response *resp;
  pthread_mutex_lock(&fake->lock);
  const char *catalog_id = req->catalog_id ? req->catalog_id : fake->st.account_id;
  catalog_entry *entry;
  HASH_FIND_STR(fake->st.catalogs, catalog_id, entry);
  /* A catalog never set, or a member never put, reads as the default. */
  gf_data_catalog_encryption_settings view = {&default_at_rest, &default_password};
  if (entry && entry->settings->encryption_at_rest)
    view.encryption_at_rest = entry->settings->encryption_at_rest;
  if (entry && entry->settings->connection_password_encryption)
    view.connection_password_encryption = entry->settings->connection_password_encryption;
  gf_get_data_catalog_encryption_settings_response answer = {&view};
  resp = gf_response_copy(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &answer);
  pthread_mutex_unlock(&fake->lock);

  if (!resp)
    return out_of_memory(err, "GetDataCatalogEncryptionSettings");
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
      !(fresh->settings = gf_shape_pack(&gf_shape_data_catalog_encryption_settings,
                                        req->data_catalog_encryption_settings))) {
    gf_free(resp);
    gf_store_free_catalog(fresh);
    return out_of_memory(err, "PutDataCatalogEncryptionSettings");
  }

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  const char *catalog_id = req->catalog_id ? req->catalog_id : fake->st.account_id;
  catalog_entry *entry;
  HASH_FIND_STR(fake->st.catalogs, catalog_id, entry);
  if (entry) {
    /* Swap the settings in; the old ones leave with `fresh`. */
    gf_data_catalog_encryption_settings *old = entry->settings;
    entry->settings = fresh->settings;
    fresh->settings = old;
  } else if (gf_store_add_catalog(&fake->st, fresh, catalog_id) == 0) {
    fresh = NULL; /* now the store's */
  } else {
    status = out_of_memory(err, "PutDataCatalogEncryptionSettings");
  }
  pthread_mutex_unlock(&fake->lock);

  gf_store_free_catalog(fresh);
  if (status != GF_OK) {
    gf_free(resp);
    return status;
  }
  *out = resp;
  return GF_OK;
}

static gf_status hash_mismatch(gf_error *err, const char *condition, const char *arn)
{
  return gf_error_set(err, GF_CONDITION_CHECK_FAILURE,
                      "PolicyHashCondition '%s' does not match the hash of the current policy "
                      "of resource '%s'",
                      condition, arn);
}

static gf_status fake_put_resource_policy(gf_backend *self,
                                          const gf_put_resource_policy_request *req,
                                          gf_put_resource_policy_response **out,
                                          gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_PUT_RESOURCE_POLICY, req, err))
    return err->status;

  char computed[GF_HASH_SIZE];
  gf_policy_hash(req->policy_in_json, computed);
  gf_put_resource_policy_response answer = {computed};
  gf_put_resource_policy_response *resp = gf_response_copy(GF_OP_PUT_RESOURCE_POLICY, &answer);
  policy_entry *fresh = gf_calloc(1, sizeof *fresh);
  char *document = gf_strdup(req->policy_in_json);
  char *hash = gf_strdup(computed);
  if (!resp || !fresh || !document || !hash) {
    gf_put_resource_policy_response_free(resp);
    gf_free(fresh);
    gf_free(document);
    gf_free(hash);
    return out_of_memory(err, "PutResourcePolicy");
  }

  gf_status status = GF_OK;
  char default_arn[64];
  pthread_mutex_lock(&fake->lock);
  gf_store_default_arn(&fake->st, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  const char *exists = req->policy_exists_condition;
  policy_entry *entry;
  HASH_FIND_STR(fake->st.policies, arn, entry);
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
    status = hash_mismatch(err, req->policy_hash_condition, arn);
  } else if (entry) {
    /* Swap the new document and hash in; the old ones are freed below. */
    char *old = entry->document;
    entry->document = document;
    document = old;
    old = entry->hash;
    entry->hash = hash;
    hash = old;
    entry->update_time = gf_store_clock_read(&fake->st);
  } else if (gf_store_add_policy(&fake->st, fresh, arn) != 0) {
    status = out_of_memory(err, "PutResourcePolicy");
  } else {
    fresh->document = document;
    fresh->hash = hash;
    fresh->create_time = fresh->update_time = gf_store_clock_read(&fake->st);
    fresh = NULL; /* now the store's */
    document = hash = NULL;
  }
  pthread_mutex_unlock(&fake->lock);

  gf_store_free_policy(fresh);
  gf_free(document);
  gf_free(hash);
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
  gf_store_default_arn(&fake->st, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  policy_entry *entry;
  HASH_FIND_STR(fake->st.policies, arn, entry);
  if (!entry) {
    status = gf_error_set(err, GF_ENTITY_NOT_FOUND, "Policy not found for resource '%s'", arn);
  } else {
    gf_get_resource_policy_response view = {entry->document, entry->hash, true,
                                            entry->create_time, true, entry->update_time};
    resp = gf_response_copy(GF_OP_GET_RESOURCE_POLICY, &view);
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
  gf_store_default_arn(&fake->st, default_arn);
  const char *arn = req->resource_arn ? req->resource_arn : default_arn;
  HASH_FIND_STR(fake->st.policies, arn, entry);
  if (!entry) {
    status = gf_error_set(err, GF_ENTITY_NOT_FOUND, "Policy not found for resource '%s'", arn);
  } else if (req->policy_hash_condition && strcmp(req->policy_hash_condition, entry->hash)) {
    status = hash_mismatch(err, req->policy_hash_condition, arn);
    entry = NULL;
  } else {
    HASH_DEL(fake->st.policies, entry);
  }
  pthread_mutex_unlock(&fake->lock);

  if (status != GF_OK) {
    gf_free(resp);
    return status;
  }
  gf_store_free_policy(entry);
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

  /* The response is the name and the time: packed by hand, as one block. */
  size_t name_size = strlen(req->name) + 1;
  gf_create_security_configuration_response *resp =
      gf_malloc(GF_PACK_OFFSET(sizeof *resp) + name_size);
  if (resp) {
    memset(resp, 0, sizeof *resp);
    resp->name = memcpy((char *)resp + GF_PACK_OFFSET(sizeof *resp), req->name, name_size);
  }
  gf_security_configuration given = {req->name, false, 0, req->encryption_configuration};
  config_entry *fresh = gf_store_new_config(&given);
  if (!resp || !fresh) {
    gf_create_security_configuration_response_free(resp);
    gf_free(fresh);
    return out_of_memory(err, "CreateSecurityConfiguration");
  }

  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  unsigned hashv;
  config_entry *existing = gf_store_find_config(&fake->st, req->name, &hashv);
  if (existing) {
    status = gf_error_set(err, GF_ALREADY_EXISTS,
                          "Security configuration '%s' already exists", req->name);
  } else if (fake->st.config_limit != GF_NO_LIMIT &&
             HASH_COUNT(fake->st.configs) >= fake->st.config_limit) {
    status = gf_error_set(err, GF_RESOURCE_NUMBER_LIMIT_EXCEEDED,
                          "The number of security configurations would exceed the limit "
                          "of %zu",
                          fake->st.config_limit);
  } else {
    double now = fake->st.fixed_clock ? fake->st.clock_now : gf_store_clock_read(&fake->st);
    fresh->config->has_created_time_stamp = true;
    fresh->config->created_time_stamp = now;
    if (gf_store_add_config(&fake->st, fresh, hashv) == 0) {
      if (fake->st.fixed_clock)
        gf_store_clock_read(&fake->st); /* a fixed clock advances only for a real create */
      resp->has_created_timestamp = true;
      resp->created_timestamp = now;
      fresh = NULL;
    } else {
      status = out_of_memory(err, "CreateSecurityConfiguration");
    }
  }
  pthread_mutex_unlock(&fake->lock);

  gf_store_free_config(fresh);
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
  config_entry *entry = gf_store_find_config(&fake->st, req->name, NULL);
  if (entry)
    gf_store_remove_config(&fake->st, entry);
  pthread_mutex_unlock(&fake->lock);

  if (!entry) {
    gf_free(resp);
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "Security configuration '%s' not found",
                        req->name);
  }
  gf_store_free_config(entry);
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
  gf_get_security_configuration_response *resp = NULL;
  pthread_mutex_lock(&fake->lock);
  config_entry *entry = gf_store_find_config(&fake->st, req->name, NULL);
  if (entry) {
    /* The stored configuration is packed: copied as bytes, not walked. */
    resp = gf_shape_repack_after(&gf_shape_security_configuration, entry->config,
                                 entry->packed_size, sizeof *resp);
    if (resp)
      resp->security_configuration =
          (const gf_security_configuration *)(void *)((char *)resp +
                                                      GF_PACK_OFFSET(sizeof *resp));
  }
  pthread_mutex_unlock(&fake->lock);

  if (!entry)
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "Security configuration '%s' not found",
                        req->name);
  if (!resp)
    return out_of_memory(err, "GetSecurityConfiguration");
  *out = resp;
  return GF_OK;
}

/* How many configurations ahead of the one being copied a listing fetches:
 * the copy of one takes about as long as memory takes to deliver one, so
 * a store larger than the cache pages nearly as fast per item as a small
 * one. */
#define LISTING_PREFETCH_DISTANCE 8

static void prefetch_entry(const order_slot *slot)
{
  const char *block = (const char *)slot->entry;
  for (size_t at = 0; at < sizeof *slot->entry + slot->packed_size; at += 64)
    GF_PREFETCH(block + at);
}

/* The listing response in one block: the response, the array of
 * configurations, each one's pointees (copied as bytes from its packed
 * block, pointers moved) and the token.  NULL when out of memory. */
static gf_get_security_configurations_response *
pack_listing(const order_slot *const *picked, size_t n, const char *token)
{
  const size_t head = GF_PACK_OFFSET(sizeof(gf_security_configuration));
  size_t total = GF_PACK_OFFSET(sizeof(gf_get_security_configurations_response)) +
                 GF_PACK_OFFSET(n * sizeof(gf_security_configuration));
  for (size_t i = 0; i < n; i++)
    total += GF_PACK_OFFSET(picked[i]->packed_size - head);
  size_t token_len = token ? strlen(token) + 1 : 0;
  gf_get_security_configurations_response *resp = gf_malloc(total + token_len);
  if (!resp)
    return NULL;
  gf_security_configuration *items =
      (gf_security_configuration *)(void *)((char *)resp + GF_PACK_OFFSET(sizeof *resp));
  char *tail = (char *)items + GF_PACK_OFFSET(n * sizeof *items);
  for (size_t i = 0; i < n; i++) {
    if (i + LISTING_PREFETCH_DISTANCE < n)
      prefetch_entry(picked[i + LISTING_PREFETCH_DISTANCE]);
    const gf_security_configuration *config = picked[i]->entry->config;
    const char *from = (const char *)config + head;
    size_t tail_len = picked[i]->packed_size - head;
    items[i] = *config;
    memcpy(tail, from, tail_len);
    gf_shape_relocate(&gf_shape_security_configuration, &items[i], from, tail);
    tail += GF_PACK_OFFSET(tail_len);
  }
  resp->security_configurations = items; /* an empty page lists [], not nothing */
  resp->security_configurations_count = n;
  resp->next_token = token ? memcpy(tail, token, token_len) : NULL;
  return resp;
}

static gf_status fake_get_security_configurations(
    gf_backend *self, const gf_get_security_configurations_request *req,
    gf_get_security_configurations_response **out, gf_error *err)
{
  gf_fake *fake = fake_of(self);
  if (gf_validate_request(GF_OP_GET_SECURITY_CONFIGURATIONS, req, err))
    return err->status;
  size_t page = req->has_max_results ? (size_t)req->max_results : DEFAULT_PAGE_SIZE;
  const order_slot **picked = gf_malloc(page * sizeof *picked);
  if (!picked)
    return out_of_memory(err, "GetSecurityConfigurations");

  gf_get_security_configurations_response *resp = NULL;
  gf_status status = GF_OK;
  pthread_mutex_lock(&fake->lock);
  uint64_t cursor = 0;
  size_t at = 0, n = 0;
  if (req->next_token && gf_store_token_decode(&fake->st, req->next_token, &cursor) != 0) {
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "Invalid NextToken: it was not issued by this fake for this state");
  } else {
    if (req->next_token)
      at = gf_store_order_after(&fake->st, cursor);
    for (; at < fake->st.order_len && n < page; at++) {
      const order_slot *slot = &fake->st.order[at];
      if (slot->entry) {
        if (n < LISTING_PREFETCH_DISTANCE)
          prefetch_entry(slot);
        picked[n++] = slot;
        cursor = slot->seq;
      }
    }
    while (at < fake->st.order_len && !fake->st.order[at].entry)
      at++;
    char token[GF_HASH_SIZE];
    if (at < fake->st.order_len) /* more follow */
      gf_store_token_encode(&fake->st, cursor, token);
    if (!(resp = pack_listing(picked, n, at < fake->st.order_len ? token : NULL)))
      status = out_of_memory(err, "GetSecurityConfigurations");
  }
  pthread_mutex_unlock(&fake->lock);
  gf_free(picked);
  if (status != GF_OK)
    return status;
  *out = resp;
  return GF_OK;
}

/* ---- life cycle and settings --------------------------------------------- */

/* The front: every call goes through the recorder, unless neither it nor
 * the injector would do anything but pass it on; then straight to the
 * store's slot, as a plain call with nothing in between. */
#define GF_X_FRONT_SLOT(Wire, snake, UPPER)                                                \
  static gf_status front_##snake(gf_backend *self, const gf_##snake##_request *request,    \
                                 gf_##snake##_response **out, gf_error *err)               \
  {                                                                                        \
    gf_fake *fake = (gf_fake *)self;                                                       \
    if (!gf_recorder_logging(fake->recorder) && !gf_faults_armed(fake->faults))            \
      return fake_##snake(&fake->store_slots, request, out, err);                          \
    void *response = NULL;                                                                 \
    gf_status status = gf_call(gf_recorder_backend(fake->recorder), GF_OP_##UPPER, request, \
                               &response, err);                                            \
    *out = response;                                                                       \
    return status;                                                                         \
  }
GF_OPERATIONS(GF_X_FRONT_SLOT)
#undef GF_X_FRONT_SLOT

static void front_destroy(gf_backend *self) { gf_fake_free((gf_fake *)self); }

gf_fake *gf_fake_new_isolated(const char *account_id, gf_error *err)
{
  if (account_id && !gf_store_valid_account_id(account_id)) {
    gf_error_set(err, GF_INVALID_INPUT, "account id '%s' is not 12 digits", account_id);
    return NULL;
  }
  gf_fake *fake = gf_calloc(1, sizeof *fake);
  if (!fake) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory creating a fake");
    return NULL;
  }
  gf_backend front = GF_BACKEND_INIT, store_slots = GF_BACKEND_INIT;
#define GF_X_SLOT_INIT(Wire, snake, UPPER)                                                 \
  front.snake = front_##snake;                                                             \
  store_slots.snake = fake_##snake;
  GF_OPERATIONS(GF_X_SLOT_INIT)
#undef GF_X_SLOT_INIT
  front.destroy = front_destroy;
  fake->front = front;
  fake->store_slots = store_slots; /* no destroy: freed with its fake */
  pthread_mutex_init(&fake->lock, NULL);
  snprintf(fake->initial_account_id, sizeof fake->initial_account_id, "%s",
           account_id ? account_id : GF_DEFAULT_ACCOUNT_ID);
  gf_store_init(&fake->st, fake->initial_account_id);
  if (!(fake->faults = gf_faults_new(&fake->store_slots, err)) ||
      !(fake->recorder = gf_recorder_new(gf_faults_backend(fake->faults), err))) {
    gf_fake_free(fake);
    return NULL;
  }
  return fake;
}

gf_fake *gf_fake_new(const char *account_id, gf_error *err)
{
  gf_fake *fake = gf_fake_new_isolated(account_id, err);
  if (!fake)
    return NULL;
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
  gf_store_clear(&fake->st);
  pthread_mutex_destroy(&fake->lock);
  gf_free(fake);
}

gf_backend *gf_fake_backend(gf_fake *fake) { return fake ? &fake->front : NULL; }

gf_faults *gf_fake_faults(gf_fake *fake) { return fake->faults; }

gf_recorder *gf_fake_calls(gf_fake *fake) { return fake->recorder; }

void gf_fake_swap_store(gf_fake *fake, gf_store *fresh)
{
  pthread_mutex_lock(&fake->lock);
  gf_store old = fake->st;
  fake->st = *fresh;
  pthread_mutex_unlock(&fake->lock);
  *fresh = old;
}

void gf_fake_with_store(gf_fake *fake, void (*fn)(gf_store *store, void *ctx), void *ctx)
{
  pthread_mutex_lock(&fake->lock);
  fn(&fake->st, ctx);
  pthread_mutex_unlock(&fake->lock);
}

const char *gf_fake_initial_account_id(gf_fake *fake) { return fake->initial_account_id; }

void gf_fake_reset(gf_fake *fake)
{
  gf_store fresh;
  gf_store_init(&fresh, fake->initial_account_id);
  gf_fake_swap_store(fake, &fresh);
  gf_store_clear(&fresh);
  gf_faults_clear(fake->faults);
  gf_calls_clear(fake->recorder);
}

gf_status gf_fake_set_account_id(gf_fake *fake, const char *account_id, gf_error *err)
{
  if (!gf_store_valid_account_id(account_id))
    return gf_error_set(err, GF_INVALID_INPUT, "account id '%s' is not 12 digits",
                        account_id ? account_id : "(null)");
  pthread_mutex_lock(&fake->lock);
  memcpy(fake->st.account_id, account_id, sizeof fake->st.account_id);
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_account_id(gf_fake *fake, char buf[13])
{
  pthread_mutex_lock(&fake->lock);
  memcpy(buf, fake->st.account_id, 13);
  pthread_mutex_unlock(&fake->lock);
}

gf_status gf_fake_set_clock(gf_fake *fake, double now, double step, gf_error *err)
{
  if (!isfinite(now) || !isfinite(step) || now < 0 || step < 0)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "clock: now and step must be finite numbers >= 0");
  pthread_mutex_lock(&fake->lock);
  fake->st.fixed_clock = 1;
  fake->st.clock_now = now;
  fake->st.clock_step = step;
  pthread_mutex_unlock(&fake->lock);
  return GF_OK;
}

void gf_fake_set_real_clock(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  fake->st.fixed_clock = 0;
  pthread_mutex_unlock(&fake->lock);
}

double gf_fake_now(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  double now = gf_store_clock_read(&fake->st);
  pthread_mutex_unlock(&fake->lock);
  return now;
}

void gf_fake_set_security_configuration_limit(gf_fake *fake, size_t limit)
{
  pthread_mutex_lock(&fake->lock);
  fake->st.config_limit = limit;
  pthread_mutex_unlock(&fake->lock);
}

size_t gf_fake_security_configuration_count(gf_fake *fake)
{
  pthread_mutex_lock(&fake->lock);
  size_t n = HASH_COUNT(fake->st.configs);
  pthread_mutex_unlock(&fake->lock);
  return n;
}
