/* fault_spell.c - the canonical spelling of a fault spec, which parses back
 * to the same rules. */
#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "fault_spec.h"

/* The shortest plain decimal (no exponent: the grammar has none) that
 * reads back as `x`, a percentage in (0, 100]. */
static void append_number(gfi_text *b, double x)
{
  char tmp[400];
  for (int decimals = 0; decimals <= 340; decimals++) {
    snprintf(tmp, sizeof tmp, "%.*f", decimals, x);
    if (strtod(tmp, NULL) == x)
      break;
  }
  gfi_text_append(b, "%s", tmp);
}

char *gfi_fault_spec_format(const fault_spec *spec)
{
  gfi_text b = {0};
  gfi_text_append(&b, "%s", ""); /* no rules: "", not NULL */
  if (spec->has_seed)
    gfi_text_append(&b, "seed=%llu", (unsigned long long)spec->seed);
  for (size_t i = 0; i < spec->rule_count; i++) {
    const fault_rule *rule = &spec->rules[i];
    gfi_text_append(&b, "%s%s=", i || spec->has_seed ? ";" : "", rule->target);
    for (size_t j = 0; j < rule->term_count; j++) {
      const fault_term *t = &rule->terms[j];
      if (j)
        gfi_text_append(&b, "->");
      if (t->pct > 0) {
        append_number(&b, t->pct);
        gfi_text_append(&b, "%%");
      }
      if (t->count)
        gfi_text_append(&b, "%llu*", (unsigned long long)t->count);
      const char *error = gf_status_name(t->error);
      if (t->wire == GFI_WIRE_RESET) /* reset, applied(reset) */
        error = "reset";
      if (t->wire == GFI_WIRE_TRUNCATE) {
        gfi_text_append(&b, "truncate");
        continue;
      }
      if (t->wire == GFI_WIRE_HTTP) {
        gfi_text_append(&b, "http(%u)", t->http_status);
        continue;
      }
      switch (t->action) {
      case ACT_OFF:
        gfi_text_append(&b, "off");
        break;
      case ACT_ERROR:
        gfi_text_append(&b, "%s", error);
        if (t->message)
          gfi_text_append(&b, "(%s)", t->message);
        break;
      case ACT_APPLIED:
        gfi_text_append(&b, "applied(%s)", error);
        break;
      case ACT_DELAY:
        gfi_text_append(&b, "delay(%u)", t->delay_ms);
        break;
      }
    }
  }
  if (b.failed) {
    gfi_free(b.data);
    return NULL;
  }
  return b.data;
}
