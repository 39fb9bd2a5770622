/* credentials.c - reading the access keys a server knows (see credentials.h). */
#include "credentials.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/json_text.h"
#include "core/sigv4.h"
#include "double/names.h"
#include "gluefake/sys/backend.h"

void gfi_credentials_clear(gfi_credentials *credentials)
{
  for (size_t i = 0; i < credentials->count; i++) {
    gfi_free(credentials->keys[i].access_key_id);
    gfi_free(credentials->keys[i].secret_access_key);
    gfi_free(credentials->keys[i].session_token);
  }
  gfi_free(credentials->keys);
  if (credentials->keys || credentials->count)
    pthread_mutex_destroy(&credentials->cache_lock);
  memset(credentials, 0, sizeof *credentials);
}

void gfi_credentials_signing_key(gfi_credentials *credentials, const gfi_credential *key,
                                 const char *scope, const char *date, const char *region,
                                 const char *service, unsigned char out[32])
{
  gfi_credential *entry = &credentials->keys[key - credentials->keys];
  pthread_mutex_lock(&credentials->cache_lock);
  int hit = strcmp(entry->cached_scope, scope) == 0;
  if (hit)
    memcpy(out, entry->cached_key, 32);
  pthread_mutex_unlock(&credentials->cache_lock);
  if (hit)
    return;
  gfi_sigv4_signing_key(entry->secret_access_key, date, region, service, out);
  if (strlen(scope) >= sizeof entry->cached_scope)
    return; /* too long to keep: derived every time */
  pthread_mutex_lock(&credentials->cache_lock);
  memcpy(entry->cached_key, out, 32);
  memcpy(entry->cached_scope, scope, strlen(scope) + 1);
  pthread_mutex_unlock(&credentials->cache_lock);
}

const gfi_credential *gfi_credentials_find(const gfi_credentials *credentials,
                                           const char *access_key_id)
{
  for (size_t i = 0; access_key_id && i < credentials->count; i++)
    if (strcmp(credentials->keys[i].access_key_id, access_key_id) == 0)
      return &credentials->keys[i];
  return NULL;
}

/* A string member, required or not: 0 and a copy (or NULL when absent and
 * optional), or -1 when it is not a non-empty string. */
static int read_string(const cJSON *entry, const char *name, int required, char **out)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(entry, name);
  *out = NULL;
  if (!item && !required)
    return 0;
  if (!cJSON_IsString(item) || !*item->valuestring)
    return -1;
  return (*out = gfi_strdup(item->valuestring)) ? 0 : -2;
}

/* Reads credentials[index] into `key`; GF_OK or the error. */
static gf_status read_entry(const cJSON *entry, size_t index, const gfi_credentials *so_far,
                            const char *source, gfi_credential *key, gf_error *err)
{
  static const char *const known[] = {"access_key_id", "secret_access_key", "account_id",
                                      "session_token", "expires", NULL};
  memset(key, 0, sizeof *key);
  if (!cJSON_IsObject(entry))
    return gf_error_set(err, GF_INVALID_INPUT, "%s: credentials[%zu]: must be an object",
                        source, index);
  const cJSON *member;
  cJSON_ArrayForEach(member, entry)
  {
    const char *const *k = known;
    while (*k && strcmp(*k, member->string) != 0)
      k++;
    if (!*k)
      return gf_error_set(err, GF_INVALID_INPUT,
                          "%s: credentials[%zu].%s: unknown key (expected access_key_id, "
                          "secret_access_key, account_id, session_token, expires)",
                          source, index, member->string);
  }
  static const struct {
    const char *name;
    int required;
    size_t offset;
  } strings[] = {
      {"access_key_id", 1, offsetof(gfi_credential, access_key_id)},
      {"secret_access_key", 1, offsetof(gfi_credential, secret_access_key)},
      {"session_token", 0, offsetof(gfi_credential, session_token)},
  };
  for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
    int got = read_string(entry, strings[i].name, strings[i].required,
                          (char **)(void *)((char *)key + strings[i].offset));
    if (got == -2)
      return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
    if (got == -1)
      return gf_error_set(err, GF_INVALID_INPUT, "%s: credentials[%zu].%s: must be %s", source,
                          index, strings[i].name,
                          strings[i].required ? "a non-empty string" : "a non-empty string if given");
  }
  if (gfi_credentials_find(so_far, key->access_key_id))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "%s: credentials[%zu].access_key_id: duplicate access key '%s'", source,
                        index, key->access_key_id);
  const cJSON *account = cJSON_GetObjectItemCaseSensitive(entry, "account_id");
  if (account && !(cJSON_IsString(account) && gfi_valid_account_id(account->valuestring)))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "%s: credentials[%zu].account_id: must be a string of 12 digits", source,
                        index);
  if (account)
    memcpy(key->account_id, account->valuestring, 13);
  const cJSON *expires = cJSON_GetObjectItemCaseSensitive(entry, "expires");
  if (expires && !(cJSON_IsNumber(expires) && isfinite(expires->valuedouble)))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "%s: credentials[%zu].expires: must be a number of seconds since the "
                        "epoch",
                        source, index);
  if (expires) {
    key->has_expires = 1;
    key->expires = expires->valuedouble;
  }
  return GF_OK;
}

gf_status gfi_credentials_parse(const char *text, size_t len, const char *source,
                                gfi_credentials *out, gf_error *err)
{
  memset(out, 0, sizeof *out);
  source = source ? source : "<credentials>";
  cJSON *root = NULL;
  gf_status status = gfi_json_parse_document(text, len, source, &root, err);
  if (status != GF_OK)
    return status;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "credentials");
  if (!cJSON_IsObject(root) || !cJSON_IsArray(list)) {
    cJSON_Delete(root);
    return gf_error_set(err, GF_INVALID_INPUT,
                        "%s: must be an object {\"credentials\": [{\"access_key_id\": ..., "
                        "\"secret_access_key\": ...}, ...]}",
                        source);
  }
  size_t count = (size_t)cJSON_GetArraySize(list);
  out->keys = gfi_calloc(count ? count : 1, sizeof *out->keys);
  if (!out->keys) {
    cJSON_Delete(root);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
  }
  pthread_mutex_init(&out->cache_lock, NULL);
  const cJSON *entry;
  cJSON_ArrayForEach(entry, list)
  {
    gfi_credential *key = &out->keys[out->count];
    status = read_entry(entry, out->count, out, source, key, err);
    out->count++; /* counted either way, so that a failed entry is freed too */
    if (status != GF_OK)
      break;
  }
  cJSON_Delete(root);
  if (status != GF_OK)
    gfi_credentials_clear(out);
  return status;
}
