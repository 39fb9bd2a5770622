/* config.c - finding the real backend's profile, credentials, region and endpoint (see config.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/alloc.h"
#include "core/names.h"
#include "gluefake/file.h"
#include "gluefake/sys/backend.h"
#include "text.h"

/* Larger shared files are refused: no real one comes close, and reading
 * whatever AWS_CONFIG_FILE names (a device, a disk image) must stay cheap. */
#define SHARED_FILE_MAX (1024 * 1024)

/* The settings of a profile section that are read; any other is ignored. */
enum setting {
  ACCESS_KEY_ID,
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
  REGION,
  ENDPOINT_URL,
  USE_FIPS_ENDPOINT,
  CREDENTIAL_PROCESS,
  SETTING_COUNT
};

static const char *const setting_names[SETTING_COUNT] = {
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region",
    "endpoint_url",      "use_fips_endpoint",     "credential_process",
};

/* One of the two shared files, and what the profile's section of it holds. */
typedef struct shared_file {
  char *path;       /* as messages show it */
  const char *note; /* " (absent)" when there is no such file, which is no error */
  gfi_text text; /* the whole file; the values below point into it */
  int found;     /* the profile has a section in it */
  const char *values[SETTING_COUNT];
} shared_file;

/* One place a setting may come from; lists of them are in precedence order. */
typedef struct source {
  const char *what;   /* for messages: "AWS_REGION", "profile 'dev' of /x/config" */
  const char *note;   /* after `what` in "looked in" lists: " (absent)", or NULL */
  const char *value;  /* the setting; NULL or "": not set there */
  const char *secret; /* credentials: the secret, which must be set too */
  const char *token;  /* credentials: the session token, if any */
  const char *origin; /* credentials: gfi_aws_config.credentials_source */
} source;

typedef struct resolver {
  const gf_aws_options *options;
  int ignore_environment;
  const char *profile;
  shared_file credentials, config;
  /* How messages name the profile's section in each file. */
  char *in_credentials, *in_config, *from_credentials, *from_config;
} resolver;

static int is_set(const char *value) { return value && *value; }

/* The variable's value; unset, empty, or ignored environments are NULL. */
static const char *env(const resolver *r, const char *name)
{
  const char *value = r->ignore_environment ? NULL : getenv(name);
  return is_set(value) ? value : NULL;
}

/* The first source that has the setting (and the secret too, with `pair`). */
static const source *first_set(const source *list, size_t count, int pair)
{
  for (size_t i = 0; i < count; i++)
    if (is_set(list[i].value) && (!pair || is_set(list[i].secret)))
      return &list[i];
  return NULL;
}

/* "no WHAT: looked in A, B and C", naming only the options (the first
 * source of every list) when the environment is ignored. */
static gf_status not_found(const resolver *r, const char *what, const source *list,
                           size_t count, gf_error *err)
{
  gfi_text text = {0};
  gfi_text_append(&text, "no %s: looked in ", what);
  if (r->ignore_environment)
    count = 1;
  for (size_t i = 0; i < count; i++)
    gfi_text_append(&text, "%s%s%s", i == 0 ? "" : i + 1 == count ? " and " : ", ", list[i].what,
                    list[i].note ? list[i].note : "");
  if (r->ignore_environment)
    gfi_text_append(&text, " (the environment and shared files are ignored)");
  return gfi_aws_fail_with(&text, err);
}

/* ---- the shared files ------------------------------------------------------------ */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/* Whether a section (what is inside its brackets) is the profile's: in the
 * config file [profile NAME] ([default] too for the default profile), in
 * the credentials file [NAME]. */
static int names_profile(const char *inside, size_t len, const char *profile, int config_file)
{
  static const char prefix[] = "profile";
  size_t profile_len = strlen(profile);
  if (config_file && len > sizeof prefix && memcmp(inside, prefix, sizeof prefix - 1) == 0 &&
      is_space(inside[sizeof prefix - 1])) {
    size_t skip = sizeof prefix;
    while (skip < len && is_space(inside[skip]))
      skip++;
    return len - skip == profile_len && memcmp(inside + skip, profile, profile_len) == 0;
  }
  if (config_file && strcmp(profile, "default") != 0)
    return 0;
  return len == profile_len && memcmp(inside, profile, len) == 0;
}

/*
 * Reads the file's INI as botocore does: [section] lines, key = value lines
 * (case-sensitive keys, trimmed values), full-line # and ; comments, blank
 * lines.  Indented lines after a key with an empty value are its nested
 * sub-settings (`s3 =` then `  max_concurrent_requests = 10`), which no
 * setting read here has.  The profile's values are cut in place in `text`.
 */
static gf_status parse(shared_file *f, const char *profile, int config_file, gf_error *err)
{
  if (!f->text.data)
    return GF_OK; /* an empty file */
  char *p = f->text.data, *end = p + f->text.len;
  int in_profile = 0, in_section = 0, nested = 0;
  for (size_t number = 1; p < end; number++) {
    char *line = p, *eol = memchr(p, '\n', (size_t)(end - p));
    eol = eol ? eol : end;
    p = eol < end ? eol + 1 : end;
    char *s = line, *e = eol;
    while (s < e && is_space(*s))
      s++;
    while (e > s && is_space(e[-1]))
      e--;
    int binary = memchr(line, '\0', (size_t)(eol - line)) != NULL;
    if (!binary && (s == e || *s == '#' || *s == ';' || (nested && s > line)))
      continue;
    nested = 0;
    char *eq = binary ? NULL : memchr(s, '=', (size_t)(e - s));
    char *key_end = eq;
    while (key_end && key_end > s && is_space(key_end[-1]))
      key_end--;
    if (!binary && *s == '[' && e[-1] == ']' && e - s > 2) {
      char *inside = s + 1, *inside_end = e - 1;
      while (inside < inside_end && is_space(*inside))
        inside++;
      while (inside_end > inside && is_space(inside_end[-1]))
        inside_end--;
      in_section = 1;
      in_profile = names_profile(inside, (size_t)(inside_end - inside), profile, config_file);
      f->found |= in_profile;
      continue;
    }
    gfi_text text = {0};
    if (!eq || key_end == s) {
      gfi_text_append(&text, "%s:%zu: expected '[section]' or 'key = value', got '", f->path,
                      number);
      gfi_aws_append_quoted(&text, s, (size_t)(e - s), GFI_AWS_QUOTE_LINE);
      gfi_text_add(&text, "'", 1);
      return gfi_aws_fail_with(&text, err);
    }
    if (!in_section) {
      gfi_text_append(&text, "%s:%zu: a setting before any '[section]'", f->path, number);
      return gfi_aws_fail_with(&text, err);
    }
    char *value = eq + 1;
    while (value < e && is_space(*value))
      value++;
    nested = value == e;
    for (int k = 0; in_profile && k < SETTING_COUNT; k++)
      if (strlen(setting_names[k]) == (size_t)(key_end - s) &&
          memcmp(setting_names[k], s, (size_t)(key_end - s)) == 0) {
        *e = '\0'; /* the line's end or trailing space; the next line is found */
        f->values[k] = value;
      }
  }
  return GF_OK;
}

/* Finds and reads one shared file: `variable`'s path, else `fallback`. */
static gf_status load_file(resolver *r, shared_file *f, const char *variable,
                           const char *fallback, int config_file, gf_error *err)
{
  const char *path = env(r, variable), *home = getenv("HOME");
  path = path ? path : fallback;
  int tilde = path[0] == '~' && (path[1] == '/' || path[1] == '\0');
  gfi_text text = {0};
  if (tilde && is_set(home))
    gfi_text_append(&text, "%s%s", home, path + 1);
  else
    gfi_text_append(&text, "%s", path);
  if (text.failed) {
    gfi_free(text.data);
    return gfi_aws_config_out_of_memory(err);
  }
  f->path = text.data;
  /* Without HOME the default files are nowhere, as for botocore; a path
   * through a regular file names no file either. */
  if (tilde && !is_set(home)) {
    f->note = " (absent)";
    return GF_OK;
  }
  gf_error read = GF_ERROR_INIT;
  f->text.data = gf_read_file(f->path, SHARED_FILE_MAX, 0, &f->text.len, &read);
  int saved = f->text.data ? 0 : errno, absent = saved == ENOENT || saved == ENOTDIR;
  gf_status status = GF_OK;
  if (absent)
    f->note = " (absent)";
  else if (saved == EFBIG)
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "%s is larger than 1 MiB: too large for a shared config file", f->path);
  else if (saved == ENOMEM)
    status = gfi_aws_config_out_of_memory(err);
  else if (saved == EINVAL) /* not a regular file: its words */
    status = gf_error_copy(err, &read);
  else if (saved)
    status = gf_error_set(err, GF_INVALID_INPUT, "cannot read %s: %s", f->path, strerror(saved));
  gf_error_clear(&read);
  if (status != GF_OK || absent)
    return status;
  return parse(f, r->profile, config_file, err);
}

/* The profile's name, both files, and how messages name its sections. */
static gf_status load(resolver *r, gf_error *err)
{
  const source profiles[] = {{.what = "the options", .value = r->options->profile},
                             {.what = "AWS_PROFILE", .value = env(r, "AWS_PROFILE")}};
  const source *named = first_set(profiles, 2, 0);
  r->profile = named ? named->value : "default";
  if (r->ignore_environment)
    return GF_OK;
  gf_status status =
      load_file(r, &r->credentials, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", 0, err);
  if (status == GF_OK)
    status = load_file(r, &r->config, "AWS_CONFIG_FILE", "~/.aws/config", 1, err);
  if (status != GF_OK)
    return status;
  if (named && !r->credentials.found && !r->config.found)
    return gf_error_set(err, GF_INVALID_INPUT, "profile '%s' is in neither %s nor %s", r->profile,
                        r->credentials.path, r->config.path);
  int is_default = strcmp(r->profile, "default") == 0;
  gfi_text names[4] = {{0}};
  gfi_text_append(&names[0], "[%s] of %s", r->profile, r->credentials.path);
  gfi_text_append(&names[1], "profile '%s' of %s", r->profile, r->config.path);
  gfi_text_append(&names[2], "shared credentials file %s [%s]", r->credentials.path, r->profile);
  gfi_text_append(&names[3], "config file %s [%s%s]", r->config.path, is_default ? "" : "profile ",
                  r->profile);
  r->in_credentials = names[0].data;
  r->in_config = names[1].data;
  r->from_credentials = names[2].data;
  r->from_config = names[3].data;
  for (int i = 0; i < 4; i++)
    if (names[i].failed)
      return gfi_aws_config_out_of_memory(err);
  return GF_OK;
}

static void resolver_clear(resolver *r)
{
  shared_file *files[] = {&r->credentials, &r->config};
  for (int i = 0; i < 2; i++) {
    gfi_free(files[i]->path);
    gfi_free(files[i]->text.data);
  }
  gfi_free(r->in_credentials);
  gfi_free(r->in_config);
  gfi_free(r->from_credentials);
  gfi_free(r->from_config);
}

/* ---- region, endpoint, credentials ----------------------------------------------- */

static gf_status resolve_region(const resolver *r, gfi_aws_config *config, gf_error *err)
{
  const source list[] = {
      {.what = "the options", .value = r->options->region},
      {.what = "AWS_REGION", .value = env(r, "AWS_REGION")},
      {.what = "AWS_DEFAULT_REGION", .value = env(r, "AWS_DEFAULT_REGION")},
      {.what = r->in_config, .note = r->config.note, .value = r->config.values[REGION]},
  };
  const source *region = first_set(list, 4, 0);
  if (!region)
    return not_found(r, "region", list, 4, err);
  if (!gfi_valid_region(region->value)) {
    gfi_text text = {0};
    gfi_text_append(&text, "region '");
    gfi_aws_append_quoted(&text, region->value, strlen(region->value), GFI_AWS_QUOTE_VALUE);
    gfi_text_append(&text, "' (from %s) is not a region name (" GFI_REGION_RULE ")", region->what);
    return gfi_aws_fail_with(&text, err);
  }
  return (config->region = gfi_strdup(region->value)) ? GF_OK : gfi_aws_config_out_of_memory(err);
}

/* Why `url` cannot be an endpoint (NULL: it can), or "" out of memory;
 * *root tells that its path is just "/". */
static const char *url_problem(const char *url, int *root)
{
  CURLU *parsed = curl_url();
  if (!parsed)
    return "";
  char *scheme = NULL, *host = NULL, *query = NULL, *path = NULL;
  static const char bad_scheme[] = "the scheme is not http or https";
  CURLUcode rc = curl_url_set(parsed, CURLUPART_URL, url, 0);
  /* The same words whether this libcurl knows the scheme or not. */
  const char *why = rc == CURLUE_OUT_OF_MEMORY      ? ""
                    : rc == CURLUE_UNSUPPORTED_SCHEME ? bad_scheme
                    : rc                              ? curl_url_strerror(rc)
                                                      : NULL;
  if (!why && curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
    why = bad_scheme;
  if (!why && (curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host))
    why = "it has no host";
  /* An empty query ("h/?") counts; curl drops an empty fragment, the text
   * still has it. */
  if (!why && curl_url_get(parsed, CURLUPART_QUERY, &query, 0) != CURLUE_NO_QUERY)
    why = "it has a query";
  if (!why && strchr(url, '#'))
    why = "it has a fragment";
  if (!why && curl_url_get(parsed, CURLUPART_PATH, &path, 0) == CURLUE_OK)
    *root = strcmp(path, "/") == 0;
  curl_free(scheme);
  curl_free(host);
  curl_free(query);
  curl_free(path);
  curl_url_cleanup(parsed);
  return why;
}

static gf_status resolve_endpoint(const resolver *r, gfi_aws_config *config, gf_error *err)
{
  const source list[] = {
      {.what = "the options", .value = r->options->endpoint},
      {.what = "AWS_ENDPOINT_URL_GLUE", .value = env(r, "AWS_ENDPOINT_URL_GLUE")},
      {.what = "AWS_ENDPOINT_URL", .value = env(r, "AWS_ENDPOINT_URL")},
      {.what = r->in_config, .value = r->config.values[ENDPOINT_URL]},
  };
  const source *endpoint = first_set(list, 4, 0);
  if (endpoint) {
    int root = 0;
    const char *why = url_problem(endpoint->value, &root);
    if (why && !*why)
      return gfi_aws_config_out_of_memory(err);
    if (why) {
      gfi_text text = {0};
      gfi_text_append(&text, "endpoint '");
      gfi_aws_append_quoted(&text, endpoint->value, strlen(endpoint->value), GFI_AWS_QUOTE_VALUE);
      gfi_text_append(&text, "' (from %s) is not a URL: %s", endpoint->what, why);
      return gfi_aws_fail_with(&text, err);
    }
    size_t len = strlen(endpoint->value);
    len -= root && endpoint->value[len - 1] == '/';
    config->endpoint = gfi_strndup(endpoint->value, len);
    return config->endpoint ? GF_OK : gfi_aws_config_out_of_memory(err);
  }
  /* As the SDKs' settings, the first place that says anything decides:
   * AWS_USE_FIPS_ENDPOINT=false overrides the profile's true. */
  const source fips_list[] = {
      {.what = "AWS_USE_FIPS_ENDPOINT", .value = env(r, "AWS_USE_FIPS_ENDPOINT")},
      {.what = r->in_config, .value = r->config.values[USE_FIPS_ENDPOINT]},
  };
  const source *fips = first_set(fips_list, 2, 0);
  int use_fips = r->options->use_fips || (fips && strcasecmp(fips->value, "true") == 0);
  gfi_text text = {0};
  gfi_text_append(&text, "https://%s.%s.amazonaws.com%s", use_fips ? "glue-fips" : "glue",
                  config->region, strncmp(config->region, "cn-", 3) == 0 ? ".cn" : "");
  if (text.failed) {
    gfi_free(text.data);
    return gfi_aws_config_out_of_memory(err);
  }
  config->endpoint = text.data;
  return GF_OK;
}

static gf_status resolve_credentials(const resolver *r, gfi_aws_config *config, gf_error *err)
{
  const gf_aws_options *o = r->options;
  const shared_file *cf = &r->credentials, *pf = &r->config;
  const source list[] = {
      {"the options", NULL, o->access_key_id, o->secret_access_key, o->session_token, "options"},
      {"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", NULL, env(r, "AWS_ACCESS_KEY_ID"),
       env(r, "AWS_SECRET_ACCESS_KEY"), env(r, "AWS_SESSION_TOKEN"), "environment"},
      {r->in_credentials, cf->note, cf->values[ACCESS_KEY_ID], cf->values[SECRET_ACCESS_KEY],
       cf->values[SESSION_TOKEN], r->from_credentials},
      {r->in_config, pf->note, pf->values[ACCESS_KEY_ID], pf->values[SECRET_ACCESS_KEY],
       pf->values[SESSION_TOKEN], r->from_config},
  };
  gfi_aws_credentials *out = &config->credentials;
  const source *keys = first_set(list, 4, 1);
  if (keys) {
    out->access_key_id = gfi_strdup(keys->value);
    out->secret_access_key = gfi_strdup(keys->secret);
    out->session_token = is_set(keys->token) ? gfi_strdup(keys->token) : NULL;
    config->credentials_source = gfi_strdup(keys->origin);
    if (!out->access_key_id || !out->secret_access_key || !config->credentials_source ||
        (is_set(keys->token) && !out->session_token))
      return gfi_aws_config_out_of_memory(err);
    return GF_OK;
  }
  /* botocore reads credential_process from the config file only; the
   * credentials file's is taken too, after it. */
  const source processes[] = {
      {.what = r->in_config, .value = pf->values[CREDENTIAL_PROCESS]},
      {.what = r->in_credentials, .value = cf->values[CREDENTIAL_PROCESS]},
  };
  const source *process = first_set(processes, 2, 0);
  if (!process)
    return not_found(r, "credentials", list, 4, err);
  gfi_text origin = {0};
  gfi_text_append(&origin, "credential_process of profile %s", r->profile);
  config->credentials_source = origin.data;
  config->credential_process = gfi_strdup(process->value);
  if (origin.failed || !config->credential_process)
    return gfi_aws_config_out_of_memory(err);
  return gfi_aws_credential_process(process->value, r->profile, out, err);
}

gf_status gfi_aws_config_resolve(const gf_aws_options *options, gfi_aws_config *config,
                                 gf_error *err)
{
  static const gf_aws_options defaults = GF_AWS_OPTIONS_INIT;
  memset(config, 0, sizeof *config);
  resolver r;
  memset(&r, 0, sizeof r);
  r.options = options ? options : &defaults;
  r.ignore_environment = r.options->ignore_environment;
  gf_status status = load(&r, err);
  if (status == GF_OK && !(config->profile = gfi_strdup(r.profile)))
    status = gfi_aws_config_out_of_memory(err);
  /* The region first, so that a missing one is what is reported and no
   * credential_process runs for nothing. */
  if (status == GF_OK)
    status = resolve_region(&r, config, err);
  if (status == GF_OK)
    status = resolve_endpoint(&r, config, err);
  if (status == GF_OK)
    status = resolve_credentials(&r, config, err);
  resolver_clear(&r);
  if (status != GF_OK)
    gfi_aws_config_clear(config);
  return status;
}

void gfi_aws_config_clear(gfi_aws_config *config)
{
  if (!config)
    return;
  gfi_free(config->profile);
  gfi_free(config->region);
  gfi_free(config->endpoint);
  gfi_aws_credentials_clear(&config->credentials);
  gfi_free(config->credentials_source);
  gfi_free(config->credential_process);
  memset(config, 0, sizeof *config);
}
