/* partitions.c - the fakes a server serves, one per account and region (see partitions.h). */
#include "partitions.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h" /* before uthash.h: its allocator */
#include "core/sigv4.h"
#include "double/names.h"
#include "gluefake/faults.h"
#include "gluefake/sys/backend.h"
#include <uthash.h>

/* "ACCOUNT/REGION", with room for any region a request can name: one that
 * is too long for a region is refused when its fake is made. */
#define KEY_SIZE (13 + GFI_NAMED_REGION_SIZE)

struct gfi_partition {
  char key[KEY_SIZE];
  gf_fake *fake;
  gfi_partition *next_retired;
  UT_hash_handle hh;
};

gf_status gfi_partitions_init(gfi_partitions *partitions, gf_fake *home, const char *faults,
                              size_t calls_max, gf_error *err)
{
  memset(partitions, 0, sizeof *partitions);
  partitions->home = home;
  partitions->calls_max = calls_max;
  if (faults && !(partitions->faults = gfi_strdup(faults)))
    return gf_error_set(err, GF_INTERNAL_SERVICE, "server: out of memory");
  pthread_mutex_init(&partitions->lock, NULL);
  gf_calls_set_max(gf_fake_calls(home), calls_max);
  return GF_OK;
}

static void free_partition(gfi_partition *p)
{
  gf_fake_free(p->fake);
  gfi_free(p);
}

void gfi_partitions_clear(gfi_partitions *partitions)
{
  gfi_partition *p, *tmp;
  HASH_ITER(hh, partitions->table, p, tmp)
  {
    HASH_DEL(partitions->table, p);
    free_partition(p);
  }
  while ((p = partitions->retired)) {
    partitions->retired = p->next_retired;
    free_partition(p);
  }
  gfi_free(partitions->faults);
  pthread_mutex_destroy(&partitions->lock);
  memset(partitions, 0, sizeof *partitions);
}

/* A new partition's fake: the environment's rules, then the server's. */
static gf_fake *make_fake(const gfi_partitions *partitions, const char *account_id,
                          const char *region, gf_error *err)
{
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.account_id = account_id;
  options.region = region;
  gf_fake *fake = gf_fake_new_ext(&options, err);
  if (fake)
    gf_calls_set_max(gf_fake_calls(fake), partitions->calls_max);
  if (fake && partitions->faults &&
      gf_faults_set(gf_fake_faults(fake), partitions->faults, err) != GF_OK) {
    gf_fake_free(fake);
    fake = NULL;
  }
  return fake;
}

gf_fake *gfi_partitions_get(gfi_partitions *partitions, const char *account_id,
                            const char *region, gf_error *err)
{
  char home_account[13], home_region[GF_REGION_SIZE];
  gf_fake_account_id(partitions->home, home_account);
  gf_fake_region(partitions->home, home_region);
  if (!account_id || !*account_id)
    account_id = home_account;
  if (!region || !*region)
    region = home_region;
  if (strcmp(account_id, home_account) == 0 && strcmp(region, home_region) == 0)
    return partitions->home;

  char key[KEY_SIZE];
  snprintf(key, sizeof key, "%s/%s", account_id, region);
  gf_fake *fake = NULL;
  pthread_mutex_lock(&partitions->lock);
  gfi_partition *p;
  HASH_FIND_STR(partitions->table, key, p);
  if (p) {
    fake = p->fake;
  } else if (partitions->count >= GFI_MAX_PARTITIONS) {
    gf_error_set(err, GF_INTERNAL_SERVICE,
                 "the server already serves %d partitions besides its own (account %s, "
                 "region %s was one too many)",
                 GFI_MAX_PARTITIONS, account_id, region);
  } else if (!(p = gfi_calloc(1, sizeof *p))) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory making partition %s", key);
  } else if (!(p->fake = make_fake(partitions, account_id, region, err))) {
    gfi_free(p);
  } else {
    memcpy(p->key, key, sizeof key);
    HASH_ADD_STR(partitions->table, key, p);
    if (!p->hh.tbl) { /* uthash ran out of memory */
      free_partition(p);
      gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory making partition %s", key);
    } else {
      partitions->count++;
      fake = p->fake;
    }
  }
  pthread_mutex_unlock(&partitions->lock);
  return fake;
}

void gfi_partitions_reset_all(gfi_partitions *partitions)
{
  gf_fake_reset(partitions->home);
  pthread_mutex_lock(&partitions->lock);
  gfi_partition *p, *tmp;
  HASH_ITER(hh, partitions->table, p, tmp)
  {
    HASH_DEL(partitions->table, p);
    gf_fake_reset(p->fake); /* its data goes now; the fake itself at the end */
    p->next_retired = partitions->retired;
    partitions->retired = p;
  }
  partitions->count = 0;
  pthread_mutex_unlock(&partitions->lock);
}

static int by_key(const void *a, const void *b)
{
  return strcmp((*(const gfi_partition *const *)a)->key, (*(const gfi_partition *const *)b)->key);
}

static int add_entry(cJSON *list, gf_fake *fake)
{
  char account_id[13], region[GF_REGION_SIZE];
  gf_fake_account_id(fake, account_id);
  gf_fake_region(fake, region);
  cJSON *entry = cJSON_CreateObject();
  if (!entry || !cJSON_AddItemToArray(list, entry))
    return cJSON_Delete(entry), -1;
  return cJSON_AddStringToObject(entry, "account_id", account_id) &&
                 cJSON_AddStringToObject(entry, "region", region) &&
                 cJSON_AddNumberToObject(entry, "security_configurations",
                                         (double)gf_fake_security_configuration_count(fake))
             ? 0
             : -1;
}

char *gfi_partitions_list(gfi_partitions *partitions)
{
  cJSON *list = cJSON_CreateArray();
  int failed = !list || add_entry(list, partitions->home) != 0;
  pthread_mutex_lock(&partitions->lock);
  gfi_partition **sorted = gfi_malloc((partitions->count + 1) * sizeof *sorted);
  size_t n = 0;
  if (!sorted) {
    failed = 1;
  } else {
    for (gfi_partition *p = partitions->table; p; p = p->hh.next)
      sorted[n++] = p;
    qsort(sorted, n, sizeof *sorted, by_key);
    for (size_t i = 0; !failed && i < n; i++)
      failed = add_entry(list, sorted[i]->fake) != 0;
  }
  pthread_mutex_unlock(&partitions->lock);
  gfi_free(sorted);
  char *text = failed ? NULL : cJSON_Print(list);
  cJSON_Delete(list);
  return text;
}

void gfi_partition_account(const gfi_credential *key, const char *access_key_id,
                           char account_id[13])
{
  account_id[0] = '\0';
  if (key && key->account_id[0])
    memcpy(account_id, key->account_id, 13);
  else if (gfi_valid_account_id(access_key_id))
    memcpy(account_id, access_key_id, 13);
}

void gfi_partition_of_request(const gfi_credentials *credentials, const char *authorization,
                              char account_id[13], char region[GFI_NAMED_REGION_SIZE])
{
  account_id[0] = region[0] = '\0';
  gfi_sigv4_auth auth;
  char missing[8];
  if (!authorization ||
      gfi_sigv4_parse_authorization(authorization, &auth, missing, sizeof missing) != 0)
    return;
  /* Whatever it says: making the partition refuses a name that is no region. */
  snprintf(region, GFI_NAMED_REGION_SIZE, "%s", auth.region);
  gfi_partition_account(credentials ? gfi_credentials_find(credentials, auth.access_key_id) : NULL,
                        auth.access_key_id, account_id);
  gfi_sigv4_auth_clear(&auth);
}
