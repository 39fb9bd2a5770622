/*
 * faults.c - the fault spec parser and the fault injector (a decorator
 * that fails, delays or "applies then fails" calls of its inner backend).
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "gluefake/faults.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/sys/backend.h"
#include "shapes.h"
#include "store.h"

#define MAX_DELAY_MS 600000

typedef enum action_kind { ACT_OFF, ACT_ERROR, ACT_APPLIED, ACT_DELAY } action_kind;

typedef struct fault_term {
  double pct;     /* 0: acts on every call it serves */
  uint64_t count; /* 0: serves every further call */
  action_kind action;
  gf_status error;
  char *message; /* ERROR(MESSAGE); NULL for the default */
  unsigned delay_ms;
} fault_term;

typedef struct fault_rule {
  int any_operation; /* "*" */
  gf_operation op;
  const gf_member *member; /* [MEMBER=VALUE], or NULL */
  char *value;
  char *target; /* canonical spelling, for lookups and messages */
  fault_term *terms;
  size_t term_count;
  size_t term_at;          /* the term serving calls now */
  uint64_t served_in_term; /* calls it served so far */
  size_t served, fired;
} fault_rule;

typedef struct fault_spec {
  int has_seed;
  uint64_t seed;
  fault_rule *rules;
  size_t rule_count;
} fault_spec;

struct gf_faults {
  gf_generic_backend base; /* first */
  gf_backend *inner;
  pthread_mutex_t lock;
  fault_spec spec;
  uint64_t prng;        /* splitmix64 state */
  atomic_int has_rules; /* read without the lock: no rules, no locking */
};

/* ---- the spec ------------------------------------------------------------ */

static void rule_clear(fault_rule *rule)
{
  for (size_t i = 0; i < rule->term_count; i++)
    gf_free(rule->terms[i].message);
  gf_free(rule->terms);
  gf_free(rule->value);
  gf_free(rule->target);
  memset(rule, 0, sizeof *rule);
}

static void spec_clear(fault_spec *spec)
{
  for (size_t i = 0; i < spec->rule_count; i++)
    rule_clear(&spec->rules[i]);
  gf_free(spec->rules);
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

static const char error_names[] =
    "an error name (AlreadyExists, ConditionCheckFailure, EntityNotFound, InternalService, "
    "InvalidInput, OperationTimeout, ResourceNumberLimitExceeded)";

static gf_status parse_error_name(parser *p, gf_status *status)
{
  size_t at = p->pos, n = identifier(p);
  char name[64];
  if (n == 0 || n >= sizeof name)
    return parse_error(p, at, error_names);
  memcpy(name, p->text + at, n);
  name[n] = '\0';
  if (gf_status_from_name(name, status) != 0 || *status >= GF_SERIALIZATION)
    return parse_error(p, at, error_names);
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
  *out = gf_strndup(p->text + p->pos, (size_t)(end - (p->text + p->pos)));
  if (!*out)
    return parse_oom(p);
  p->pos = (size_t)(end - p->text) + 1;
  return GF_OK;
}

static gf_status parse_action(parser *p, fault_term *term)
{
  size_t at = p->pos;
  if (accept(p, "applied(")) {
    term->action = ACT_APPLIED;
    if (parse_error_name(p, &term->error) != GF_OK)
      return GF_INVALID_INPUT;
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
  size_t n = identifier(p);
  if (n == 3 && strncmp(p->text + at, "off", 3) == 0) {
    p->pos += 3;
    term->action = ACT_OFF;
    return GF_OK;
  }
  if (n == 0)
    return parse_error(p, at, "an action: 'off', an error name, 'applied(' or 'delay('");
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

static gf_status parse_chain(parser *p, fault_rule *rule)
{
  for (;;) {
    fault_term *grown = gf_realloc(rule->terms, (rule->term_count + 1) * sizeof *grown);
    if (!grown)
      return parse_oom(p);
    rule->terms = grown;
    fault_term *term = &rule->terms[rule->term_count++];
    memset(term, 0, sizeof *term);
    if (parse_term(p, term) != GF_OK)
      return GF_INVALID_INPUT;
    skip_spaces(p);
    if (!accept(p, "->"))
      return GF_OK;
    skip_spaces(p);
  }
}

static const gf_member *string_member(gf_operation op, const char *name, size_t len)
{
  const gf_shape *shape = gf_request_shapes[op];
  for (size_t i = 0; i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
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
    rule->target = gf_strdup("*");
    return rule->target ? GF_OK : parse_oom(p);
  }
  size_t n = identifier(p);
  char name[64];
  if (n == 0 || n >= sizeof name)
    return parse_error(p, at, "an operation name, '*' or 'seed='");
  memcpy(name, p->text + at, n);
  name[n] = '\0';
  if (gf_operation_from_name(name, &rule->op) != 0)
    return parse_error(p, at, "one of the nine operation names, '*' or 'seed='");
  p->pos += n;
  if (!accept(p, "[")) {
    rule->target = gf_strdup(name);
    return rule->target ? GF_OK : parse_oom(p);
  }
  skip_spaces(p);
  size_t member_at = p->pos, member_len = identifier(p);
  rule->member = string_member(rule->op, p->text + member_at, member_len);
  if (!rule->member) {
    char expected[160];
    const gf_shape *shape = gf_request_shapes[rule->op];
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
  if (!(rule->target = gf_malloc(len)))
    return parse_oom(p);
  snprintf(rule->target, len, "%s[%s=%s]", name, rule->member->wire, rule->value);
  return GF_OK;
}

static int same_target(const fault_rule *a, const fault_rule *b)
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
  fault_rule *grown = gf_realloc(spec->rules, (spec->rule_count + 1) * sizeof *grown);
  if (!grown)
    return parse_oom(p);
  spec->rules = grown;
  fault_rule *rule = &spec->rules[spec->rule_count++];
  memset(rule, 0, sizeof *rule);
  if (parse_target(p, rule) != GF_OK)
    return GF_INVALID_INPUT;
  for (size_t i = 0; i + 1 < spec->rule_count; i++)
    if (same_target(&spec->rules[i], rule))
      return parse_error(p, at, "a target not already given a rule in this spec");
  skip_spaces(p);
  if (!accept(p, "="))
    return parse_error(p, p->pos, "'=' after the target");
  skip_spaces(p);
  return parse_chain(p, rule);
}

/* Parses `text` into `spec` (zeroed by the caller); on failure `spec` is
 * left empty and `err` says why. */
static gf_status spec_parse(const char *text, fault_spec *spec, gf_error *err)
{
  parser p = {text ? text : "", 0, err, GF_OK};
  skip_spaces(&p);
  while (peek(&p) != '\0') {
    if (parse_item(&p, spec) != GF_OK)
      break;
    skip_spaces(&p);
    if (peek(&p) == '\0')
      break;
    if (!accept(&p, ";")) {
      parse_error(&p, p.pos, "';' or the end of the spec");
      break;
    }
    skip_spaces(&p);
    if (peek(&p) == '\0')
      parse_error(&p, p.pos, "a rule or 'seed=' after ';'");
  }
  if (p.failed) {
    spec_clear(spec);
    return p.failed;
  }
  return GF_OK;
}

/* ---- canonical spelling --------------------------------------------------- */

/* The shortest plain decimal (no exponent: the grammar has none) that
 * reads back as `x`, a percentage in (0, 100]. */
static void append_number(gf_text *b, double x)
{
  char tmp[400];
  for (int decimals = 0; decimals <= 340; decimals++) {
    snprintf(tmp, sizeof tmp, "%.*f", decimals, x);
    if (strtod(tmp, NULL) == x)
      break;
  }
  gf_text_append(b, "%s", tmp);
}

static char *spec_format(const fault_spec *spec)
{
  gf_text b = {0};
  gf_text_append(&b, "%s", ""); /* no rules: "", not NULL */
  if (spec->has_seed)
    gf_text_append(&b, "seed=%llu", (unsigned long long)spec->seed);
  for (size_t i = 0; i < spec->rule_count; i++) {
    const fault_rule *rule = &spec->rules[i];
    gf_text_append(&b, "%s%s=", i || spec->has_seed ? ";" : "", rule->target);
    for (size_t j = 0; j < rule->term_count; j++) {
      const fault_term *t = &rule->terms[j];
      if (j)
        gf_text_append(&b, "->");
      if (t->pct > 0) {
        append_number(&b, t->pct);
        gf_text_append(&b, "%%");
      }
      if (t->count)
        gf_text_append(&b, "%llu*", (unsigned long long)t->count);
      const char *error = gf_status_name(t->error);
      switch (t->action) {
      case ACT_OFF:
        gf_text_append(&b, "off");
        break;
      case ACT_ERROR:
        gf_text_append(&b, "%s", error);
        if (t->message)
          gf_text_append(&b, "(%s)", t->message);
        break;
      case ACT_APPLIED:
        gf_text_append(&b, "applied(%s)", error);
        break;
      case ACT_DELAY:
        gf_text_append(&b, "delay(%u)", t->delay_ms);
        break;
      }
    }
  }
  if (b.failed) {
    gf_free(b.data);
    return NULL;
  }
  return b.data;
}

/* ---- the injector --------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The most specific rule for this call: a member match, then the
 * operation, then "*". */
static fault_rule *match(fault_spec *spec, gf_operation op, const void *request)
{
  fault_rule *by_op = NULL, *any = NULL;
  for (size_t i = 0; i < spec->rule_count; i++) {
    fault_rule *rule = &spec->rules[i];
    if (rule->any_operation) {
      any = rule;
    } else if (rule->op == op && !rule->member) {
      by_op = rule;
    } else if (rule->op == op) {
      const char *value = *(const char *const *)GF_MEMBER_CPTR(request, rule->member->offset);
      if (value && strcmp(value, rule->value) == 0)
        return rule;
    }
  }
  return by_op ? by_op : any;
}

typedef struct decision {
  action_kind action;
  gf_status error;
  unsigned delay_ms;
  char *message; /* owned; NULL when out of memory (the error name is used) */
} decision;

/* Advances the matching rule's chain for one call and says what to do;
 * the caller holds the lock. */
static void decide(gf_faults *faults, gf_operation op, const void *request, decision *d)
{
  d->action = ACT_OFF;
  fault_rule *rule = match(&faults->spec, op, request);
  if (!rule)
    return;
  rule->served++;
  if (rule->term_at >= rule->term_count)
    return; /* chain used up: pass through */
  const fault_term *term = &rule->terms[rule->term_at];
  if (term->count && ++rule->served_in_term >= term->count) {
    rule->term_at++;
    rule->served_in_term = 0;
  }
  if (term->pct > 0 &&
      !((double)(splitmix64(&faults->prng) >> 11) * 0x1.0p-53 < term->pct / 100.0))
    return;
  if (term->action == ACT_OFF)
    return;
  rule->fired++;
  d->action = term->action;
  d->error = term->error;
  d->delay_ms = term->delay_ms;
  if (term->message) {
    d->message = gf_strdup(term->message);
  } else {
    static const char fmt[] = "%s injected by gluefake (fault rule %s)";
    size_t len = sizeof fmt + strlen(gf_status_name(term->error)) + strlen(rule->target);
    if ((d->message = gf_malloc(len)) != NULL)
      snprintf(d->message, len, fmt, gf_status_name(term->error), rule->target);
  }
}

static gf_status faults_call(gf_generic_backend *self, gf_operation op, const void *request,
                             void **out, gf_error *err)
{
  gf_faults *faults = (gf_faults *)self;
  decision d = {ACT_OFF, GF_OK, 0, NULL};
  if (atomic_load_explicit(&faults->has_rules, memory_order_acquire)) {
    pthread_mutex_lock(&faults->lock);
    decide(faults, op, request, &d);
    pthread_mutex_unlock(&faults->lock);
  }

  gf_status status;
  switch (d.action) {
  case ACT_ERROR:
    status = gf_error_set(err, d.error, "%s", d.message ? d.message : gf_status_name(d.error));
    gf_free(d.message);
    return status;
  case ACT_APPLIED: {
    void *response = NULL;
    status = gf_call(faults->inner, op, request, &response, err);
    if (status == GF_OK) {
      gf_response_free(op, response);
      status = gf_error_set(err, d.error, "%s", d.message ? d.message : gf_status_name(d.error));
    } /* else the inner call's own error wins */
    gf_free(d.message);
    return status;
  }
  case ACT_DELAY: {
    gf_free(d.message);
    struct timespec ts = {(time_t)(d.delay_ms / 1000), (long)(d.delay_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
      ;
    break;
  }
  case ACT_OFF:
    break;
  }
  return gf_call(faults->inner, op, request, out, err);
}

static void faults_destroy(gf_backend *self) { gf_faults_free((gf_faults *)self); }

gf_faults *gf_faults_new(gf_backend *inner, gf_error *err)
{
  gf_faults *faults = gf_calloc(1, sizeof *faults);
  if (!faults) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory creating a fault injector");
    return NULL;
  }
  gf_generic_backend_init(&faults->base, faults_call, faults_destroy);
  faults->inner = inner;
  atomic_init(&faults->has_rules, 0);
  pthread_mutex_init(&faults->lock, NULL);
  return faults;
}

int gf_faults_armed(gf_faults *faults)
{
  return atomic_load_explicit(&faults->has_rules, memory_order_acquire);
}

void gf_faults_free(gf_faults *faults)
{
  if (!faults)
    return;
  spec_clear(&faults->spec);
  pthread_mutex_destroy(&faults->lock);
  gf_free(faults);
}

gf_backend *gf_faults_backend(gf_faults *faults) { return faults ? &faults->base.parent : NULL; }

gf_status gf_faults_check(const char *spec, gf_error *err)
{
  fault_spec parsed = {0};
  gf_status status = spec_parse(spec, &parsed, err);
  spec_clear(&parsed);
  return status;
}

gf_status gf_faults_set(gf_faults *faults, const char *spec, gf_error *err)
{
  fault_spec parsed = {0};
  gf_status status = spec_parse(spec, &parsed, err);
  if (status != GF_OK)
    return status;
  pthread_mutex_lock(&faults->lock);
  fault_spec old = faults->spec;
  faults->spec = parsed;
  faults->prng = parsed.seed;
  atomic_store(&faults->has_rules, parsed.rule_count > 0);
  pthread_mutex_unlock(&faults->lock);
  spec_clear(&old);
  return GF_OK;
}

gf_status gf_faults_add(gf_faults *faults, const char *spec, gf_error *err)
{
  fault_spec parsed = {0};
  gf_status status = spec_parse(spec, &parsed, err);
  if (status != GF_OK)
    return status;
  pthread_mutex_lock(&faults->lock);
  fault_spec *cur = &faults->spec;
  fault_rule *merged = gf_realloc(cur->rules, (cur->rule_count + parsed.rule_count + 1) *
                                                  sizeof *merged);
  if (!merged) {
    pthread_mutex_unlock(&faults->lock);
    spec_clear(&parsed);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "fault spec: out of memory");
  }
  cur->rules = merged;
  for (size_t i = 0; i < parsed.rule_count; i++) {
    size_t j = 0;
    while (j < cur->rule_count && !same_target(&cur->rules[j], &parsed.rules[i]))
      j++;
    if (j < cur->rule_count)
      rule_clear(&cur->rules[j]);
    else
      cur->rule_count++;
    cur->rules[j] = parsed.rules[i];
  }
  if (parsed.has_seed) {
    cur->has_seed = 1;
    cur->seed = parsed.seed;
    faults->prng = parsed.seed;
  }
  atomic_store(&faults->has_rules, cur->rule_count > 0);
  pthread_mutex_unlock(&faults->lock);
  gf_free(parsed.rules); /* the rules themselves moved */
  return GF_OK;
}

void gf_faults_clear(gf_faults *faults)
{
  pthread_mutex_lock(&faults->lock);
  fault_spec old = faults->spec;
  memset(&faults->spec, 0, sizeof faults->spec);
  faults->prng = 0;
  atomic_store(&faults->has_rules, 0);
  pthread_mutex_unlock(&faults->lock);
  spec_clear(&old);
}

int gf_faults_counts(gf_faults *faults, const char *target, size_t *served, size_t *fired)
{
  int found = -1;
  pthread_mutex_lock(&faults->lock);
  for (size_t i = 0; target && i < faults->spec.rule_count; i++) {
    const fault_rule *rule = &faults->spec.rules[i];
    if (strcmp(rule->target, target) == 0) {
      if (served)
        *served = rule->served;
      if (fired)
        *fired = rule->fired;
      found = 0;
    }
  }
  pthread_mutex_unlock(&faults->lock);
  return found;
}

char *gf_faults_spec(gf_faults *faults)
{
  pthread_mutex_lock(&faults->lock);
  char *text = spec_format(&faults->spec);
  pthread_mutex_unlock(&faults->lock);
  return text;
}
