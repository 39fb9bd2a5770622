/*
 * store.h - the fake's data (internal): security configurations, catalog
 * settings and resource policies, with the account id, clock and limit
 * they are read with.  No locking here: the operations hold the fake's lock
 * around every use of its store, and a fixture load builds a new store
 * off-line and swaps it in whole.
 */
#ifndef GLUEFAKE_DOUBLE_STORE_H
#define GLUEFAKE_DOUBLE_STORE_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/alloc.h" /* before uthash.h: its allocator and HASH_NONFATAL_OOM */
#include "core/shapes.h"
#include "gluefake/fake.h"
#include "names.h"
#include <uthash.h>

/* uthash doubles its buckets when a chain reaches this length.  Its
 * default of 10 leaves 1.5 entries per bucket at 100,000 configurations,
 * and every entry a lookup walks past is a cache miss in a large store
 * (a create walks the whole chain).  At 5 a lookup reads 1.1 entries, for
 * about 80 bytes of buckets per configuration (make bench). */
#undef HASH_BKT_CAPACITY_THRESH
#define HASH_BKT_CAPACITY_THRESH 5U

/*
 * Asks the CPU for a stored block (`bytes` of it from `block`) ahead of its
 * use: a large store is bound by memory latency, not instructions, and a
 * lookup or a page would otherwise wait for each line in turn.  What it
 * buys (make bench, store of 100,000):
 *  - the lookup of a name fetches its bucket's first entry whole while the
 *    chain is walked: a Get 550 -> 430 ns, a Create 430 -> 395 ns (Intel
 *    Xeon, 260 MiB L3);
 *  - a page fetches the configurations 8 ahead of the one it copies: the
 *    100k/10k paging ratio 17x -> 11.5x where 100,000 configurations do not
 *    fit in the cache (AMD EPYC, 32 MiB L3); no difference where they do.
 */
static inline void gfi_prefetch_block(const void *block, size_t bytes)
{
#if defined(__GNUC__)
  for (size_t at = 0; at < bytes; at += 64)
    __builtin_prefetch((const char *)block + at);
#else
  (void)block, (void)bytes;
#endif
}

/* One allocation: this header, then the configuration packed, so that a
 * lookup touches one block and a Get copies it with one memcpy. */
typedef struct config_entry {
  UT_hash_handle hh;
  gf_security_configuration *config; /* right behind the header; its name is the key */
  size_t packed_size;                /* of the configuration */
  uint64_t seq;                      /* creation order, never reused in a store */
  /* The store, and a dump writing it out without the store's lock: the
   * last to let go frees the entry (gfi_store_free_config). */
  atomic_int holders;
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

typedef struct gfi_store {
  char account_id[13];
  char region[GF_REGION_SIZE];
  int fixed_clock;
  double clock_now, clock_step;
  size_t config_limit; /* GF_NO_LIMIT for none */

  config_entry *configs;
  order_slot *order;
  size_t order_len, order_cap, tombstones;
  uint64_t next_seq;

  catalog_entry *catalogs;
  policy_entry *policies;
} gfi_store;

/* An empty store for `account_id` in `region` (both valid), on real time,
 * with no limit. */
void gfi_store_init(gfi_store *store, const char *account_id, const char *region);

/* Frees every entry (the store is then empty, settings kept). */
void gfi_store_clear(gfi_store *store);


/* Reads the clock (advancing a fixed clock by its step). */
double gfi_store_clock_read(gfi_store *store);

/* arn:<partition>:glue:<region>:<account>:catalog, the partition aws,
 * aws-cn or aws-us-gov as the region says. */
#define GFI_DEFAULT_ARN_SIZE 96
void gfi_store_default_arn(const gfi_store *store, char buf[GFI_DEFAULT_ARN_SIZE]);

/* A deterministic hash of a policy document, the same in every process. */
void gfi_policy_hash(const char *document, char out[GF_HASH_SIZE]);

/* NextTokens: the cursor is the seq of the last configuration listed. */
void gfi_store_token_encode(const gfi_store *store, uint64_t cursor, char out[GF_HASH_SIZE]);
int gfi_store_token_decode(const gfi_store *store, const char *token, uint64_t *cursor);

/* NextTokens of GetResourcePolicies: the cursor is the ARN of the last
 * policy listed, so that a page resumes after it whatever was put or
 * deleted since.  encode: a new string (gfi_free), NULL when out of memory.
 * decode: 0 with the ARN in *arn (gfi_free), -1 when the token is not this
 * store's, -2 when out of memory. */
char *gfi_store_policy_token_encode(const gfi_store *store, const char *arn);
int gfi_store_policy_token_decode(const gfi_store *store, const char *token, char **arn);

/* First position in the order whose seq is greater than `cursor`. */
size_t gfi_store_order_after(const gfi_store *store, uint64_t cursor);

/* The configuration named `name`, or NULL.  Its hash goes to `*hashv`
 * when given, for a gfi_store_add_config() of that name to reuse. */
config_entry *gfi_store_find_config(const gfi_store *store, const char *name, unsigned *hashv);

/* Adds `entry` (its config filled, name unique, `hashv` its name's hash
 * from gfi_store_find_config()) at the end of the listing order.  0, or -1
 * when out of memory (the store is then unchanged). */
int gfi_store_add_config(gfi_store *store, config_entry *entry, unsigned hashv);

/* Removes `entry` from the store (the caller frees it). */
void gfi_store_remove_config(gfi_store *store, config_entry *entry);

/* A new entry holding a packed copy of `config`, held once; NULL when out
 * of memory.  Free it with gfi_store_free_config(). */
config_entry *gfi_store_new_config(const gf_security_configuration *config);

/* Holds an entry once more (under the store's lock), for a reader that
 * goes on without the lock. */
void gfi_store_hold_config(config_entry *entry);

/* Lets go of the entry: the last holder frees it.  NULL is allowed. */
void gfi_store_free_config(config_entry *entry);

/* Adds `entry` (its settings, or document and hash, filled) under a copy of
 * `catalog_id` / `resource_arn`, which must not be in the store yet.  0, or
 * -1 when out of memory: the store is unchanged and the entry still the
 * caller's, to free with gfi_store_free_catalog() / gfi_store_free_policy(). */
int gfi_store_add_catalog(gfi_store *store, catalog_entry *entry, const char *catalog_id);
int gfi_store_add_policy(gfi_store *store, policy_entry *entry, const char *resource_arn);
void gfi_store_free_catalog(catalog_entry *entry);
void gfi_store_free_policy(policy_entry *entry);

#endif
