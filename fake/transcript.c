/*
 * transcript.c - call logs as JSON, the replay backend, and verification of
 * a transcript against a fresh fake.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "gluefake/fixture.h"
#include "gluefake/json.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/sys/backend.h"
#include "gluefake/transcript.h"
#include "shapes.h"
#include "store.h"

/* ---- writing --------------------------------------------------------------- */

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
    gf_error e = {r->status, (char *)r->message};
    cJSON *error = gf_error_to_json(&e);
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
    gf_recorder_with_log(recorder, write_record, &w);
  /* cJSON allocates through gf_set_allocator()'s hooks (malloc otherwise),
   * so its text is what gf_buffer_free() frees. */
  char *text = w.ok ? cJSON_Print(root) : NULL;
  cJSON_Delete(root);
  return text;
}

/* ---- reading ----------------------------------------------------------------- */

/* A recorded call, its request and response normalized through the codec
 * (decoded and encoded again), so that members the C types do not carry -
 * from a newer SDK, or botocore's ResponseMetadata - are not compared. */
typedef struct entry {
  gf_operation op;
  cJSON *request;  /* owned */
  cJSON *response; /* owned; NULL for an error */
  gf_error error;
} entry;

typedef struct transcript {
  cJSON *root;
  entry *entries;
  size_t count;
} transcript;

static void transcript_clear(transcript *t)
{
  for (size_t i = 0; t->entries && i < t->count; i++) {
    gf_error_clear(&t->entries[i].error);
    cJSON_Delete(t->entries[i].request);
    cJSON_Delete(t->entries[i].response);
  }
  gf_free(t->entries);
  cJSON_Delete(t->root);
  memset(t, 0, sizeof *t);
}

static gf_status bad_entry(gf_error *err, const char *source, size_t index, const char *member,
                           const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static gf_status bad_entry(gf_error *err, const char *source, size_t index, const char *member,
                           const char *fmt, ...)
{
  char rule[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rule, sizeof rule, fmt, ap);
  va_end(ap);
  return gf_error_set(err, GF_INVALID_INPUT, "%s: transcript[%zu]%s%s: %s", source, index,
                      *member ? "." : "", member, rule);
}

/* A recorded request or response that does not decode is a malformed
 * transcript - unless decoding ran out of memory, which stays
 * InternalServiceException. */
static gf_status decode_failed(gf_error *err, const char *source, size_t index,
                               const char *member, gf_status status)
{
  if (status == GF_INTERNAL_SERVICE)
    return gf_error_set(err, status, "%s: %s", source, gf_error_message(err));
  return bad_entry(err, source, index, member, "%s", gf_error_message(err));
}

/* Loads and checks a transcript: every entry a known operation, a request
 * the codec reads, and exactly one of a response it reads or an error. */
static gf_status transcript_load(const char *json, size_t len, const char *source,
                                 transcript *t, gf_error *err)
{
  memset(t, 0, sizeof *t);
  gf_status status = gf_json_parse_document(json, len, source, &t->root, err);
  if (status != GF_OK)
    return status;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(t->root, "transcript");
  if (!cJSON_IsObject(t->root) || !cJSON_IsArray(list)) {
    transcript_clear(t);
    return gf_error_set(err, GF_INVALID_INPUT,
                        "%s: a transcript is an object {\"transcript\": [...]}", source);
  }
  size_t count = (size_t)cJSON_GetArraySize(list);
  t->entries = gf_calloc(count ? count : 1, sizeof *t->entries);
  if (!t->entries) {
    transcript_clear(t);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
  }
  const cJSON *item;
  cJSON_ArrayForEach(item, list)
  {
    size_t i = t->count++;
    entry *e = &t->entries[i];
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(item, "operation");
    const cJSON *request = cJSON_GetObjectItemCaseSensitive(item, "request");
    const cJSON *response = cJSON_GetObjectItemCaseSensitive(item, "response");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(item, "error");
    void *decoded = NULL;
    if (!cJSON_IsObject(item))
      status = bad_entry(err, source, i, "", "must be an object");
    else if (!cJSON_IsString(op) || gf_operation_from_name(op->valuestring, &e->op) != 0)
      status = bad_entry(err, source, i, "operation", "must be one of the nine operation names");
    else if (!cJSON_IsObject(request))
      status = bad_entry(err, source, i, "request", "must be an object");
    else if ((status = gf_request_from_json(e->op, request, &decoded, err)) != GF_OK)
      status = decode_failed(err, source, i, "request", status);
    else if (!response == !error)
      status = bad_entry(err, source, i, "", "must have exactly one of \"response\" and \"error\"");
    else if (!(e->request = gf_request_to_json(e->op, decoded)))
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
    gf_request_free(e->op, decoded);
    decoded = NULL;
    if (status == GF_OK && response) {
      if ((status = gf_response_from_json(e->op, response, &decoded, err)) != GF_OK)
        status = decode_failed(err, source, i, "response", status);
      else if (!(e->response = gf_response_to_json(e->op, decoded)))
        status = gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
    }
    gf_response_free(e->op, decoded);
    if (status == GF_OK && error &&
        (gf_error_from_json(error, &e->error) != 0 || e->error.status >= GF_SERIALIZATION))
      status = bad_entry(err, source, i, "error",
                         "must be {\"__type\": \"<one of the seven errors>\", \"Message\": ...}");
    if (status != GF_OK) {
      transcript_clear(t);
      return status;
    }
  }
  return GF_OK;
}

/* ---- comparing ------------------------------------------------------------------ */

typedef struct ignore_set {
  const char *const *names;
  size_t count;
} ignore_set;

static int ignored(const ignore_set *ignore, const char *name)
{
  for (size_t i = 0; ignore && i < ignore->count; i++)
    if (strcmp(ignore->names[i], name) == 0)
      return 1;
  return 0;
}

/* A short printable spelling of a value (or "absent"). */
static void show(const cJSON *value, char *out, size_t size)
{
  char *text = value ? cJSON_PrintUnformatted(value) : NULL;
  if (!value)
    snprintf(out, size, "absent");
  else if (!text)
    snprintf(out, size, "(unprintable)");
  else if (strlen(text) < size)
    snprintf(out, size, "%s", text);
  else
    snprintf(out, size, "%.*s...", (int)(size - 4), text);
  cJSON_free(text);
}

typedef struct difference {
  char path[512];
  char recorded[160], got[160];
} difference;

static int differ(const char *path, const cJSON *a, const cJSON *b, difference *d)
{
  gf_path_format(d->path, sizeof d->path, "%s", *path ? path : "(whole value)");
  show(a, d->recorded, sizeof d->recorded);
  show(b, d->got, sizeof d->got);
  return 1;
}

/* Finds the first place where `a` (recorded) and `b` differ, skipping
 * members named in `ignore`.  1 and `d` filled when they differ. */
static int json_diff(const char *path, const cJSON *a, const cJSON *b, const ignore_set *ignore,
                     difference *d)
{
  char sub[512];
  if (!a || !b || (a->type & 0xFF) != (b->type & 0xFF))
    return differ(path, a, b, d);
  if (cJSON_IsObject(a)) {
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
      if (ignored(ignore, x->string))
        continue;
      gf_path_format(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", x->string);
      if (json_diff(sub, x, cJSON_GetObjectItemCaseSensitive(b, x->string), ignore, d))
        return 1;
    }
    cJSON_ArrayForEach(x, b)
    {
      if (ignored(ignore, x->string) || cJSON_GetObjectItemCaseSensitive(a, x->string))
        continue;
      gf_path_format(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", x->string);
      return differ(sub, NULL, x, d);
    }
    return 0;
  }
  if (cJSON_IsArray(a)) {
    int n = cJSON_GetArraySize(a), m = cJSON_GetArraySize(b);
    for (int i = 0; i < n || i < m; i++) {
      gf_path_format(sub, sizeof sub, "%s[%d]", path, i);
      if (json_diff(sub, cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), ignore, d))
        return 1;
    }
    return 0;
  }
  return cJSON_Compare(a, b, 1) ? 0 : differ(path, a, b, d);
}

/* ---- the replay backend ----------------------------------------------------------- */

struct gf_replay {
  gf_generic_backend base; /* first */
  pthread_mutex_t lock;
  transcript t;
  size_t next;
  gf_error first_problem; /* GF_OK until a call differs */
};

static gf_status mismatch(gf_replay *r, gf_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reports a call that differs from the recording; the caller holds the
 * lock. */
static gf_status mismatch(gf_replay *r, gf_error *err, const char *fmt, ...)
{
  char message[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (r->first_problem.status == GF_OK)
    gf_error_set(&r->first_problem, GF_INTERNAL_SERVICE, "replay: %s", message);
  return gf_error_set(err, GF_INTERNAL_SERVICE, "replay: %s", message);
}

static gf_status replay_call(gf_generic_backend *self, gf_operation op, const void *request,
                             void **out, gf_error *err)
{
  gf_replay *r = (gf_replay *)self;
  cJSON *actual = gf_request_to_json(op, request);
  if (!actual)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "replay: out of memory");
  gf_status status;
  difference d;
  pthread_mutex_lock(&r->lock);
  size_t index = r->next++;
  const entry *e = index < r->t.count ? &r->t.entries[index] : NULL;
  if (!e)
    status = mismatch(r, err, "transcript[%zu] (%s): past the end of the transcript (%zu calls "
                      "recorded)", index, gf_operation_name(op), r->t.count);
  else if (e->op != op)
    status = mismatch(r, err, "transcript[%zu]: recorded %s, got %s", index,
                      gf_operation_name(e->op), gf_operation_name(op));
  else if (json_diff("", e->request, actual, NULL, &d))
    status = mismatch(r, err, "transcript[%zu] (%s): request differs at %s: recorded %s, got %s",
                      index, gf_operation_name(op), d.path, d.recorded, d.got);
  else if (e->response)
    status = gf_response_from_json(op, e->response, out, err);
  else
    status = gf_error_copy(err, &e->error);
  pthread_mutex_unlock(&r->lock);
  cJSON_Delete(actual);
  return status;
}

static void replay_destroy(gf_backend *self) { gf_replay_free((gf_replay *)self); }

gf_replay *gf_replay_new(const char *json, size_t len, const char *source, gf_error *err)
{
  gf_replay *r = gf_calloc(1, sizeof *r);
  if (!r) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory creating a replay");
    return NULL;
  }
  if (transcript_load(json, len, source ? source : "<transcript>", &r->t, err) != GF_OK) {
    gf_free(r);
    return NULL;
  }
  gf_generic_backend_init(&r->base, replay_call, replay_destroy);
  pthread_mutex_init(&r->lock, NULL);
  return r;
}

void gf_replay_free(gf_replay *r)
{
  if (!r)
    return;
  transcript_clear(&r->t);
  gf_error_clear(&r->first_problem);
  pthread_mutex_destroy(&r->lock);
  gf_free(r);
}

gf_backend *gf_replay_backend(gf_replay *r) { return r ? &r->base.parent : NULL; }

size_t gf_replay_remaining(gf_replay *r)
{
  pthread_mutex_lock(&r->lock);
  size_t left = r->next < r->t.count ? r->t.count - r->next : 0;
  pthread_mutex_unlock(&r->lock);
  return left;
}

gf_status gf_replay_finish(gf_replay *r, gf_error *err)
{
  gf_status status = GF_OK;
  pthread_mutex_lock(&r->lock);
  if (r->first_problem.status != GF_OK)
    status = gf_error_copy(err, &r->first_problem);
  else if (r->next < r->t.count)
    status = gf_error_set(err, GF_INTERNAL_SERVICE,
                          "replay: %zu recorded call%s not made, the first: transcript[%zu] (%s)",
                          r->t.count - r->next, r->t.count - r->next == 1 ? " was" : "s were",
                          r->next, gf_operation_name(r->t.entries[r->next].op));
  pthread_mutex_unlock(&r->lock);
  return status;
}

/* ---- verify ------------------------------------------------------------------------ */

/* Recorded NextTokens and PolicyHashes and the fake's own, so that a later
 * request quoting a recorded one is sent the fake's. */
typedef struct value_map {
  struct value_pair {
    char *from, *to;
  } *pairs;
  size_t count, cap;
} value_map;

static void map_clear(value_map *m)
{
  for (size_t i = 0; i < m->count; i++) {
    gf_free(m->pairs[i].from);
    gf_free(m->pairs[i].to);
  }
  gf_free(m->pairs);
  memset(m, 0, sizeof *m);
}

static int map_add(value_map *m, const char *from, const char *to)
{
  if (strcmp(from, to) == 0)
    return 0;
  if (gf_grow(&m->pairs, &m->cap, m->count + 1, sizeof *m->pairs, 16) != 0)
    return -1;
  char *a = gf_strdup(from), *b = gf_strdup(to);
  if (!a || !b) {
    gf_free(a);
    gf_free(b);
    return -1;
  }
  m->pairs[m->count++] = (struct value_pair){a, b};
  return 0;
}

static const char *map_find(const value_map *m, const char *from)
{
  for (size_t i = m->count; i-- > 0;)
    if (strcmp(m->pairs[i].from, from) == 0)
      return m->pairs[i].to;
  return NULL;
}

static const char *const mapped_response_members[] = {"NextToken", "PolicyHash"};
static const char *const mapped_request_members[] = {"NextToken", "PolicyHashCondition"};

static void line(gf_text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Appends one report line.  A line break inside a value is spelled \n or
 * \r, so that one mismatch is always one line. */
static void line(gf_text *t, const char *fmt, ...)
{
  size_t start = t->len;
  va_list ap;
  va_start(ap, fmt);
  gf_text_vappend(t, fmt, ap);
  va_end(ap);
  size_t breaks = 0;
  for (size_t i = start; !t->failed && i < t->len; i++)
    breaks += t->data[i] == '\n' || t->data[i] == '\r';
  if (t->failed || gf_grow(&t->data, &t->cap, t->len + breaks + 2, 1, 64) != 0) {
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
static gf_status run_entry(gf_backend *glue, const entry *e, const value_map *map,
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
  static const gf_verify_options defaults = {0};
  memset(report, 0, sizeof *report);
  options = options ? options : &defaults;
  source = source ? source : "<transcript>";
  transcript t;
  gf_status status = transcript_load(json, len, source, &t, err);
  if (status != GF_OK)
    return status;
  /* The fixture's faults only, not the environment's. */
  gf_fake *fake = gf_fake_new_isolated(NULL, err);
  if (!fake) {
    transcript_clear(&t);
    return err ? err->status : GF_INTERNAL_SERVICE;
  }
  gf_recorder_set_enabled(gf_fake_calls(fake), 0);
  if (options->fixture)
    status = gf_fake_load(fake, options->fixture, options->fixture_len,
                          options->fixture_source ? options->fixture_source : "<fixture>", err);

  ignore_set ignore = {options->ignore, options->ignore_count};
  value_map map = {0};
  gf_text text = {0};
  for (size_t i = 0; status == GF_OK && i < t.count; i++) {
    const entry *e = &t.entries[i];
    const char *op = gf_operation_name(e->op);
    cJSON *outcome = NULL;
    gf_status got = GF_OK;
    status = run_entry(gf_fake_backend(fake), e, &map, &outcome, &got, err);
    if (status != GF_OK)
      break;
    report->calls++;
    difference d;
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
      if (json_diff("", e->response, outcome, &ignore, &d)) {
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
    gf_free(text.data);
    report->calls = report->mismatches = 0;
  }
  map_clear(&map);
  gf_fake_free(fake);
  transcript_clear(&t);
  return status;
}

void gf_verify_report_clear(gf_verify_report *report)
{
  if (report) {
    gf_free(report->text);
    memset(report, 0, sizeof *report);
  }
}
