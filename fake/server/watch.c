/*
 * watch.c - the server's clock (watch.h): the connections of delayed calls
 * resumed when their delay ends, their client hangs up or the server stops;
 * connections too slow to send a request's headers shut down.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "gluefake/sys/backend.h"
#include "watch.h"

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wakes the thread.  The pipe is non-blocking: when it is full, a wake is
 * pending already. */
static void wake(gfi_watch *watch)
{
  char byte = 0;
  ssize_t n = write(watch->wake[1], &byte, 1);
  (void)n;
}

/* Ends a connection's wait and hands it back to libmicrohttpd, which calls
 * the access handler again; under the lock. */
static void end_wait(gfi_watch *watch, gfi_watched *watched, gfi_wait_end how)
{
  watched->waiting = 0;
  watched->end = how;
  watch->waiting--;
  MHD_resume_connection(watched->connection);
}

/*
 * Whether the client of a waiting connection is gone, from what poll() saw
 * on its socket: an error, a reset, or the end of its input (a client that
 * closes its side is gone: libmicrohttpd closes such a connection too, once
 * it reads the end).  A client that sends more (a pipelined request) is not,
 * and its socket is then polled for errors only: its input stays readable.
 */
static int hung_up(gfi_watched *watched, short revents)
{
  if (revents & (POLLHUP | POLLERR | POLLNVAL))
    return 1;
  if (!(revents & POLLIN))
    return 0;
  char byte;
  ssize_t n = recv(watched->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0)
    return 1;
  if (n < 0)
    return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  watched->watch_input = 0;
  return 0;
}

/* The arrays poll() takes, grown to `need` entries; 0, or -1 when out of
 * memory (they keep their size). */
static int reserve(struct pollfd **fds, gfi_watched ***polled, size_t *cap, size_t need)
{
  if (need <= *cap)
    return 0;
  size_t n = need < 64 ? 64 : need * 2;
  struct pollfd *more_fds = gfi_realloc(*fds, n * sizeof **fds);
  if (!more_fds)
    return -1;
  *fds = more_fds;
  gfi_watched **more_polled = gfi_realloc(*polled, n * sizeof **polled);
  if (!more_polled)
    return -1;
  *polled = more_polled;
  *cap = n;
  return 0;
}

/*
 * The thread: ends the waits that are over, shuts down the connections past
 * their header deadline, then sleeps in poll() until the next of those, a
 * waiting client's socket stirs, or the pipe wakes it.  A connection it
 * polls stays valid while it sleeps: only this thread and gfi_watch_stop()
 * end a wait (and then this thread looks at nothing more), and
 * libmicrohttpd never closes a suspended connection.
 */
static void *watch_main(void *arg)
{
  gfi_watch *watch = arg;
  struct pollfd *fds = NULL;
  gfi_watched **polled = NULL;
  size_t cap = 0;
  pthread_mutex_lock(&watch->lock);
  while (!watch->stopping) {
    long long now = now_ms(), next = -1; /* ms to the next deadline; -1: none */
    /* Out of memory: the waits still end on time, but the hang-ups of the
     * clients that do not fit go unseen (their calls are made); the arrays
     * are tried again every 100 ms. */
    int room = reserve(&fds, &polled, &cap, watch->waiting + 1) == 0;
    size_t n = 0;
    if (cap) {
      fds[0] = (struct pollfd){watch->wake[0], POLLIN, 0};
      n = 1;
    }
    for (gfi_watched *w = watch->head; w; w = w->next) {
      long long due;
      if (w->waiting) {
        if (w->wake_at <= now) {
          end_wait(watch, w, GFI_WAIT_ELAPSED);
          continue;
        }
        due = w->wake_at - now;
        if (n && n < cap) {
          fds[n] = (struct pollfd){w->fd, w->watch_input ? POLLIN : 0, 0};
          polled[n++] = w;
        }
      } else {
        long long deadline = atomic_load_explicit(&w->header_deadline, memory_order_relaxed);
        if (!deadline)
          continue;
        if (deadline <= now) {
          /* The connection's fd is open: libmicrohttpd closes it only after
           * gfi_watch_closed() took it off the list, under this lock. */
          atomic_store_explicit(&w->header_deadline, 0, memory_order_relaxed);
          shutdown(w->fd, SHUT_RDWR);
          continue;
        }
        due = deadline - now;
      }
      if (next < 0 || due < next)
        next = due;
    }
    /* Deadlines set since this pass (a request answered: gfi_watch_answered()
     * wakes nobody) are at least GFI_HEADER_SECONDS away: looking again by
     * then catches them. */
    if (watch->head && (next < 0 || next > GFI_HEADER_SECONDS * 1000LL))
      next = GFI_HEADER_SECONDS * 1000LL;
    if (!room && (next < 0 || next > 100))
      next = 100;
    int timeout = next < 0 ? -1 : next > INT_MAX ? INT_MAX : (int)next;
    pthread_mutex_unlock(&watch->lock);
    int ready = n ? poll(fds, (nfds_t)n, timeout) : poll(NULL, 0, timeout);
    pthread_mutex_lock(&watch->lock);
    if (watch->stopping || ready <= 0)
      continue;
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (read(watch->wake[0], drain, sizeof drain) > 0)
        ;
    }
    for (size_t i = 1; i < n; i++)
      if (fds[i].revents && polled[i]->waiting && hung_up(polled[i], fds[i].revents))
        end_wait(watch, polled[i], GFI_WAIT_CANCELLED);
  }
  pthread_mutex_unlock(&watch->lock);
  gfi_free(fds);
  gfi_free(polled);
  return NULL;
}

static int set_flags(int fd)
{
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
                 fcntl(fd, F_SETFD, FD_CLOEXEC) != 0
             ? -1
             : 0;
}

gf_status gfi_watch_start(gfi_watch *watch, gf_error *err)
{
  memset(watch, 0, sizeof *watch);
  if (pipe(watch->wake) != 0)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "server: cannot make a pipe: %s",
                        strerror(errno));
  if (set_flags(watch->wake[0]) != 0 || set_flags(watch->wake[1]) != 0) {
    gf_status status = gf_error_set(err, GF_INTERNAL_SERVICE, "server: cannot set up a pipe: %s",
                                    strerror(errno));
    close(watch->wake[0]);
    close(watch->wake[1]);
    return status;
  }
  pthread_mutex_init(&watch->lock, NULL);
  int failed = pthread_create(&watch->thread, NULL, watch_main, watch);
  if (failed) {
    close(watch->wake[0]);
    close(watch->wake[1]);
    pthread_mutex_destroy(&watch->lock);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "server: cannot start a thread: %s",
                        strerror(failed));
  }
  return GF_OK;
}

void gfi_watch_stop(gfi_watch *watch)
{
  pthread_mutex_lock(&watch->lock);
  watch->stopping = 1;
  for (gfi_watched *w = watch->head; w; w = w->next)
    if (w->waiting)
      end_wait(watch, w, GFI_WAIT_CANCELLED);
  pthread_mutex_unlock(&watch->lock);
  wake(watch);
  pthread_join(watch->thread, NULL);
}

void gfi_watch_free(gfi_watch *watch)
{
  while (watch->head) { /* none: every connection closed before */
    gfi_watched *w = watch->head;
    watch->head = w->next;
    gfi_free(w);
  }
  close(watch->wake[0]);
  close(watch->wake[1]);
  pthread_mutex_destroy(&watch->lock);
}

void gfi_watch_opened(gfi_watch *watch, struct MHD_Connection *connection,
                      void **socket_context)
{
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  gfi_watched *w = info && info->connect_fd >= 0 ? gfi_calloc(1, sizeof *w) : NULL;
  *socket_context = w;
  if (!w)
    return;
  w->connection = connection;
  w->fd = info->connect_fd;
  atomic_init(&w->header_deadline, now_ms() + GFI_HEADER_SECONDS * 1000LL);
  pthread_mutex_lock(&watch->lock);
  int first = watch->head == NULL; /* the thread may sleep with no deadline */
  w->next = watch->head;
  if (watch->head)
    watch->head->prev = w;
  watch->head = w;
  pthread_mutex_unlock(&watch->lock);
  if (first)
    wake(watch);
}

void gfi_watch_closed(gfi_watch *watch, void **socket_context)
{
  gfi_watched *w = *socket_context;
  if (!w)
    return;
  pthread_mutex_lock(&watch->lock);
  if (w->waiting) /* never: libmicrohttpd does not close a suspended connection */
    watch->waiting--;
  if (w->prev)
    w->prev->next = w->next;
  else
    watch->head = w->next;
  if (w->next)
    w->next->prev = w->prev;
  pthread_mutex_unlock(&watch->lock);
  gfi_free(w);
  *socket_context = NULL;
}

void gfi_watch_headers_in(gfi_watched *watched)
{
  if (watched)
    atomic_store_explicit(&watched->header_deadline, 0, memory_order_relaxed);
}

void gfi_watch_answered(gfi_watched *watched)
{
  if (watched)
    atomic_store_explicit(&watched->header_deadline, now_ms() + GFI_HEADER_SECONDS * 1000LL,
                          memory_order_relaxed);
}

int gfi_watch_wait(gfi_watch *watch, gfi_watched *watched, unsigned ms)
{
  pthread_mutex_lock(&watch->lock);
  if (watch->stopping) {
    pthread_mutex_unlock(&watch->lock);
    return -1;
  }
  watched->waiting = 1;
  watched->wake_at = now_ms() + ms;
  watched->watch_input = 1;
  watch->waiting++;
  /* Under the lock, so that no one resumes the connection before it is
   * suspended. */
  MHD_suspend_connection(watched->connection);
  pthread_mutex_unlock(&watch->lock);
  wake(watch);
  return 0;
}

gfi_wait_end gfi_watch_wait_end(gfi_watch *watch, gfi_watched *watched)
{
  pthread_mutex_lock(&watch->lock);
  gfi_wait_end end = watched->end;
  pthread_mutex_unlock(&watch->lock);
  return end;
}
