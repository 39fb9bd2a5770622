/* store.c - the fake's data structures (see store.h). */
#include "store.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void gfi_store_init(gfi_store *store, const char *account_id, const char *region)
{
  memset(store, 0, sizeof *store);
  snprintf(store->account_id, sizeof store->account_id, "%s", account_id);
  snprintf(store->region, sizeof store->region, "%s", region);
  store->config_limit = GF_NO_LIMIT;
}

double gfi_store_clock_read(gfi_store *store)
{
  if (store->fixed_clock) {
    double now = store->clock_now;
    /* Never past what a double holds: a dump must always read back. */
    if (isfinite(now + store->clock_step))
      store->clock_now += store->clock_step;
    return now;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000) / 1000.0;
}

void gfi_store_default_arn(const gfi_store *store, char buf[GFI_DEFAULT_ARN_SIZE])
{
  const char *partition = strncmp(store->region, "cn-", 3) == 0       ? "aws-cn"
                          : strncmp(store->region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                                      : "aws";
  snprintf(buf, GFI_DEFAULT_ARN_SIZE, "arn:%s:glue:%s:%s:catalog", partition, store->region,
           store->account_id);
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

/* `len` bytes -> unpadded base64url in `out` (4 characters per 3 bytes,
 * and a NUL). */
static void b64url_encode(const unsigned char *in, size_t len, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < len)
      v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < len)
      v |= in[i + 2];
    int chars = i + 2 < len ? 4 : i + 1 < len ? 3 : 2;
    for (int c = 0; c < chars; c++)
      out[o++] = b64[(v >> (18 - 6 * c)) & 63];
  }
  out[o] = '\0';
}

/* Unpadded base64url `in` -> bytes in `out` (room for strlen(in) * 3 / 4);
 * their count, or -1 when `in` is not base64url or its spare bits are not
 * zero (one spelling per byte string). */
static long b64url_decode(const char *in, unsigned char *out)
{
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0, len = strlen(in);
  if (len % 4 == 1)
    return -1;
  for (size_t i = 0; i < len; i++) {
    const char *p = in[i] ? strchr(b64, in[i]) : NULL;
    if (!p)
      return -1;
    acc = (acc << 6) | (uint32_t)(p - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return acc == 0 ? (long)o : -1;
}

/* 16 bytes -> 22 characters of unpadded base64url. */
static void encode16(const unsigned char in[16], char out[GF_HASH_SIZE])
{
  b64url_encode(in, 16, out);
}

static int decode16(const char *in, unsigned char out[16])
{
  /* 22 characters are 16 bytes and 4 spare bits: out has room */
  return strlen(in) == 22 && b64url_decode(in, out) == 16 ? 0 : -1;
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

void gfi_policy_hash(const char *document, char out[GF_HASH_SIZE])
{
  unsigned char raw[16];
  size_t len = strlen(document);
  put_u64(raw, fnv1a(0xcbf29ce484222325ULL, document, len));
  put_u64(raw + 8, fnv1a(0x84222325cbf29ce4ULL, document, len));
  encode16(raw, out);
}

/* What makes a token this store's: its account and the cursor - state
 * only, so that the same state and calls give the same tokens in every
 * process.  Not a secret; a guard against forged tokens. */
static uint64_t token_check(const gfi_store *store, uint64_t cursor)
{
  unsigned char buf[8];
  put_u64(buf, cursor);
  uint64_t h = fnv1a(0x9e3779b97f4a7c15ULL, "gluefake-token", 14);
  h = fnv1a(h, store->account_id, strlen(store->account_id));
  return fnv1a(h, buf, sizeof buf);
}

void gfi_store_token_encode(const gfi_store *store, uint64_t cursor, char out[GF_HASH_SIZE])
{
  unsigned char raw[16];
  put_u64(raw, cursor);
  put_u64(raw + 8, token_check(store, cursor));
  encode16(raw, out);
}

int gfi_store_token_decode(const gfi_store *store, const char *token, uint64_t *cursor)
{
  unsigned char raw[16];
  if (decode16(token, raw) != 0)
    return -1;
  uint64_t c = get_u64(raw);
  /* A cursor this store has not reached was not issued by it. */
  if (get_u64(raw + 8) != token_check(store, c) || c >= store->next_seq)
    return -1;
  *cursor = c;
  return 0;
}

/* What makes a policy token this store's: its account and the ARN. */
static uint64_t policy_token_check(const gfi_store *store, const char *arn, size_t len)
{
  uint64_t h = fnv1a(0x9e3779b97f4a7c15ULL, "gluefake-policy-token", 21);
  h = fnv1a(h, store->account_id, strlen(store->account_id));
  return fnv1a(h, arn, len);
}

char *gfi_store_policy_token_encode(const gfi_store *store, const char *arn)
{
  size_t len = strlen(arn);
  unsigned char *raw = gfi_malloc(8 + len);
  char *token = gfi_malloc((8 + len + 2) / 3 * 4 + 1);
  if (raw && token) {
    put_u64(raw, policy_token_check(store, arn, len));
    memcpy(raw + 8, arn, len);
    b64url_encode(raw, 8 + len, token);
  } else {
    gfi_free(token);
    token = NULL;
  }
  gfi_free(raw);
  return token;
}

int gfi_store_policy_token_decode(const gfi_store *store, const char *token, char **arn)
{
  *arn = NULL;
  unsigned char *raw = gfi_malloc(strlen(token) * 3 / 4 + 1);
  if (!raw)
    return -2;
  long n = b64url_decode(token, raw);
  int result = -1;
  if (n > 8 && !memchr(raw + 8, '\0', (size_t)n - 8) &&
      get_u64(raw) == policy_token_check(store, (const char *)raw + 8, (size_t)n - 8)) {
    if ((*arn = gfi_malloc((size_t)n - 8 + 1))) {
      memcpy(*arn, raw + 8, (size_t)n - 8);
      (*arn)[n - 8] = '\0';
      result = 0;
    } else {
      result = -2;
    }
  }
  gfi_free(raw);
  return result;
}

/* ---- entries ------------------------------------------------------------- */

config_entry *gfi_store_new_config(const gf_security_configuration *config)
{
  size_t size;
  config_entry *e = gfi_shape_pack_after(&gfi_shape_security_configuration, config,
                                        sizeof *e, &size);
  if (e) {
    e->config = (gf_security_configuration *)(void *)((char *)e + GF_PACK_OFFSET(sizeof *e));
    e->packed_size = size;
    atomic_init(&e->holders, 1);
  }
  return e;
}

void gfi_store_hold_config(config_entry *e) { atomic_fetch_add(&e->holders, 1); }

void gfi_store_free_config(config_entry *e)
{
  if (e && atomic_fetch_sub(&e->holders, 1) == 1)
    gfi_free(e);
}

int gfi_store_add_catalog(gfi_store *store, catalog_entry *e, const char *catalog_id)
{
  if (!(e->catalog_id = gfi_strdup(catalog_id)))
    return -1;
  HASH_ADD_KEYPTR(hh, store->catalogs, e->catalog_id, strlen(e->catalog_id), e);
  return e->hh.tbl ? 0 : -1;
}

int gfi_store_add_policy(gfi_store *store, policy_entry *e, const char *resource_arn)
{
  if (!(e->resource_arn = gfi_strdup(resource_arn)))
    return -1;
  HASH_ADD_KEYPTR(hh, store->policies, e->resource_arn, strlen(e->resource_arn), e);
  return e->hh.tbl ? 0 : -1;
}

void gfi_store_free_catalog(catalog_entry *e)
{
  if (e) {
    gfi_free(e->catalog_id);
    gfi_free(e->settings);
    gfi_free(e);
  }
}

void gfi_store_free_policy(policy_entry *e)
{
  if (e) {
    gfi_free(e->resource_arn);
    gfi_free(e->document);
    gfi_free(e->hash);
    gfi_free(e);
  }
}

void gfi_store_clear(gfi_store *store)
{
  config_entry *c, *ctmp;
  HASH_ITER(hh, store->configs, c, ctmp)
  {
    HASH_DEL(store->configs, c);
    gfi_store_free_config(c);
  }
  catalog_entry *k, *ktmp;
  HASH_ITER(hh, store->catalogs, k, ktmp)
  {
    HASH_DEL(store->catalogs, k);
    gfi_store_free_catalog(k);
  }
  policy_entry *p, *ptmp;
  HASH_ITER(hh, store->policies, p, ptmp)
  {
    HASH_DEL(store->policies, p);
    gfi_store_free_policy(p);
  }
  gfi_free(store->order);
  store->order = NULL;
  store->order_len = store->order_cap = store->tombstones = 0;
  store->next_seq = 0;
}

size_t gfi_store_order_after(const gfi_store *store, uint64_t cursor)
{
  size_t lo = 0, hi = store->order_len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (store->order[mid].seq <= cursor)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Drops tombstones once they are the majority, so that listing stays
 * linear in the number of live configurations. */
static void order_compact(gfi_store *store)
{
  if (store->tombstones < 64 || store->tombstones * 2 < store->order_len)
    return;
  size_t kept = 0;
  for (size_t i = 0; i < store->order_len; i++)
    if (store->order[i].entry)
      store->order[kept++] = store->order[i];
  store->order_len = kept;
  store->tombstones = 0;
}

config_entry *gfi_store_find_config(const gfi_store *store, const char *name, unsigned *hashv)
{
  size_t len = strlen(name);
  unsigned h;
  config_entry *entry;
  HASH_VALUE(name, len, h);
  if (store->configs) {
    /* The first entry of the name's bucket: almost always the one. */
    const UT_hash_table *table = store->configs->hh.tbl;
    unsigned bucket;
    HASH_TO_BKT(h, table->num_buckets, bucket);
    const UT_hash_handle *first = table->buckets[bucket].hh_head;
    /* A fixed reach, the size of a usual configuration: reading the
     * entry's own size would wait for its first line. */
    if (first)
      gfi_prefetch_block((const char *)first - table->hho, sizeof(config_entry) + 256);
  }
  HASH_FIND_BYHASHVALUE(hh, store->configs, name, len, h, entry);
  if (hashv)
    *hashv = h;
  return entry;
}

int gfi_store_add_config(gfi_store *store, config_entry *entry, unsigned hashv)
{
  const char *key = entry->config->name;
  HASH_ADD_KEYPTR_BYHASHVALUE(hh, store->configs, key, strlen(key), hashv, entry);
  if (!entry->hh.tbl)
    return -1;
  if (gfi_grow(&store->order, &store->order_cap, store->order_len + 1, sizeof *store->order,
              16) != 0) {
    HASH_DEL(store->configs, entry);
    return -1;
  }
  entry->seq = store->next_seq++;
  store->order[store->order_len].seq = entry->seq;
  store->order[store->order_len].entry = entry;
  store->order[store->order_len].packed_size = entry->packed_size;
  store->order_len++;
  return 0;
}

void gfi_store_remove_config(gfi_store *store, config_entry *entry)
{
  HASH_DEL(store->configs, entry);
  size_t at = gfi_store_order_after(store, entry->seq) - 1;
  store->order[at].entry = NULL;
  store->tombstones++;
  order_compact(store);
}
