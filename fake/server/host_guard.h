/*
 * host_guard.h - which requests the control plane answers: those whose
 * Host, and Origin when present, name this machine by a loopback name or
 * address, or name a host the server was told to allow (internal to the
 * server).
 *
 * Why: a web page the developer visits can send requests to
 * http://127.0.0.1:4566 (CSRF: its Origin is its own), or have its own name
 * resolve to 127.0.0.1 (DNS rebinding: its Host is its own name).  Either
 * could reset or poison the fake in the middle of a test run.  Neither can
 * forge a Host or an Origin that names the loopback, so refusing the others
 * stops both.  The API is never subject to the rule: real AWS clients send
 * whatever Host their endpoint URL names.
 *
 * The rule, for a Host value (`host[:port]`, port: at most 5 digits, as
 * RFC 9110's *DIGIT, at most 65535):
 *   - `localhost`, in any case;
 *   - an IPv4 address in 127.0.0.0/8, a dotted quad as inet_pton() reads
 *     it (so `127.1`, `0177.0.0.1` and `127.0.0.1.evil.example` are not);
 *   - `[::1]`, in any of its spellings (`[0:0:0:0:0:0:0:1]`);
 *   - a host the server allows: a name compared without regard to case, an
 *     address compared as an address.
 * Nothing else: no other name ending or starting with `localhost`, no
 * trailing dot, no unbracketed IPv6, no empty host.  An Origin passes when
 * it is `SCHEME://HOST[:PORT]` with a HOST[:PORT] that passes; `null` never
 * does.  A request without Host (HTTP/1.0 allows it) is refused: nothing
 * then says which name the client used.  Two Host or two Origin headers are
 * refused too: which one a proxy or a browser acted on is unknown.
 */
#ifndef GLUEFAKE_SERVER_HOST_GUARD_H
#define GLUEFAKE_SERVER_HOST_GUARD_H

#include <stddef.h>

#include "gluefake/errors.h"

/* One host given to allow. */
typedef struct gfi_allowed_host {
  char *name;              /* owned; as given, brackets removed */
  int family;              /* AF_INET or AF_INET6 for an address, 0 for a name */
  unsigned char addr[16];  /* the address, when `family` says there is one */
} gfi_allowed_host;

typedef struct gfi_host_guard {
  gfi_allowed_host *hosts; /* owned */
  size_t count;
} gfi_host_guard;

/* What a request says about the host it was sent to. */
typedef struct gfi_request_hosts {
  const char *host;        /* the Host header's value; NULL: none */
  const char *origin;      /* the Origin header's; NULL: none */
  unsigned host_count;     /* how many Host headers the request has */
  unsigned origin_count;   /* how many Origin headers */
} gfi_request_hosts;

/* A guard allowing the loopback and `names` (`count` of them; NULL when 0),
 * each copied: a host name (letters, digits, '-', '.', '_'), an IPv4
 * address, or an IPv6 address with or without brackets; no scheme, no port.
 * GF_OK; GF_INVALID_INPUT naming the first that is none of them;
 * GF_INTERNAL_SERVICE when out of memory ("server: out of memory").  On
 * failure `guard` holds nothing. */
gf_status gfi_host_guard_init(gfi_host_guard *guard, const char *const *names, size_t count,
                              gf_error *err);

/* Frees what gfi_host_guard_init() copied. */
void gfi_host_guard_clear(gfi_host_guard *guard);

/* Whether a Host value (`host[:port]`, `[v6][:port]`) passes the rule:
 * 1 or 0.  NULL does not. */
int gfi_host_guard_allows_host(const gfi_host_guard *guard, const char *host);

/* Whether an Origin value (`SCHEME://HOST[:PORT]`) passes: 1 or 0. */
int gfi_host_guard_allows_origin(const gfi_host_guard *guard, const char *origin);

/* Whether the control plane may answer a request with `hosts`: GF_OK, or
 * GF_ACCESS_DENIED with a message that says why and quotes the refused
 * value (its bytes outside printable ASCII as '?', cut at 200). */
gf_status gfi_host_guard_check(const gfi_host_guard *guard, const gfi_request_hosts *hosts,
                               gf_error *err);

#endif
