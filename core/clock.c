#include "config.h"
#include "core/clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clkshm.h"
#include "core/log.h"
#include "core/timeutil.h"

static struct clk_conf clk = {.kind = CLK_REAL, .speed = 1.0};

static volatile sig_atomic_t clk_interrupted;

void clk_interrupt(void) { clk_interrupted = 1; }

int clk_should_stop(const volatile sig_atomic_t *stop)
{
  return clk_interrupted || (stop && *stop);
}
static _Atomic int64_t clk_manual_now;

int clk_configure_checked(const struct clk_conf *c, char *err, size_t errlen)
{
  struct clk_conf n = *c;
  if (n.kind == CLK_LOCKSTEP) {
    if (cs_attach(n.path, &n.start, err, errlen) != 0)
      return -1;
  } else {
    cs_detach();
  }
  if (n.kind == CLK_SIM && n.anchor_mono == 0)
    n.anchor_mono = tu_mono_ns();
  if (n.kind != CLK_SIM)
    n.speed = 1.0;
  clk = n;
  atomic_store(&clk_manual_now, n.start);
  return 0;
}

void clk_configure(const struct clk_conf *c)
{
  char err[600];
  if (clk_configure_checked(c, err, sizeof err) != 0) {
    LOGE("clock", "%s", err);
    exit(1);
  }
}

const struct clk_conf *clk_config(void) { return &clk; }

int64_t clk_now(void)
{
  switch (clk.kind) {
  case CLK_SIM:
    return clk.start + (int64_t)((double)(tu_mono_ns() - clk.anchor_mono) * clk.speed);
  case CLK_MANUAL:
    return atomic_load(&clk_manual_now);
  case CLK_LOCKSTEP:
    return cs_now();
  case CLK_REAL:
  default:
    return tu_wall_ns();
  }
}

void clk_set(int64_t t)
{
  if (t > atomic_load(&clk_manual_now))
    atomic_store(&clk_manual_now, t);
}

int64_t clk_wall_interval(int64_t dt)
{
  if (clk.kind == CLK_SIM)
    return (int64_t)((double)dt / clk.speed);
  return clk.kind == CLK_REAL ? dt : 0;
}

int clk_sleep_until(int64_t t, const volatile sig_atomic_t *stop)
{
  if (clk.kind == CLK_MANUAL)
    return 0;
  if (clk.kind == CLK_LOCKSTEP)
    return cs_wait(t, stop, NULL) < 0;
  for (;;) {
    if (clk_should_stop(stop))
      return 1;
    int64_t left = t - clk_now();
    if (left <= 0)
      return 0;
    int64_t wall = clk_wall_interval(left);
    if (wall > 100000000)
      wall = 100000000;
    if (wall < 1000)
      wall = 1000;
    struct timespec ts = {.tv_sec = wall / NS_PER_S, .tv_nsec = wall % NS_PER_S};
    nanosleep(&ts, NULL);
  }
}

int64_t clk_io_until(int64_t ns)
{
  int64_t now = clk_now();
  if (clk.kind != CLK_SIM)
    return now + ns;
  double d = (double)ns * clk.speed; /* an hour at 1e7 times real time is past INT64_MAX */
  return d >= (double)(INT64_MAX - now) ? INT64_MAX : now + (int64_t)d;
}

int clk_poll(struct pollfd *fds, nfds_t n, int64_t until)
{
  if (clk.kind == CLK_LOCKSTEP)
    return cs_poll(fds, n, until);
  for (;;) {
    if (clk_should_stop(NULL)) {
      errno = EINTR;
      return -1;
    }
    int64_t left = until - clk_now();
    int64_t wall = left > 0 ? clk_wall_interval(left) : 0;
    /* In slices of 100 ms, so that clk_interrupt is seen; rounded up, so as not to spin. */
    int ms = wall > 100000000 ? 100 : (int)((wall + 999999) / 1000000);
    int r = poll(fds, n, ms);
    if (r > 0 || (r < 0 && errno != EINTR))
      return r;
    if (ms == 0 || clk_now() >= until)
      return 0;
  }
}

ssize_t clk_io_write(int fd, const void *buf, size_t n)
{
  if (clk.kind != CLK_LOCKSTEP)
    return write(fd, buf, n);
  /* Counted before: the reader may count its read before this write returns. */
  cs_io((int64_t)n);
  ssize_t w = write(fd, buf, n);
  int e = errno;
  size_t done = w > 0 ? (size_t)w : 0;
  if (done < n)
    cs_io(-(int64_t)(n - done));
  errno = e;
  return w;
}

ssize_t clk_io_read(int fd, void *buf, size_t n)
{
  ssize_t r = read(fd, buf, n);
  if (r > 0 && clk.kind == CLK_LOCKSTEP) {
    int e = errno;
    cs_io(-(int64_t)r);
    errno = e;
  }
  return r;
}

void clk_io_discarded(size_t n)
{
  if (n > 0 && clk.kind == CLK_LOCKSTEP)
    cs_io(-(int64_t)n);
}

void clk_event_init(struct clk_event *e)
{
  pthread_condattr_t a;
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(&e->cv, &a);
  pthread_condattr_destroy(&a);
  pthread_mutex_init(&e->mu, NULL);
  e->flag = 0;
  e->waiter = -1;
  e->watching = 0;
}

void clk_event_destroy(struct clk_event *e)
{
  pthread_cond_destroy(&e->cv);
  pthread_mutex_destroy(&e->mu);
}

/* CLK_REAL, CLK_SIM: under e->mu, waits for the flag in slices of at most 100 ms of
 * wall time, so that *stop is looked at. */
static int event_wait_wall(struct clk_event *e, int64_t until, const volatile sig_atomic_t *stop)
{
  for (;;) {
    if (e->flag) {
      e->flag = 0;
      return 1;
    }
    if (clk_should_stop(stop))
      return -1;
    int64_t left = until - clk_now();
    if (left <= 0)
      return 0;
    int64_t wall = clk_wall_interval(left);
    wall = wall > 100000000 ? 100000000 : wall < 1000 ? 1000 : wall;
    int64_t d = tu_mono_ns() + wall;
    struct timespec ts = {.tv_sec = d / NS_PER_S, .tv_nsec = d % NS_PER_S};
    pthread_cond_timedwait(&e->cv, &e->mu, &ts);
  }
}

int clk_event_wait(struct clk_event *e, int64_t until, const volatile sig_atomic_t *stop)
{
  if (clk.kind == CLK_LOCKSTEP)
    return cs_wait(until, stop, e);
  pthread_mutex_lock(&e->mu);
  int r;
  if (clk.kind == CLK_MANUAL) {
    r = e->flag;
    e->flag = 0;
  } else {
    r = event_wait_wall(e, until, stop);
  }
  pthread_mutex_unlock(&e->mu);
  return r;
}

void clk_event_signal(struct clk_event *e)
{
  if (clk.kind == CLK_LOCKSTEP) {
    cs_signal(e);
    return;
  }
  pthread_mutex_lock(&e->mu);
  e->flag = 1;
  pthread_cond_signal(&e->cv);
  pthread_mutex_unlock(&e->mu);
}

/* `lockstep FILE` */
static int parse_lockstep(int argc, char **argv, struct clk_conf *out, char *err, size_t errlen)
{
  if (argc != 2) {
    snprintf(err, errlen, "want 'lockstep FILE'");
    return -1;
  }
  if (strlen(argv[1]) >= sizeof out->path) {
    snprintf(err, errlen, "lockstep clock file name longer than %zu bytes", sizeof out->path - 1);
    return -1;
  }
  out->kind = CLK_LOCKSTEP;
  strcpy(out->path, argv[1]);
  return 0;
}

int clk_parse(int argc, char **argv, struct clk_conf *out, char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  out->speed = 1.0;
  if (argc == 1 && strcmp(argv[0], "real") == 0) {
    out->kind = CLK_REAL;
    return 0;
  }
  if ((argc == 3 || argc == 4) && strcmp(argv[0], "simulated") == 0) {
    char *end;
    out->kind = CLK_SIM;
    if (tu_parse(argv[1], &out->start) != 0) {
      snprintf(err, errlen, "bad start time '%s' (want YYYY-MM-DDTHH:MM:SSZ)", argv[1]);
      return -1;
    }
    errno = 0;
    out->speed = strtod(argv[2], &end);
    if (errno || *end || !(out->speed > 0) || out->speed > 1e7) {
      snprintf(err, errlen, "bad speed '%s' (want a number in (0, 1e7])", argv[2]);
      return -1;
    }
    if (argc == 4) {
      errno = 0;
      long long a = strtoll(argv[3], &end, 10);
      if (errno || *end || a <= 0) {
        snprintf(err, errlen, "bad anchor '%s' (want CLOCK_MONOTONIC nanoseconds)", argv[3]);
        return -1;
      }
      out->anchor_mono = a;
    }
    return 0;
  }
  if (argc >= 1 && strcmp(argv[0], "lockstep") == 0)
    return parse_lockstep(argc, argv, out, err, errlen);
  snprintf(err, errlen, "want 'real', 'simulated START SPEED [ANCHOR]' or 'lockstep FILE'");
  return -1;
}
