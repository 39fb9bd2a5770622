/*
 * watch.h - the server's clock: one thread that ends the waits of delayed
 * calls and closes connections that are too slow to send a request
 * (internal to the server).
 *
 * Why a thread of its own: a delay(MS) fault used to sleep in the server
 * thread that served the call, so eight slow calls held every thread of a
 * small machine, and the control plane could no longer remove the fault.
 * Now the connection of a delayed call is suspended (libmicrohttpd's
 * MHD_suspend_connection: no thread waits for it), and this thread resumes
 * it when the delay has elapsed, when its client hangs up (the call is then
 * never made) or when the server stops (never made either).  libmicrohttpd
 * neither times out nor watches a suspended connection, so this thread
 * polls their sockets for a hang-up.
 *
 * And a header deadline: libmicrohttpd's connection timeout counts
 * inactivity, which a client sending one byte every few seconds resets
 * forever; a thousand of those held every connection the server takes.  So a
 * connection must deliver a request's whole headers within
 * GFI_HEADER_SECONDS of its opening or of its previous answer; one that does
 * not is shut down (libmicrohttpd then closes it).  That is also how long a
 * kept-alive connection may sit idle.
 */
#ifndef GLUEFAKE_SERVER_WATCH_H
#define GLUEFAKE_SERVER_WATCH_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "gluefake/errors.h"

/* The time a connection has to send a request's headers, from its opening
 * or from its previous answer (and so the longest a kept-alive connection
 * stays idle). */
#define GFI_HEADER_SECONDS 10

/* How a delayed call's wait ended. */
typedef enum gfi_wait_end {
  GFI_WAIT_ELAPSED,  /* the delay is over: make the call */
  GFI_WAIT_CANCELLED /* the client hung up or the server stops: never make it */
} gfi_wait_end;

/* One open connection, as the watch sees it (libmicrohttpd's socket
 * context), from gfi_watch_opened() to gfi_watch_closed(). */
typedef struct gfi_watched {
  struct gfi_watched *prev, *next; /* the watch's list; under its lock */
  struct MHD_Connection *connection;
  int fd;
  /* CLOCK_MONOTONIC milliseconds by which the next request's headers must
   * be in; 0 while a request is under way.  Written by the server's
   * threads without the lock. */
  atomic_llong header_deadline;
  /* Its delayed call, under the watch's lock. */
  int waiting;       /* suspended until `wake_at` */
  long long wake_at; /* CLOCK_MONOTONIC milliseconds */
  int watch_input;   /* poll its socket for a hang-up (not once it sent more) */
  gfi_wait_end end;  /* how the last wait ended */
} gfi_watched;

typedef struct gfi_watch {
  pthread_mutex_t lock;
  pthread_t thread;
  int wake[2]; /* a pipe that wakes the thread: a new wait, or stop */
  int stopping;
  gfi_watched *head; /* every open connection */
  size_t waiting;    /* how many of them are suspended */
} gfi_watch;

/* Starts the thread.  GF_OK, or the error (no pipe, no thread) with `err`
 * set; then there is nothing to stop. */
gf_status gfi_watch_start(gfi_watch *watch, gf_error *err);

/* Before MHD_stop_daemon() (which must find no connection suspended):
 * resumes every waiting connection as cancelled, refuses any new wait, and
 * joins the thread. */
void gfi_watch_stop(gfi_watch *watch);

/* After MHD_stop_daemon(): frees what is left (no connection is open any
 * more). */
void gfi_watch_free(gfi_watch *watch);

/* libmicrohttpd's connection notices (MHD_OPTION_NOTIFY_CONNECTION):
 * `*socket_context` becomes the connection's gfi_watched (NULL when out of
 * memory: then it has no header deadline and cannot wait), and is freed when
 * it closes. */
void gfi_watch_opened(gfi_watch *watch, struct MHD_Connection *connection,
                      void **socket_context);
void gfi_watch_closed(gfi_watch *watch, void **socket_context);

/* A request's headers are all in (its deadline is lifted), and a request is
 * over (the next one's deadline starts).  Without the lock: every request
 * calls them. */
void gfi_watch_headers_in(gfi_watched *watched);
void gfi_watch_answered(gfi_watched *watched);

/* From the access handler: suspends the connection for `ms` milliseconds;
 * the handler is called again once the wait ends, and asks
 * gfi_watch_wait_end() how.  0, or -1 when the server is stopping (nothing
 * is suspended: the call must not be made). */
int gfi_watch_wait(gfi_watch *watch, gfi_watched *watched, unsigned ms);

/* How the connection's last wait ended. */
gfi_wait_end gfi_watch_wait_end(gfi_watch *watch, gfi_watched *watched);

#endif
