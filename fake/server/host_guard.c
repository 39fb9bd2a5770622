/* host_guard.c - which requests the control plane answers: a loopback or
 * allowed Host and Origin (see host_guard.h for the rule and why). */
#include "host_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/alloc.h"
#include "gluefake/server.h"
#include "gluefake/sys/backend.h" /* gf_error_set */

/* The longest host a DNS name can be (253) or an IPv6 literal spelled out
 * with an embedded IPv4 address (45), with room for the NUL. */
#define HOST_SIZE 254
#define QUOTE_MAX 200

/* The rule, said once for every refusal (the API is never refused). */
#define RULE                                                                                 \
  "the control plane answers only requests whose Host, and Origin if any, is a loopback "   \
  "name or address (localhost, 127.0.0.0/8, [::1], any port) or a host given with "         \
  "--allow-host (gf_server_options.allow_hosts)"

int gf_server_address_is_loopback(const char *address)
{
  unsigned char addr[16];
  if (!address)
    return 0;
  if (inet_pton(AF_INET, address, addr) == 1)
    return addr[0] == 127;
  static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                0, 0, 0, 0, 0, 0, 0, 1};
  return inet_pton(AF_INET6, address, addr) == 1 && memcmp(addr, v6_loopback, 16) == 0;
}

/* A host name as --allow-host takes one: 1..253 of letters, digits, '-',
 * '.' and '_' (the characters of DNS names and of /etc/hosts aliases). */
static int is_host_name(const char *name)
{
  size_t len = strlen(name);
  if (len == 0 || len >= HOST_SIZE)
    return 0;
  for (const char *p = name; *p; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '.' || c == '_'))
      return 0;
  }
  return 1;
}

/* Reads one allowed host into `out`: 0, or -1 when it is neither a name
 * nor an address (or, with `*oom`, when out of memory). */
static int read_allowed(const char *given, gfi_allowed_host *out, int *oom)
{
  char inner[HOST_SIZE];
  const char *text = given;
  size_t len = strlen(given);
  /* "[fd00::1]" as a Host spells it, or "fd00::1" as --host does. */
  if (len >= 2 && given[0] == '[' && given[len - 1] == ']' && len - 2 < sizeof inner) {
    memcpy(inner, given + 1, len - 2);
    inner[len - 2] = '\0';
    text = inner;
    if (inet_pton(AF_INET6, text, out->addr) != 1)
      return -1;
    out->family = AF_INET6;
  } else if (inet_pton(AF_INET, text, out->addr) == 1) {
    out->family = AF_INET;
  } else if (inet_pton(AF_INET6, text, out->addr) == 1) {
    out->family = AF_INET6;
  } else if (is_host_name(text)) {
    out->family = 0;
  } else {
    return -1;
  }
  if (!(out->name = gfi_strdup(text)))
    return *oom = 1, -1;
  return 0;
}

gf_status gfi_host_guard_init(gfi_host_guard *guard, const char *const *names, size_t count,
                              gf_error *err)
{
  memset(guard, 0, sizeof *guard);
  if (count == 0)
    return GF_OK;
  if (!names)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "server: %zu allowed hosts, but no list of them (allow_hosts is NULL)",
                        count);
  if (!(guard->hosts = gfi_calloc(count, sizeof *guard->hosts)))
    return gf_error_set(err, GF_INTERNAL_SERVICE, "server: out of memory");
  for (size_t i = 0; i < count; i++) {
    int oom = 0;
    if (!names[i] || read_allowed(names[i], &guard->hosts[i], &oom) != 0) {
      gfi_host_guard_clear(guard);
      if (oom)
        return gf_error_set(err, GF_INTERNAL_SERVICE, "server: out of memory");
      char quoted[QUOTE_MAX + 4];
      snprintf(quoted, sizeof quoted, "%s", names[i] ? names[i] : "(null)");
      return gf_error_set(err, GF_INVALID_INPUT,
                          "server: allowed host '%s' is not a host name or an IP address "
                          "(give it without a scheme or a port: example.lan, 192.168.1.5, "
                          "[fd00::1])",
                          quoted);
    }
    guard->count = i + 1;
  }
  return GF_OK;
}

void gfi_host_guard_clear(gfi_host_guard *guard)
{
  for (size_t i = 0; i < guard->count; i++)
    gfi_free(guard->hosts[i].name);
  gfi_free(guard->hosts);
  memset(guard, 0, sizeof *guard);
}

/* A port after the host: "" or ":" and at most 5 digits, at most 65535. */
static int is_port(const char *rest)
{
  if (!*rest)
    return 1;
  if (*rest++ != ':')
    return 0;
  unsigned long value = 0;
  size_t digits = 0;
  for (; *rest; rest++, digits++) {
    if (*rest < '0' || *rest > '9' || digits == 5)
      return 0;
    value = value * 10 + (unsigned long)(*rest - '0');
  }
  return value <= 65535;
}

static int allowed_address(const gfi_host_guard *guard, int family, const unsigned char *addr)
{
  size_t size = family == AF_INET ? 4 : 16;
  for (size_t i = 0; i < guard->count; i++)
    if (guard->hosts[i].family == family && memcmp(guard->hosts[i].addr, addr, size) == 0)
      return 1;
  return 0;
}

int gfi_host_guard_allows_host(const gfi_host_guard *guard, const char *host)
{
  if (!host)
    return 0;
  char name[HOST_SIZE];
  unsigned char addr[16];
  if (host[0] == '[') {
    /* An IPv6 literal: only inside brackets, as RFC 3986 spells it. */
    const char *close = strchr(host, ']');
    size_t len = close ? (size_t)(close - host - 1) : 0;
    if (!close || len == 0 || len >= sizeof name || !is_port(close + 1))
      return 0;
    memcpy(name, host + 1, len);
    name[len] = '\0';
    if (inet_pton(AF_INET6, name, addr) != 1)
      return 0;
    return gf_server_address_is_loopback(name) || allowed_address(guard, AF_INET6, addr);
  }
  const char *colon = strchr(host, ':');
  size_t len = colon ? (size_t)(colon - host) : strlen(host);
  if (len == 0 || len >= sizeof name || !is_port(host + len))
    return 0;
  memcpy(name, host, len);
  name[len] = '\0';
  if (inet_pton(AF_INET, name, addr) == 1)
    return gf_server_address_is_loopback(name) || allowed_address(guard, AF_INET, addr);
  if (strcasecmp(name, "localhost") == 0)
    return 1;
  for (size_t i = 0; i < guard->count; i++)
    if (guard->hosts[i].family == 0 && strcasecmp(guard->hosts[i].name, name) == 0)
      return 1;
  return 0;
}

int gfi_host_guard_allows_origin(const gfi_host_guard *guard, const char *origin)
{
  /* RFC 6454: "null", or SCHEME "://" HOST [":" PORT], nothing after (a
   * browser sends exactly this; anything else is no origin of this host). */
  if (!origin)
    return 0;
  const char *p = origin;
  if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
    return 0;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
         *p == '+' || *p == '-' || *p == '.')
    p++;
  if (strncmp(p, "://", 3) != 0)
    return 0;
  return gfi_host_guard_allows_host(guard, p + 3);
}

/* `value` fit for a message: printable ASCII, cut at QUOTE_MAX bytes. */
static void quote(char out[QUOTE_MAX + 4], const char *value)
{
  size_t n = 0;
  for (; value[n] && n < QUOTE_MAX; n++)
    out[n] = value[n] >= 0x20 && value[n] < 0x7f ? value[n] : '?';
  if (value[n])
    out[n++] = '.', out[n++] = '.', out[n++] = '.';
  out[n] = '\0';
}

gf_status gfi_host_guard_check(const gfi_host_guard *guard, const gfi_request_hosts *hosts,
                               gf_error *err)
{
  char quoted[QUOTE_MAX + 4];
  if (hosts->host_count == 0 || !hosts->host)
    return gf_error_set(err, GF_ACCESS_DENIED, RULE "; the request has no Host header");
  if (hosts->host_count > 1)
    return gf_error_set(err, GF_ACCESS_DENIED, RULE "; the request has %u Host headers",
                        hosts->host_count);
  if (!gfi_host_guard_allows_host(guard, hosts->host)) {
    quote(quoted, hosts->host);
    return gf_error_set(err, GF_ACCESS_DENIED, RULE "; Host was '%s'", quoted);
  }
  if (hosts->origin_count > 1)
    return gf_error_set(err, GF_ACCESS_DENIED, RULE "; the request has %u Origin headers",
                        hosts->origin_count);
  if (hosts->origin_count == 1 && !gfi_host_guard_allows_origin(guard, hosts->origin)) {
    quote(quoted, hosts->origin ? hosts->origin : "");
    return gf_error_set(err, GF_ACCESS_DENIED, RULE "; Origin was '%s'", quoted);
  }
  return GF_OK;
}
