/*
 * soak.c - `make soak`: `gluefake serve` under a mixed load with
 * control-plane chaos for a while, its resident size sampled over time.
 *
 *   soak GLUEFAKE [SECONDS] [THREADS]
 *
 * Starts GLUEFAKE serve on a free loopback port; THREADS clients (default 4)
 * each keep one connection alive and make a mix of the ten operations; one
 * more thread plays the control plane: fault rules set and removed, the
 * call log and the state read, the partition reset.  Every SECONDS/20 it
 * prints the server's resident size.  At the end it prints what was served
 * and exits 1 when the server died, a request got no answer, an answer was
 * not the API's (neither a success nor an error of the table), or the
 * resident size kept growing: its low in the last quarter of the run more
 * than 10% above its high in the second quarter (reading the call log
 * makes short peaks; a leak, or an unbounded log, raises the floor).
 */
#define _GNU_SOURCE /* kill, for the child */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAMPLES 20

static char endpoint[64];
static atomic_int stop;
static atomic_long served, api_errors, unexpected, no_answer, control_calls;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *data, size_t size, size_t count, void *user)
{
  (void)data;
  (void)user;
  return size * count;
}

/* One request on `curl`'s kept-alive connection; the HTTP status, 0 for no
 * answer. */
static long request(CURL *curl, const char *method, const char *path, const char *target,
                    const char *body)
{
  char url[256], target_header[128];
  snprintf(url, sizeof url, "%s%s", endpoint, path);
  struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/x-amz-json-1.1");
  if (target) {
    snprintf(target_header, sizeof target_header, "X-Amz-Target: AWSGlue.%s", target);
    headers = curl_slist_append(headers, target_header);
  }
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  return status;
}

static void *client(void *arg)
{
  unsigned seed = (unsigned)(uintptr_t)arg;
  CURL *curl = curl_easy_init();
  char body[512], name[48];
  for (long n = 0; !atomic_load(&stop); n++) {
    snprintf(name, sizeof name, "soak-%u-%ld", seed, n % 500);
    const char *op;
    switch (rand_r(&seed) % 8) {
    case 0:
    case 1:
      op = "CreateSecurityConfiguration";
      snprintf(body, sizeof body,
               "{\"Name\": \"%s\", \"EncryptionConfiguration\": {\"S3Encryption\": "
               "[{\"S3EncryptionMode\": \"SSE-KMS\", \"KmsKeyArn\": "
               "\"arn:aws:kms:us-east-1:123456789012:key/soak\"}]}}",
               name);
      break;
    case 2:
      op = "GetSecurityConfiguration";
      snprintf(body, sizeof body, "{\"Name\": \"%s\"}", name);
      break;
    case 3:
      op = "GetSecurityConfigurations";
      snprintf(body, sizeof body, "{\"MaxResults\": 25}");
      break;
    case 4:
      op = "DeleteSecurityConfiguration";
      snprintf(body, sizeof body, "{\"Name\": \"%s\"}", name);
      break;
    case 5:
      op = "PutResourcePolicy";
      snprintf(body, sizeof body,
               "{\"PolicyInJson\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[],"
               "\\\"Sid\\\":\\\"%s\\\"}\"}",
               name);
      break;
    case 6:
      op = "GetResourcePolicies";
      snprintf(body, sizeof body, "{}");
      break;
    default:
      op = "GetDataCatalogEncryptionSettings";
      snprintf(body, sizeof body, "{}");
      break;
    }
    long status = request(curl, "POST", "/", op, body);
    if (status == 200)
      atomic_fetch_add(&served, 1);
    else if (status == 400 || status == 500 || status == 503)
      atomic_fetch_add(&api_errors, 1);
    else if (status == 0)
      atomic_fetch_add(&no_answer, 1);
    else
      atomic_fetch_add(&unexpected, 1);
  }
  curl_easy_cleanup(curl);
  return NULL;
}

/* The control plane, as a developer's test suite drives it meanwhile. */
static void *chaos(void *arg)
{
  (void)arg;
  unsigned seed = 7;
  CURL *curl = curl_easy_init();
  static const char *const specs[] = {
      "*=5%Throttling", "CreateSecurityConfiguration=3%applied(InternalService)",
      "GetSecurityConfiguration=10%ServiceUnavailable;DeleteSecurityConfiguration=2*EntityNotFound",
  };
  while (!atomic_load(&stop)) {
    long status;
    switch (rand_r(&seed) % 10) {
    case 0:
    case 1:
      status = request(curl, "POST", "/_gluefake/faults", NULL, specs[rand_r(&seed) % 3]);
      break;
    case 2:
      status = request(curl, "DELETE", "/_gluefake/faults", NULL, NULL);
      break;
    case 3:
      status = request(curl, "GET", "/_gluefake/calls", NULL, NULL);
      break;
    case 4:
      status = request(curl, "GET", "/_gluefake/state", NULL, NULL);
      break;
    case 5:
      status = request(curl, "POST", "/_gluefake/reset", NULL, NULL);
      break;
    default:
      status = request(curl, "GET", "/_gluefake/partitions", NULL, NULL);
      break;
    }
    atomic_fetch_add(&control_calls, 1);
    if (status == 0)
      atomic_fetch_add(&no_answer, 1);
    else if (status != 200 && status != 204)
      atomic_fetch_add(&unexpected, 1);
    usleep(200000);
  }
  curl_easy_cleanup(curl);
  return NULL;
}

/* The child's resident size in KiB, 0 when it is gone. */
static long resident_kib(pid_t pid)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  long kib = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
      break;
  if (f)
    fclose(f);
  return kib;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: soak GLUEFAKE [SECONDS] [THREADS]\n");
    return 2;
  }
  double seconds = argc > 2 ? atof(argv[2]) : 600;
  int threads = argc > 3 ? atoi(argv[3]) : 4;
  if (seconds <= 0 || threads < 1 || threads > 64) {
    fprintf(stderr, "soak: SECONDS > 0 and THREADS in 1..64\n");
    return 2;
  }
  int out[2];
  if (pipe(out) != 0)
    return 2;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(argv[1], argv[1], "serve", "--port", "0", (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  FILE *said = fdopen(out[0], "r");
  char line[256] = "";
  if (!said || !fgets(line, sizeof line, said) ||
      sscanf(line, "listening on %63s", endpoint) != 1) {
    fprintf(stderr, "soak: %s serve did not start\n", argv[1]);
    kill(pid, SIGTERM);
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  printf("soak: %s serve at %s, %d clients and the control plane, %.0f s\n", argv[1], endpoint,
         threads, seconds);
  printf("| time | resident | requests served | errors of the API |\n|---:|---:|---:|---:|\n");
  pthread_t workers[65];
  for (int i = 0; i < threads; i++)
    pthread_create(&workers[i], NULL, client, (void *)(uintptr_t)(i + 1));
  pthread_create(&workers[threads], NULL, chaos, NULL);

  long samples[SAMPLES + 1] = {0};
  double start = now();
  for (int s = 1; s <= SAMPLES; s++) {
    while (now() - start < seconds * s / SAMPLES)
      usleep(50000);
    samples[s] = resident_kib(pid);
    printf("| %6.1f s | %7ld KiB | %9ld | %7ld |\n", now() - start, samples[s],
           atomic_load(&served), atomic_load(&api_errors));
    fflush(stdout);
    if (!samples[s])
      break;
  }
  atomic_store(&stop, 1);
  for (int i = 0; i <= threads; i++)
    pthread_join(workers[i], NULL);
  long half_high = 0, end = samples[SAMPLES], end_low = end;
  for (int s = SAMPLES / 4 + 1; s <= SAMPLES / 2; s++)
    half_high = samples[s] > half_high ? samples[s] : half_high;
  for (int s = SAMPLES * 3 / 4 + 1; s <= SAMPLES; s++)
    end_low = samples[s] < end_low ? samples[s] : end_low;
  int alive = kill(pid, 0) == 0 && end > 0;
  kill(pid, SIGTERM);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  fclose(said);
  curl_global_cleanup();

  double rate = (double)atomic_load(&served) / seconds;
  int grew = end_low > half_high + half_high / 10;
  printf("soak: %ld requests served (%.0f/s), %ld errors of the API (injected or modelled), "
         "%ld control-plane calls, %ld without an answer, %ld unexpected answers; resident "
         "at most %ld KiB in the second quarter, at least %ld KiB in the last%s; the server %s\n",
         atomic_load(&served), rate, atomic_load(&api_errors), atomic_load(&control_calls),
         atomic_load(&no_answer), atomic_load(&unexpected), half_high, end_low,
         grew ? " (still growing)" : " (stopped growing)",
         alive && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0
             ? "stopped cleanly on SIGTERM"
             : "died or did not stop cleanly");
  return alive && !grew && !atomic_load(&no_answer) && !atomic_load(&unexpected) &&
                 WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0
             ? 0
             : 1;
}
