/* fault_parse.c - the fault spec grammar (see gluefake/faults.h), parsed
 * into rules, with the column and what was expected when it does not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "fault_spec.h"
#include "gluefake/sys/backend.h"

#define MAX_DELAY_MS 600000

void gfi_fault_rule_clear(fault_rule *rule)
{
  for (size_t i = 0; i < rule->term_count; i++)
    gfi_free(rule->terms[i].message);
  gfi_free(rule->terms);
  gfi_free(rule->value);
  gfi_free(rule->target);
  memset(rule, 0, sizeof *rule);
}

void gfi_fault_spec_clear(fault_spec *spec)
{
  for (size_t i = 0; i < spec->rule_count; i++)
    gfi_fault_rule_clear(&spec->rules[i]);
  gfi_free(spec->rules);
  memset(spec, 0, sizeof *spec);
}

typedef struct parser {
  const char *text;
  size_t pos;
  gf_error *err; /* may be NULL */
  gf_status failed; /* the first failure's; GF_OK while none */
} parser;

static gf_status parse_error(parser *p, size_t at, const char *expected)
{
  if (!p->failed) {
    gf_error_set(p->err, GF_INVALID_INPUT, "fault spec: column %zu: expected %s", at + 1,
                 expected);
    p->failed = GF_INVALID_INPUT;
  }
  return GF_INVALID_INPUT;
}

static gf_status parse_oom(parser *p)
{
  if (!p->failed) {
    gf_error_set(p->err, GF_INTERNAL_SERVICE, "fault spec: out of memory");
    p->failed = GF_INTERNAL_SERVICE;
  }
  return GF_INTERNAL_SERVICE;
}

static char peek(const parser *p) { return p->text[p->pos]; }

static void skip_spaces(parser *p)
{
  while (peek(p) == ' ' || peek(p) == '\t')
    p->pos++;
}

static int is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads [A-Za-z][A-Za-z0-9]*; returns its length (0 when none). */
static size_t identifier(const parser *p)
{
  size_t n = 0;
  if (!is_alpha(p->text[p->pos]))
    return 0;
  while (is_alpha(p->text[p->pos + n]) || is_digit(p->text[p->pos + n]))
    n++;
  return n;
}

static int accept(parser *p, const char *token)
{
  size_t len = strlen(token);
  if (strncmp(p->text + p->pos, token, len) != 0)
    return 0;
  p->pos += len;
  return 1;
}

/* An unsigned decimal integer no larger than `max`. */
static int parse_uint(parser *p, uint64_t max, uint64_t *out)
{
  if (!is_digit(peek(p)))
    return -1;
  uint64_t v = 0;
  while (is_digit(peek(p))) {
    unsigned d = (unsigned)(peek(p) - '0');
    if (v > (max - d) / 10)
      return -1;
    v = v * 10 + d;
    p->pos++;
  }
  *out = v;
  return 0;
}

int gfi_fault_injectable(gf_status status)
{
  gf_error_kind kind = gf_status_kind(status);
  return kind == GF_ERROR_MODELLED || kind == GF_ERROR_SERVICE || kind == GF_ERROR_AUTH;
}

/* "an error name (AlreadyExists, ...)": the injectable names of the error
 * table, without their "Exception". */
static gf_status expected_error_name(parser *p, size_t at)
{
  char expected[1024];
  size_t n = (size_t)snprintf(expected, sizeof expected, "an error name (");
  for (int s = GF_OK + 1; s < GF_STATUS_COUNT && n < sizeof expected; s++) {
    if (!gfi_fault_injectable((gf_status)s))
      continue;
    const char *name = gf_status_name((gf_status)s);
    const char *suffix = strstr(name, "Exception");
    int len = suffix ? (int)(suffix - name) : (int)strlen(name);
    n += (size_t)snprintf(expected + n, sizeof expected - n, "%s%.*s",
                          n > strlen("an error name (") ? ", " : "", len, name);
  }
  if (n < sizeof expected)
    snprintf(expected + n, sizeof expected - n, ")");
  return parse_error(p, at, expected);
}

static gf_status parse_error_name(parser *p, gf_status *status)
{
  size_t at = p->pos, n = identifier(p);
  char name[64];
  if (n == 0 || n >= sizeof name)
    return expected_error_name(p, at);
  memcpy(name, p->text + at, n);
  name[n] = '\0';
  if (gf_status_from_name(name, status) != 0 || !gfi_fault_injectable(*status))
    return expected_error_name(p, at);
  p->pos += n;
  return GF_OK;
}

/* Copies the text up to (not including) `stop` into *out and consumes the
 * stop character. */
static gf_status parse_text_until(parser *p, char stop, char **out)
{
  const char *end = strchr(p->text + p->pos, stop);
  if (!end) {
    char expected[16];
    snprintf(expected, sizeof expected, "'%c'", stop);
    return parse_error(p, strlen(p->text), expected);
  }
  *out = gfi_strndup(p->text + p->pos, (size_t)(end - (p->text + p->pos)));
  if (!*out)
    return parse_oom(p);
  p->pos = (size_t)(end - p->text) + 1;
  return GF_OK;
}

/* Whether the identifier at the parser is `word` (and not a longer one). */
static int accept_word(parser *p, const char *word)
{
  size_t len = strlen(word);
  if (identifier(p) != len || strncmp(p->text + p->pos, word, len) != 0)
    return 0;
  p->pos += len;
  return 1;
}

static gf_status parse_action(parser *p, fault_term *term)
{
  size_t at = p->pos;
  if (accept(p, "applied(")) {
    term->action = ACT_APPLIED;
    if (accept_word(p, "reset")) {
      term->error = GF_TRANSPORT;
      term->wire = GFI_WIRE_RESET;
    } else if (parse_error_name(p, &term->error) != GF_OK) {
      return GF_INVALID_INPUT;
    }
    return accept(p, ")") ? GF_OK : parse_error(p, p->pos, "')'");
  }
  if (accept(p, "delay(")) {
    uint64_t ms;
    size_t num_at = p->pos;
    if (parse_uint(p, MAX_DELAY_MS, &ms) != 0)
      return parse_error(p, num_at, "milliseconds, an integer from 0 to 600000");
    term->action = ACT_DELAY;
    term->delay_ms = (unsigned)ms;
    return accept(p, ")") ? GF_OK : parse_error(p, p->pos, "')'");
  }
  if (accept(p, "http(")) {
    uint64_t status;
    size_t num_at = p->pos;
    if (parse_uint(p, 999, &status) != 0 || status < 500 || status > 599)
      return parse_error(p, num_at, "an HTTP status from 500 to 599");
    term->action = ACT_ERROR;
    term->error = GF_SERVICE_UNAVAILABLE;
    term->wire = GFI_WIRE_HTTP;
    term->http_status = (unsigned)status;
    return accept(p, ")") ? GF_OK : parse_error(p, p->pos, "')'");
  }
  if (accept_word(p, "off")) {
    term->action = ACT_OFF;
    return GF_OK;
  }
  if (accept_word(p, "reset")) {
    term->action = ACT_ERROR;
    term->error = GF_TRANSPORT;
    term->wire = GFI_WIRE_RESET;
    return GF_OK;
  }
  if (accept_word(p, "truncate")) {
    term->action = ACT_APPLIED;
    term->error = GF_TRANSPORT;
    term->wire = GFI_WIRE_TRUNCATE;
    return GF_OK;
  }
  if (identifier(p) == 0)
    return parse_error(p, at,
                       "an action: 'off', an error name, 'applied(', 'delay(', 'reset', "
                       "'truncate' or 'http('");
  term->action = ACT_ERROR;
  if (parse_error_name(p, &term->error) != GF_OK)
    return GF_INVALID_INPUT;
  if (accept(p, "("))
    return parse_text_until(p, ')', &term->message);
  return GF_OK;
}

static gf_status parse_term(parser *p, fault_term *term)
{
  if (is_digit(peek(p)) || peek(p) == '.') {
    size_t at = p->pos;
    char *end;
    errno = 0;
    double number = strtod(p->text + at, &end);
    /* strtod takes more than we allow (exponents, hex, inf): digits [. digits] only. */
    size_t len = 0;
    while (is_digit(p->text[at + len]))
      len++;
    int fraction = p->text[at + len] == '.';
    if (fraction) {
      len++;
      while (is_digit(p->text[at + len]))
        len++;
    }
    if (len == 0 || (size_t)(end - (p->text + at)) < len || errno)
      return parse_error(p, at, "a number");
    p->pos = at + len;
    if (accept(p, "%")) {
      if (!(number > 0 && number <= 100))
        return parse_error(p, at, "a percentage greater than 0 and at most 100");
      term->pct = number;
      if (is_digit(peek(p))) {
        size_t count_at = p->pos;
        if (parse_uint(p, UINT64_MAX, &term->count) != 0 || term->count == 0)
          return parse_error(p, count_at, "a positive integer count");
        if (!accept(p, "*"))
          return parse_error(p, p->pos, "'*' after a count");
      }
    } else if (peek(p) == '*') {
      p->pos = at;
      if (fraction || parse_uint(p, UINT64_MAX, &term->count) != 0 || term->count == 0)
        return parse_error(p, at, "a positive integer count");
      p->pos++;
    } else {
      return parse_error(p, p->pos, "'%' or '*' after a number");
    }
  }
  return parse_action(p, term);
}

/* Appends a zeroed element to the array at `*array` (`*count` elements of
 * `size` bytes; specs are short, so it grows one at a time) and returns it;
 * NULL when out of memory (the array unchanged). */
static void *append_zeroed(void *array, size_t *count, size_t size)
{
  void **slot = array;
  char *grown = gfi_realloc(*slot, (*count + 1) * size);
  if (!grown)
    return NULL;
  *slot = grown;
  memset(grown + *count * size, 0, size);
  return grown + (*count)++ * size;
}

static gf_status parse_chain(parser *p, fault_rule *rule)
{
  for (;;) {
    fault_term *term = append_zeroed(&rule->terms, &rule->term_count, sizeof *term);
    if (!term)
      return parse_oom(p);
    if (parse_term(p, term) != GF_OK)
      return GF_INVALID_INPUT;
    skip_spaces(p);
    if (!accept(p, "->"))
      return GF_OK;
    skip_spaces(p);
  }
}

static const gfi_member *string_member(gf_operation op, const char *name, size_t len)
{
  const gfi_shape *shape = gfi_request_shapes[op];
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    if (m->kind == GF_KIND_STRING && strlen(m->wire) == len && strncmp(m->wire, name, len) == 0)
      return m;
  }
  return NULL;
}

static gf_status parse_target(parser *p, fault_rule *rule)
{
  size_t at = p->pos;
  if (accept(p, "*")) {
    rule->any_operation = 1;
    rule->target = gfi_strdup("*");
    return rule->target ? GF_OK : parse_oom(p);
  }
  size_t n = identifier(p);
  char name[64];
  if (n == 0 || n >= sizeof name)
    return parse_error(p, at, "an operation name, '*' or 'seed='");
  memcpy(name, p->text + at, n);
  name[n] = '\0';
  if (gf_operation_from_name(name, &rule->op) != 0)
    return parse_error(p, at, "one of the ten operation names, '*' or 'seed='");
  p->pos += n;
  if (!accept(p, "[")) {
    rule->target = gfi_strdup(name);
    return rule->target ? GF_OK : parse_oom(p);
  }
  skip_spaces(p);
  size_t member_at = p->pos, member_len = identifier(p);
  rule->member = string_member(rule->op, p->text + member_at, member_len);
  if (!rule->member) {
    char expected[160];
    const gfi_shape *shape = gfi_request_shapes[rule->op];
    int k = snprintf(expected, sizeof expected, "a string member of %s (", name);
    for (size_t i = 0, first = 1; i < shape->member_count && k > 0 && (size_t)k < sizeof expected;
         i++)
      if (shape->members[i].kind == GF_KIND_STRING) {
        k += snprintf(expected + k, sizeof expected - (size_t)k, "%s%s", first ? "" : ", ",
                      shape->members[i].wire);
        first = 0;
      }
    if (k > 0 && (size_t)k < sizeof expected)
      snprintf(expected + k, sizeof expected - (size_t)k, ")");
    return parse_error(p, member_at, expected);
  }
  p->pos += member_len;
  skip_spaces(p);
  if (!accept(p, "="))
    return parse_error(p, p->pos, "'=' after the member name");
  skip_spaces(p);
  if (parse_text_until(p, ']', &rule->value) != GF_OK)
    return GF_INVALID_INPUT;
  size_t len = strlen(name) + strlen(rule->member->wire) + strlen(rule->value) + 4;
  if (!(rule->target = gfi_malloc(len)))
    return parse_oom(p);
  snprintf(rule->target, len, "%s[%s=%s]", name, rule->member->wire, rule->value);
  return GF_OK;
}

int gfi_fault_same_target(const fault_rule *a, const fault_rule *b)
{
  return strcmp(a->target, b->target) == 0;
}

static gf_status parse_item(parser *p, fault_spec *spec)
{
  size_t at = p->pos;
  if (accept(p, "seed")) {
    skip_spaces(p);
    if (!accept(p, "="))
      return parse_error(p, p->pos, "'=' after 'seed'");
    skip_spaces(p);
    if (spec->has_seed)
      return parse_error(p, at, "one 'seed=' at most");
    size_t number_at = p->pos;
    if (parse_uint(p, UINT64_MAX, &spec->seed) != 0)
      return parse_error(p, number_at, "an unsigned 64-bit integer seed");
    spec->has_seed = 1;
    return GF_OK;
  }
  fault_rule *rule = append_zeroed(&spec->rules, &spec->rule_count, sizeof *rule);
  if (!rule)
    return parse_oom(p);
  if (parse_target(p, rule) != GF_OK)
    return GF_INVALID_INPUT;
  for (size_t i = 0; i + 1 < spec->rule_count; i++)
    if (gfi_fault_same_target(&spec->rules[i], rule))
      return parse_error(p, at, "a target not already given a rule in this spec");
  skip_spaces(p);
  if (!accept(p, "="))
    return parse_error(p, p->pos, "'=' after the target");
  skip_spaces(p);
  return parse_chain(p, rule);
}

/* Skips spaces, tabs and line breaks. */
static void skip_blank(parser *p)
{
  while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\n' || peek(p) == '\r')
    p->pos++;
}

gf_status gfi_fault_spec_parse(const char *text, fault_spec *spec, gf_error *err)
{
  parser p = {text ? text : "", 0, err, GF_OK};
  skip_blank(&p);
  while (peek(&p) != '\0') {
    if (parse_item(&p, spec) != GF_OK)
      break;
    skip_spaces(&p);
    if (peek(&p) == '\0')
      break;
    if (peek(&p) == '\n' || peek(&p) == '\r') { /* items on lines of their own */
      skip_blank(&p);
      continue;
    }
    if (!accept(&p, ";")) {
      parse_error(&p, p.pos, "';', a new line or the end of the spec");
      break;
    }
    skip_blank(&p);
    if (peek(&p) == '\0')
      parse_error(&p, p.pos, "a rule or 'seed=' after ';'");
  }
  if (p.failed) {
    gfi_fault_spec_clear(spec);
    return p.failed;
  }
  return GF_OK;
}
