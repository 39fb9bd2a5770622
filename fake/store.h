/*
 * store.h - the fake's data (internal): security configurations, catalog
 * settings and resource policies, with the account id, clock and limit
 * they are read with.  No locking here: fake.c holds the fake's lock around
 * every use of its store, and fixture.c builds a new store off-line and
 * swaps it in whole.
 */
#ifndef GLUEFAKE_STORE_H
#define GLUEFAKE_STORE_H

#include <stdint.h>

#include "alloc.h"
#include "gluefake/calls.h"
#include "gluefake/fake.h"
#include "gluefake/faults.h"
#include "shapes.h"
#include <uthash.h>

/* uthash doubles its buckets when a chain reaches this length.  Its
 * default of 10 leaves 1.5 entries per bucket at 100,000 configurations,
 * and every entry a lookup walks past is a cache miss in a large store
 * (a create walks the whole chain).  At 5 a lookup reads 1.1 entries, for
 * about 80 bytes of buckets per configuration (make bench). */
#undef HASH_BKT_CAPACITY_THRESH
#define HASH_BKT_CAPACITY_THRESH 5U

/* One allocation: this header, then the configuration packed, so that a
 * lookup touches one block and a Get copies it with one memcpy. */
typedef struct config_entry {
  UT_hash_handle hh;
  gf_security_configuration *config; /* right behind the header; its name is the key */
  size_t packed_size;                /* of the configuration */
  uint64_t seq;                      /* creation order, never reused in a store */
} config_entry;

/* Position of a configuration in the listing order.  Deleted entries stay
 * as tombstones (entry NULL) until compaction, so that seq stays sorted and
 * a NextToken can resume with a binary search. */
typedef struct order_slot {
  uint64_t seq;
  config_entry *entry;
  size_t packed_size; /* the entry's, so that listing sizes a page from the order alone */
} order_slot;

typedef struct catalog_entry {
  char *catalog_id;                            /* key */
  gf_data_catalog_encryption_settings *settings; /* owned, packed (one allocation), as put */
  UT_hash_handle hh;
} catalog_entry;

#define GF_HASH_SIZE 23 /* 22 characters of base64url and a NUL */

typedef struct policy_entry {
  char *resource_arn; /* key */
  char *document;     /* byte for byte as put */
  char *hash;
  double create_time, update_time;
  UT_hash_handle hh;
} policy_entry;

typedef struct gf_store {
  char account_id[13];
  int fixed_clock;
  double clock_now, clock_step;
  size_t config_limit; /* GF_NO_LIMIT for none */

  config_entry *configs;
  order_slot *order;
  size_t order_len, order_cap, tombstones;
  uint64_t next_seq;

  catalog_entry *catalogs;
  policy_entry *policies;
} gf_store;

/* An empty store for `account_id`, on real time, with no limit. */
void gf_store_init(gf_store *store, const char *account_id);

/* Frees every entry (the store is then empty, settings kept). */
void gf_store_clear(gf_store *store);

int gf_store_valid_account_id(const char *id);

/* Reads the clock (advancing a fixed clock by its step). */
double gf_store_clock_read(gf_store *store);

/* arn:aws:glue:us-east-1:<account>:catalog */
void gf_store_default_arn(const gf_store *store, char buf[64]);

/* A deterministic hash of a policy document, the same in every process. */
void gf_policy_hash(const char *document, char out[GF_HASH_SIZE]);

/* NextTokens: the cursor is the seq of the last configuration listed. */
void gf_store_token_encode(const gf_store *store, uint64_t cursor, char out[GF_HASH_SIZE]);
int gf_store_token_decode(const gf_store *store, const char *token, uint64_t *cursor);

/* First position in the order whose seq is greater than `cursor`. */
size_t gf_store_order_after(const gf_store *store, uint64_t cursor);

/* The configuration named `name`, or NULL.  Its hash goes to `*hashv`
 * when given, for a gf_store_add_config() of that name to reuse. */
config_entry *gf_store_find_config(const gf_store *store, const char *name, unsigned *hashv);

/* Adds `entry` (its config filled, name unique, `hashv` its name's hash
 * from gf_store_find_config()) at the end of the listing order.  0, or -1
 * when out of memory (the store is then unchanged). */
int gf_store_add_config(gf_store *store, config_entry *entry, unsigned hashv);

/* Removes `entry` from the store (the caller frees it). */
void gf_store_remove_config(gf_store *store, config_entry *entry);

/* A new entry holding a packed copy of `config`; NULL when out of memory.
 * Free it with gf_store_free_config(). */
config_entry *gf_store_new_config(const gf_security_configuration *config);

void gf_store_free_config(config_entry *entry);

/* Adds `entry` (its settings, or document and hash, filled) under a copy of
 * `catalog_id` / `resource_arn`, which must not be in the store yet.  0, or
 * -1 when out of memory: the store is unchanged and the entry still the
 * caller's, to free with gf_store_free_catalog() / gf_store_free_policy(). */
int gf_store_add_catalog(gf_store *store, catalog_entry *entry, const char *catalog_id);
int gf_store_add_policy(gf_store *store, policy_entry *entry, const char *resource_arn);
void gf_store_free_catalog(catalog_entry *entry);
void gf_store_free_policy(policy_entry *entry);

/* ---- between the modules of the fake (not part of the store itself) ------ */

/* gf_fake_new() without GLUEFAKE_FAULTS: for the tools whose runs must not
 * depend on the environment (sweeps, transcript verification). */
gf_fake *gf_fake_new_isolated(const char *account_id, gf_error *err);

/* Runs `fn` on every record of the call log, in order, under the log's
 * lock: a consistent snapshot that a concurrent clear cannot free from under
 * it, and that calls made meanwhile do not extend (transcript.c). */
void gf_recorder_with_log(gf_recorder *recorder,
                          void (*fn)(const gf_call_record *record, void *ctx), void *ctx);

/* Whether the recorder logs calls, and whether the injector has rules: when
 * neither, the fake's front calls its store directly (fake.c), since both
 * layers would only pass the call through. */
int gf_recorder_logging(gf_recorder *recorder);
int gf_faults_armed(gf_faults *faults);

/* Runs `fn` on the fake's store under its lock (fixture.c). */
void gf_fake_with_store(gf_fake *fake, void (*fn)(gf_store *store, void *ctx), void *ctx);

/* Replaces the fake's store by `fresh` under its lock; `fresh` then holds
 * the old data, for the caller to clear.  The account id given at creation
 * is what an absent fixture account id means: gf_fake_initial_account_id(). */
void gf_fake_swap_store(gf_fake *fake, gf_store *fresh);
const char *gf_fake_initial_account_id(gf_fake *fake);

#endif
