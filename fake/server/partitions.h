/*
 * partitions.h - the fakes a server serves, one per (account id, region),
 * and which one a request belongs to (internal to the server).
 *
 * The server's own fake is the home partition: its account and region are
 * the defaults.  Any other partition is a fake the server makes on first
 * use (with the server's fault rules) and frees when it stops; one that a
 * reset forgets is emptied and kept until then, so that a request still
 * holding it never sees it freed.
 */
#ifndef GLUEFAKE_SERVER_PARTITIONS_H
#define GLUEFAKE_SERVER_PARTITIONS_H

#include <pthread.h>

#include "credentials.h"
#include "double/names.h"
#include "gluefake/fake.h"

/* How many partitions besides the home one a server makes at most: a bound
 * on what a client inventing access keys can make it hold. */
#define GFI_MAX_PARTITIONS 1024

typedef struct gfi_partition gfi_partition;

typedef struct gfi_partitions {
  gf_fake *home;          /* borrowed: the server's fake */
  char *faults;           /* owned: the rules a new partition starts with; NULL for none */
  size_t calls_max;       /* the calls each partition's log keeps */
  gfi_partition *table;   /* the others, by "ACCOUNT/REGION" */
  gfi_partition *retired; /* forgotten by a reset, freed by gfi_partitions_clear() */
  size_t count;           /* in the table */
  pthread_mutex_t lock;
} gfi_partitions;

/* Starts with the home partition alone; `faults` (may be NULL) is copied;
 * every partition's call log, the home's included, keeps `calls_max`
 * calls.  GF_OK, or GF_INTERNAL_SERVICE when out of memory. */
gf_status gfi_partitions_init(gfi_partitions *partitions, gf_fake *home, const char *faults,
                              size_t calls_max, gf_error *err);

/* Frees every partition the server made (never the home one). */
void gfi_partitions_clear(gfi_partitions *partitions);

/* The fake of (`account_id`, `region`), made on first use; NULL or "" for
 * the home partition's; a region that is no region name is refused then.  Borrowed until gfi_partitions_clear().
 * NULL with `err` set when it cannot be made (out of memory, a fault spec
 * that no longer parses, GFI_MAX_PARTITIONS reached). */
gf_fake *gfi_partitions_get(gfi_partitions *partitions, const char *account_id,
                            const char *region, gf_error *err);

/* Resets the home partition and forgets every other one. */
void gfi_partitions_reset_all(gfi_partitions *partitions);

/* The partitions, home first, then by account and region:
 * [{"account_id": "...", "region": "...", "security_configurations": N}].
 * A new string (gf_buffer_free), NULL when out of memory. */
char *gfi_partitions_list(gfi_partitions *partitions);

/* The account of access key `access_key_id`, whose entry in the
 * credentials file is `key` (NULL for none): its account_id, else the key
 * itself when it is 12 digits, else "". */
void gfi_partition_account(const gfi_credential *key, const char *access_key_id,
                           char account_id[13]);

/* The partition a request signed with `authorization` (its Authorization
 * header; NULL for none) belongs to: the region of its credential scope,
 * and the account of its access key in `credentials` (may be NULL), else
 * the key itself when it is 12 digits.  What it does not say is "". */
void gfi_partition_of_request(const gfi_credentials *credentials, const char *authorization,
                              char account_id[13], char region[GFI_NAMED_REGION_SIZE]);

#endif
