/* json_diff.c - the first place where two JSON values differ. */
#include "json_diff.h"

#include <stdio.h>
#include <string.h>

#include "core/path.h"

static int ignored(const gfi_ignore_set *ignore, const char *name)
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

static int differ(const char *path, const cJSON *a, const cJSON *b, gfi_difference *d)
{
  gfi_path_format(d->path, sizeof d->path, "%s", *path ? path : "(whole value)");
  show(a, d->recorded, sizeof d->recorded);
  show(b, d->got, sizeof d->got);
  return 1;
}

int gfi_json_diff(const char *path, const cJSON *a, const cJSON *b, const gfi_ignore_set *ignore,
                  gfi_difference *d)
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
      gfi_path_format(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", x->string);
      if (gfi_json_diff(sub, x, cJSON_GetObjectItemCaseSensitive(b, x->string), ignore, d))
        return 1;
    }
    cJSON_ArrayForEach(x, b)
    {
      if (ignored(ignore, x->string) || cJSON_GetObjectItemCaseSensitive(a, x->string))
        continue;
      gfi_path_format(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", x->string);
      return differ(sub, NULL, x, d);
    }
    return 0;
  }
  if (cJSON_IsArray(a)) {
    int n = cJSON_GetArraySize(a), m = cJSON_GetArraySize(b);
    for (int i = 0; i < n || i < m; i++) {
      gfi_path_format(sub, sizeof sub, "%s[%d]", path, i);
      if (gfi_json_diff(sub, cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), ignore, d))
        return 1;
    }
    return 0;
  }
  return cJSON_Compare(a, b, 1) ? 0 : differ(path, a, b, d);
}
