/* Tests of the clock source's lockstep kind (core/clock.h): real processes sharing one
 * clock file, wakeable waits, stopped and killed participants, slots handed to children,
 * bytes in flight between participants, and the `clock` directive.  Wall time is asserted
 * only as a lower bound (how long time was held): the test timeout guards against a
 * hang. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "tests/testutil.h"

#define S0 (1735689600LL * NS_PER_S) /* 2025-01-01T00:00:00Z */

struct lsfix {
  char *dir;
  struct clk_conf conf;
};

/* A new lockstep clock at S0, configured: the calling thread is a participant. */
static void ls_setup(struct lsfix *f)
{
  char err[600];
  f->dir = th_mkdtemp("clock");
  ck_assert_ptr_nonnull(f->dir);
  f->conf = (struct clk_conf){.kind = CLK_LOCKSTEP};
  snprintf(f->conf.path, sizeof f->conf.path, "%s/clock", f->dir);
  ck_assert_msg(clk_lockstep_create(f->conf.path, S0, err, sizeof err) == 0, "%s", err);
  ck_assert_msg(clk_configure_checked(&f->conf, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(clk_config()->kind, CLK_LOCKSTEP);
  ck_assert_int_eq(clk_now(), S0);
}

static void ls_teardown(struct lsfix *f)
{
  clk_thread_leave();
  th_rmtree(f->dir);
  free(f->dir);
}

/* Forks a participant: the parent reserves the child's slot at once; the child waits
 * delay_s of wall time, configures the clock (taking that slot), runs fn, leaves and
 * exits with fn's status.  The child reports through its status, never ck_assert. */
static pid_t ls_fork(const struct clk_conf *c, double delay_s, int (*fn)(void *), void *arg)
{
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    char err[600];
    th_sleep(delay_s);
    if (clk_configure_checked(c, err, sizeof err) != 0) {
      fprintf(stderr, "%s\n", err);
      _exit(100);
    }
    int r = fn(arg);
    clk_thread_leave();
    _exit(r);
  }
  clk_reserve_pid(pid);
  return pid;
}

static void reap_ok(pid_t pid)
{
  int st = th_wait(pid, 60);
  ck_assert_msg(st != -1, "child %d did not end", (int)pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: status 0x%x", (int)pid, st);
}

/* One wake-up: the time asked for, and the clock just before and just after the wait. */
struct wake_rec {
  int64_t want, before, after;
};

struct steps {
  int64_t step, end;
  const char *log; /* where the wake_recs go, or NULL */
};

/* Sleeps in steps to `end`, logging each wake-up.  Returns 0, or 1 if a write failed. */
static int run_steps(void *arg)
{
  const struct steps *s = arg;
  FILE *f = s->log ? fopen(s->log, "wb") : NULL;
  if (s->log && !f)
    return 1;
  for (int64_t t = S0 + s->step; t <= s->end; t += s->step) {
    struct wake_rec r = {.want = t, .before = clk_now()};
    clk_sleep_until(t, NULL);
    r.after = clk_now();
    if (f && fwrite(&r, sizeof r, 1, f) != 1)
      return 1;
  }
  return f && fclose(f) != 0;
}

/* Every wake-up came exactly at the time asked for, and before each wait the clock had
 * not gone past the previous wake-up (so it never skipped this participant's). */
static void check_steps(const struct steps *s)
{
  FILE *f = fopen(s->log, "rb");
  ck_assert_ptr_nonnull(f);
  struct wake_rec r;
  int64_t prev = S0, n = 0;
  while (fread(&r, sizeof r, 1, f) == 1) {
    ck_assert_int_eq(r.want, prev + s->step);
    ck_assert_int_eq(r.before, prev);
    ck_assert_int_eq(r.after, r.want);
    prev = r.want;
    n++;
  }
  fclose(f);
  ck_assert_int_eq(n, (s->end - S0) / s->step);
}

START_TEST(test_processes_wake_exactly)
{
  struct lsfix fx;
  ls_setup(&fx);
  char logs[3][600];
  struct steps st[3];
  const int64_t step_s[3] = {3, 1, 7};
  for (int i = 0; i < 3; i++) {
    snprintf(logs[i], sizeof logs[i], "%s/steps%d", fx.dir, i);
    st[i] = (struct steps){step_s[i] * NS_PER_S, S0 + 1000 * NS_PER_S, logs[i]};
  }
  pid_t a = ls_fork(&fx.conf, 0, run_steps, &st[1]);
  pid_t b = ls_fork(&fx.conf, 0, run_steps, &st[2]);
  ck_assert_int_eq(run_steps(&st[0]), 0);
  clk_thread_leave();
  reap_ok(a);
  reap_ok(b);
  for (int i = 0; i < 3; i++)
    check_steps(&st[i]);
  ls_teardown(&fx);
}
END_TEST

struct waiter {
  struct clk_event *e;
  int slot;
  int64_t until;
  int r;
  int64_t seen;
};

static void *waiter_main(void *p)
{
  struct waiter *w = p;
  clk_thread_adopt(w->slot);
  w->r = clk_event_wait(w->e, w->until, NULL);
  w->seen = clk_now();
  clk_thread_leave();
  return NULL;
}

START_TEST(test_event_lockstep)
{
  struct lsfix fx;
  ls_setup(&fx);
  struct clk_event e;
  clk_event_init(&e);
  const int64_t T = S0 + 500 * NS_PER_S;
  struct waiter w = {.e = &e, .slot = clk_slot_reserve(), .until = S0 + 1000000 * NS_PER_S};
  ck_assert_int_ge(w.slot, 0);
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, waiter_main, &w), 0);
  clk_sleep_until(T, NULL);
  ck_assert_int_eq(clk_now(), T);
  clk_event_signal(&e);
  /* Time may go on only once the waiter has run and left. */
  clk_sleep_until(T + 1000 * NS_PER_S, NULL);
  ck_assert_int_eq(pthread_join(th, NULL), 0);
  ck_assert_int_eq(w.r, 1);
  ck_assert_int_eq(w.seen, T);
  ck_assert_int_eq(clk_now(), T + 1000 * NS_PER_S);

  /* A signal before the wait is not lost, and the wait consumes it. */
  int64_t now = clk_now();
  clk_event_signal(&e);
  ck_assert_int_eq(clk_event_wait(&e, now + 1000000 * NS_PER_S, NULL), 1);
  ck_assert_int_eq(clk_now(), now);
  ck_assert_int_eq(clk_event_wait(&e, now + 5 * NS_PER_S, NULL), 0);
  ck_assert_int_eq(clk_now(), now + 5 * NS_PER_S);
  volatile sig_atomic_t stop = 1;
  ck_assert_int_eq(clk_event_wait(&e, now + 1000 * NS_PER_S, &stop), -1);
  ck_assert_int_eq(clk_sleep_until(now + 1000 * NS_PER_S, &stop), 1);
  ck_assert_int_eq(clk_now(), now + 5 * NS_PER_S);

  /* A reserved slot that no thread took is given back, and time goes on. */
  clk_slot_release(clk_slot_reserve());
  clk_sleep_until(now + 10 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), now + 10 * NS_PER_S);

  /* Threads that are not participants wait without holding time, and can be signalled. */
  struct waiter nw = {.e = &e, .slot = -1, .until = now + 20 * NS_PER_S};
  ck_assert_int_eq(pthread_create(&th, NULL, waiter_main, &nw), 0);
  clk_sleep_until(now + 30 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), now + 30 * NS_PER_S);
  ck_assert_int_eq(pthread_join(th, NULL), 0);
  ck_assert_int_eq(nw.r, 0);
  ck_assert_int_ge(nw.seen, now + 20 * NS_PER_S);
  nw.until = now + 1000000 * NS_PER_S;
  ck_assert_int_eq(pthread_create(&th, NULL, waiter_main, &nw), 0);
  clk_event_signal(&e);
  ck_assert_int_eq(pthread_join(th, NULL), 0);
  ck_assert_int_eq(nw.r, 1);
  ck_assert_int_eq(clk_now(), now + 30 * NS_PER_S);
  clk_event_destroy(&e);
  ls_teardown(&fx);
}
END_TEST

START_TEST(test_event_other_kinds)
{
  struct clk_event e;
  clk_event_init(&e);
  struct clk_conf sim = {.kind = CLK_SIM, .start = S0, .speed = 1000};
  clk_configure(&sim);
  ck_assert_int_eq(clk_thread_join(), 0); /* a no-op here */
  ck_assert_int_eq(clk_slot_reserve(), -1);
  clk_event_signal(&e);
  ck_assert_int_eq(clk_event_wait(&e, clk_now() + 1000000 * NS_PER_S, NULL), 1);
  int64_t until = clk_now() + NS_PER_S; /* 1 ms of wall time */
  ck_assert_int_eq(clk_event_wait(&e, until, NULL), 0);
  ck_assert_int_ge(clk_now(), until);
  volatile sig_atomic_t stop = 1;
  ck_assert_int_eq(clk_event_wait(&e, clk_now() + 1000000 * NS_PER_S, &stop), -1);

  /* Signalled from another thread while waiting for ~1000 s of wall time. */
  struct waiter w = {.e = &e, .slot = -1, .until = clk_now() + 1000000 * NS_PER_S};
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, waiter_main, &w), 0);
  th_sleep(0.05);
  clk_event_signal(&e);
  ck_assert_int_eq(pthread_join(th, NULL), 0);
  ck_assert_int_eq(w.r, 1);

  /* clk_poll: at its deadline (1 ms of wall time), or at once when data waits. */
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  struct pollfd pf = {.fd = p[0], .events = POLLIN};
  until = clk_now() + NS_PER_S;
  ck_assert_int_eq(clk_poll(&pf, 1, until), 0);
  ck_assert_int_ge(clk_now(), until);
  ck_assert_int_eq(clk_io_write(p[1], "x", 1), 1);
  ck_assert_int_eq(clk_poll(&pf, 1, clk_now() + 1000000 * NS_PER_S), 1);

  struct clk_conf manual = {.kind = CLK_MANUAL, .start = S0};
  clk_configure(&manual);
  ck_assert_int_eq(clk_poll(&pf, 1, S0 + NS_PER_S), 1);
  char c;
  ck_assert_int_eq(clk_io_read(p[0], &c, 1), 1);
  ck_assert_int_eq(clk_poll(&pf, 1, S0 + NS_PER_S), 0); /* at once */
  close(p[0]);
  close(p[1]);
  ck_assert_int_eq(clk_event_wait(&e, S0 + NS_PER_S, NULL), 0);
  clk_event_signal(&e);
  ck_assert_int_eq(clk_event_wait(&e, S0 + NS_PER_S, NULL), 1);
  ck_assert_int_eq(clk_wall_interval(NS_PER_S), 0);
  clk_event_destroy(&e);
}
END_TEST

static volatile sig_atomic_t continued;
static void on_cont(int sig) { (void)sig; continued = 1; }

/* Wakes at S0 + 1 s, says so on the pipe and runs (holding time) until continued after
 * a stop; then reports the time it finds and checks that time goes on with it. */
static int stopped_child(void *arg)
{
  int fd = *(int *)arg;
  struct sigaction sa = {.sa_handler = on_cont};
  sigaction(SIGCONT, &sa, NULL);
  clk_sleep_until(S0 + NS_PER_S, NULL);
  if (write(fd, "r", 1) != 1)
    return 1;
  while (!continued)
    th_sleep(0.01);
  int64_t found = clk_now();
  if (write(fd, &found, sizeof found) != sizeof found)
    return 1;
  clk_sleep_until(found + 5 * NS_PER_S, NULL);
  return clk_now() == found + 5 * NS_PER_S ? 0 : 2;
}

static void read_full(int fd, void *buf, size_t n)
{
  ck_assert_int_eq(read(fd, buf, n), (ssize_t)n);
}

START_TEST(test_stopped_process)
{
  struct lsfix fx;
  ls_setup(&fx);
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t pid = ls_fork(&fx.conf, 0, stopped_child, &p[1]);
  clk_sleep_until(S0 + NS_PER_S, NULL);
  char c;
  read_full(p[0], &c, 1); /* the child runs: it holds time */
  ck_assert_int_eq(kill(pid, SIGSTOP), 0);
  clk_sleep_until(S0 + 1000 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), S0 + 1000 * NS_PER_S);
  ck_assert_int_eq(kill(pid, SIGCONT), 0);
  clk_thread_leave();
  int64_t found;
  read_full(p[0], &found, sizeof found);
  ck_assert_int_ge(found, S0 + 1000 * NS_PER_S);
  reap_ok(pid);
  close(p[0]);
  close(p[1]);
  ls_teardown(&fx);
}
END_TEST

static int killed_child(void *arg)
{
  int fd = *(int *)arg;
  clk_sleep_until(S0 + NS_PER_S, NULL);
  if (write(fd, "r", 1) != 1)
    return 1;
  for (;;)
    pause(); /* running, holding time, until killed */
}

/* Takes and gives back slots without end: mostly inside the clock's mutex. */
static int churning_child(void *arg)
{
  (void)arg;
  int slot;
  while ((slot = clk_slot_reserve()) >= 0)
    clk_slot_release(slot);
  return 1;
}

static void kill_and_reap(pid_t pid)
{
  ck_assert_int_eq(kill(pid, SIGKILL), 0);
  int st = th_wait(pid, 60);
  ck_assert(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

START_TEST(test_killed_process)
{
  struct lsfix fx;
  ls_setup(&fx);
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t pid = ls_fork(&fx.conf, 0, killed_child, &p[1]);
  clk_sleep_until(S0 + NS_PER_S, NULL);
  char c;
  read_full(p[0], &c, 1);
  ck_assert_int_eq(kill(pid, SIGKILL), 0);
  /* Not reaped yet: the child is a zombie while time goes on. */
  clk_sleep_until(S0 + 1000 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), S0 + 1000 * NS_PER_S);
  kill_and_reap(pid);

  /* Killed, most likely while holding the clock's mutex. */
  pid = ls_fork(&fx.conf, 0, churning_child, NULL);
  th_sleep(0.05);
  kill_and_reap(pid);
  clk_sleep_until(S0 + 2000 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), S0 + 2000 * NS_PER_S);

  /* A child whose slot was reserved exits without ever joining. */
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0)
    _exit(0);
  clk_reserve_pid(pid);
  clk_sleep_until(S0 + 3000 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), S0 + 3000 * NS_PER_S);
  reap_ok(pid);
  close(p[0]);
  close(p[1]);
  ls_teardown(&fx);
}
END_TEST

/* What a reader of a link saw: the time its wait ended, the time after its read, the
 * bytes it read. */
struct io_seen {
  int64_t ready, after;
  ssize_t n;
};

/* A participant reading the link fds[0] with clk_poll; reports on fds[1]. */
static int io_reader(void *arg)
{
  const int *fds = arg;
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  struct io_seen r = {0};
  char buf[64];
  if (clk_poll(&p, 1, S0 + 1000 * NS_PER_S) != 1)
    return 1;
  r.ready = clk_now();
  r.n = clk_io_read(fds[0], buf, sizeof buf);
  r.after = clk_now();
  return write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1;
}

struct delayed_cont {
  pid_t pid;
  double delay_s;
};

static void *cont_later(void *arg)
{
  const struct delayed_cont *d = arg;
  th_sleep(d->delay_s);
  kill(d->pid, SIGCONT);
  return NULL;
}

struct slow_reader {
  int fd;
  int64_t before; /* the time just before the read (once read, nothing holds time) */
  ssize_t n;
};

/* A thread that is not a participant: reads the link after 200 ms of wall time. */
static void *slow_read(void *arg)
{
  struct slow_reader *r = arg;
  char buf[64];
  th_sleep(0.2);
  r->before = clk_now();
  r->n = clk_io_read(r->fd, buf, sizeof buf);
  return NULL;
}

START_TEST(test_io_in_flight)
{
  struct lsfix fx;
  ls_setup(&fx);
  int link[2], res[2];
  ck_assert_int_eq(pipe(link), 0);
  ck_assert_int_eq(pipe(res), 0);
  int rfds[2] = {link[0], res[1]};
  pid_t pid = ls_fork(&fx.conf, 0, io_reader, rfds);
  clk_sleep_until(S0 + 5 * NS_PER_S, NULL); /* the reader waits on the link meanwhile */
  /* The reader is slow to be scheduled (stopped for 200 ms): the bytes written while it
   * cannot run are still read at the instant they were written. */
  int st;
  ck_assert_int_eq(kill(pid, SIGSTOP), 0);
  ck_assert_int_eq(waitpid(pid, &st, WUNTRACED), pid);
  struct delayed_cont dc = {pid, 0.2};
  pthread_t th;
  double w0 = th_now();
  ck_assert_int_eq(pthread_create(&th, NULL, cont_later, &dc), 0);
  ck_assert_int_eq(clk_io_write(link[1], "0123456789", 10), 10);
  clk_sleep_until(S0 + 10 * NS_PER_S, NULL);
  ck_assert(th_now() - w0 >= 0.2); /* time waited for the reader */
  ck_assert_int_eq(clk_now(), S0 + 10 * NS_PER_S);
  ck_assert_int_eq(pthread_join(th, NULL), 0);
  struct io_seen r;
  read_full(res[0], &r, sizeof r);
  ck_assert_int_eq(r.n, 10);
  ck_assert_int_eq(r.ready, S0 + 5 * NS_PER_S);
  ck_assert_int_eq(r.after, S0 + 5 * NS_PER_S);
  reap_ok(pid);

  /* A reader that is no participant and takes 200 ms to read: time waits for it too. */
  struct slow_reader sr = {.fd = link[0]};
  ck_assert_int_eq(pthread_create(&th, NULL, slow_read, &sr), 0);
  int64_t t = clk_now();
  w0 = th_now();
  ck_assert_int_eq(clk_io_write(link[1], "abc", 3), 3);
  clk_sleep_until(t + 5 * NS_PER_S, NULL);
  ck_assert(th_now() - w0 >= 0.15);
  ck_assert_int_eq(pthread_join(th, NULL), 0);
  ck_assert_int_eq(sr.n, 3);
  ck_assert_int_eq(sr.before, t);
  ck_assert_int_eq(clk_now(), t + 5 * NS_PER_S);
  for (int i = 0; i < 2; i++) {
    close(link[i]);
    close(res[i]);
  }
  ls_teardown(&fx);
}
END_TEST

/* Bytes nobody reads hold time for the grace (2 s of wall time), said once on stderr. */
START_TEST(test_io_grace)
{
  struct lsfix fx;
  ls_setup(&fx);
  char path[700];
  snprintf(path, sizeof path, "%s/stderr", fx.dir);
  int saved = dup(STDERR_FILENO), f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert(saved >= 0 && f >= 0);
  dup2(f, STDERR_FILENO);
  int link[2];
  ck_assert_int_eq(pipe(link), 0);
  ck_assert_int_eq(clk_io_write(link[1], "lost", 4), 4);
  double w0 = th_now();
  clk_sleep_until(S0 + NS_PER_S, NULL);
  double held = th_now() - w0;
  clk_sleep_until(S0 + 2 * NS_PER_S, NULL); /* given up: nothing holds time any more */
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(f);
  ck_assert_msg(held >= 1.99, "held for %.3f s", held);
  ck_assert_int_eq(clk_now(), S0 + 2 * NS_PER_S);
  /* Reading them late does not count against later writes. */
  char buf[8];
  ck_assert_int_eq(clk_io_read(link[0], buf, sizeof buf), 4);
  ck_assert_int_eq(clk_io_write(link[1], "x", 1), 1);
  ck_assert_int_eq(clk_io_read(link[0], buf, sizeof buf), 1);
  clk_sleep_until(S0 + 3 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), S0 + 3 * NS_PER_S);
  char *text = th_read_file(path);
  ck_assert_ptr_nonnull(text);
  const char *msg = "4 byte(s) written to a link were not read for 2 s";
  const char *said = strstr(text, msg);
  ck_assert_msg(said && !strstr(said + strlen(msg), "were not read"), "stderr: %s", text);
  free(text);
  close(link[0]);
  close(link[1]);
  ls_teardown(&fx);
}
END_TEST

/* Reports the first time it sees, then wakes at S0 + 50 s. */
static int late_child(void *arg)
{
  int fd = *(int *)arg;
  int64_t first = clk_now();
  if (write(fd, &first, sizeof first) != sizeof first)
    return 1;
  clk_sleep_until(S0 + 50 * NS_PER_S, NULL);
  return clk_now() == S0 + 50 * NS_PER_S ? 0 : 2;
}

START_TEST(test_reserved_child_slot)
{
  struct lsfix fx;
  ls_setup(&fx);
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  /* The child starts slowly (200 ms of wall time) before it joins. */
  pid_t pid = ls_fork(&fx.conf, 0.2, late_child, &p[1]);
  clk_sleep_until(S0 + 100 * NS_PER_S, NULL);
  ck_assert_int_eq(clk_now(), S0 + 100 * NS_PER_S);
  int64_t first;
  read_full(p[0], &first, sizeof first);
  ck_assert_int_eq(first, S0);
  clk_thread_leave();
  reap_ok(pid);
  close(p[0]);
  close(p[1]);
  ls_teardown(&fx);
}
END_TEST

START_TEST(test_parse_and_errors)
{
  struct clk_conf c;
  char err[600];
  char *ok[] = {"lockstep", "/run/cvd/clock"};
  ck_assert_int_eq(clk_parse(2, ok, &c, err, sizeof err), 0);
  ck_assert_int_eq(c.kind, CLK_LOCKSTEP);
  ck_assert_str_eq(c.path, "/run/cvd/clock");
  char *missing[] = {"lockstep"};
  ck_assert_int_eq(clk_parse(1, missing, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, "want 'lockstep FILE'");
  char *extra[] = {"lockstep", "a", "b"};
  ck_assert_int_eq(clk_parse(3, extra, &c, err, sizeof err), -1);
  char *real[] = {"real"};
  ck_assert_int_eq(clk_parse(1, real, &c, err, sizeof err), 0);
  ck_assert_int_eq(c.kind, CLK_REAL);
  char *sim[] = {"simulated", "2025-01-01T00:00:00Z", "100"};
  ck_assert_int_eq(clk_parse(3, sim, &c, err, sizeof err), 0);
  ck_assert_int_eq(c.kind, CLK_SIM);

  char *dir = th_mkdtemp("clock");
  struct clk_conf bad = {.kind = CLK_LOCKSTEP};
  snprintf(bad.path, sizeof bad.path, "%s/notaclock", dir);
  ck_assert_int_eq(th_write_file(bad.path, "clock real\n"), 0);
  ck_assert_int_eq(clk_configure_checked(&bad, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, bad.path));
  ck_assert_ptr_nonnull(strstr(err, "not a lockstep clock file"));
  ck_assert_int_eq(clk_config()->kind, CLK_REAL); /* left as it was */
  snprintf(bad.path, sizeof bad.path, "%s/absent", dir);
  ck_assert_int_eq(clk_configure_checked(&bad, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, bad.path));
  th_rmtree(dir);
  free(dir);
}
END_TEST

struct thread_steps {
  int slot;
  struct steps s;
  int r;
};

static void *steps_thread(void *p)
{
  struct thread_steps *t = p;
  clk_thread_adopt(t->slot);
  t->r = run_steps(&t->s);
  clk_thread_leave();
  return NULL;
}

/* Four participants of this process (the caller and three threads it starts) sleep in
 * the steps of run_steps. */
static int run_threads(void *arg)
{
  const struct steps *s = arg;
  enum { NT = 4 };
  struct thread_steps t[NT];
  pthread_t th[NT];
  for (int i = 1; i < NT; i++) {
    t[i] = (struct thread_steps){.slot = clk_slot_reserve(), .s = *s};
    if (pthread_create(&th[i], NULL, steps_thread, &t[i]) != 0) {
      clk_slot_release(t[i].slot);
      return 1;
    }
  }
  int r = run_steps(arg);
  clk_thread_leave();
  for (int i = 1; i < NT; i++) {
    pthread_join(th[i], NULL);
    r |= t[i].r;
  }
  return r;
}

/* Simulated seconds per wall second for 3 processes each running fn to `sim_s`. */
static double throughput(int (*fn)(void *), int64_t sim_s)
{
  struct lsfix fx;
  ls_setup(&fx);
  struct steps s = {NS_PER_S, S0 + sim_s * NS_PER_S, NULL};
  double t0 = th_now();
  pid_t a = ls_fork(&fx.conf, 0, fn, &s);
  pid_t b = ls_fork(&fx.conf, 0, fn, &s);
  ck_assert_int_eq(fn(&s), 0);
  clk_thread_leave();
  reap_ok(a);
  reap_ok(b);
  double rate = (double)sim_s / (th_now() - t0);
  ls_teardown(&fx);
  return rate;
}

START_TEST(test_throughput)
{
  printf("lockstep: 3 processes x 1 thread waking every second: %.0f simulated s per wall s\n",
         throughput(run_steps, 20000));
  fflush(stdout);
  printf("lockstep: 3 processes x 4 threads waking every second: %.0f simulated s per wall s\n",
         throughput(run_threads, 5000));
  fflush(stdout);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("clock");
  TCase *tc = tcase_create("lockstep");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_processes_wake_exactly);
  tcase_add_test(tc, test_event_lockstep);
  tcase_add_test(tc, test_event_other_kinds);
  tcase_add_test(tc, test_stopped_process);
  tcase_add_test(tc, test_killed_process);
  tcase_add_test(tc, test_reserved_child_slot);
  tcase_add_test(tc, test_io_in_flight);
  tcase_add_test(tc, test_io_grace);
  tcase_add_test(tc, test_parse_and_errors);
  tcase_add_test(tc, test_throughput);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
