/*
 * validate.c - the constraints of the shape model, checked on C structs,
 * and AWS's wording for what is broken.
 */
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/json_text.h"
#include "gluefake/sys/backend.h"

/* Decodes one UTF-8 sequence strictly (no overlongs, no surrogates, nothing
 * above U+10FFFF).  Returns its length and sets *cp, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
  unsigned long c = s[0];
  size_t n;
  unsigned long min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2, c &= 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, c &= 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, c &= 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n > len)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return n;
}

/* Walks `s` as UTF-8; returns 0 when invalid, else 1, with *single_line
 * telling whether every code point is in the single-line set and
 * *has_line_break whether a Java regex '.' would stop somewhere. */
static int utf8_scan(const char *s, size_t len, int *single_line, int *has_line_break)
{
  const unsigned char *p = (const unsigned char *)s;
  *single_line = 1;
  *has_line_break = 0;
  for (size_t i = 0; i < len;) {
    /* ASCII from U+0020 on, the common case, eight bytes at a time: a byte
     * b below 0x80 has b + 0x60 >= 0x80 exactly when b >= 0x20, and no
     * byte carries into the next. */
    if (len - i >= 8) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      const uint64_t high = 0x8080808080808080ULL;
      if (!(w & high) && ((w + 0x6060606060606060ULL) & high) == high) {
        i += 8;
        continue;
      }
    }
    if (p[i] >= 0x20 && p[i] < 0x80) {
      i++;
      continue;
    }
    unsigned long cp;
    size_t n = utf8_decode(p + i, len - i, &cp);
    if (n == 0)
      return 0;
    if (!(cp == 0x09 || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
          cp >= 0x10000))
      *single_line = 0;
    if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029)
      *has_line_break = 1;
    i += n;
  }
  return 1;
}

static const char single_line_pattern[] =
    "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*";

void gfi_violation_add(gfi_violations *v, const gfi_path *path, int is_null, const char *rule)
{
  if (v->count < GF_MAX_VIOLATIONS) {
    gfi_violation *item = &v->items[v->count];
    gfi_path_aws(path, item->aws_path, sizeof item->aws_path);
    gfi_path_wire(path, item->wire_path, sizeof item->wire_path);
    snprintf(item->rule, sizeof item->rule, "%s", rule);
    item->is_null = is_null;
  }
  v->count++;
}

static int starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* arn:aws[a-z0-9-]*:kms: at the start of `s`. */
static int is_kms_arn(const char *s)
{
  if (!starts_with(s, "arn:aws"))
    return 0;
  s += strlen("arn:aws");
  s += strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
  return starts_with(s, ":kms:");
}

/* What follows "arn:aws(-(cn|us-gov|iso(-[bef])?))?:" at the start of `s`
 * (the partitions the model's Glue and IAM ARNs name), or NULL. */
static const char *after_partition(const char *s)
{
  static const char *const partitions[] = {"arn:aws:",        "arn:aws-cn:",    "arn:aws-us-gov:",
                                           "arn:aws-iso:",    "arn:aws-iso-b:", "arn:aws-iso-e:",
                                           "arn:aws-iso-f:"};
  for (size_t i = 0; i < sizeof partitions / sizeof partitions[0]; i++)
    if (starts_with(s, partitions[i]))
      return s + strlen(partitions[i]);
  return NULL;
}

/* arn:aws(-(cn|us-gov|iso(-[bef])?))?:iam::[0-9]{12}:role/ and at least one
 * more character. */
static int is_iam_role_arn(const char *s)
{
  if (!(s = after_partition(s)) || !starts_with(s, "iam::"))
    return 0;
  s += strlen("iam::");
  if (strspn(s, "0123456789") != 12)
    return 0;
  s += 12;
  return starts_with(s, ":role/") && s[strlen(":role/")] != '\0';
}

/* 1 when `s` is one JSON value, 0 when not, -1 when out of memory. */
static int is_json_text(const char *s, size_t len)
{
  unsigned long failures = gfi_alloc_failures();
  cJSON *doc = gfi_json_parse_all(s, len);
  cJSON_Delete(doc);
  if (!doc && gfi_alloc_failures() != failures)
    return -1;
  return doc != NULL;
}

static void check_string(const gfi_member *m, const char *s, const gfi_path *at,
                         gfi_violations *v)
{
  char rule[160];
  size_t len = strlen(s);
  int single_line, line_break;
  if (!utf8_scan(s, len, &single_line, &line_break)) {
    gfi_violation_add(v, at, 0, "Member must be valid UTF-8");
    return;
  }
  if (len < m->min_len) {
    snprintf(rule, sizeof rule, "Member must have length greater than or equal to %zu",
             m->min_len);
    gfi_violation_add(v, at, 0, rule);
  }
  if (m->max_len && len > m->max_len) {
    snprintf(rule, sizeof rule, "Member must have length less than or equal to %zu",
             m->max_len);
    gfi_violation_add(v, at, 0, rule);
  }
  const char *pattern = NULL;
  switch (m->rule) {
  case GF_RULE_SINGLE_LINE:
    if (!single_line)
      pattern = single_line_pattern;
    break;
  case GF_RULE_KMS_ARN:
    if (*s && (!is_kms_arn(s) || line_break))
      pattern = "^$|arn:aws[a-z0-9-]*:kms:.*";
    break;
  case GF_RULE_IAM_ROLE_ARN:
    if (!is_iam_role_arn(s) || line_break)
      pattern = "^arn:aws(-(cn|us-gov|iso(-[bef])?))?:iam::[0-9]{12}:role/.+";
    break;
  case GF_RULE_GLUE_ARN:
    if (!after_partition(s) || !starts_with(after_partition(s), "glue:") || line_break)
      pattern = "arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.*";
    break;
  case GF_RULE_JSON_TEXT:
    if (len >= m->min_len && (!m->max_len || len <= m->max_len)) {
      int json = is_json_text(s, len);
      if (json < 0)
        v->out_of_memory = 1;
      else if (!json)
        gfi_violation_add(v, at, 0, "Member must be a valid JSON document");
    }
    break;
  case GF_RULE_NONE:
    break;
  }
  if (pattern) {
    snprintf(rule, sizeof rule, "Member must satisfy regular expression pattern: %s", pattern);
    gfi_violation_add(v, at, 0, rule);
  }
  if (m->enum_values) {
    for (const char *const *e = m->enum_values; *e; e++)
      if (strcmp(*e, s) == 0)
        return;
    int n = snprintf(rule, sizeof rule, "Member must satisfy enum value set: [");
    for (const char *const *e = m->enum_values; *e && n > 0 && (size_t)n < sizeof rule; e++)
      n += snprintf(rule + n, sizeof rule - (size_t)n, "%s%s", e == m->enum_values ? "" : ", ",
                    *e);
    if (n > 0 && (size_t)n < sizeof rule)
      snprintf(rule + n, sizeof rule - (size_t)n, "]");
    gfi_violation_add(v, at, 0, rule);
  }
}

static void validate_object(const gfi_shape *shape, const void *obj, const gfi_path *parent,
                            gfi_violations *v)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    const gfi_path here = {parent, m, 0, NULL}, *at = &here;
    if (!gfi_member_present(m, obj)) {
      if (m->required)
        gfi_violation_add(v, at, 1, "Member must not be null");
      continue;
    }
    const void *value = GF_MEMBER_CPTR(obj, m->offset);
    switch (m->kind) {
    case GF_KIND_STRING:
      check_string(m, *(const char *const *)value, at, v);
      break;
    case GF_KIND_INT: {
      int64_t n = *(const int64_t *)value;
      char rule[96];
      if (n < m->min_value) {
        snprintf(rule, sizeof rule, "Member must have value greater than or equal to %lld",
                 (long long)m->min_value);
        gfi_violation_add(v, at, 0, rule);
      } else if (n > m->max_value) {
        snprintf(rule, sizeof rule, "Member must have value less than or equal to %lld",
                 (long long)m->max_value);
        gfi_violation_add(v, at, 0, rule);
      }
      break;
    }
    case GF_KIND_STRUCT:
      validate_object(m->shape, *(const void *const *)value, at, v);
      break;
    case GF_KIND_LIST: {
      const char *items = *(const char *const *)value;
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      for (size_t j = 0; j < count; j++) {
        const gfi_path item = {at, NULL, j, NULL};
        validate_object(m->shape, items + j * m->shape->size, &item, v);
      }
      break;
    }
    case GF_KIND_BOOL:
    case GF_KIND_TIMESTAMP:
      break; /* any value is valid */
    }
  }
}

size_t gfi_shape_validate(const gfi_shape *shape, const void *obj, gfi_violations *v)
{
  size_t before = v->count;
  const gfi_path root = GF_PATH_ROOT("");
  validate_object(shape, obj, &root, v);
  return v->count - before;
}

gf_status gfi_violations_to_error(const gfi_violations *v, gf_error *err)
{
  if (v->out_of_memory)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory validating the request");
  char message[GF_MAX_VIOLATIONS * 700 + 64];
  int n = snprintf(message, sizeof message, "%zu validation error%s detected: ", v->count,
                   v->count == 1 ? "" : "s");
  size_t shown = v->count < GF_MAX_VIOLATIONS ? v->count : GF_MAX_VIOLATIONS;
  for (size_t i = 0; i < shown && n > 0 && (size_t)n < sizeof message; i++) {
    const gfi_violation *item = &v->items[i];
    n += snprintf(message + n, sizeof message - (size_t)n,
                  "%sValue%s at '%s' failed to satisfy constraint: %s", i ? "; " : "",
                  item->is_null ? " null" : "", item->aws_path, item->rule);
  }
  if (shown < v->count && n > 0 && (size_t)n < sizeof message)
    snprintf(message + n, sizeof message - (size_t)n, "; and %zu more", v->count - shown);
  return gf_error_set(err, GF_INVALID_INPUT, "%s", message);
}

gf_status gfi_validate_request(gf_operation op, const void *request, gf_error *err)
{
  gfi_violations v;
  gfi_violations_init(&v);
  if (gfi_shape_validate(gfi_request_shapes[op], request, &v) || v.out_of_memory)
    return gfi_violations_to_error(&v, err);
  return GF_OK;
}
