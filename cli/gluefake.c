/*
 * gluefake - the command-line tool.
 *
 *   gluefake serve [--host 127.0.0.1] [--port N] [--fixture FILE] [--faults SPEC]
 *                  [--account-id ID] [--region R] [--auth none|sigv4] [--credentials FILE]
 *                  [--wire-variants] [--allow-host NAME]... [--calls-max N]
 *   gluefake check FIXTURE
 *   gluefake call OPERATION [JSON|-] [--endpoint URL] [--region R] [--profile P]
 *                 [--record FILE] [--redact-account ID]
 *   gluefake verify TRANSCRIPT [--fixture FILE | --endpoint URL [--region R]
 *                   [--profile P]] [--ignore NAME[,NAME...]] [--ignore-volatile]
 *                   [--compare-messages]            (also spelled `replay`)
 *
 * Exit status: 0 success; 1 verify found a differing outcome, or call got an
 * error from the service; 2 bad arguments, unreadable input, no region or
 * credentials, or no answer (with a one-line error on stderr).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__ /* known once a libc header is in */
#include <malloc.h> /* malloc_trim */
#endif

#include "gluefake.h"
#include "gluefake/aws.h"
#include "gluefake/file.h"
#include "gluefake/fixture.h"
#include "gluefake/server.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/transcript.h"

#define EXIT_MISMATCH 1 /* a differing outcome, or an error from the service */
#define EXIT_USAGE 2

static const char usage[] =
    "usage: gluefake serve [--host 127.0.0.1] [--port N] [--fixture FILE] [--faults SPEC]\n"
    "                      [--account-id ID] [--region R] [--auth none|sigv4]\n"
    "                      [--credentials FILE] [--wire-variants] [--allow-host NAME]...\n"
    "                      [--calls-max N]\n"
    "       gluefake check FIXTURE\n"
    "       gluefake call OPERATION [JSON|-] [--endpoint URL] [--region R] [--profile P]\n"
    "                     [--record FILE] [--redact-account ID]\n"
    "       gluefake verify TRANSCRIPT [--fixture FILE | --endpoint URL [--region R]\n"
    "                       [--profile P]] [--ignore NAME[,NAME...]] [--ignore-volatile]\n"
    "                       [--compare-messages]          (also: gluefake replay ...)\n";

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

/* Reads a file the command was given, or says why not on stderr (exit 2).
 * The text is the caller's to gf_buffer_free(). */
static char *read_input(const char *path, size_t *len)
{
  gf_error err = GF_ERROR_INIT;
  char *text = gf_read_file(path, GF_MAX_FILE, 0, len, &err);
  if (!text)
    die("%s", gf_error_message(&err));
  gf_error_clear(&err);
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

/* Where the real backend finds its configuration: the command's
 * --endpoint, --region and --profile, the rest as the SDKs find it. */
typedef struct aws_target {
  const char *endpoint, *region, *profile;
} aws_target;

/* Takes argv[*i] when it is one of aws_target's options.  1 when taken,
 * 0 when it is not one, -1 when it lacks its value. */
static int aws_option(int argc, char **argv, int *i, aws_target *t)
{
  const char **slot = strcmp(argv[*i], "--endpoint") == 0 ? &t->endpoint
                      : strcmp(argv[*i], "--region") == 0 ? &t->region
                      : strcmp(argv[*i], "--profile") == 0 ? &t->profile
                                                            : NULL;
  if (!slot)
    return 0;
  if (*i + 1 >= argc)
    return -1;
  *slot = argv[++*i];
  return 1;
}

/* A real backend for `t`, or NULL after saying why on stderr. */
static gf_aws *aws_open(const char *command, const aws_target *t)
{
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.endpoint = t->endpoint;
  options.region = t->region;
  options.profile = t->profile;
  gf_error err = GF_ERROR_INIT;
  gf_aws *aws = gf_aws_new(&options, &err);
  if (!aws)
    die("%s: %s", command, gf_error_message(&err));
  gf_error_clear(&err);
  return aws;
}

static int verify(const char *command, int argc, char **argv)
{
  static const char *const volatile_members[] = {GF_VERIFY_VOLATILE};
  const char *transcript_path = NULL, *fixture_path = NULL;
  aws_target target = {NULL, NULL, NULL};
  /* Names to ignore: each --ignore NAME[,NAME...] is split in place in its
   * own argv string, so the names live as long as argv. */
  const char **ignore = calloc((size_t)argc * 2 + sizeof volatile_members / sizeof *volatile_members,
                               sizeof *ignore);
  size_t ignore_count = 0;
  int compare_messages = 0, add_volatile = 0, status = EXIT_USAGE, taken;
  char *transcript = NULL, *fixture = NULL;
  size_t transcript_len = 0, fixture_len = 0;
  gf_aws *aws = NULL;
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
    } else if ((taken = aws_option(argc, argv, &i, &target)) != 0) {
      if (taken < 0) {
        status = die("%s: %s needs a value", command, argv[i]);
        goto done;
      }
    } else if (argv[i][0] == '-' || transcript_path) {
      status = die("%s: unexpected argument '%s'", command, argv[i]);
      goto done;
    } else {
      transcript_path = argv[i];
    }
  }
  for (size_t k = 0; add_volatile && k < sizeof volatile_members / sizeof *volatile_members; k++)
    ignore[ignore_count++] = volatile_members[k];
  if (!transcript_path) {
    status = die("%s needs a TRANSCRIPT", command);
    goto done;
  }
  if (fixture_path && target.endpoint) {
    status = die("%s: --fixture loads a fresh fake; an --endpoint has its own state", command);
    goto done;
  }
  if (!target.endpoint && (target.region || target.profile)) {
    status = die("%s: --region and --profile choose how to reach an --endpoint", command);
    goto done;
  }
  if (!(transcript = read_input(transcript_path, &transcript_len)) ||
      (fixture_path && !(fixture = read_input(fixture_path, &fixture_len))))
    goto done;
  if (target.endpoint && !(aws = aws_open(command, &target)))
    goto done;
  gf_verify_options options = GF_VERIFY_OPTIONS_INIT;
  options.fixture = fixture;
  options.fixture_len = fixture_len;
  options.fixture_source = fixture_path;
  options.ignore = ignore;
  options.ignore_count = ignore_count;
  options.compare_messages = compare_messages;
  options.backend = gf_aws_backend(aws);
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
  gf_aws_free(aws);
  free(ignore);
  gf_buffer_free(transcript);
  gf_buffer_free(fixture);
  return status;
}

/* Adds the calls `recorder` logged to the transcript at `path` (creating
 * it), through a temporary file so that a failure leaves the old one whole. */
static int record_calls(gf_recorder *recorder, const char *path, const char *redact_account)
{
  size_t len = 0;
  gf_error read = GF_ERROR_INIT;
  char *existing = gf_read_file(path, GF_MAX_FILE, 0, &len, &read);
  int status = !existing && errno != ENOENT ? die("%s", gf_error_message(&read)) : 0;
  gf_error_clear(&read);
  if (status)
    return status;
  gf_transcript_options options = GF_TRANSCRIPT_OPTIONS_INIT;
  options.append_to = existing;
  options.append_len = len;
  options.append_source = path;
  options.redact_account = redact_account;
  gf_error err = GF_ERROR_INIT;
  char *text = gf_calls_transcript_ext(recorder, &options, &err);
  gf_buffer_free(existing);
  if (!text) {
    status = die("--record: %s", gf_error_message(&err));
    gf_error_clear(&err);
    return status;
  }
  size_t tmp_len = strlen(path) + 5;
  char *tmp = malloc(tmp_len);
  FILE *f = tmp ? (snprintf(tmp, tmp_len, "%s.tmp", path), fopen(tmp, "w")) : NULL;
  int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
  ok = f && fclose(f) == 0 && ok && rename(tmp, path) == 0;
  int saved = errno;
  if (!ok && tmp)
    remove(tmp);
  free(tmp);
  gf_buffer_free(text);
  return ok ? 0 : die("%s: cannot write: %s", path, strerror(saved));
}

/* The request: the JSON argument, standard input for "-" (*read, the
 * caller's to gf_buffer_free()), {} when none.  NULL after saying why not. */
static const char *request_text(const char *arg, size_t *len, char **read)
{
  *read = NULL;
  if (arg && strcmp(arg, "-") == 0) {
    gf_error err = GF_ERROR_INIT;
    if (!(*read = gf_read_file("/dev/stdin", GF_MAX_FILE, 1, len, &err)))
      die("call: standard input: %s", gf_error_message(&err));
    gf_error_clear(&err);
    return *read;
  }
  const char *json = arg ? arg : "{}";
  *len = strlen(json);
  return json;
}

/* One call through the real backend. */
static int call(int argc, char **argv)
{
  const char *operation = NULL, *json_arg = NULL, *record = NULL, *redact_account = NULL;
  aws_target target = {NULL, NULL, NULL};
  for (int i = 0; i < argc; i++) {
    int taken = aws_option(argc, argv, &i, &target);
    if (taken < 0 || ((strcmp(argv[i], "--record") == 0 ||
                       strcmp(argv[i], "--redact-account") == 0) && i + 1 >= argc))
      return die("call: %s needs a value", argv[i]);
    if (taken)
      continue;
    if (strcmp(argv[i], "--record") == 0)
      record = argv[++i];
    else if (strcmp(argv[i], "--redact-account") == 0)
      redact_account = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      return die("call: unknown option '%s'", argv[i]);
    else if (!operation)
      operation = argv[i];
    else if (!json_arg)
      json_arg = argv[i];
    else
      return die("call: unexpected argument '%s'", argv[i]);
  }
  gf_operation op;
  if (!operation)
    return die("call needs an OPERATION (such as GetSecurityConfigurations)");
  if (gf_operation_from_name(operation, &op) != 0)
    return die("call: '%s' is not an operation of the Glue Security API", operation);
  if (redact_account && !record)
    return die("call: --redact-account rewrites what --record writes; there is no --record");

  size_t len;
  char *read;
  const char *text = request_text(json_arg, &len, &read);
  if (!text)
    return EXIT_USAGE;
  cJSON *json = cJSON_ParseWithLength(text, len);
  gf_buffer_free(read);
  gf_error err = GF_ERROR_INIT;
  void *request = NULL;
  if (!cJSON_IsObject(json) || gf_request_from_json(op, json, &request, &err) != GF_OK) {
    cJSON_Delete(json);
    int status = die("call: the %s request is not a JSON object of its shape%s%s", operation,
                     err.message ? ": " : "", err.message ? err.message : "");
    gf_error_clear(&err);
    return status;
  }
  cJSON_Delete(json);

  gf_aws *aws = aws_open("call", &target);
  gf_recorder *recorder = aws ? gf_recorder_new(gf_aws_backend(aws), &err) : NULL;
  int status = EXIT_USAGE;
  void *response = NULL;
  if (aws && !recorder) {
    die("call: %s", gf_error_message(&err));
  } else if (recorder) {
    gf_status got = gf_call(gf_recorder_backend(recorder), op, request, &response, &err);
    /* What got no answer is no behaviour of the service: it is not recorded. */
    if (record && got != GF_TRANSPORT && record_calls(recorder, record, redact_account) != 0) {
      status = EXIT_USAGE;
    } else if (got == GF_OK) {
      cJSON *out = gf_response_to_json(op, response);
      char *printed = out ? cJSON_Print(out) : NULL;
      status = printed ? (puts(printed), 0) : die("out of memory");
      cJSON_free(printed);
      cJSON_Delete(out);
    } else if (got == GF_TRANSPORT) {
      status = die("call: %s", gf_error_message(&err));
    } else {
      fprintf(stderr, "%s: %s\n", err.aws_name ? err.aws_name : gf_status_name(got),
              gf_error_message(&err));
      status = EXIT_MISMATCH;
    }
  }
  gf_response_free(op, response);
  gf_request_free(op, request);
  gf_error_clear(&err);
  gf_recorder_free(recorder);
  gf_aws_free(aws);
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
  unsigned long long calls_max = GF_SERVER_CALLS_MAX_DEFAULT;
  int wire_variants = 0;
  /* --allow-host, repeatable: borrowed from argv, copied by the server.  A
   * fixed bound rather than an allocation leaves the early returns nothing
   * to free. */
  const char *allow_hosts[64];
  size_t allow_host_count = 0;
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
    } else if (strcmp(argv[i], "--calls-max") == 0) {
      char *end;
      errno = 0;
      calls_max = strtoull(value, &end, 10);
      if (!*value || *end || errno || value[0] == '-' || calls_max > SIZE_MAX)
        return die("serve: --calls-max '%s' is not a number of calls (0 keeps none)", value);
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
    } else if (strcmp(argv[i], "--allow-host") == 0) {
      if (allow_host_count == sizeof allow_hosts / sizeof allow_hosts[0])
        return die("serve: more than %zu --allow-host", allow_host_count);
      allow_hosts[allow_host_count++] = value;
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
  options.allow_hosts = allow_hosts;
  options.allow_host_count = allow_host_count;
  options.calls_max = (size_t)calls_max;
  char *credentials = NULL;
  if (credentials_path &&
      !(credentials = read_input(credentials_path, &options.credentials_len)))
    return EXIT_USAGE;
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
#ifdef __GLIBC__
  /* The fixture's parse is freed but its nodes stay in the heap: give them
   * back, so that the served fake's resident size is its store's. */
  if (fixture)
    malloc_trim(0);
#endif
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
  /* Only once it serves: a host that cannot be bound gets its one error line. */
  if (!gf_server_address_is_loopback(host))
    fprintf(stderr,
            "warning: serving on %s: anyone who can reach this address can use the fake's API "
            "(the control plane still answers only loopback Host names and --allow-host ones)\n",
            host);
  printf(strchr(host, ':') ? "listening on http://[%s]:%u\n" : "listening on http://%s:%u\n",
         host, gf_server_port(server));
  fflush(stdout);
  int signal_number;
  sigwait(&stop, &signal_number);
  gf_server_stop(server);
  gf_fake_free(fake);
  gf_buffer_free(credentials);
  return 0;
fail:
  fprintf(stderr, "gluefake: %s%s\n", context, gf_error_message(&err));
  gf_error_clear(&err);
  gf_fake_free(fake);
  gf_buffer_free(credentials);
  return EXIT_USAGE;
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "serve") == 0)
    return serve(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "check") == 0)
    return check(argc - 2, argv + 2);
  if (argc >= 2 && (strcmp(argv[1], "verify") == 0 || strcmp(argv[1], "replay") == 0))
    return verify(argv[1], argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "call") == 0)
    return call(argc - 2, argv + 2);
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    fputs(usage, stdout);
    return 0;
  }
  fputs(usage, stderr);
  return EXIT_USAGE;
}
