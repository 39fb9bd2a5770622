/*
 * test_pressure.c - the server under pressure from slow calls and slow
 * clients: delay() faults hold no server thread (the control plane and
 * other calls are answered while many delayed calls wait, gf_server_stop()
 * does not wait for them, a client that hangs up cancels its call, a short
 * delay still delays and takes effect once), and connections that trickle
 * their headers are limited per address and cut off by the header deadline
 * while other clients are served.
 *
 * Every socket has a receive timeout, and every gf_server_stop() runs under
 * a watchdog that ends the process, so that a server that holds on fails
 * the suite instead of hanging it.  Worker threads never call cmocka (it is
 * not thread-safe): they leave their results for the main thread to check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gluefake.h"
#include "gluefake/server.h"
#include "helpers.h"

#define WAITERS 20          /* delayed calls in flight: more than any server's threads */
#define IO_TIMEOUT_S 5      /* what a request that must be answered may take */
#define WAITER_TIMEOUT_S 30 /* longer than the server may hold a delayed call here */
#define STOP_WATCHDOG_S 5   /* what gf_server_stop() may take before the suite gives up */
#define TRICKLERS 1100      /* more than libmicrohttpd's default limit of 1020 connections */
#define TRICKLE_SOURCE "127.0.0.2"
#define TRICKLE_GIVE_UP_S 14 /* the header deadline is 10 s */

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* ---- a watchdog: ends the process when a call does not return in time -- */

typedef struct watchdog {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t done;
  int disarmed, seconds;
  const char *what;
} watchdog;

static void *watchdog_main(void *arg)
{
  watchdog *w = arg;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += w->seconds;
  pthread_mutex_lock(&w->lock);
  while (!w->disarmed)
    if (pthread_cond_timedwait(&w->done, &w->lock, &until) == ETIMEDOUT && !w->disarmed) {
      fprintf(stderr, "watchdog: %s did not return within %d s\n", w->what, w->seconds);
      _exit(1);
    }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

static void watchdog_arm(watchdog *w, int seconds, const char *what)
{
  memset(w, 0, sizeof *w);
  w->seconds = seconds;
  w->what = what;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->done, NULL);
  if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0)
    abort();
}

static void watchdog_disarm(watchdog *w)
{
  pthread_mutex_lock(&w->lock);
  w->disarmed = 1;
  pthread_cond_signal(&w->done);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->done);
  pthread_mutex_destroy(&w->lock);
}

/* gf_server_stop(), which must return within STOP_WATCHDOG_S. */
static void stop_in_time(gf_server *server)
{
  watchdog w;
  watchdog_arm(&w, STOP_WATCHDOG_S, "gf_server_stop");
  gf_server_stop(server);
  watchdog_disarm(&w);
}

/* ---- a small HTTP client, safe in any thread ------------------------------- */

/* Connects to 127.0.0.1:port from `source` (NULL: any loopback address),
 * with `timeout_s` send and receive timeouts.  0, or -1. */
static int client_open(conn *c, unsigned port, const char *source, int timeout_s)
{
  memset(c, 0, sizeof *c);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0)
    return -1;
  struct timeval tv = {timeout_s, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  if (source) {
    inet_pton(AF_INET, source, &a.sin_addr);
    if (bind(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
      close(c->fd);
      c->fd = -1;
      return -1;
    }
  }
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  return 0;
}

static void client_close(conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  free(c->buf);
  memset(c, 0, sizeof *c);
  c->fd = -1;
}

/* Sends one request: the API's when `target` is set (POST /), else
 * `method` on `path` with Host 127.0.0.1 (the control plane's rule). */
static int client_send(conn *c, const char *method, const char *path, const char *target,
                       const char *body)
{
  char request[2048];
  size_t len = body ? strlen(body) : 0;
  int n = target ? snprintf(request, sizeof request,
                            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSGlue.%s\r\n"
                            "Content-Type: application/x-amz-json-1.1\r\nContent-Length: %zu\r\n"
                            "\r\n%s",
                            target, len, body ? body : "")
                 : snprintf(request, sizeof request,
                            "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n\r\n%s",
                            method, path, len, body ? body : "");
  if (n < 0 || (size_t)n >= sizeof request)
    return -1;
  return send_all(c, request, (size_t)n);
}

/* Reads one answer: its status, or RESP_CLOSED (the server closed without
 * one), RESP_TIMEOUT or RESP_BAD; its body (NUL-terminated, at most
 * `size` - 1 bytes kept) in `body` when not NULL. */
static int client_read(conn *c, char *body, size_t size)
{
  for (;;) {
    const char *end = c->buf ? strstr(c->buf, "\r\n\r\n") : NULL;
    if (end) {
      int status = 0;
      if (sscanf(c->buf, "HTTP/1.1 %d", &status) != 1)
        return RESP_BAD;
      const char *length = strstr(c->buf, "Content-Length: ");
      if (!length || length > end)
        return RESP_BAD;
      size_t head = (size_t)(end + 4 - c->buf), n = strtoul(length + 16, NULL, 10);
      while (c->len < head + n) {
        int got = recv_more(c);
        if (got <= 0)
          return got == 0 ? RESP_CLOSED : got;
      }
      if (body)
        snprintf(body, size, "%.*s", (int)n, c->buf + head);
      consume(c, head + n);
      return status;
    }
    int got = recv_more(c);
    if (got <= 0)
      return got == 0 ? RESP_CLOSED : got;
  }
}

/* One request on a connection of its own, answered within IO_TIMEOUT_S:
 * the status (or a RESP_ code), the body in `body`. */
static int once(unsigned port, const char *method, const char *path, const char *target,
                const char *request_body, char *body, size_t size)
{
  conn c;
  if (client_open(&c, port, NULL, IO_TIMEOUT_S) != 0)
    return RESP_CLOSED;
  int status = client_send(&c, method, path, target, request_body) == 0
                   ? client_read(&c, body, size)
                   : RESP_CLOSED;
  client_close(&c);
  return status;
}

/* ---- the fixture: a fake on the fixed clock, served on a free port -------- */

typedef struct fx {
  gf_fake *fake;
  gf_server *server;
  unsigned port;
} fx;

static int setup(void **state)
{
  fx *f = calloc(1, sizeof *f);
  if (!f || !(f->fake = fixed_fake(NULL, NULL)) ||
      !(f->server = gf_server_start(f->fake, "127.0.0.1", 0, NULL))) {
    if (f)
      gf_fake_free(f->fake);
    free(f);
    return -1;
  }
  f->port = gf_server_port(f->server);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fx *f = *state;
  if (f->server)
    stop_in_time(f->server);
  gf_fake_free(f->fake);
  free(f);
  return 0;
}

static void set_faults(fx *f, const char *spec)
{
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_faults_set(gf_fake_faults(f->fake), spec, &err), GF_OK);
  gf_error_clear(&err);
}

/* Waits (at most IO_TIMEOUT_S) until the rule for `target` has seen `calls`
 * calls: the server has decided them, and their delays have begun. */
static void wait_for_served(fx *f, const char *target, size_t calls)
{
  size_t served = 0;
  for (double until = now_s() + IO_TIMEOUT_S; now_s() < until; sleep_ms(5))
    if (gf_faults_counts(gf_fake_faults(f->fake), target, &served, NULL) == 0 && served >= calls)
      return;
  fail_msg("the rule %s saw %zu calls, expected %zu", target, served, calls);
}

/* ---- delays ------------------------------------------------------------------ */

typedef struct waiter {
  pthread_t thread;
  unsigned port;
  atomic_int sent;
  int status; /* what client_read() returned */
} waiter;

static void *waiter_main(void *arg)
{
  waiter *w = arg;
  conn c;
  w->status = RESP_BAD;
  if (client_open(&c, w->port, NULL, WAITER_TIMEOUT_S) != 0)
    return NULL;
  if (client_send(&c, NULL, NULL, "GetSecurityConfigurations", "{}") == 0) {
    atomic_store(&w->sent, 1);
    w->status = client_read(&c, NULL, 0);
  }
  client_close(&c);
  return NULL;
}

/* DESIGN: "delay(ms) never holds a server thread while it waits".  With
 * twenty calls waiting 20 s each, the control plane still removes the
 * fault, a new call is answered at once, and gf_server_stop() returns
 * without waiting: the waiting calls are never made. */
static void test_delays_hold_no_thread(void **state)
{
  fx *f = *state;
  set_faults(f, "*=delay(20000)");
  waiter waiters[WAITERS];
  for (int i = 0; i < WAITERS; i++) {
    memset(&waiters[i], 0, sizeof waiters[i]);
    waiters[i].port = f->port;
    assert_int_equal(pthread_create(&waiters[i].thread, NULL, waiter_main, &waiters[i]), 0);
  }
  wait_for_served(f, "*", WAITERS);

  char body[512];
  assert_int_equal(once(f->port, "DELETE", "/_gluefake/faults", NULL, NULL, body, sizeof body),
                   200);
  assert_string_equal(body, "{}");
  assert_int_equal(
      once(f->port, NULL, NULL, "GetSecurityConfigurations", "{}", body, sizeof body), 200);
  assert_string_equal(body, "{\"SecurityConfigurations\":[]}");
  /* Only that call was made: the waiting ones are not made yet. */
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), 1);

  stop_in_time(f->server);
  f->server = NULL;
  for (int i = 0; i < WAITERS; i++) {
    pthread_join(waiters[i].thread, NULL);
    assert_true(atomic_load(&waiters[i].sent));
    /* Closed without an answer, not left to time out. */
    assert_int_equal(waiters[i].status, RESP_CLOSED);
  }
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), 1);
}

/* DESIGN: "a client that hangs up cancels it": the delayed create never
 * reaches the fake, though its rule counted it. */
static void test_hang_up_cancels_the_call(void **state)
{
  fx *f = *state;
  set_faults(f, "CreateSecurityConfiguration=delay(300)");
  conn c;
  assert_int_equal(client_open(&c, f->port, NULL, IO_TIMEOUT_S), 0);
  assert_int_equal(client_send(&c, NULL, NULL, "CreateSecurityConfiguration",
                               "{\"Name\":\"gone\",\"EncryptionConfiguration\":{}}"),
                   0);
  wait_for_served(f, "CreateSecurityConfiguration", 1);
  client_close(&c);
  sleep_ms(900); /* three times the delay: a call not cancelled is made by now */

  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), 0);
  size_t served = 0, fired = 0;
  assert_int_equal(
      gf_faults_counts(gf_fake_faults(f->fake), "CreateSecurityConfiguration", &served, &fired),
      0);
  assert_int_equal(served, 1);
  assert_int_equal(fired, 1);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(config_get(gf_fake_backend(f->fake), "gone", &err), GF_ENTITY_NOT_FOUND);
  gf_error_clear(&err);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);

  /* The server still serves, and a client that waits gets its call made. */
  char body[512];
  assert_int_equal(once(f->port, NULL, NULL, "CreateSecurityConfiguration",
                        "{\"Name\":\"kept\",\"EncryptionConfiguration\":{}}", body, sizeof body),
                   200);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

/* A delay of 200 ms still delays, then the call takes effect once; the
 * kept-alive connection serves the next request as usual. */
static void test_short_delay_still_delays(void **state)
{
  fx *f = *state;
  set_faults(f, "CreateSecurityConfiguration=1*delay(200)");
  conn c;
  assert_int_equal(client_open(&c, f->port, NULL, IO_TIMEOUT_S), 0);
  const char *create = "{\"Name\":\"slow\",\"EncryptionConfiguration\":{}}";
  char body[512];
  double start = now_s();
  assert_int_equal(client_send(&c, NULL, NULL, "CreateSecurityConfiguration", create), 0);
  assert_int_equal(client_read(&c, body, sizeof body), 200);
  double took = now_s() - start;
  if (took < 0.195)
    fail_msg("a delay(200) answered after %.3f s", took);
  assert_string_equal(body, "{\"Name\":\"slow\",\"CreatedTimestamp\":1700000000}");
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), 1);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  size_t served = 0, fired = 0;
  assert_int_equal(
      gf_faults_counts(gf_fake_faults(f->fake), "CreateSecurityConfiguration", &served, &fired),
      0);
  assert_int_equal(served, 1);
  assert_int_equal(fired, 1);

  /* Same connection, chain used up: no delay; the create is refused. */
  assert_int_equal(client_send(&c, NULL, NULL, "CreateSecurityConfiguration", create), 0);
  assert_int_equal(client_read(&c, body, sizeof body), 400);
  assert_non_null(strstr(body, "AlreadyExistsException"));
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), 2);
  client_close(&c);
}

/* ---- connections that trickle their headers ------------------------------- */

typedef struct trickle {
  pthread_t thread;
  unsigned port;
  int count;           /* sockets to open */
  atomic_int opened;   /* sockets opened (connect() succeeded) */
  atomic_int ready;    /* all opened, and their first bytes sent */
  atomic_int open_now; /* not yet seen closed by the server */
  int closed;          /* seen closed by the server, by the end */
  double started;      /* when the first socket opened */
  double last_closed;  /* when the last one was seen closed, from `started` */
} trickle;

/* Whether the server closed `fd`: its end of input, or an error. */
static int closed_by_server(int fd)
{
  char byte;
  ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Opens `count` connections from TRICKLE_SOURCE, each sending a request
 * line and then one byte of a header line a second, never ending it; looks
 * every 250 ms for the ones the server closed; stops when all are closed or
 * after TRICKLE_GIVE_UP_S. */
static void *trickle_main(void *arg)
{
  trickle *t = arg;
  int *fds = malloc((size_t)t->count * sizeof *fds);
  if (!fds)
    return NULL;
  t->started = now_s();
  for (int i = 0; i < t->count; i++) {
    conn c;
    fds[i] = client_open(&c, t->port, TRICKLE_SOURCE, 1) == 0 ? c.fd : -1;
    if (fds[i] >= 0) {
      atomic_fetch_add(&t->opened, 1);
      static const char start[] = "POST / HTTP/1.1\r\nX-Trickle: ";
      (void)!send(fds[i], start, sizeof start - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  }
  int open = atomic_load(&t->opened);
  atomic_store(&t->open_now, open);
  atomic_store(&t->ready, 1);
  for (int tick = 1; open > 0 && now_s() - t->started < TRICKLE_GIVE_UP_S; tick++) {
    sleep_ms(250);
    for (int i = 0; i < t->count; i++) {
      if (fds[i] < 0)
        continue;
      if (closed_by_server(fds[i])) {
        close(fds[i]);
        fds[i] = -1;
        t->closed++;
        t->last_closed = now_s() - t->started;
        atomic_store(&t->open_now, --open);
      } else if (tick % 4 == 0) {
        (void)!send(fds[i], "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
  }
  for (int i = 0; i < t->count; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  free(fds);
  return NULL;
}

/* The files this process may open, raised to what the test needs when the
 * hard limit allows: the connections' both ends are in it. */
static int enough_files(rlim_t need)
{
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) != 0)
    return 0;
  if (files.rlim_cur != RLIM_INFINITY && files.rlim_cur < need) {
    if (files.rlim_max != RLIM_INFINITY && files.rlim_max < need)
      return 0;
    files.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &files) != 0)
      return 0;
  }
  return 1;
}

/* The client from 127.0.0.1 is answered, API and control plane. */
static void assert_served(unsigned port)
{
  char body[512];
  assert_int_equal(once(port, NULL, NULL, "GetSecurityConfigurations", "{}", body, sizeof body),
                   200);
  assert_string_equal(body, "{\"SecurityConfigurations\":[]}");
  assert_int_equal(once(port, "GET", "/_gluefake/partitions", NULL, NULL, body, sizeof body),
                   200);
}

/* DESIGN: "A slow or stalled client cannot hold the server: connections
 * have a limit and a timeout".  1,100 connections from one address, each
 * trickling a header line a byte a second: the server holds at most 256 of
 * them (the rest are closed at once), answers a client of another address
 * meanwhile, and closes every one by the header deadline (10 s). */
static void test_trickling_headers(void **state)
{
  (void)state;
  if (!enough_files(3 * TRICKLERS)) {
    print_message("skipped: this process may not open %d files\n", 3 * TRICKLERS);
    skip();
  }
  /* A server of its own, started once the files are raised: it sizes its
   * connection limit by them. */
  gf_fake *fake = fixed_fake_or_fail(NULL);
  gf_error err = GF_ERROR_INIT;
  gf_server *server = gf_server_start(fake, "127.0.0.1", 0, &err);
  assert_non_null(server);
  trickle t;
  memset(&t, 0, sizeof t);
  t.port = gf_server_port(server);
  t.count = TRICKLERS;
  assert_int_equal(pthread_create(&t.thread, NULL, trickle_main, &t), 0);
  while (!atomic_load(&t.ready))
    sleep_ms(10);
  if (atomic_load(&t.opened) == 0) { /* a loopback of 127.0.0.1 alone */
    pthread_join(t.thread, NULL);
    stop_in_time(server);
    gf_fake_free(fake);
    print_message("skipped: cannot connect from %s\n", TRICKLE_SOURCE);
    skip();
  }
  if (atomic_load(&t.opened) < TRICKLERS - 10)
    fail_msg("only %d of %d trickling connections opened", atomic_load(&t.opened), TRICKLERS);

  sleep_ms(1500); /* the refused ones are seen closed by now */
  int held = atomic_load(&t.open_now);
  if (held < 200 || held > 256)
    fail_msg("%d trickling connections held, expected 200..256 (the limit of one address)",
             held);
  assert_served(t.port);
  sleep_ms(3000);
  if (atomic_load(&t.open_now) < 200)
    fail_msg("trickling connections closed before their deadline: %d held",
             atomic_load(&t.open_now));
  assert_served(t.port);

  pthread_join(t.thread, NULL);
  if (t.closed != atomic_load(&t.opened))
    fail_msg("%d of %d trickling connections still open after %d s",
             atomic_load(&t.opened) - t.closed, atomic_load(&t.opened), TRICKLE_GIVE_UP_S);
  print_message("the last trickling connection closed %.1f s after the first opened\n",
                t.last_closed);
  assert_served(t.port);
  stop_in_time(server);
  gf_fake_free(fake);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_delays_hold_no_thread, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hang_up_cancels_the_call, setup, teardown),
      cmocka_unit_test_setup_teardown(test_short_delay_still_delays, setup, teardown),
      cmocka_unit_test(test_trickling_headers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
