/*
 * bench.c - `make bench`: the figures of the design's performance targets,
 * each the median of several runs, printed as one table.
 *
 *   bench [--runs N] [--quick] [--no-http]
 *
 * HTTP figures come from wrk (Debian's package) against an in-process
 * server; without wrk they are reported as skipped.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gluefake.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/aws.h"
#include "aws/backend.h" /* internal: gfi_aws_connections_opened() */
#include "server/auth.h" /* internal: the signature check alone */

static int runs = 5;
static int quick = 0;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct row {
  const char *figure;
  double value;
  const char *unit;
  const char *target; /* "" when the design sets none */
  int met;            /* 1 met, 0 missed, -1 no target */
} row;

static row rows[64];
static int row_count;

static void report(const char *figure, double value, const char *unit, const char *target,
                   int met)
{
  rows[row_count++] = (row){figure, value, unit, target, met};
  fprintf(stderr, "  %-58s %12.3f %s\n", figure, value, unit);
}

/* ---- a store of N configurations ------------------------------------------- */

static const gf_s3_encryption kms_entry = {
    GF_MODE_SSE_KMS, "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"};
static const gf_encryption_configuration kms_config = {&kms_entry, 1, NULL, NULL, NULL};

/* n names in one block (names[0] is its start), as a client's requests
 * would sit in its own memory. */
static char **make_names(const char *prefix, size_t n)
{
  char **names = malloc(n * sizeof *names);
  char *text = malloc(n * 16);
  for (size_t i = 0; i < n; i++) {
    names[i] = text + 16 * i;
    snprintf(names[i], 16, "%s-%07zu", prefix, i);
  }
  return names;
}

static void free_names(char **names, size_t n)
{
  if (n)
    free(names[0]);
  free(names);
}

/* A new fake whose figures never depend on GLUEFAKE_FAULTS. */
static gf_fake *quiet_fake(void)
{
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.ignore_environment = 1;
  return gf_fake_new_ext(&options, NULL);
}

/* A fake holding the configurations `names`, with logging off and no fault
 * rules unless `decorated`. */
static gf_fake *store_of(char **names, size_t n, int decorated)
{
  gf_fake *fake = quiet_fake();
  gf_fake_set_clock(fake, 1700000000, 0.001, NULL);
  gf_recorder_set_enabled(gf_fake_calls(fake), 0);
  for (size_t i = 0; i < n; i++) {
    gf_create_security_configuration_request req = {names[i], &kms_config};
    gf_create_security_configuration(gf_fake_backend(fake), &req, NULL, NULL);
  }
  if (decorated) {
    /* A rule the measured calls go through without firing, and the log on. */
    char spec[96];
    snprintf(spec, sizeof spec, "%s=InternalService",
             gf_operation_name(GF_OP_DELETE_RESOURCE_POLICY));
    gf_faults_set(gf_fake_faults(fake), spec, NULL);
    gf_recorder_set_enabled(gf_fake_calls(fake), 1);
  }
  return fake;
}

static size_t resident_bytes(void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    fclose(f);
  }
  return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* ---- typed calls ------------------------------------------------------------ */

enum { CREATE, GET, DELETE, PUT_POLICY, GET_POLICY, PUT_SETTINGS, GET_SETTINGS, KINDS };
static const gf_operation kind_ops[KINDS] = {
    GF_OP_CREATE_SECURITY_CONFIGURATION, GF_OP_GET_SECURITY_CONFIGURATION,
    GF_OP_DELETE_SECURITY_CONFIGURATION, GF_OP_PUT_RESOURCE_POLICY,
    GF_OP_GET_RESOURCE_POLICY, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS,
    GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS};

/* ns per call of each kind on a store of `store_size`, median of runs.
 * Gets come first, on exactly `store_size` configurations; then a tenth as
 * many are created and deleted, so that the store stays near its size. */
static void typed_calls(size_t store_size, int decorated, double out[KINDS])
{
  const size_t calls = quick ? 20000 : 100000, churn = calls / 10;
  char **names = make_names("cfg", store_size);
  char **fresh = make_names("new", churn);
  /* Gets probe the store in a scattered order, decided up front; the
   * next name is fetched ahead, so that the figure is the call's cost and
   * not the harness's own cache misses on a 100,000-name table. */
  const char **probes = malloc(calls * sizeof *probes);
  for (size_t i = 0; i < calls; i++)
    probes[i] = names[(i * 7919) % store_size];
  double samples[KINDS][16];
  gf_fake *fake = store_of(names, store_size, decorated);
  gf_backend *glue = gf_fake_backend(fake);
  static const gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, "alias/glue", NULL};
  static const gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  const char *policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
  const int order[KINDS] = {GET, CREATE, DELETE, PUT_POLICY, GET_POLICY, PUT_SETTINGS,
                            GET_SETTINGS};
  for (int r = 0; r < runs; r++) {
    for (int o = 0; o < KINDS; o++) {
      int kind = order[o];
      size_t n = kind == CREATE || kind == DELETE ? churn : calls;
      double t0 = now();
      for (size_t i = 0; i < n; i++) {
        switch (kind) {
        case GET: {
          if (i + 1 < n)
            __builtin_prefetch(probes[i + 1]);
          gf_get_security_configuration_request req = {probes[i]};
          gf_get_security_configuration_response *resp = NULL;
          gf_get_security_configuration(glue, &req, &resp, NULL);
          gf_get_security_configuration_response_free(resp);
          break;
        }
        case CREATE: {
          gf_create_security_configuration_request req = {fresh[i], &kms_config};
          gf_create_security_configuration(glue, &req, NULL, NULL);
          break;
        }
        case DELETE: {
          gf_delete_security_configuration_request req = {fresh[i]};
          gf_delete_security_configuration(glue, &req, NULL, NULL);
          break;
        }
        case PUT_POLICY: {
          gf_put_resource_policy_request req = {policy, NULL, NULL, NULL, NULL};
          gf_put_resource_policy(glue, &req, NULL, NULL);
          break;
        }
        case GET_POLICY: {
          gf_get_resource_policy_response *resp = NULL;
          gf_get_resource_policy(glue, NULL, &resp, NULL);
          gf_get_resource_policy_response_free(resp);
          break;
        }
        case PUT_SETTINGS: {
          gf_put_data_catalog_encryption_settings_request req = {NULL, &settings};
          gf_put_data_catalog_encryption_settings(glue, &req, NULL, NULL);
          break;
        }
        case GET_SETTINGS: {
          gf_get_data_catalog_encryption_settings_response *resp = NULL;
          gf_get_data_catalog_encryption_settings(glue, NULL, &resp, NULL);
          gf_get_data_catalog_encryption_settings_response_free(resp);
          break;
        }
        }
      }
      samples[kind][r] = (now() - t0) / (double)n * 1e9;
    }
    gf_calls_clear(gf_fake_calls(fake));
  }
  for (int k = 0; k < KINDS; k++)
    out[k] = median(samples[k], runs);
  gf_fake_free(fake);
  free(probes);
  free_names(names, store_size);
  free_names(fresh, churn);
}

/* ---- listing ------------------------------------------------------------------- */

static double page_through(size_t n)
{
  char **names = make_names("cfg", n);
  gf_fake *fake = store_of(names, n, 0);
  double samples[16];
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    char *token = NULL;
    size_t seen = 0;
    do {
      gf_get_security_configurations_request req = {true, 100, token};
      gf_get_security_configurations_response *resp = NULL;
      gf_get_security_configurations(gf_fake_backend(fake), &req, &resp, NULL);
      seen += resp->security_configurations_count;
      free(token);
      token = resp->next_token ? strdup(resp->next_token) : NULL;
      gf_get_security_configurations_response_free(resp);
    } while (token);
    samples[r] = now() - t0;
    if (seen != n)
      fprintf(stderr, "bench: listed %zu of %zu\n", seen, n);
  }
  gf_fake_free(fake);
  free_names(names, n);
  return median(samples, runs);
}

/* ---- JSON dispatch ------------------------------------------------------------- */

static double json_dispatch(int decorated)
{
  const size_t calls = quick ? 20000 : 100000;
  char **names = make_names("cfg", 1000);
  gf_fake *fake = store_of(names, 1000, decorated);
  const char *body = "{\"Name\":\"cfg-0000123\"}";
  double samples[16];
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    for (size_t i = 0; i < calls; i++) {
      gf_json_reply reply;
      gf_json_dispatch(gf_fake_backend(fake), gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION), body, strlen(body),
                       &reply);
      gf_json_reply_clear(&reply);
    }
    samples[r] = (now() - t0) / (double)calls * 1e6;
    gf_calls_clear(gf_fake_calls(fake));
  }
  gf_fake_free(fake);
  free_names(names, 1000);
  return median(samples, runs);
}

/* The first page of 100 of a store of 1,000, as JSON: what the encoding of
 * a response costs when it is most of the call (100 timestamps, 100
 * nested objects). */
static double json_page(void)
{
  const size_t calls = quick ? 1000 : 5000;
  char **names = make_names("cfg", 1000);
  gf_fake *fake = store_of(names, 1000, 0);
  const char *body = "{\"MaxResults\":100}";
  const char *operation = gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATIONS);
  double samples[16];
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    for (size_t i = 0; i < calls; i++) {
      gf_json_reply reply;
      gf_json_dispatch(gf_fake_backend(fake), operation, body, strlen(body), &reply);
      gf_json_reply_clear(&reply);
    }
    samples[r] = (now() - t0) / (double)calls * 1e6;
  }
  gf_fake_free(fake);
  free_names(names, 1000);
  return median(samples, runs);
}

/* ---- fixtures and fakes ------------------------------------------------------------- */

static char *fixture_text(size_t n, size_t *len)
{
  size_t cap = 200 + n * 220;
  char *text = malloc(cap);
  size_t at = (size_t)snprintf(text, cap, "{\"security_configurations\":[");
  for (size_t i = 0; i < n; i++)
    at += (size_t)snprintf(text + at, cap - at,
                           "%s{\"Name\":\"cfg-%07zu\",\"CreatedTimeStamp\":%zu,"
                           "\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":"
                           "\"SSE-KMS\",\"KmsKeyArn\":\"%s\"}]}}",
                           i ? "," : "", i, 1600000000 + i, kms_entry.kms_key_arn);
  at += (size_t)snprintf(text + at, cap - at, "]}");
  *len = at;
  return text;
}

static double fixture_load(size_t n)
{
  size_t len;
  char *text = fixture_text(n, &len);
  double samples[16];
  for (int r = 0; r < runs; r++) {
    gf_fake *fake = quiet_fake();
    double t0 = now();
    gf_error err = GF_ERROR_INIT;
    if (gf_fake_load(fake, text, len, "bench", &err) != GF_OK)
      fprintf(stderr, "bench: %s\n", gf_error_message(&err));
    samples[r] = (now() - t0) * 1e3;
    gf_error_clear(&err);
    gf_fake_free(fake);
  }
  free(text);
  return median(samples, runs);
}

static double new_fake(void)
{
  double samples[16];
  for (int r = 0; r < runs; r++) {
    const int n = 1000;
    double t0 = now();
    for (int i = 0; i < n; i++) {
      gf_fake *fake = quiet_fake();
      gf_get_resource_policy(gf_fake_backend(fake), NULL, NULL, NULL); /* its first call */
      gf_fake_free(fake);
    }
    samples[r] = (now() - t0) / n * 1e6;
  }
  return median(samples, runs);
}

static double bytes_per_configuration(void)
{
  const size_t n = 100000;
  char **names = make_names("cfg", n);
  size_t before = resident_bytes();
  gf_fake *fake = store_of(names, n, 0);
  size_t after = resident_bytes();
  gf_fake_free(fake);
  free_names(names, n);
  return (double)(after - before) / (double)n;
}

/* The resident size of process `pid` in bytes (0 when gone). */
static size_t resident_of(pid_t pid)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
  FILE *f = fopen(path, "r");
  long pages = 0, resident = 0;
  if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2)
    resident = 0;
  if (f)
    fclose(f);
  return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* `gluefake serve` (the program beside this bench) with `fixture` (NULL:
 * none), once it listens: its resident size.  0 when it did not start. */
static size_t served_resident(const char *gluefake, const char *fixture)
{
  int out[2];
  if (pipe(out) != 0)
    return 0;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    if (fixture)
      execl(gluefake, gluefake, "serve", "--port", "0", "--fixture", fixture, (char *)NULL);
    else
      execl(gluefake, gluefake, "serve", "--port", "0", (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  char line[128];
  FILE *said = fdopen(out[0], "r");
  size_t resident = said && fgets(line, sizeof line, said) && strncmp(line, "listening", 9) == 0
                        ? resident_of(pid)
                        : 0;
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  if (said)
    fclose(said);
  return resident;
}

/* `gluefake serve --fixture` of 100,000 configurations (one SSE-KMS S3
 * entry each): the program's resident bytes per configuration beyond an
 * empty server's.  -1 when the program is not beside the bench. */
static double served_bytes_per_configuration(const char *bench_path)
{
  const size_t n = 100000;
  char gluefake[512], fixture[] = "/tmp/gluefake-bench-XXXXXX";
  const char *slash = strrchr(bench_path, '/');
  snprintf(gluefake, sizeof gluefake, "%.*sgluefake", slash ? (int)(slash - bench_path + 1) : 0,
           bench_path);
  if (access(gluefake, X_OK) != 0)
    return -1;
  char **names = make_names("cfg", n);
  gf_fake *fake = store_of(names, n, 0);
  char *dump = gf_fake_dump(fake);
  gf_fake_free(fake);
  free_names(names, n);
  int fd = mkstemp(fixture);
  size_t len = dump ? strlen(dump) : 0;
  int written = fd >= 0 && dump && write(fd, dump, len) == (ssize_t)len;
  if (fd >= 0)
    close(fd);
  gf_buffer_free(dump);
  double per = -1;
  if (written) {
    size_t empty = served_resident(gluefake, NULL), full = served_resident(gluefake, fixture);
    if (empty && full)
      per = ((double)full - (double)empty) / (double)n;
  }
  unlink(fixture);
  return per;
}

/* One GetSecurityConfigurations to `port`, signed (unchecked) by access key
 * `key`: a 12-digit key is an account, so a new key makes a new partition.
 * 0 when answered 200. */
static int partition_request(unsigned port, const char *key)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  char request[512], reply[1024];
  int len = snprintf(request, sizeof request,
                     "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "X-Amz-Target: AWSGlue.GetSecurityConfigurations\r\n"
                     "Authorization: AWS4-HMAC-SHA256 Credential=%s/20261206/us-east-1/glue/"
                     "aws4_request, SignedHeaders=host, Signature=00\r\n"
                     "Content-Length: 2\r\n\r\n{}",
                     key);
  ssize_t sent = send(fd, request, (size_t)len, 0), got, total = 0;
  while ((got = recv(fd, reply + total, sizeof reply - 1 - (size_t)total, 0)) > 0)
    total += got;
  close(fd);
  reply[total > 0 ? total : 0] = '\0';
  return sent == len && strncmp(reply, "HTTP/1.1 200", 12) == 0 ? 0 : -1;
}

/* What the server holds for each partition it makes: the resident memory
 * that 1,000 new ones add, each made by its first request. */
static double bytes_per_partition(void)
{
  gf_fake *home = quiet_fake();
  gf_server *server = gf_server_start(home, "127.0.0.1", 0, NULL);
  if (!server) {
    gf_fake_free(home);
    return -1;
  }
  unsigned port = gf_server_port(server);
  char key[16];
  int failed = 0;
  for (int i = 0; i < 20; i++) { /* the server's threads and arenas, warmed up */
    snprintf(key, sizeof key, "%012d", 100000 + i);
    failed |= partition_request(port, key);
  }
  const int n = 1000;
  size_t before = resident_bytes();
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, "%012d", 200000 + i);
    failed |= partition_request(port, key);
  }
  size_t after = resident_bytes();
  gf_server_stop(server);
  gf_fake_free(home);
  return failed ? -1 : (double)(after - before) / n;
}

/* ---- HTTP with wrk ------------------------------------------------------------------ */

static const char bench_credentials[] =
    "{\"credentials\": [{\"access_key_id\": \"AKIDBENCH\", \"secret_access_key\": \"bench\"}]}";

/* Signs a GetSecurityConfiguration for `host` now, as an SDK would. */
static void sign_get(const char *host, const char *body, gfi_sigv4_header headers[5],
                     gfi_sigv4_signed *sig)
{
  headers[0] = (gfi_sigv4_header){"Host", host};
  headers[1] = (gfi_sigv4_header){"X-Amz-Target", "AWSGlue.GetSecurityConfiguration"};
  headers[2] = (gfi_sigv4_header){"Content-Type", "application/x-amz-json-1.1"};
  gfi_sigv4_signer signer = {"AKIDBENCH", "bench", NULL, "us-east-1", "glue",
                             (long long)time(NULL), 0};
  gfi_sigv4_request request = {"POST", "/", NULL, headers, 3, body, strlen(body)};
  if (gfi_sigv4_sign(&signer, &request, sig) != 0) {
    fprintf(stderr, "bench: out of memory signing\n");
    exit(1);
  }
  headers[3] = (gfi_sigv4_header){"X-Amz-Date", sig->amz_date};
  headers[4] = (gfi_sigv4_header){"Authorization", sig->authorization};
}

/* µs to check the signature of one request (gfi_auth_check: parse, key,
 * scope, clock, canonical request, signing key, HMAC). */
static double sigv4_check(void)
{
  gfi_credentials creds;
  gf_error err = GF_ERROR_INIT;
  if (gfi_credentials_parse(bench_credentials, sizeof bench_credentials - 1, "bench", &creds,
                            &err) != GF_OK)
    return -1;
  static const char body[] = "{\"Name\":\"cfg-0000123\"}";
  gfi_sigv4_header headers[5];
  gfi_sigv4_signed sig;
  sign_get("127.0.0.1:4566", body, headers, &sig);
  gfi_sigv4_request request = {"POST", "/", NULL, headers, 5, body, strlen(body)};
  double samples[16];
  const int n = quick ? 20000 : 100000;
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    for (int i = 0; i < n; i++) {
      gfi_auth_identity who;
      if (gfi_auth_check(&creds, &request, (double)time(NULL), &who, &err) != GF_OK) {
        fprintf(stderr, "bench: %s\n", gf_error_message(&err));
        exit(1);
      }
    }
    samples[r] = (now() - t0) / n * 1e6;
  }
  gfi_sigv4_signed_clear(&sig);
  gfi_credentials_clear(&creds);
  return median(samples, runs);
}

/* wrk against a server of 1,000 configurations, Gets of one of them; with
 * `signed_requests`, under --auth sigv4, every request carrying the same
 * signature (good for the 5 minutes around its date). */
/* CPU seconds this process has used (the server's threads are in it). */
static double cpu_seconds(void)
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec * 1e-6 +
         (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec * 1e-6;
}

static int http(int signed_requests, double *rps, double *p50_us, double *p99_us,
                double *cpu_us)
{
  if (system("command -v wrk >/dev/null 2>&1") != 0)
    return -1;
  char **names = make_names("cfg", 1000);
  gf_fake *fake = store_of(names, 1000, 0);
  gf_error err = GF_ERROR_INIT;
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  if (signed_requests) {
    options.auth = GF_AUTH_SIGV4;
    options.credentials = bench_credentials;
    options.credentials_len = sizeof bench_credentials - 1;
  }
  gf_server *server = gf_server_start_ext(fake, &options, &err);
  if (!server) {
    fprintf(stderr, "bench: %s\n", gf_error_message(&err));
    gf_error_clear(&err);
    gf_fake_free(fake);
    free_names(names, 1000);
    return -1;
  }
  char script[] = "/tmp/gluefake-bench-XXXXXX";
  int fd = mkstemp(script);
  FILE *lua = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (lua) {
    fprintf(lua,
            "wrk.method = \"POST\"\n"
            "wrk.headers[\"X-Amz-Target\"] = \"AWSGlue.%s\"\n"
            "wrk.headers[\"Content-Type\"] = \"application/x-amz-json-1.1\"\n"
            "wrk.body = '{\"Name\":\"cfg-0000123\"}'\n",
            gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION));
    if (signed_requests) {
      char host[32];
      snprintf(host, sizeof host, "127.0.0.1:%u", gf_server_port(server));
      gfi_sigv4_header headers[5];
      gfi_sigv4_signed sig;
      sign_get(host, "{\"Name\":\"cfg-0000123\"}", headers, &sig);
      for (int h = 0; h < 5; h++)
        if (h != 1 && h != 2) /* X-Amz-Target and Content-Type are set above */
          fprintf(lua, "wrk.headers[\"%s\"] = \"%s\"\n", headers[h].name, headers[h].value);
      gfi_sigv4_signed_clear(&sig);
    }
    fclose(lua);
  }
  double r[16], p50[16], p99[16], cpu[16];
  int done = 0;
  for (int i = 0; lua && i < runs; i++) {
    char command[512];
    snprintf(command, sizeof command,
             "wrk -t2 -c16 -d%ds --latency -s %s http://127.0.0.1:%u/ 2>&1", quick ? 2 : 5,
             script, gf_server_port(server));
    double cpu0 = cpu_seconds();
    FILE *out = popen(command, "r");
    char line[256];
    double req = 0, l50 = 0, l99 = 0, total = 0;
    while (out && fgets(line, sizeof line, out)) {
      char unit[8] = "";
      double v;
      if (sscanf(line, " Requests/sec: %lf", &v) == 1)
        req = v;
      else if (strstr(line, " requests in ") && sscanf(line, " %lf", &v) == 1)
        total = v;
      else if (sscanf(line, " 50%% %lf%7s", &v, unit) == 2)
        l50 = v * (unit[0] == 'm' ? 1000 : unit[0] == 's' ? 1e6 : 1);
      else if (sscanf(line, " 99%% %lf%7s", &v, unit) == 2)
        l99 = v * (unit[0] == 'm' ? 1000 : unit[0] == 's' ? 1e6 : 1);
    }
    if (out)
      pclose(out);
    double used = cpu_seconds() - cpu0;
    if (req > 0 && total > 0) {
      r[done] = req, p50[done] = l50, p99[done] = l99, cpu[done] = used / total * 1e6;
      done++;
    }
  }
  unlink(script);
  gf_server_stop(server);
  gf_fake_free(fake);
  free_names(names, 1000);
  if (!done)
    return -1;
  *rps = median(r, done);
  *p50_us = median(p50, done);
  *p99_us = median(p99, done);
  *cpu_us = median(cpu, done);
  return 0;
}

/* ---- the real backend against a local server, beside boto3 ------------------------ */

static const char real_credentials[] =
    "{\"credentials\":[{\"access_key_id\":\"AKIDBENCH\",\"secret_access_key\":\"benchsecret\"}]}";

/* The same GetSecurityConfiguration as the real backend makes, by boto3:
 * argv is the port, the calls per chunk and the chunks; after a warm-up it
 * prints one "rate <calls/s>" line per chunk, or "noboto3".  Only double
 * quotes inside: the shell gets it in single quotes. */
static const char boto3_script[] =
    "import sys, time\n"
    "try:\n"
    "    import boto3, botocore.config\n"
    "except ImportError:\n"
    "    print(\"noboto3\"); sys.exit(0)\n"
    "port, n, chunks = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])\n"
    "glue = boto3.client(\"glue\", endpoint_url=\"http://127.0.0.1:%d\" % port,\n"
    "    region_name=\"us-east-1\", aws_access_key_id=\"AKIDBENCH\",\n"
    "    aws_secret_access_key=\"benchsecret\",\n"
    "    config=botocore.config.Config(retries={\"max_attempts\": 1}))\n"
    "for _ in range(50):\n"
    "    glue.get_security_configuration(Name=\"bench\")\n"
    "for _ in range(chunks):\n"
    "    t0 = time.perf_counter()\n"
    "    for _ in range(n):\n"
    "        glue.get_security_configuration(Name=\"bench\")\n"
    "    print(\"rate %.1f\" % (n / (time.perf_counter() - t0)), flush=True)\n";

/* Median calls/s of boto3 against `port`; 0 when /usr/bin/python3 or boto3
 * is missing, -1 when it failed. */
static double boto3_rate(unsigned port)
{
  if (access("/usr/bin/python3", X_OK) != 0)
    return 0;
  /* ~2 s at boto3's ~1,000 calls/s in all (~0.5 s with --quick), in `runs`
   * chunks; its own configuration files and profile kept out of it. */
  const int per_chunk = (quick ? 500 : 2000) / runs;
  size_t cap = sizeof boto3_script + 256;
  char *command = malloc(cap);
  if (!command)
    return -1;
  snprintf(command, cap,
           "env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE AWS_CONFIG_FILE=/dev/null "
           "AWS_SHARED_CREDENTIALS_FILE=/dev/null NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 "
           "/usr/bin/python3 -c '%s' %u %d %d 2>&1",
           boto3_script, port, per_chunk > 0 ? per_chunk : 1, runs);
  FILE *out = popen(command, "r");
  free(command);
  double rates[16];
  int done = 0, missing = 0;
  char line[512];
  while (out && fgets(line, sizeof line, out)) {
    double v;
    if (sscanf(line, "rate %lf", &v) == 1 && done < 16)
      rates[done++] = v;
    else if (strncmp(line, "noboto3", 7) == 0)
      missing = 1;
    else
      fprintf(stderr, "bench: boto3: %s", line);
  }
  int status = out ? pclose(out) : -1;
  if (missing)
    return 0;
  if (status != 0 || done != runs)
    return -1;
  return median(rates, done);
}

/* Pins the calling thread to the CPU it runs on, keeping its mask in
 * `saved`; threads it creates from now on (the server's) and processes it
 * starts (boto3) inherit the pin.  0 when pinned. */
static int pin_to_one_cpu(cpu_set_t *saved)
{
  if (sched_getaffinity(0, sizeof *saved, saved) != 0)
    return -1;
  int cpu = sched_getcpu();
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, saved))
    return -1;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return sched_setaffinity(0, sizeof one, &one);
}

/*
 * The real backend (gf_aws) calling GetSecurityConfiguration on an
 * in-process server under --auth sigv4, from one thread over one kept-alive
 * connection: calls/s, and the calling thread's CPU time per call.  The
 * server runs on its own threads, so the caller's thread CPU time leaves
 * its work out: what remains is the backend's own cost (credentials,
 * signing, JSON encode and decode, curl building the request and parsing
 * the answer, and the kernel's send/poll/recv on the client's side),
 * everything but waiting on the server.  With `boto3`, boto3 then makes
 * the same calls to the same server (-1 when it failed, 0 when missing).
 *
 * With `pinned`, the server's threads, the calling thread and boto3 all
 * run on one CPU.  A call is a ping-pong, so a second CPU buys nothing;
 * but when client and server sit on different CPUs every call pays two
 * cross-CPU wake-ups, which on a VM roughly double the client's kernel time
 * and halve the backend's calls/s from run to run depending on where the
 * scheduler put the threads, while boto3 (~1 ms a call in Python) barely
 * notices.  Pinned, the figure is stable; the unpinned one is reported
 * beside it.  -1 when the server or the backend could not start.
 */
static int real_backend(int pinned, int calls, double *rps, double *cpu_us, long *connections,
                        double *boto3)
{
  cpu_set_t saved;
  int was_pinned = pinned && pin_to_one_cpu(&saved) == 0;
  if (pinned && !was_pinned)
    fprintf(stderr, "bench: could not pin to one CPU; the figures may vary\n");
  gf_fake *fake = quiet_fake();
  gf_recorder_set_enabled(gf_fake_calls(fake), 0);
  gf_create_security_configuration_request create = {"bench", &kms_config};
  gf_create_security_configuration(gf_fake_backend(fake), &create, NULL, NULL);
  gf_error err = GF_ERROR_INIT;
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.auth = GF_AUTH_SIGV4;
  options.credentials = real_credentials;
  options.credentials_len = sizeof real_credentials - 1;
  gf_server *server = gf_server_start_ext(fake, &options, &err);
  gf_aws *aws = NULL;
  char endpoint[64];
  if (server) {
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%u", gf_server_port(server));
    gf_aws_options aws_options = GF_AWS_OPTIONS_INIT;
    aws_options.access_key_id = "AKIDBENCH";
    aws_options.secret_access_key = "benchsecret";
    aws_options.region = "us-east-1";
    aws_options.endpoint = endpoint;
    aws_options.max_attempts = 1; /* a failure shows, never a retry */
    aws_options.ignore_environment = 1;
    aws = gf_aws_new(&aws_options, &err);
  }
  int failed = !server || !aws;
  if (failed)
    fprintf(stderr, "bench: %s\n", gf_error_message(&err));
  gf_error_clear(&err);
  double r[16], c[16];
  gf_get_security_configuration_request req = {"bench"};
  for (int i = 0; !failed && i < 200; i++) { /* the connection, and warm caches */
    gf_get_security_configuration_response *resp = NULL;
    failed = gf_get_security_configuration(gf_aws_backend(aws), &req, &resp, &err) != GF_OK;
    gf_get_security_configuration_response_free(resp);
  }
  for (int run = 0; !failed && run < runs; run++) {
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    double t0 = now();
    for (int i = 0; !failed && i < calls; i++) {
      gf_get_security_configuration_response *resp = NULL;
      failed = gf_get_security_configuration(gf_aws_backend(aws), &req, &resp, &err) != GF_OK ||
               !resp->security_configuration;
      gf_get_security_configuration_response_free(resp);
    }
    double wall = now() - t0;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
    r[run] = calls / wall;
    c[run] = cpu / calls * 1e6;
  }
  if (failed && aws)
    fprintf(stderr, "bench: real backend: %s\n", gf_error_message(&err));
  gf_error_clear(&err);
  if (!failed) {
    *rps = median(r, runs);
    *cpu_us = median(c, runs);
    *connections = gfi_aws_connections_opened(aws);
    if (boto3)
      *boto3 = boto3_rate(gf_server_port(server));
  }
  gf_aws_free(aws);
  gf_server_stop(server);
  gf_fake_free(fake);
  if (was_pinned)
    sched_setaffinity(0, sizeof saved, &saved);
  return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
  int with_http = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (strcmp(argv[i], "--quick") == 0)
      quick = 1;
    else if (strcmp(argv[i], "--no-http") == 0)
      with_http = 0;
    else {
      fprintf(stderr, "usage: bench [--runs N] [--quick] [--no-http]\n");
      return 2;
    }
  }
  if (runs < 1 || runs > 15)
    runs = 5;
  fprintf(stderr, "gluefake bench: median of %d runs%s\n", runs, quick ? " (quick)" : "");

  double bpc = bytes_per_configuration();
  char label[128];
  const size_t store = quick ? 20000 : 100000;
  double bare[KINDS], decorated[KINDS];
  typed_calls(store, 0, bare);
  typed_calls(store, 1, decorated);
  for (int k = 0; k < KINDS; k++) {
    snprintf(label, sizeof label, "%s (store of %zu)", gf_operation_name(kind_ops[k]), store);
    char *copy = strdup(label);
    int targeted = k <= DELETE;
    report(copy, bare[k], "ns/call", targeted ? "<= 500" : "", targeted ? bare[k] <= 500 : -1);
  }
  double t10k = page_through(10000), t100k = page_through(quick ? 50000 : 100000);
  double per_item = t100k / (quick ? 50000 : 100000) * 1e9;
  report("paging 10,000 configurations, MaxResults=100", t10k * 1e3, "ms", "", -1);
  report(quick ? "paging 50,000 configurations, MaxResults=100"
               : "paging 100,000 configurations, MaxResults=100",
         t100k * 1e3, "ms", "", -1);
  report("  per listed item", per_item, "ns", "<= 1000", per_item <= 1000);
  double ratio = t100k / t10k;
  report(quick ? "  ratio 50k/10k" : "  ratio 100k/10k", ratio, "x", quick ? "<= 6" : "<= 12",
         ratio <= (quick ? 6 : 12));
  double json = json_dispatch(0);
  snprintf(label, sizeof label, "JSON dispatch of %s",
           gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION));
  report(strdup(label), json, "us", "<= 5", json <= 5);
  double page = json_page();
  report("JSON page of 100 security configurations (dispatch)", page, "us", "<= 30",
         page <= 30);
  double rps, p50, p99, cpu;
  double check = sigv4_check();
  report("SigV4 check of a request (in-process)", check, "us", "", -1);
  if (with_http && http(0, &rps, &p50, &p99, &cpu) == 0) {
    snprintf(label, sizeof label, "HTTP %s (wrk -t2 -c16, keep-alive)",
             gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION));
    report(strdup(label), rps, "req/s", ">= 35000", rps >= 35000);
    report("  latency p50", p50, "us", "", -1);
    report("  latency p99", p99, "us", "", -1);
    report("  server CPU per request", cpu, "us", "", -1);
    double signed_rps, signed_p50, signed_p99, signed_cpu;
    if (http(1, &signed_rps, &signed_p50, &signed_p99, &signed_cpu) == 0) {
      report("  the same under --auth sigv4", signed_rps, "req/s", "", -1);
      report("  server CPU per request, --auth sigv4", signed_cpu, "us", "", -1);
      report("  server CPU the signature check adds", signed_cpu - cpu, "us", "<= 5",
             signed_cpu - cpu <= 5);
    }
  } else {
    report("HTTP (skipped: no wrk, or --no-http)", 0, "", "", -1);
  }
  double real_rps, real_cpu, boto3, free_rps, free_cpu;
  long connections, free_connections;
  if (with_http && real_backend(1, quick ? 2000 : 10000, &real_rps, &real_cpu, &connections,
                                &boto3) == 0 &&
      real_backend(0, quick ? 500 : 2000, &free_rps, &free_cpu, &free_connections, NULL) == 0) {
    report("real backend calls/s (one kept-alive connection)", real_rps, "calls/s", "", -1);
    report("  connections the real backend opened", (double)connections, "", "= 1",
           connections == 1 && free_connections == 1);
    if (connections != 1 || free_connections != 1)
      fprintf(stderr, "bench: WARNING: the real backend opened %ld and %ld connections, not 1\n",
              connections, free_connections);
    report("  real backend client CPU per call", real_cpu, "us", "", -1);
    report("  calls/s, client and server on any CPU (unpinned)", free_rps, "calls/s", "", -1);
    report("  client CPU per call, unpinned", free_cpu, "us", "", -1);
    if (boto3 > 0) {
      report("boto3 calls/s (same server, same run)", boto3, "calls/s", "", -1);
      double times = real_rps / boto3;
      report("real backend / boto3", times, "x", ">= 10", times >= 10);
    } else if (boto3 == 0) {
      report("boto3 calls/s (skipped: boto3 not installed)", 0, "", "", -1);
    } else {
      report("real backend / boto3 (boto3 failed: see above)", 0, "x", ">= 10", 0);
    }
  } else {
    report("real backend (skipped: --no-http, or it failed)", 0, "", "", with_http ? 0 : -1);
  }
  double load = fixture_load(10000);
  report("fixture load, 10,000 configurations", load, "ms", "<= 20", load <= 20);
  report("resident bytes per configuration (one SSE-KMS S3 entry)", bpc, "bytes", "<= 500",
         bpc <= 500);
  double served_bpc = served_bytes_per_configuration(argv[0]);
  if (served_bpc >= 0)
    report("  the same, gluefake serve --fixture of 100,000", served_bpc, "bytes", "<= 500",
           served_bpc <= 500);
  else
    report("  gluefake serve --fixture (skipped: no gluefake beside the bench)", 0, "", "", -1);
  double fresh = new_fake();
  report("new fake ready for its first call", fresh, "us", "<= 1000", fresh <= 1000);
  double partition = bytes_per_partition();
  report("resident bytes per server partition (made by its first request)", partition, "bytes",
         "", -1);
  for (int k = 0; k < KINDS; k++) {
    snprintf(label, sizeof label, "%s + recorder + injector", gf_operation_name(kind_ops[k]));
    report(strdup(label), decorated[k], "ns/call", "", -1);
  }
  double json_decorated = json_dispatch(1);
  report("JSON dispatch + recorder + injector", json_decorated, "us", "", -1);

  printf("| figure | measured | target | |\n|---|---:|---:|---|\n");
  int missed = 0;
  for (int i = 0; i < row_count; i++) {
    const row *r = &rows[i];
    /* A count (no unit) has no decimals. */
    int places = r->value >= 100 || !r->unit[0] ? 0 : r->value >= 10 ? 1 : 2;
    printf("| %s | %.*f %s | %s | %s |\n", r->figure, places,
           r->value, r->unit, r->target, r->met == 1 ? "met" : r->met == 0 ? "MISSED" : "");
    missed += r->met == 0;
  }
  return missed ? 1 : 0;
}
