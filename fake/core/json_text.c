/* json_text.c - parsing a whole JSON document, and where it went wrong. */
#include "json_text.h"

#include "alloc.h"
#include "gluefake/sys/backend.h"

/* Parses `len` bytes as one JSON value with nothing but whitespace after
 * it; NULL when they are not.  `*end` is where cJSON stopped (after the
 * trailing whitespace). */
static cJSON *parse_whole(const char *text, size_t len, const char **end)
{
  *end = NULL;
  cJSON *json = cJSON_ParseWithLengthOpts(text, len, end, 0);
  while (json && *end < text + len &&
         (**end == ' ' || **end == '\t' || **end == '\n' || **end == '\r'))
    (*end)++;
  if (json && *end != text + len) {
    cJSON_Delete(json);
    json = NULL;
  }
  return json;
}

cJSON *gfi_json_parse_all(const char *text, size_t len)
{
  const char *end;
  return parse_whole(text, len, &end);
}

gf_status gfi_json_parse_document(const char *json, size_t len, const char *source,
                                 cJSON **out, gf_error *err)
{
  const char *end = NULL;
  unsigned long failures = gfi_alloc_failures();
  *out = NULL;
  cJSON *root = json ? parse_whole(json, len, &end) : NULL;
  if (!root && gfi_alloc_failures() != failures)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory parsing it", source);
  if (!root) {
    size_t offset = json && end && end >= json && end <= json + len ? (size_t)(end - json) : 0;
    /* Where cJSON stopped: the offending byte, one past it when a member
     * name was expected, or the last byte when the text ends too early. */
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset; i++) {
      if (json[i] == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return gf_error_set(err, GF_INVALID_INPUT, "%s:%zu:%zu: JSON syntax error", source, line,
                        column);
  }
  *out = root;
  return GF_OK;
}
