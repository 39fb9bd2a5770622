/* process.c - a profile's credential_process: run, its answer read as credentials (see config.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "core/alloc.h"
#include "core/json_text.h"
#include "gluefake/sys/backend.h"
#include "text.h"

/* Not declared by <unistd.h> under plain POSIX. */
extern char **environ;

/* What a credential_process may print: an answer is a few hundred bytes,
 * and a runaway process must not fill the memory. */
#define PROCESS_OUTPUT_MAX (64 * 1024)

/* Reads `fd` to its end into `text`: 0, 1 when there were more than
 * `limit` bytes, -1 on a read error (errno), -2 out of memory. */
static int read_all(int fd, size_t limit, gfi_text *text)
{
  char chunk[8192];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? -1 : 0;
    if (text->len + (size_t)n > limit)
      return 1;
    gfi_text_add(text, chunk, (size_t)n);
    if (text->failed)
      return -2;
  }
}

/*
 * Runs `command` with /bin/sh -c, its standard output read into `output`.
 * 0 with the child's wait status; -1 when it could not start or its
 * output could not be read (errno); 1 when it printed too much; -2 out of
 * memory.  Unless it ran to the end, the child is killed; it is always
 * reaped.
 */
static int run(const char *command, gfi_text *output, int *wait_status)
{
  char *copy = gfi_strdup(command); /* posix_spawn's argv is not const */
  int fds[2];
  if (!copy)
    return -2;
  if (pipe(fds) != 0) {
    gfi_free(copy);
    return -1;
  }
  /* Our ends stay out of children other threads start meanwhile, or the
   * read below would wait for them too. */
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  char sh[] = "sh", dash_c[] = "-c";
  char *argv[] = {sh, dash_c, copy, NULL};
  posix_spawn_file_actions_t actions;
  pid_t pid = -1;
  int rc = posix_spawn_file_actions_init(&actions);
  if (rc == 0) {
    rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
      rc = posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    if (rc == 0)
      rc = posix_spawn(&pid, "/bin/sh", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
  }
  gfi_free(copy);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    errno = rc;
    return -1;
  }
  int got = read_all(fds[0], PROCESS_OUTPUT_MAX, output);
  int read_errno = errno;
  if (got != 0)
    kill(pid, SIGKILL);
  close(fds[0]);
  *wait_status = 0; /* what is left when SIGCHLD is ignored: the output decides */
  while (waitpid(pid, wait_status, 0) < 0 && errno == EINTR)
    ;
  errno = read_errno;
  return got;
}

/* Exactly `n` digits at *s, advancing it; -1 when they are not there. */
static int digits(const char **s, int n)
{
  int value = 0;
  for (int i = 0; i < n; i++, (*s)++) {
    if (**s < '0' || **s > '9')
      return -1;
    value = value * 10 + (**s - '0');
  }
  return value;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil; timegm is not POSIX). */
static long long days_from_civil(long long y, int m, int d)
{
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  long long yoe = y - era * 400;
  long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)". */
static int parse_time(const char *s, long long *out)
{
  static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year = digits(&s, 4), month = -1, day = -1, hour = -1, minute = -1, second = -1;
  if (year >= 0 && *s++ == '-' && (month = digits(&s, 2)) >= 0 && *s++ == '-' &&
      (day = digits(&s, 2)) >= 0 && *s++ == 'T' && (hour = digits(&s, 2)) >= 0 &&
      *s++ == ':' && (minute = digits(&s, 2)) >= 0 && *s++ == ':')
    second = digits(&s, 2);
  if (second < 0 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
      (month == 2 && day == 29 && (year % 4 != 0 || (year % 100 == 0 && year % 400 != 0))) ||
      hour > 23 || minute > 59 || second > 59)
    return -1;
  if (*s == '.') {
    const char *fraction = ++s;
    while (*s >= '0' && *s <= '9')
      s++;
    if (s == fraction)
      return -1;
  }
  int offset = 0;
  if (*s == '+' || *s == '-') {
    int sign = *s++ == '-' ? -1 : 1, oh = digits(&s, 2), om = -1;
    if (oh < 0 || oh > 23 || *s++ != ':' || (om = digits(&s, 2)) < 0 || om > 59)
      return -1;
    offset = sign * (oh * 3600 + om * 60);
  } else if (*s++ != 'Z') {
    return -1;
  }
  if (*s)
    return -1;
  *out = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return 0;
}

/* A copy of the named member when it is a non-empty string: 1, 0 when it is
 * not, -1 out of memory. */
static int take_string(const cJSON *json, const char *name, char **out)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, name);
  if (!cJSON_IsString(item) || !*item->valuestring)
    return 0;
  return (*out = gfi_strdup(item->valuestring)) ? 1 : -1;
}

/* Reads the process's answer into `out`; GF_OK or the error. */
static gf_status read_answer(const cJSON *json, const char *profile, gfi_aws_credentials *out,
                             gf_error *err)
{
  const cJSON *version = cJSON_GetObjectItemCaseSensitive(json, "Version");
  if (!cJSON_IsNumber(version))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "credential_process of profile '%s' printed no Version (expected 1)",
                        profile);
  if (version->valuedouble != 1)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "credential_process of profile '%s' has Version %g (expected 1)", profile,
                        version->valuedouble);
  static const char *const required[] = {"AccessKeyId", "SecretAccessKey"};
  char **fields[] = {&out->access_key_id, &out->secret_access_key};
  for (int i = 0; i < 2; i++) {
    int got = take_string(json, required[i], fields[i]);
    if (got < 0)
      return gf_error_set(err, GF_INTERNAL_SERVICE,
                          "out of memory running credential_process of profile '%s'", profile);
    if (got == 0)
      return gf_error_set(err, GF_INVALID_INPUT, "credential_process of profile '%s' printed no %s",
                          profile, required[i]);
  }
  const cJSON *token = cJSON_GetObjectItemCaseSensitive(json, "SessionToken");
  if (token && !cJSON_IsString(token) && !cJSON_IsNull(token))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "credential_process of profile '%s' printed a SessionToken that is not a "
                        "string",
                        profile);
  if (take_string(json, "SessionToken", &out->session_token) < 0)
    return gf_error_set(err, GF_INTERNAL_SERVICE,
                        "out of memory running credential_process of profile '%s'", profile);
  const cJSON *expiration = cJSON_GetObjectItemCaseSensitive(json, "Expiration");
  if (!expiration || cJSON_IsNull(expiration))
    return GF_OK;
  if (!cJSON_IsString(expiration))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "credential_process of profile '%s' printed an Expiration that is not a "
                        "string (expected an ISO 8601 time)",
                        profile);
  if (parse_time(expiration->valuestring, &out->expires) != 0) {
    gfi_text text = {0};
    gfi_text_append(&text, "credential_process of profile '%s' Expiration '", profile);
    gfi_aws_append_quoted(&text, expiration->valuestring, strlen(expiration->valuestring),
                  GFI_AWS_QUOTE_LINE);
    gfi_text_append(&text, "' is not an ISO 8601 time");
    return gfi_aws_fail_with(&text, err);
  }
  return GF_OK;
}

gf_status gfi_aws_credential_process(const char *command, const char *profile,
                                     gfi_aws_credentials *out, gf_error *err)
{
  memset(out, 0, sizeof *out);
  gfi_text output = {0};
  int wait_status = 0;
  int got = run(command, &output, &wait_status);
  int saved = errno;
  gf_status status = GF_OK;
  if (got == -2)
    status = gf_error_set(err, GF_INTERNAL_SERVICE,
                          "out of memory running credential_process of profile '%s'", profile);
  else if (got == -1)
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "credential_process of profile '%s' could not run: %s", profile,
                          strerror(saved));
  else if (got == 1)
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "credential_process of profile '%s' printed more than 64 KiB", profile);
  else if (WIFSIGNALED(wait_status))
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "credential_process of profile '%s' was killed by signal %d", profile,
                          WTERMSIG(wait_status));
  else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0)
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "credential_process of profile '%s' exited with status %d", profile,
                          WEXITSTATUS(wait_status));
  if (status != GF_OK) {
    gfi_free(output.data);
    return status;
  }
  unsigned long failures = gfi_alloc_failures();
  cJSON *json = gfi_json_parse_all(output.data ? output.data : "", output.len);
  gfi_free(output.data);
  if (!json && gfi_alloc_failures() != failures)
    return gf_error_set(err, GF_INTERNAL_SERVICE,
                        "out of memory running credential_process of profile '%s'", profile);
  if (!cJSON_IsObject(json))
    status = gf_error_set(err, GF_INVALID_INPUT,
                          "credential_process of profile '%s' printed no JSON object", profile);
  else
    status = read_answer(json, profile, out, err);
  cJSON_Delete(json);
  if (status != GF_OK)
    gfi_aws_credentials_clear(out);
  return status;
}

void gfi_aws_credentials_clear(gfi_aws_credentials *credentials)
{
  if (!credentials)
    return;
  gfi_free(credentials->access_key_id);
  gfi_free(credentials->secret_access_key);
  gfi_free(credentials->session_token);
  memset(credentials, 0, sizeof *credentials);
}
