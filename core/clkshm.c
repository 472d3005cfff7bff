#include "config.h"
#include "core/clkshm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"

#define CS_MAGIC 0x534c4b4c43445643ULL /* "CVDCLKLS" */
#define CS_VERSION 2
#define CS_SLOTS 64
/* Wall time without progress after which a waiter looks for stopped or dead holders of
 * time.  It is also the slice of every wait, so *stop is looked at often enough. */
#define CS_STALL_NS 20000000LL
/* The wall-time slice of a wait on file descriptors: a futex cannot be polled, so a
 * participant waiting on a descriptor notices time reaching its wake-up this late. */
#define CS_FD_SLICE_MS 1
/* Wall time during which only bytes in flight hold time before they are given up. */
#define CS_IO_GRACE_NS (2 * NS_PER_S)

enum { CS_FREE = 0, CS_RUN, CS_WAIT };

struct cs_slot {
  int32_t state;
  int32_t pending; /* reserved by clk_reserve_pid for the first thread of pid to join */
  int32_t frozen;  /* running, but its process was seen stopped: does not hold time */
  pid_t pid;
  int64_t wake;
  _Atomic uint32_t seq; /* futex its own thread sleeps on; bumped to wake it */
};

/* The file's layout; every field but magic, version, size and start is guarded by mu.
 * Sleeps are on futexes rather than condition variables: glibc's process-shared
 * condition variables can block their signalers for good once a waiter's process dies;
 * a futex keeps no state that a dead process could leave behind. */
struct cs_file {
  uint64_t magic;
  uint32_t version, size;
  int64_t start;
  _Atomic int64_t now; /* written under mu, read without it */
  pthread_mutex_t mu;  /* robust: a process killed inside a clock call frees it */
  _Atomic uint32_t tick; /* futex of threads that are not participants */
  int32_t nwatch;
  int64_t moved_mono, scan_mono; /* CLOCK_MONOTONIC of the last advance, the last scan */
  int64_t io_inflight;   /* bytes written to links by participants, not yet read */
  int64_t io_stall_mono; /* CLOCK_MONOTONIC since which only io_inflight holds time, or 0 */
  struct cs_slot slot[CS_SLOTS];
};

static struct cs_file *cs;
static _Thread_local int cs_self = -1;
/* Futexes bumped under the mutex, woken once it is let go (so that the woken threads do
 * not find it still held): a mask of slots, and the non-participants' tick. */
static _Thread_local uint64_t cs_wake_slots;
static _Thread_local int cs_wake_tick;
_Static_assert(CS_SLOTS <= 64, "cs_wake_slots is a 64-bit mask");
static pthread_once_t cs_once = PTHREAD_ONCE_INIT;

static void cs_lock(void)
{
  if (pthread_mutex_lock(&cs->mu) == EOWNERDEAD)
    pthread_mutex_consistent(&cs->mu);
}

static void cs_futex_wake(_Atomic uint32_t *word, int n)
{
  syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

static void cs_unlock(void)
{
  uint64_t slots = cs_wake_slots;
  int tick = cs_wake_tick;
  cs_wake_slots = 0;
  cs_wake_tick = 0;
  pthread_mutex_unlock(&cs->mu);
  for (int i = 0; slots; i++, slots >>= 1)
    if (slots & 1)
      cs_futex_wake(&cs->slot[i].seq, 1);
  if (tick)
    cs_futex_wake(&cs->tick, INT32_MAX);
}

/* Under the mutex: marks slot i running and wakes its thread. */
static void cs_run(int i)
{
  cs->slot[i].state = CS_RUN;
  atomic_fetch_add(&cs->slot[i].seq, 1);
  cs_wake_slots |= 1ULL << i;
}

/* Under the mutex: wakes the threads that are not participants. */
static void cs_tick(void)
{
  atomic_fetch_add(&cs->tick, 1);
  cs_wake_tick = 1;
}

static void cs_init(struct cs_file *f, int64_t start)
{
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&f->mu, &a);
  pthread_mutexattr_destroy(&a);
  f->version = CS_VERSION;
  f->size = sizeof *f;
  f->start = start;
  atomic_init(&f->now, start);
  f->moved_mono = f->scan_mono = tu_mono_ns();
  f->magic = CS_MAGIC; /* last: a half-made file is not a clock */
}

int clk_lockstep_create(const char *path, int64_t start, char *err, size_t errlen)
{
  /* A new inode, so that processes of an earlier run that still map the old file
   * neither see this clock nor fault on a truncated mapping. */
  if (unlink(path) != 0 && errno != ENOENT) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  void *p = MAP_FAILED;
  if (fd >= 0 && ftruncate(fd, sizeof(struct cs_file)) == 0)
    p = mmap(NULL, sizeof(struct cs_file), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(path);
    }
    return -1;
  }
  close(fd);
  cs_init(p, start);
  munmap(p, sizeof(struct cs_file));
  return 0;
}

static struct cs_file *cs_open(const char *path, char *err, size_t errlen)
{
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  struct cs_file *f = MAP_FAILED;
  if (fstat(fd, &st) == 0 && st.st_size == (off_t)sizeof *f)
    f = mmap(NULL, sizeof *f, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (f != MAP_FAILED && f->magic == CS_MAGIC && f->version == CS_VERSION &&
      f->size == sizeof *f)
    return f;
  if (f != MAP_FAILED)
    munmap(f, sizeof *f);
  snprintf(err, errlen, "%s: not a lockstep clock file (of version %d)", path, CS_VERSION);
  return NULL;
}

/* A forked child's thread is not its parent's participant: it joins on its own. */
static void cs_forked(void) { cs_self = -1; }

static void cs_register_fork(void) { pthread_atfork(NULL, NULL, cs_forked); }

/* Under the mutex: a free slot made running for pid, or -1. */
static int cs_take(pid_t pid, int pending)
{
  for (int i = 0; i < CS_SLOTS; i++) {
    struct cs_slot *s = &cs->slot[i];
    if (s->state == CS_FREE) {
      s->state = CS_RUN;
      s->pending = pending;
      s->frozen = 0;
      s->pid = pid;
      return i;
    }
  }
  LOGE("clock", "all %d slots of the lockstep clock are taken", CS_SLOTS);
  return -1;
}

/* The slot reserved for this process by clk_reserve_pid, else a new one; or -1. */
static int cs_join_slot(void)
{
  pid_t me = getpid();
  cs_lock();
  int slot = -1;
  for (int i = 0; i < CS_SLOTS && slot < 0; i++)
    if (cs->slot[i].state != CS_FREE && cs->slot[i].pid == me && cs->slot[i].pending)
      slot = i;
  if (slot >= 0)
    cs->slot[slot].pending = 0;
  else
    slot = cs_take(me, 0);
  cs_unlock();
  return slot;
}

int cs_attach(const char *path, int64_t *start, char *err, size_t errlen)
{
  struct cs_file *f = cs_open(path, err, errlen), *old = cs;
  if (!f)
    return -1;
  cs = f;
  int slot = cs_join_slot();
  cs = old;
  if (slot < 0) {
    munmap(f, sizeof *f);
    snprintf(err, errlen, "%s: no free participant slot", path);
    return -1;
  }
  cs_detach();
  cs = f;
  cs_self = slot;
  *start = f->start;
  pthread_once(&cs_once, cs_register_fork);
  return 0;
}

void cs_detach(void)
{
  if (!cs)
    return;
  clk_thread_leave();
  munmap(cs, sizeof *cs);
  cs = NULL;
}

int64_t cs_now(void) { return atomic_load(&cs->now); }

/* State of process pid: 'R' alive, 'T' stopped, 'Z' gone (exited, zombie or no such
 * pid).  What cannot be read counts as alive, so that it keeps holding time. */
static char cs_proc_state(pid_t pid)
{
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 'Z' : 'R';
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return 'Z';
  buf[n] = '\0';
  const char *p = strrchr(buf, ')'); /* the command name may hold anything */
  char st = p && p[1] == ' ' ? p[2] : 'R';
  if (st == 'T' || st == 't')
    return 'T';
  return st == 'Z' || st == 'X' ? 'Z' : 'R';
}

/* Under the mutex: frees every slot of a process that is gone. */
static void cs_free_pid(pid_t pid)
{
  for (int i = 0; i < CS_SLOTS; i++)
    if (cs->slot[i].state != CS_FREE && cs->slot[i].pid == pid)
      cs->slot[i].state = CS_FREE;
}

/* Under the mutex: looks at the running slots of other processes, frees those of gone
 * processes and marks those of stopped ones frozen (or no longer frozen). */
static void cs_scan(void)
{
  pid_t me = getpid();
  cs->scan_mono = tu_mono_ns();
  for (int i = 0; i < CS_SLOTS; i++) {
    struct cs_slot *s = &cs->slot[i];
    if (s->state != CS_RUN || s->pid == me)
      continue;
    char st = cs_proc_state(s->pid);
    if (st == 'Z')
      cs_free_pid(s->pid);
    else
      s->frozen = st == 'T';
  }
}

/* Under the mutex: 2 if a running participant holds time, 1 if only frozen ones run,
 * 0 if none runs. */
static int cs_running(void)
{
  int r = 0;
  for (int i = 0; i < CS_SLOTS; i++)
    if (cs->slot[i].state == CS_RUN) {
      if (!cs->slot[i].frozen)
        return 2;
      r = 1;
    }
  return r;
}

/* Under the mutex: whether bytes in flight hold time.  They do for CS_IO_GRACE_NS of wall
 * time without progress; then they are given up (never read: a closed port, a killed
 * peer), once, with a word on stderr. */
static int cs_io_held(void)
{
  if (cs->io_inflight == 0)
    return 0;
  int64_t now = tu_mono_ns();
  if (cs->io_stall_mono == 0)
    cs->io_stall_mono = now;
  if (now - cs->io_stall_mono < CS_IO_GRACE_NS)
    return 1;
  LOGW("clock", "lockstep clock: %lld byte(s) written to a link were not read for %lld s: "
       "time goes on without them", (long long)cs->io_inflight,
       (long long)(CS_IO_GRACE_NS / NS_PER_S));
  cs->io_inflight = 0;
  cs->io_stall_mono = 0;
  return 0;
}

/* Under the mutex: whether time is held.  Frozen slots are looked at again once a stall
 * interval has passed since the last scan, so that a continued process holds time again. */
static int cs_held(void)
{
  int r = cs_running();
  if (r == 1 && tu_mono_ns() - cs->scan_mono >= CS_STALL_NS) {
    cs_scan();
    r = cs_running();
  }
  if (r == 2) {
    cs->io_stall_mono = 0; /* the grace counts only while nothing else holds time */
    return 1;
  }
  return cs_io_held();
}

/* Under the mutex: when no participant holds time, moves it to the earliest wake-up and
 * marks running, and wakes, the participants whose wake-up it reached (and only them). */
static void cs_advance(void)
{
  if (cs_held())
    return;
  int64_t next = INT64_MAX;
  for (int i = 0; i < CS_SLOTS; i++)
    if (cs->slot[i].state == CS_WAIT && cs->slot[i].wake < next)
      next = cs->slot[i].wake;
  if (next == INT64_MAX)
    return;
  int64_t now = atomic_load(&cs->now);
  if (next > now)
    atomic_store(&cs->now, now = next);
  cs->moved_mono = tu_mono_ns();
  for (int i = 0; i < CS_SLOTS; i++)
    if (cs->slot[i].state == CS_WAIT && cs->slot[i].wake <= now)
      cs_run(i);
  if (cs->nwatch > 0)
    cs_tick();
}

/* Under the mutex: when time has not moved for a stall interval and nobody looked
 * meanwhile, looks for stopped or gone holders (and bytes in flight past their grace). */
static void cs_stalled(void)
{
  int64_t last = cs->moved_mono > cs->scan_mono ? cs->moved_mono : cs->scan_mono;
  if (tu_mono_ns() - last >= CS_STALL_NS) {
    cs_scan();
    cs_advance();
  }
}

/* Under the mutex, which it lets go meanwhile: sleeps one slice on the futex word
 * unless it was bumped since the caller looked at what it waits for. */
static void cs_slice(_Atomic uint32_t *word)
{
  uint32_t seen = atomic_load(word);
  struct timespec ts = {.tv_sec = 0, .tv_nsec = CS_STALL_NS};
  cs_unlock();
  syscall(SYS_futex, word, FUTEX_WAIT, seen, &ts, NULL, 0);
  cs_lock();
  cs_stalled();
}

/* Under the mutex: the calling participant waits with wake-up time `wake`. */
static int cs_park(int64_t wake, const volatile sig_atomic_t *stop, struct clk_event *e)
{
  struct cs_slot *s = &cs->slot[cs_self];
  if (clk_should_stop(stop))
    return -1;
  s->state = CS_WAIT;
  s->wake = wake;
  s->frozen = 0;
  if (e)
    e->waiter = cs_self;
  cs_advance();
  while (s->state == CS_WAIT && !clk_should_stop(stop))
    cs_slice(&s->seq);
  if (e)
    e->waiter = -1;
  if (s->state != CS_WAIT)
    return 0;
  s->state = CS_RUN;
  return -1;
}

/* Under the mutex: a thread that is not a participant waits without holding time. */
static int cs_watch(int64_t wake, const volatile sig_atomic_t *stop, struct clk_event *e)
{
  int r = 0;
  cs->nwatch++;
  if (e)
    e->watching = 1;
  while (!(e && e->flag) && atomic_load(&cs->now) < wake) {
    if (clk_should_stop(stop)) {
      r = -1;
      break;
    }
    cs_slice(&cs->tick);
  }
  if (e)
    e->watching = 0;
  cs->nwatch--;
  return r;
}

int cs_wait(int64_t wake, const volatile sig_atomic_t *stop, struct clk_event *e)
{
  int r = 0;
  cs_lock();
  if (!(e && e->flag) && atomic_load(&cs->now) < wake)
    r = cs_self >= 0 ? cs_park(wake, stop, e) : cs_watch(wake, stop, e);
  if (e && e->flag) {
    e->flag = 0;
    r = 1;
  }
  cs_unlock();
  return r;
}

/* Under the mutex, which it lets go meanwhile: polls the descriptors for one slice.
 * Returns poll's result, 0 for nothing ready or a signal. */
static int cs_fd_slice(struct pollfd *fds, nfds_t n)
{
  cs_unlock();
  int r = poll(fds, n, CS_FD_SLICE_MS);
  int e = errno;
  cs_lock();
  if (r < 0 && e == EINTR)
    r = 0;
  if (r == 0)
    cs_stalled();
  errno = e;
  return r;
}

/* Under the mutex: the calling participant waits with wake-up time `until` or until a
 * descriptor is ready; it is marked running before it returns, so that time stands at
 * the instant the descriptor became ready. */
static int cs_park_fd(struct pollfd *fds, nfds_t n, int64_t until)
{
  struct cs_slot *s = &cs->slot[cs_self];
  int r = 0;
  s->state = CS_WAIT;
  s->wake = until;
  s->frozen = 0;
  cs_advance();
  while (s->state == CS_WAIT && r == 0) {
    if (clk_should_stop(NULL)) {
      errno = EINTR;
      r = -1;
      break;
    }
    r = cs_fd_slice(fds, n);
  }
  if (s->state == CS_WAIT)
    s->state = CS_RUN;
  return r;
}

/* Under the mutex: a thread that is not a participant polls without holding time. */
static int cs_watch_fd(struct pollfd *fds, nfds_t n, int64_t until)
{
  int r = 0;
  while (r == 0 && atomic_load(&cs->now) < until) {
    if (clk_should_stop(NULL)) {
      errno = EINTR;
      return -1;
    }
    r = cs_fd_slice(fds, n);
  }
  return r;
}

int cs_poll(struct pollfd *fds, nfds_t n, int64_t until)
{
  int r = poll(fds, n, 0);
  if (r != 0 || atomic_load(&cs->now) >= until)
    return r;
  cs_lock();
  r = cs_self >= 0 ? cs_park_fd(fds, n, until) : cs_watch_fd(fds, n, until);
  cs_unlock();
  /* Time reached `until`: what became ready at that instant is ready. */
  return r == 0 ? poll(fds, n, 0) : r;
}

void cs_io(int64_t delta)
{
  cs_lock();
  int64_t v = cs->io_inflight + delta;
  /* Reads of bytes given up after the grace must not count against later writes. */
  cs->io_inflight = v > 0 ? v : 0;
  cs->io_stall_mono = 0;
  if (cs->io_inflight == 0)
    cs_advance(); /* a reader that is not a participant may have let time go */
  cs_unlock();
}

void cs_signal(struct clk_event *e)
{
  cs_lock();
  e->flag = 1;
  if (e->waiter >= 0 && cs->slot[e->waiter].state == CS_WAIT)
    cs_run(e->waiter);
  if (e->watching)
    cs_tick();
  cs_unlock();
}

int clk_thread_join(void)
{
  if (!cs || cs_self >= 0)
    return 0;
  cs_self = cs_join_slot();
  return cs_self < 0 ? -1 : 0;
}

void clk_thread_leave(void)
{
  clk_slot_release(cs_self);
  cs_self = -1;
}

int clk_slot_reserve(void)
{
  if (!cs)
    return -1;
  cs_lock();
  int slot = cs_take(getpid(), 0);
  cs_unlock();
  return slot;
}

void clk_thread_adopt(int slot)
{
  if (cs && slot >= 0 && slot < CS_SLOTS)
    cs_self = slot;
}

void clk_slot_release(int slot)
{
  if (!cs || slot < 0 || slot >= CS_SLOTS)
    return;
  cs_lock();
  cs->slot[slot].state = CS_FREE;
  cs_advance(); /* this may have been the last holder */
  cs_unlock();
}

void clk_reserve_pid(pid_t pid)
{
  if (!cs)
    return;
  cs_lock();
  int has = 0;
  for (int i = 0; i < CS_SLOTS; i++)
    has |= cs->slot[i].state != CS_FREE && cs->slot[i].pid == pid;
  if (!has) /* else the child joined first */
    cs_take(pid, 1);
  cs_unlock();
}
