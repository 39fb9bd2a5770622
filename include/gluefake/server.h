/*
 * gluefake/server.h - the fake over HTTP, in the AWS JSON 1.1 protocol, so
 * that the AWS CLI and SDKs run against it (libmicrohttpd).
 *
 *   POST /   X-Amz-Target: AWSGlue.<Operation>   body: the request JSON
 *     200 and the response JSON, or 400/500 with x-amzn-ErrorType and
 *     {"__type": "<Name>", "Message": "..."}; 413 for a body over 1 MiB.
 *   Control plane for tests, under /_gluefake/:
 *     POST reset, GET state, POST state (a fixture), POST faults (a fault
 *     spec), DELETE faults, GET calls (the call log as a transcript), each
 *     with optional ?account=ID&region=R; GET partitions.
 *     It answers only requests whose Host, and Origin when present, is a
 *     loopback name or address (localhost, 127.0.0.0/8, [::1], any port) or
 *     an allowed host (gf_server_options.allow_hosts); any other gets 403
 *     AccessDeniedException and changes nothing, so that a web page the
 *     developer visits can neither reset nor poison the fake (CSRF, DNS
 *     rebinding).  The API is not subject to this rule.
 *
 * Every API request belongs to a partition (account id, region): the
 * region of its credential scope, the account of its access key (the
 * credentials file's account_id, else a 12-digit key itself).  The fake
 * served is the partition of its own account and region, which are the
 * defaults; every other partition is a fake of its own, made on first use.
 * Every response carries x-amzn-RequestId.  Every request goes through the
 * same dispatch as in-process calls, and through its fake's fault injector
 * and call log.
 *
 * A call that a delay(MS) fault holds waits without a server thread: the
 * control plane and other calls are answered meanwhile, whatever the number
 * of delayed calls.  A client that hangs up (or closes its side) while its
 * call waits cancels the call: it is never made and never logged, though
 * its fault rule counted it.  The call is made once the delay is over, as
 * in-process.
 *
 * A slow or stalled client cannot hold the server: it takes at most 1024
 * connections (fewer when the process may open fewer files: 64 less than
 * its limit), at most 256 of them from one address; a connection must send
 * a request's headers within 10 s of its opening or of its previous answer
 * (so a kept-alive connection idles at most 10 s: clients reconnect), and
 * one on which nothing moves for 10 s (a body that stops coming, an answer
 * left unread) is closed.
 */
#ifndef GLUEFAKE_SERVER_H
#define GLUEFAKE_SERVER_H

#include "fake.h"
#include "file.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_server gf_server;

/* The largest request body the API takes, and the largest state a POST
 * /_gluefake/state takes (a fixture of a million configurations); a larger
 * one is answered 413 RequestEntityTooLarge. */
#define GF_MAX_BODY (1024 * 1024)
#define GF_MAX_STATE_BODY GF_MAX_FILE

/*
 * Starts serving `fake` (borrowed: it must outlive the server) on `host`
 * (an IPv4 or IPv6 address; NULL for 127.0.0.1) and `port` (0 for a free
 * one: ask gf_server_port()).  The server runs its own threads and accepts
 * connections as soon as this returns.  NULL with `err` set when the address
 * is invalid or cannot be bound.
 */
GF_API gf_server *gf_server_start(gf_fake *fake, const char *host, unsigned port, gf_error *err);

/* How requests must be authenticated. */
typedef enum gf_server_auth {
  GF_AUTH_NONE,  /* any Authorization header, or none */
  GF_AUTH_SIGV4  /* a SigV4 signature by a key of the credentials */
} gf_server_auth;

/* 2: `faults`.  3: `allow_hosts`, `allow_host_count`.  4: `calls_max`. */
#define GF_SERVER_OPTIONS_VERSION 4

/* The calls a partition's log keeps by default (`gluefake serve --calls-max`). */
#define GF_SERVER_CALLS_MAX_DEFAULT 100000

/* Initialise with GF_SERVER_OPTIONS_INIT, then set what you need: members
 * are only ever appended, and `version` tells which exist. */
typedef struct gf_server_options {
  unsigned int version;           /* GF_SERVER_OPTIONS_VERSION */
  const char *host;               /* an IPv4 or IPv6 address; NULL for 127.0.0.1 */
  unsigned port;                  /* 0 for a free one */
  gf_server_auth auth;
  /* The access keys the server knows, as the text of a credentials file
   * (README: "Signatures"), copied; `credentials_source` names it in
   * messages.  Needed by GF_AUTH_SIGV4. */
  const char *credentials;
  size_t credentials_len;
  const char *credentials_source;
  /* Non-zero: error answers cycle through the four dialects AWS services
   * send, and every other successful answer writes its timestamps in
   * E-notation (README: "Wire variants"), so that a client meets them all. */
  int wire_variants;
  /* The fault rules each partition the server makes starts with (after
   * GLUEFAKE_FAULTS), as `gluefake serve --faults` gives them; NULL for
   * none; copied.  The fake served is the home partition: its own rules
   * are its own.  Version 2. */
  const char *faults;
  /* Hosts besides the loopback that the control plane answers when a
   * request's Host (and Origin, if any) names them, with any port, as
   * `gluefake serve --allow-host NAME` gives them: `allow_host_count` names
   * (allow_hosts may be NULL when it is 0), each a host name (compared
   * without regard to case), an IPv4 address or an IPv6 address (with or
   * without brackets; compared as an address); no scheme, no port.  Copied.
   * Version 3. */
  const char *const *allow_hosts;
  size_t allow_host_count;
  /* The calls each partition's log keeps, the oldest dropped (counted in
   * GET /_gluefake/calls); 0 keeps none.  Set on the served fake's log as
   * well.  Before version 4: GF_SERVER_CALLS_MAX_DEFAULT. */
  size_t calls_max;
} gf_server_options;

#define GF_SERVER_OPTIONS_INIT                                                             \
  {GF_SERVER_OPTIONS_VERSION, NULL, 0, GF_AUTH_NONE, NULL, 0, NULL, 0, NULL, NULL, 0,       \
   GF_SERVER_CALLS_MAX_DEFAULT}

/*
 * gf_server_start() with options (NULL: GF_SERVER_OPTIONS_INIT's).  Under
 * GF_AUTH_SIGV4 every API request (never the control plane) must be signed
 * by a key of the credentials, checked as AWS checks it; a request refused
 * is answered with AWS's error (MissingAuthenticationToken,
 * IncompleteSignature, UnrecognizedClient, ExpiredToken, InvalidSignature)
 * and never reaches the fake or its call log.  NULL with `err` set also for
 * credentials that do not parse, GF_AUTH_SIGV4 without credentials, or an
 * allowed host that is neither a host name nor an IP address.
 */
GF_API gf_server *gf_server_start_ext(gf_fake *fake, const gf_server_options *options,
                                      gf_error *err);

/* Whether `address` (as gf_server_options.host takes it) is a loopback
 * address: IPv4 in 127.0.0.0/8, or IPv6 ::1.  0 for any other address,
 * for a name (even "localhost") and for NULL.  Reads `address` only.
 * `gluefake serve` warns when it serves on an address that is not. */
GF_API int gf_server_address_is_loopback(const char *address);

/* The port the server listens on. */
GF_API unsigned gf_server_port(gf_server *server);

/* Stops accepting, closes every connection, waits for requests under way,
 * and frees the server.  Calls waiting out a delay are not waited for:
 * their connections close unanswered and the calls are never made.  NULL is
 * allowed. */
GF_API void gf_server_stop(gf_server *server);

#ifdef __cplusplus
}
#endif

#endif
