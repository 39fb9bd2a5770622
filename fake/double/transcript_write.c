/* transcript_write.c - the call log written as a transcript. */
#include <string.h>

#include "core/alloc.h"
#include "core/codec.h"
#include "core/names.h"
#include "decorators.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "gluefake/transcript.h"
#include "transcript_read.h"

static cJSON *record_to_json(const gf_call_record *r)
{
  cJSON *entry = cJSON_CreateObject();
  if (!entry)
    return NULL;
  int ok = cJSON_AddStringToObject(entry, "operation", gf_operation_name(r->op)) != NULL;
  cJSON *request = gf_request_to_json(r->op, r->request);
  ok = ok && request && cJSON_AddItemToObject(entry, "request", request);
  if (!ok)
    cJSON_Delete(request);
  if (ok && r->status == GF_OK) {
    /* A response the log could not copy (out of memory) is written empty. */
    cJSON *response = r->response ? gf_response_to_json(r->op, r->response) : cJSON_CreateObject();
    ok = response && cJSON_AddItemToObject(entry, "response", response);
    if (!ok)
      cJSON_Delete(response);
  } else if (ok) {
    const char *name = gf_status_name(r->status);
    cJSON *error = gfi_error_body(name, r->message ? r->message : name);
    ok = error && cJSON_AddItemToObject(entry, "error", error);
    if (!ok)
      cJSON_Delete(error);
  }
  if (!ok) {
    cJSON_Delete(entry);
    return NULL;
  }
  return entry;
}

typedef struct writer {
  cJSON *list;
  int ok;
} writer;

static void write_record(const gf_call_record *r, void *ctx)
{
  writer *w = ctx;
  cJSON *entry = w->ok ? record_to_json(r) : NULL;
  if (!entry || !cJSON_AddItemToArray(w->list, entry)) {
    cJSON_Delete(entry);
    w->ok = 0;
  }
}

/* The log's entries, appended to `list`.  0, or -1 when out of memory. */
static int add_log(gf_recorder *recorder, cJSON *list)
{
  writer w = {list, 1};
  return gfi_recorder_with_log(recorder, write_record, &w) == 0 && w.ok ? 0 : -1;
}

char *gf_calls_transcript(gf_recorder *recorder)
{
  cJSON *root = cJSON_CreateObject();
  cJSON *list = cJSON_CreateArray();
  int ok = root && list && cJSON_AddItemToObject(root, "transcript", list);
  if (!ok)
    cJSON_Delete(list);
  /* cJSON allocates through gf_set_allocator()'s hooks (malloc otherwise),
   * so its text is what gf_buffer_free() frees. */
  char *text = ok && add_log(recorder, list) == 0 ? cJSON_Print(root) : NULL;
  cJSON_Delete(root);
  return text;
}

/* ---- redaction ---------------------------------------------------------------- */

/* Rewrites the account field of every ARN in `s` ("arn:PARTITION:SERVICE:
 * REGION:ACCOUNT:..." with a 12-digit ACCOUNT) as `account`. */
static void redact_arns(char *s, const char *account)
{
  for (char *arn = strstr(s, "arn:"); arn; arn = strstr(arn + 4, "arn:")) {
    char *field = arn + 4;
    for (int colons = 0; colons < 3 && field; colons++) {
      field = strchr(field, ':');
      field = field ? field + 1 : NULL;
    }
    if (field && strspn(field, "0123456789") == 12 &&
        (field[12] == ':' || field[12] == '/' || field[12] == '\0' || field[12] == '"'))
      memcpy(field, account, 12);
  }
}

static void redact(cJSON *item, const char *account)
{
  for (; item; item = item->next) {
    if (cJSON_IsString(item) && item->valuestring) {
      if (item->string && strcmp(item->string, "CatalogId") == 0 &&
          gfi_valid_account_id(item->valuestring))
        memcpy(item->valuestring, account, 12);
      redact_arns(item->valuestring, account);
    }
    redact(item->child, account);
  }
}

char *gf_calls_transcript_ext(gf_recorder *recorder, const gf_transcript_options *options,
                              gf_error *err)
{
  static const gf_transcript_options defaults = GF_TRANSCRIPT_OPTIONS_INIT;
  options = options ? options : &defaults;
  if (options->version == 0 || options->version > GF_TRANSCRIPT_OPTIONS_VERSION) {
    gf_error_set(err, GF_INVALID_INPUT,
                 "transcript options version %u is not supported (this library knows 1..%d)",
                 options->version, GF_TRANSCRIPT_OPTIONS_VERSION);
    return NULL;
  }
  if (options->redact_account && !gfi_valid_account_id(options->redact_account)) {
    gf_error_set(err, GF_INVALID_INPUT, "redact account '%.40s' is not 12 digits",
                 options->redact_account);
    return NULL;
  }
  const char *source = options->append_source ? options->append_source : "<transcript>";
  cJSON *root = NULL;
  if (options->append_to) {
    /* Read as verify reads it, so that what is appended to stays verifiable. */
    gfi_transcript checked;
    if (gfi_transcript_load(options->append_to, options->append_len, source, &checked, err) !=
        GF_OK)
      return NULL;
    gfi_transcript_clear(&checked);
    root = cJSON_ParseWithLength(options->append_to, options->append_len);
  } else if ((root = cJSON_CreateObject()) && !cJSON_AddArrayToObject(root, "transcript")) {
    cJSON_Delete(root);
    root = NULL;
  }
  cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "transcript");
  char *text = NULL;
  int ok = list != NULL;
  if (ok && options->version >= 2 && options->count_dropped) {
    cJSON_DeleteItemFromObjectCaseSensitive(root, "dropped"); /* an appended-to transcript's */
    ok = cJSON_AddNumberToObject(root, "dropped", (double)gf_calls_dropped(recorder)) != NULL;
  }
  if (ok && add_log(recorder, list) == 0) {
    if (options->redact_account)
      redact(root->child, options->redact_account);
    text = cJSON_Print(root);
  }
  cJSON_Delete(root);
  if (!text)
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory writing a transcript");
  return text;
}
