/*
 * gluefake - the command-line tool.
 *
 *   gluefake serve [--host 127.0.0.1] [--port N] [--fixture FILE] [--faults SPEC]
 *                  [--account-id ID]
 *   gluefake check FIXTURE
 *   gluefake replay TRANSCRIPT [--fixture FILE] [--ignore NAME[,NAME...]]
 *                   [--ignore-volatile] [--compare-messages]
 *
 * Exit status: 0 success; 1 replay found a differing outcome; 2 bad
 * arguments or unreadable input (with a one-line error on stderr).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gluefake.h"
#include "gluefake/fixture.h"
#include "gluefake/server.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/transcript.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: gluefake serve [--host 127.0.0.1] [--port N] [--fixture FILE] [--faults SPEC]\n"
    "                      [--account-id ID] [--region R] [--auth none|sigv4]\n"
    "                      [--credentials FILE] [--wire-variants]\n"
    "       gluefake check FIXTURE\n"
    "       gluefake replay TRANSCRIPT [--fixture FILE] [--ignore NAME[,NAME...]]\n"
    "                       [--ignore-volatile] [--compare-messages]\n";

static int die(const char *fmt, ...) GF_PRINTF(1, 2);

static int die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "gluefake: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_USAGE;
}

/* Reads a whole file; NULL (errno set) when it cannot. */
static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *text = NULL;
  size_t cap = 0;
  *len = 0;
  for (;;) {
    if (*len == cap) {
      cap = cap ? cap * 2 : 65536;
      char *grown = realloc(text, cap);
      if (!grown) {
        free(text);
        fclose(f);
        errno = ENOMEM;
        return NULL;
      }
      text = grown;
    }
    size_t n = fread(text + *len, 1, cap - *len, f);
    *len += n;
    if (n == 0)
      break;
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    free(text);
    errno = EIO;
    return NULL;
  }
  return text;
}

static size_t member_count(const cJSON *root, const char *key)
{
  return (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, key));
}

static int check(int argc, char **argv)
{
  if (argc != 1)
    return die("check takes one FIXTURE");
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = gf_fake_new(NULL, &err);
  if (!fake || gf_fake_load_file(fake, argv[0], &err) != GF_OK) {
    fprintf(stderr, "%s\n", gf_error_message(&err));
    gf_error_clear(&err);
    gf_fake_free(fake);
    return EXIT_USAGE;
  }
  /* The summary reads the canonical dump, the fixture as the fake holds it. */
  char *dump = gf_fake_dump(fake);
  cJSON *state = dump ? cJSON_Parse(dump) : NULL;
  if (!state) {
    gf_buffer_free(dump);
    gf_fake_free(fake);
    return die("%s: out of memory", argv[0]);
  }
  const cJSON *account = cJSON_GetObjectItemCaseSensitive(state, "account_id");
  const cJSON *clock = cJSON_GetObjectItemCaseSensitive(state, "clock");
  const cJSON *limit = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(state, "limits"), "security_configurations");
  char *spec = gf_faults_spec(gf_fake_faults(fake));
  printf("%s: ok: account %s, %zu security configurations, %zu catalog settings, "
         "%zu resource policies",
         argv[0], account->valuestring, member_count(state, "security_configurations"),
         member_count(state, "data_catalog_encryption_settings"),
         member_count(state, "resource_policies"));
  if (clock)
    printf(", clock fixed at %.17g step %.17g",
           cJSON_GetObjectItemCaseSensitive(clock, "now")->valuedouble,
           cJSON_GetObjectItemCaseSensitive(clock, "step")->valuedouble);
  if (limit)
    printf(", limit %.0f", limit->valuedouble);
  if (spec && *spec)
    printf(", faults \"%s\"", spec);
  printf("\n");
  gf_buffer_free(spec);
  cJSON_Delete(state);
  gf_buffer_free(dump);
  gf_fake_free(fake);
  return 0;
}

static int replay(int argc, char **argv)
{
  static const char *const volatile_members[] = {GF_VERIFY_VOLATILE};
  const char *transcript_path = NULL, *fixture_path = NULL;
  /* Names to ignore: each --ignore NAME[,NAME...] is split in place in its
   * own argv string, so the names live as long as argv. */
  const char **ignore = calloc((size_t)argc * 2 + sizeof volatile_members / sizeof *volatile_members,
                               sizeof *ignore);
  size_t ignore_count = 0;
  int compare_messages = 0, add_volatile = 0, status = EXIT_USAGE;
  char *transcript = NULL, *fixture = NULL;
  size_t transcript_len = 0, fixture_len = 0;
  if (!ignore)
    return die("out of memory");

  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--fixture") == 0 && i + 1 < argc) {
      fixture_path = argv[++i];
    } else if (strcmp(argv[i], "--ignore") == 0 && i + 1 < argc) {
      for (char *name = strtok(argv[++i], ","); name; name = strtok(NULL, ","))
        ignore[ignore_count++] = name;
    } else if (strcmp(argv[i], "--ignore-volatile") == 0) {
      add_volatile = 1;
    } else if (strcmp(argv[i], "--compare-messages") == 0) {
      compare_messages = 1;
    } else if (argv[i][0] == '-' || transcript_path) {
      status = die("replay: unexpected argument '%s'", argv[i]);
      goto done;
    } else {
      transcript_path = argv[i];
    }
  }
  for (size_t k = 0; add_volatile && k < sizeof volatile_members / sizeof *volatile_members; k++)
    ignore[ignore_count++] = volatile_members[k];
  if (!transcript_path) {
    status = die("replay needs a TRANSCRIPT");
    goto done;
  }
  if (!(transcript = read_file(transcript_path, &transcript_len))) {
    status = die("%s: cannot read: %s", transcript_path, strerror(errno));
    goto done;
  }
  if (fixture_path && !(fixture = read_file(fixture_path, &fixture_len))) {
    status = die("%s: cannot read: %s", fixture_path, strerror(errno));
    goto done;
  }
  gf_verify_options options = GF_VERIFY_OPTIONS_INIT;
  options.fixture = fixture;
  options.fixture_len = fixture_len;
  options.fixture_source = fixture_path;
  options.ignore = ignore;
  options.ignore_count = ignore_count;
  options.compare_messages = compare_messages;
  gf_verify_report report;
  gf_error err = GF_ERROR_INIT;
  if (gf_transcript_verify(transcript, transcript_len, transcript_path, &options, &report,
                           &err) != GF_OK) {
    fprintf(stderr, "%s\n", gf_error_message(&err));
    gf_error_clear(&err);
    goto done;
  }
  if (report.mismatches) {
    fputs(report.text, stdout);
    printf("%s: %zu of %zu outcomes differ\n", transcript_path, report.mismatches, report.calls);
    status = EXIT_MISMATCH;
  } else {
    printf("%s: all %zu outcomes match\n", transcript_path, report.calls);
    status = 0;
  }
  gf_verify_report_clear(&report);
done:
  free(ignore);
  free(transcript);
  free(fixture);
  return status;
}

/* Serves one fake until SIGINT or SIGTERM. */
static int serve(int argc, char **argv)
{
  const char *host = "127.0.0.1", *fixture = NULL, *faults = NULL, *account_id = NULL;
  const char *region = NULL;
  const char *credentials_path = NULL;
  gf_server_auth auth = GF_AUTH_NONE;
  unsigned long port = 4566;
  int wire_variants = 0;
  for (int i = 0; i < argc; i += 2) {
    if (strcmp(argv[i], "--wire-variants") == 0) { /* the one option without a value */
      wire_variants = 1;
      i--;
      continue;
    }
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!value || argv[i][0] != '-')
      return die("serve: unexpected argument '%s'%s", argv[i],
                 !value && argv[i][0] == '-' ? " (it needs a value)" : "");
    if (strcmp(argv[i], "--host") == 0) {
      host = value;
    } else if (strcmp(argv[i], "--port") == 0) {
      char *end;
      errno = 0;
      port = strtoul(value, &end, 10);
      if (!*value || *end || errno || port > 65535)
        return die("serve: --port '%s' is not a port number (0..65535)", value);
    } else if (strcmp(argv[i], "--fixture") == 0) {
      fixture = value;
    } else if (strcmp(argv[i], "--faults") == 0) {
      faults = value;
    } else if (strcmp(argv[i], "--account-id") == 0) {
      account_id = value;
    } else if (strcmp(argv[i], "--region") == 0) {
      region = value;
    } else if (strcmp(argv[i], "--auth") == 0) {
      if (strcmp(value, "none") == 0)
        auth = GF_AUTH_NONE;
      else if (strcmp(value, "sigv4") == 0)
        auth = GF_AUTH_SIGV4;
      else
        return die("serve: --auth '%s' is neither 'none' nor 'sigv4'", value);
    } else if (strcmp(argv[i], "--credentials") == 0) {
      credentials_path = value;
    } else {
      return die("serve: unknown option '%s'", argv[i]);
    }
  }
  if (auth == GF_AUTH_SIGV4 && !credentials_path)
    return die("serve: --auth sigv4 needs --credentials FILE (the access keys it accepts)");
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.host = host;
  options.port = (unsigned)port;
  options.auth = auth;
  options.wire_variants = wire_variants;
  options.faults = faults; /* every other partition starts with them too */
  options.credentials_source = credentials_path;
  char *credentials = NULL;
  if (credentials_path &&
      !(credentials = read_file(credentials_path, &options.credentials_len)))
    return die("%s: cannot read: %s", credentials_path, strerror(errno));
  options.credentials = credentials;

  /* Fault rules: GLUEFAKE_FAULTS when the fake is created, then the
   * fixture's, then --faults, each replacing the last. */
  gf_error err = GF_ERROR_INIT;
  gf_fake_options fake_options = GF_FAKE_OPTIONS_INIT;
  fake_options.account_id = account_id;
  fake_options.region = region;
  gf_fake *fake = gf_fake_new_ext(&fake_options, &err);
  gf_server *server = NULL;
  const char *context = "";
  if (!fake)
    goto fail;
  if (fixture && gf_fake_load_file(fake, fixture, &err) != GF_OK)
    goto fail;
  if (faults && gf_faults_set(gf_fake_faults(fake), faults, &err) != GF_OK) {
    context = "--faults: ";
    goto fail;
  }
  /* Block the signals before the server's threads start, so that they
   * all inherit the mask and sigwait() below receives them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  if (!(server = gf_server_start_ext(fake, &options, &err)))
    goto fail;
  printf(strchr(host, ':') ? "listening on http://[%s]:%u\n" : "listening on http://%s:%u\n",
         host, gf_server_port(server));
  fflush(stdout);
  int signal_number;
  sigwait(&stop, &signal_number);
  gf_server_stop(server);
  gf_fake_free(fake);
  free(credentials);
  return 0;
fail:
  fprintf(stderr, "gluefake: %s%s\n", context, gf_error_message(&err));
  gf_error_clear(&err);
  gf_fake_free(fake);
  free(credentials);
  return EXIT_USAGE;
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "serve") == 0)
    return serve(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "check") == 0)
    return check(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "replay") == 0)
    return replay(argc - 2, argv + 2);
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage, stdout);
    return 0;
  }
  fputs(usage, stderr);
  return EXIT_USAGE;
}
