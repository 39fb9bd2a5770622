/* transcript_write.c - the call log written as a transcript. */
#include "core/codec.h"
#include "decorators.h"
#include "gluefake/json.h"
#include "gluefake/transcript.h"

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

char *gf_calls_transcript(gf_recorder *recorder)
{
  cJSON *root = cJSON_CreateObject();
  writer w = {cJSON_CreateArray(), 1};
  w.ok = root && w.list && cJSON_AddItemToObject(root, "transcript", w.list);
  if (!w.ok)
    cJSON_Delete(w.list);
  else
    gfi_recorder_with_log(recorder, write_record, &w);
  /* cJSON allocates through gf_set_allocator()'s hooks (malloc otherwise),
   * so its text is what gf_buffer_free() frees. */
  char *text = w.ok ? cJSON_Print(root) : NULL;
  cJSON_Delete(root);
  return text;
}
