/*
 * fuzz_nexttoken.c - libFuzzer target for NextToken decoding:
 * GetSecurityConfigurations with the input as NextToken, on a fake holding
 * 150 configurations created in order, 82 of them deleted since (so that
 * the listing order was compacted once and still has tombstones, the last
 * configuration created among the deleted).
 *
 * Byte 0 of the input:
 *   bits 0-1  how the rest is sent:
 *             0  as the NextToken of a typed call (inputs with a NUL byte
 *                are skipped);
 *             1  as a JSON string in a gf_json_dispatch body, every byte
 *                that needs it escaped (\u00XX; bit 5: every ASCII byte
 *                escaped), bytes >= 0x80 raw;
 *             2  raw between the quotes of a JSON body (so it may break
 *                the JSON: SerializationException is then allowed too);
 *             3  as a cursor (up to 8 bytes, big-endian) that the harness
 *                turns into a well-formed token with the store's own
 *                encoder (gfi_store_token_encode, internal): a "forged" but
 *                valid-looking token for any position, deleted ones and
 *                ones past the end included.
 *   bits 2-4  MaxResults: absent, 1, 2, 3, 5, 10, 100, 1000.
 *
 * The only outcomes allowed are InvalidInputException and OK (and, for
 * mode 2, SerializationException).  On OK the page must be consistent: the
 * items are the live configurations in creation order, starting right
 * after the token's cursor, as many as MaxResults allows; NextToken is
 * present exactly when more follow, and decodes to the last item's
 * position; following it returns exactly the rest.  In mode 3 a cursor
 * below the store's next sequence number must be accepted, any other
 * refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define FUZZ_TARGET "fuzz_nexttoken"
#include "common.h"
#include "double/fake_impl.h" /* internal: the store and its token encoder, for forged tokens */

#define CREATED 150

static gf_fake *fake;
static char names[CREATED][16];
static size_t live[CREATED]; /* indexes (= sequence numbers) of live configurations */
static size_t live_count;

static int deleted(size_t i) { return (i % 3 != 0 && i < 120) || i == 131 || i == CREATED - 1; }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  gf_error err = GF_ERROR_INIT;
  fake = fuzz_fake_on_clock(NULL, 1);
  gf_backend *glue = gf_fake_backend(fake);
  gf_encryption_configuration none = {NULL, 0, NULL, NULL, NULL};
  for (size_t i = 0; i < CREATED; i++) {
    snprintf(names[i], sizeof names[i], "cfg-%03zu", i);
    gf_create_security_configuration_request req = {names[i], &none};
    CHECK(gf_create_security_configuration(glue, &req, NULL, &err) == GF_OK, "%s",
          gf_error_message(&err));
  }
  for (size_t i = 0; i < CREATED; i++) {
    if (deleted(i)) {
      gf_delete_security_configuration_request req = {names[i]};
      CHECK(gf_delete_security_configuration(glue, &req, NULL, &err) == GF_OK, "%s",
            gf_error_message(&err));
    } else {
      live[live_count++] = i;
    }
  }
  CHECK(gf_fake_security_configuration_count(fake) == live_count, "count");
  /* Listing does not change the store; with the log off, runs share nothing. */
  gf_recorder_set_enabled(gf_fake_calls(fake), 0);
  return 0;
}

/* ---- the store's token codec (internal) ---------------------------------- */

typedef struct token_ctx {
  uint64_t cursor;
  const char *token;
  char out[GF_HASH_SIZE];
  int ok;
} token_ctx;

static void encode_in_store(gfi_store *store, void *ctx)
{
  token_ctx *t = ctx;
  gfi_store_token_encode(store, t->cursor, t->out);
}

static void decode_in_store(gfi_store *store, void *ctx)
{
  token_ctx *t = ctx;
  t->ok = gfi_store_token_decode(store, t->token, &t->cursor) == 0;
}

/* The cursor a token stands for, or -1 when the store refuses it. */
static int decode(const char *token, uint64_t *cursor)
{
  token_ctx t = {0, token, {0}, 0};
  gfi_fake_with_store(fake, decode_in_store, &t);
  *cursor = t.cursor;
  return t.ok ? 0 : -1;
}

/* ---- the page invariants ------------------------------------------------- */

/* First live position after `cursor`. */
static size_t start_after(uint64_t cursor)
{
  size_t s = 0;
  while (s < live_count && live[s] <= cursor)
    s++;
  return s;
}

static char *list_rest(const char *token, size_t *count)
{
  gf_get_security_configurations_request req = {true, 1000, token};
  gf_get_security_configurations_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  CHECK(gf_get_security_configurations(gf_fake_backend(fake), &req, &resp, &err) == GF_OK,
        "following a NextToken the fake issued failed: %s", gf_error_message(&err));
  CHECK(!resp->next_token, "a page of 1000 of %zu configurations has a NextToken", live_count);
  *count = resp->security_configurations_count;
  char *first = *count ? strdup(resp->security_configurations[0].name) : NULL;
  gf_get_security_configurations_response_free(resp);
  return first;
}

/* `n` names and the NextToken of an OK page for a request whose token
 * stands for `cursor` (UINT64_MAX-free; `from_start` for no token). */
static void check_page(const char *const *got, size_t n, const char *next, int from_start,
                       uint64_t cursor, size_t max)
{
  size_t s = from_start ? 0 : start_after(cursor);
  size_t expected = live_count - s < max ? live_count - s : max;
  CHECK(n == expected, "page of %zu items, expected %zu (start %zu, max %zu)", n, expected, s,
        max);
  for (size_t i = 0; i < n; i++)
    CHECK(got[i] && strcmp(got[i], names[live[s + i]]) == 0,
          "item %zu is '%s', expected '%s' (creation order from position %zu)", i,
          got[i] ? got[i] : "(null)", names[live[s + i]], s);
  int more = s + n < live_count;
  CHECK(!next == !more, "NextToken %s but %s", next ? "present" : "absent",
        more ? "more follow" : "none follow");
  if (next) {
    uint64_t c;
    CHECK(decode(next, &c) == 0, "the fake refuses its own NextToken '%s'", next);
    CHECK(n > 0 && c == live[s + n - 1], "NextToken '%s' points at %llu, last item is %zu",
          next, (unsigned long long)c, n ? live[s + n - 1] : 0);
    size_t rest = 0;
    char *first = list_rest(next, &rest);
    CHECK(rest == live_count - s - n, "following NextToken gave %zu, expected %zu", rest,
          live_count - s - n);
    CHECK(first && strcmp(first, names[live[s + n]]) == 0, "the next page starts at %s, not %s",
          first ? first : "(null)", names[live[s + n]]);
    free(first);
  }
}

static void check_typed(const char *token, int has_max, size_t max, int forged,
                        uint64_t forged_cursor)
{
  gf_get_security_configurations_request req = {has_max != 0, (int64_t)max, token};
  gf_get_security_configurations_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_get_security_configurations(gf_fake_backend(fake), &req, &resp, &err);
  CHECK(status == GF_OK || status == GF_INVALID_INPUT, "NextToken gave %s: %s",
        gf_status_name(status), gf_error_message(&err));
  uint64_t cursor = 0;
  int decodes = decode(token, &cursor) == 0;
  if (forged)
    CHECK((status == GF_OK) == (forged_cursor < CREATED),
          "a well-formed token for cursor %llu gave %s: %s",
          (unsigned long long)forged_cursor, gf_status_name(status), gf_error_message(&err));
  CHECK((status == GF_OK) == decodes, "listing says %s, the token decoder says %s",
        gf_status_name(status), decodes ? "valid" : "invalid");
  if (status == GF_OK) {
    const char *got[1000];
    for (size_t i = 0; i < resp->security_configurations_count && i < 1000; i++)
      got[i] = resp->security_configurations[i].name;
    check_page(got, resp->security_configurations_count, resp->next_token, 0, cursor,
               has_max ? max : 100);
  }
  gf_get_security_configurations_response_free(resp);
  gf_error_clear(&err);
}

/* ---- JSON bodies ------------------------------------------------------- */

static char *json_body(const uint8_t *data, size_t size, int mode, int escape_all, int has_max,
                       size_t max)
{
  char *body = malloc(size * 6 + 64), *p = body;
  p += sprintf(p, "{\"NextToken\":\"");
  for (size_t i = 0; i < size; i++) {
    uint8_t c = data[i];
    if (mode == 2 || (c >= 0x80) ||
        (!escape_all && c >= 0x20 && c != '"' && c != '\\'))
      *p++ = (char)c;
    else
      p += sprintf(p, "\\u%04x", c);
  }
  p += sprintf(p, "\"");
  if (has_max)
    p += sprintf(p, ",\"MaxResults\":%zu", max);
  sprintf(p, "}");
  return body;
}

static void check_json(const uint8_t *data, size_t size, int mode, int escape_all, int has_max,
                       size_t max)
{
  char *body = json_body(data, size, mode, escape_all, has_max, max);
  gf_json_reply reply;
  int rc = gf_json_dispatch(gf_fake_backend(fake),
                            gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATIONS), body,
                            strlen(body), &reply);
  CHECK(rc == 0 && reply.body, "dispatch rc %d", rc);
  CHECK(reply.status == GF_OK || reply.status == GF_INVALID_INPUT ||
            (mode == 2 && reply.status == GF_SERIALIZATION),
        "NextToken in JSON gave %s: %s", gf_status_name(reply.status), reply.body);
  if (reply.status == GF_OK) {
    /* the token the fake saw, as cJSON reads the body */
    cJSON *req = cJSON_Parse(body);
    CHECK(req, "an OK request body that cJSON cannot parse: %s", body);
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(req, "NextToken");
    CHECK(cJSON_IsString(token), "NextToken is not a string in %s", body);
    uint64_t cursor;
    CHECK(decode(token->valuestring, &cursor) == 0, "OK for a token the decoder refuses: %s",
          body);
    cJSON *resp = cJSON_Parse(reply.body);
    CHECK(resp, "reply is not JSON: %s", reply.body);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(resp, "SecurityConfigurations");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(resp, "NextToken");
    CHECK(cJSON_IsArray(items), "no SecurityConfigurations in %s", reply.body);
    const char *got[1000];
    size_t n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, items)
    {
      const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "Name");
      if (n < 1000)
        got[n++] = cJSON_IsString(name) ? name->valuestring : NULL;
    }
    CHECK(!next || cJSON_IsString(next), "NextToken is not a string in %s", reply.body);
    check_page(got, n, next ? next->valuestring : NULL, 0, cursor, has_max ? max : 100);
    cJSON_Delete(resp);
    cJSON_Delete(req);
  }
  gf_json_reply_clear(&reply);
  free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const size_t maxes[8] = {0, 1, 2, 3, 5, 10, 100, 1000};
  if (size < 1)
    return 0;
  int mode = data[0] & 3;
  size_t max = maxes[(data[0] >> 2) & 7];
  int has_max = max != 0, escape_all = (data[0] & 0x20) != 0;
  data++;
  size--;

  if (mode == 3) {
    uint64_t cursor = 0;
    for (size_t i = 0; i < size && i < 8; i++)
      cursor = cursor << 8 | data[i];
    token_ctx t = {cursor, NULL, {0}, 0};
    gfi_fake_with_store(fake, encode_in_store, &t);
    check_typed(t.out, has_max, max, 1, cursor);
  } else if (mode == 0) {
    if (memchr(data, '\0', size))
      return 0;
    char *token = malloc(size + 1);
    memcpy(token, data, size);
    token[size] = '\0';
    check_typed(token, has_max, max, 0, 0);
    free(token);
  } else {
    check_json(data, size, mode, escape_all, has_max, max);
  }
  return 0;
}
