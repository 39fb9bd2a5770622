/* verify.c - a transcript re-run on a fresh fake, each outcome compared
 * with the recorded one. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h" /* before uthash.h: its allocator and HASH_NONFATAL_OOM */
#include "gluefake/fixture.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "gluefake/transcript.h"
#include "json_diff.h"
#include "transcript_read.h"
#include <uthash.h>

/* Recorded NextTokens and PolicyHashes and the fake's own, so that a later
 * request quoting a recorded one is sent the fake's.  A hash table: a
 * request may quote a value mapped long before (a page revisited), and a
 * list searched from its end made verify quadratic in the mapped values
 * (80,000 pages listed there and back: 25 s, 1.5 s with this table). */
typedef struct mapped_value {
  UT_hash_handle hh;
  char *to;
  char from[]; /* the key */
} mapped_value;

typedef struct value_map {
  mapped_value *table;
} value_map;

static void map_clear(value_map *m)
{
  mapped_value *v, *tmp;
  HASH_ITER(hh, m->table, v, tmp)
  {
    HASH_DEL(m->table, v);
    gfi_free(v->to);
    gfi_free(v);
  }
}

/* Maps `from` to `to`, the later mapping of a value replacing the earlier
 * one; a value the fake gave back unchanged keeps what it had.  0, or -1
 * when out of memory (the map stays as it was, whole). */
static int map_add(value_map *m, const char *from, const char *to)
{
  if (strcmp(from, to) == 0)
    return 0;
  char *copy = gfi_strdup(to);
  if (!copy)
    return -1;
  size_t len = strlen(from);
  mapped_value *v;
  HASH_FIND(hh, m->table, from, len, v);
  if (v) {
    gfi_free(v->to);
    v->to = copy;
    return 0;
  }
  if (!(v = gfi_malloc(sizeof *v + len + 1))) {
    gfi_free(copy);
    return -1;
  }
  memcpy(v->from, from, len + 1);
  v->to = copy;
  HASH_ADD_KEYPTR(hh, m->table, v->from, len, v);
  if (!v->hh.tbl) { /* uthash ran out of memory: v is in no table */
    gfi_free(v->to);
    gfi_free(v);
    return -1;
  }
  return 0;
}

static const char *map_find(const value_map *m, const char *from)
{
  mapped_value *v;
  HASH_FIND_STR(m->table, from, v);
  return v ? v->to : NULL;
}

static const char *const mapped_response_members[] = {"NextToken", "PolicyHash"};
static const char *const mapped_request_members[] = {"NextToken", "PolicyHashCondition"};

static void line(gfi_text *t, const char *fmt, ...) GF_PRINTF(2, 3);

/* Appends one report line.  A line break inside a value is spelled \n or
 * \r, so that one mismatch is always one line. */
static void line(gfi_text *t, const char *fmt, ...)
{
  size_t start = t->len;
  va_list ap;
  va_start(ap, fmt);
  gfi_text_vappend(t, fmt, ap);
  va_end(ap);
  size_t breaks = 0;
  for (size_t i = start; !t->failed && i < t->len; i++)
    breaks += t->data[i] == '\n' || t->data[i] == '\r';
  if (t->failed || gfi_grow(&t->data, &t->cap, t->len + breaks + 2, 1, 64) != 0) {
    t->failed = 1;
    return;
  }
  size_t end = t->len + breaks;
  for (size_t from = t->len, to = end; breaks && from-- > start;) {
    char c = t->data[from];
    if (c == '\n' || c == '\r') {
      t->data[--to] = c == '\n' ? 'n' : 'r';
      t->data[--to] = '\\';
      breaks--;
    } else {
      t->data[--to] = c;
    }
  }
  t->data[end] = '\n';
  t->data[end + 1] = '\0';
  t->len = end + 1;
}

/* Runs one recorded request on the fake; *outcome is the response JSON or
 * the error JSON. */
static gf_status run_entry(gf_backend *glue, const gfi_transcript_entry *e, const value_map *map,
                           cJSON **outcome, gf_status *status, gf_error *err)
{
  cJSON *request = cJSON_Duplicate(e->request, 1);
  if (!request)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "verify: out of memory");
  for (size_t k = 0; k < sizeof mapped_request_members / sizeof *mapped_request_members; k++) {
    cJSON *member = cJSON_GetObjectItemCaseSensitive(request, mapped_request_members[k]);
    const char *to = cJSON_IsString(member) ? map_find(map, member->valuestring) : NULL;
    if (to && !cJSON_ReplaceItemInObjectCaseSensitive(request, mapped_request_members[k],
                                                      cJSON_CreateString(to))) {
      cJSON_Delete(request);
      return gf_error_set(err, GF_INTERNAL_SERVICE, "verify: out of memory");
    }
  }
  void *typed = NULL, *response = NULL;
  gf_error call_err = GF_ERROR_INIT;
  gf_status decoded = gf_request_from_json(e->op, request, &typed, err);
  cJSON_Delete(request);
  if (decoded != GF_OK)
    return decoded;
  *status = gf_call(glue, e->op, typed, &response, &call_err);
  gf_request_free(e->op, typed);
  *outcome = *status == GF_OK ? gf_response_to_json(e->op, response) : gf_error_to_json(&call_err);
  gf_response_free(e->op, response);
  gf_error_clear(&call_err);
  return *outcome ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "verify: out of memory");
}

gf_status gf_transcript_verify(const char *json, size_t len, const char *source,
                               const gf_verify_options *options, gf_verify_report *report,
                               gf_error *err)
{
  static const gf_verify_options defaults = GF_VERIFY_OPTIONS_INIT;
  memset(report, 0, sizeof *report);
  options = options ? options : &defaults;
  if (options->version == 0 || options->version > GF_VERIFY_OPTIONS_VERSION)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "verify: options version %u is not supported (this library knows 1..%d)",
                        options->version, GF_VERIFY_OPTIONS_VERSION);
  gf_backend *backend = options->version >= 2 ? options->backend : NULL;
  if (backend && options->fixture)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "verify: a fixture is loaded into a fresh fake, not into a backend of "
                        "your own");
  source = source ? source : "<transcript>";
  gfi_transcript t;
  gf_status status = gfi_transcript_load(json, len, source, &t, err);
  if (status != GF_OK)
    return status;
  gf_fake *fake = NULL;
  if (!backend) {
    /* The fixture's faults only, not the environment's. */
    gf_fake_options fake_options = GF_FAKE_OPTIONS_INIT;
    fake_options.ignore_environment = 1;
    if (!(fake = gf_fake_new_ext(&fake_options, err))) {
      gfi_transcript_clear(&t);
      return err ? err->status : GF_INTERNAL_SERVICE;
    }
    gf_recorder_set_enabled(gf_fake_calls(fake), 0);
    backend = gf_fake_backend(fake);
    if (options->fixture)
      status = gf_fake_load(fake, options->fixture, options->fixture_len,
                            options->fixture_source ? options->fixture_source : "<fixture>", err);
  }

  gfi_ignore_set ignore = {options->ignore, options->ignore_count};
  value_map map = {NULL};
  gfi_text text = {0};
  for (size_t i = 0; status == GF_OK && i < t.count; i++) {
    const gfi_transcript_entry *e = &t.entries[i];
    const char *op = gf_operation_name(e->op);
    cJSON *outcome = NULL;
    gf_status got = GF_OK;
    status = run_entry(backend, e, &map, &outcome, &got, err);
    if (status != GF_OK)
      break;
    report->calls++;
    gfi_difference d;
    int differs = 0;
    if (e->response && got == GF_OK) {
      for (size_t k = 0; k < sizeof mapped_response_members / sizeof *mapped_response_members;
           k++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(e->response, mapped_response_members[k]);
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(outcome, mapped_response_members[k]);
        if (cJSON_IsString(a) && cJSON_IsString(b) &&
            map_add(&map, a->valuestring, b->valuestring) != 0)
          status = gf_error_set(err, GF_INTERNAL_SERVICE, "verify: out of memory");
      }
      if (gfi_json_diff("", e->response, outcome, &ignore, &d)) {
        differs = 1;
        line(&text, "transcript[%zu] (%s): response differs at %s: recorded %s, got %s", i, op,
             d.path, d.recorded, d.got);
      }
    } else if (e->response) {
      differs = 1;
      line(&text, "transcript[%zu] (%s): recorded success, got %s: %s", i, op,
           gf_status_name(got), cJSON_GetObjectItemCaseSensitive(outcome, "Message")->valuestring);
    } else if (got == GF_OK) {
      differs = 1;
      line(&text, "transcript[%zu] (%s): recorded %s, got success", i, op,
           gf_status_name(e->error.status));
    } else {
      const char *message = cJSON_GetObjectItemCaseSensitive(outcome, "Message")->valuestring;
      if (got != e->error.status) {
        differs = 1;
        line(&text, "transcript[%zu] (%s): recorded %s, got %s: %s", i, op,
             gf_status_name(e->error.status), gf_status_name(got), message);
      } else if (options->compare_messages && strcmp(message, gf_error_message(&e->error))) {
        differs = 1;
        line(&text, "transcript[%zu] (%s): error message differs: recorded \"%s\", got \"%s\"", i,
             op, gf_error_message(&e->error), message);
      }
    }
    report->mismatches += differs;
    cJSON_Delete(outcome);
  }
  if (status == GF_OK && text.failed)
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "verify: out of memory");
  if (status == GF_OK) {
    report->text = text.data;
  } else {
    gfi_free(text.data);
    report->calls = report->mismatches = 0;
  }
  map_clear(&map);
  gf_fake_free(fake);
  gfi_transcript_clear(&t);
  return status;
}

void gf_verify_report_clear(gf_verify_report *report)
{
  if (report) {
    gfi_free(report->text);
    memset(report, 0, sizeof *report);
  }
}
