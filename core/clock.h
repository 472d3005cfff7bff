/* The clock source: what every part asks for the current time (DESIGN.md section 3).
 *
 * In service it is the system's UTC clock.  In `demo` it is a simulated clock that runs
 * `speed` times faster than real time from `start`, anchored to CLOCK_MONOTONIC so that
 * separate processes given the same anchor share one simulated clock.  In `simulate` it
 * is a manual clock that moves only when told to; in the integration tests, the lockstep
 * clock.
 *
 * The lockstep clock is a discrete-event clock that several processes share through a
 * file they all map.  Its time advances only when every participant thread (of every
 * process mapping the file) waits on the clock, and then jumps to the earliest wake-up
 * time asked for; so a participant never finds that time passed a wake-up it asked for,
 * and a loaded machine makes a run slower, never different.  A process that is stopped
 * (SIGSTOP) does not hold time: it finds time later when it continues.  A process that
 * died or exited without leaving frees its slots.  Both are noticed when time has not
 * moved for 20 ms of wall time.  Bytes that a participant wrote to a link (an emulated
 * instrument and its driver, through socat's pseudo-terminals or a loopback socket) and
 * no participant has read yet hold time as well (clk_io_write below).
 *
 * Signature timestamps and network timeouts use wall time (tu_wall_ns) instead. */
#ifndef CVD_CLOCK_H
#define CVD_CLOCK_H

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum clk_kind { CLK_REAL = 0, CLK_SIM, CLK_MANUAL, CLK_LOCKSTEP };

struct clk_conf {
  enum clk_kind kind;
  int64_t start;       /* CLK_SIM, CLK_MANUAL: service time at the anchor, UTC ns;
                          CLK_LOCKSTEP: filled in from the file by clk_configure */
  double speed;        /* CLK_SIM: simulated seconds per real second */
  int64_t anchor_mono; /* CLK_SIM: CLOCK_MONOTONIC ns at which service time == start;
                          0 means the moment clk_configure is called */
  char path[512];      /* CLK_LOCKSTEP: the file made by clk_lockstep_create */
};

/* Sets the clock source.  Called before other threads use the clock.  For CLK_LOCKSTEP
 * it maps the file and makes the calling thread a participant; the checked variant
 * returns 0, or -1 with a message in err (and the clock left as it was); clk_configure
 * says it on stderr and exits with status 1. */
int clk_configure_checked(const struct clk_conf *c, char *err, size_t errlen);
void clk_configure(const struct clk_conf *c);
const struct clk_conf *clk_config(void);

/* Replaces any file at path (processes still mapping an old one keep it) with a new
 * lockstep clock whose time is start and which has no participants.  0, or -1 with err. */
int clk_lockstep_create(const char *path, int64_t start, char *err, size_t errlen);

int64_t clk_now(void);
/* CLK_MANUAL only: sets the time (never backwards). */
void clk_set(int64_t t);

/* Sleeps until service time t, or until *stop becomes nonzero (looked at least every
 * 100 ms of wall time).  Returns 0 when t was reached, 1 when stopped.  In CLK_MANUAL
 * it returns at once.  In CLK_LOCKSTEP a participant waits with wake-up time t; a thread
 * that is not a participant waits for the time without holding it. */
int clk_sleep_until(int64_t t, const volatile sig_atomic_t *stop);

/* The process is stopping (SIGINT, SIGTERM): from now on every wait on the clock in this
 * process returns as stopped, whatever stop flag it was given, so that a daemon stops
 * even when a lockstep clock holds still or a driver waits without a flag of its own.
 * Async-signal-safe. */
void clk_interrupt(void);
/* 1 if *stop (when not NULL) is set or the process is stopping. */
int clk_should_stop(const volatile sig_atomic_t *stop);

/* Wall-clock nanoseconds that `dt` nanoseconds of service time take (0 in CLK_MANUAL
 * and CLK_LOCKSTEP, where no wall time corresponds to service time). */
int64_t clk_wall_interval(int64_t dt);

/* The service time by which `ns` of wall time has passed: the deadline of an I/O timeout
 * or back-off, which bounds I/O in wall time (DESIGN.md section 3).  In CLK_LOCKSTEP and
 * CLK_MANUAL no wall time corresponds to service time: there it is `ns` of service time,
 * which is what an emulated instrument on the same clock answers in. */
int64_t clk_io_until(int64_t ns);

/* poll(2) until service time `until`: the number of descriptors ready (revents set), 0
 * when `until` was reached, -1 on an error or when the process is stopping (clk_interrupt;
 * errno EINTR).  CLK_REAL and CLK_SIM poll with the wall time until then, CLK_MANUAL polls
 * once without waiting.  In CLK_LOCKSTEP a participant waits with wake-up time `until`,
 * and returns as soon as a descriptor is ready, at the service time it became ready. */
int clk_poll(struct pollfd *fds, nfds_t n, int64_t until);

/* write(2) and read(2) on a link between participants, counted.  In CLK_LOCKSTEP time
 * does not advance while bytes are in flight (written, not yet read): the reader sees
 * them at the instant they were written, however long the kernel, socat or the scheduler
 * take to carry them.  Bytes never read (a closed port, a killed peer, nobody at the other
 * end) hold time for at most 2 s of wall time in which nothing else does; then time goes
 * on, said once on stderr.  Only links whose both ends count take part (not gpsd, not a
 * control FIFO).  In the other kinds these are plain write and read. */
ssize_t clk_io_write(int fd, const void *buf, size_t n);
ssize_t clk_io_read(int fd, void *buf, size_t n);
/* Bytes a reader threw away unread (tcflush: ask FIONREAD first), so that they do not
 * hold time until the grace. */
void clk_io_discarded(size_t n);

/* Participants of the lockstep clock are threads; in the other kinds these are no-ops.
 * A thread that ends leaves first.  Joining takes the slot clk_reserve_pid reserved for
 * this process if there is one.  clk_thread_join returns 0, or -1 when no slot is free
 * (said on stderr). */
int clk_thread_join(void);
void clk_thread_leave(void);
/* Hands a running slot to a thread about to be created, so that time cannot advance
 * before it runs: the creating thread reserves (a slot id, or -1 when not lockstep or
 * no slot is free), the new thread adopts it first thing.  If the thread could not be
 * created, the creator releases the slot. */
int clk_slot_reserve(void);
void clk_thread_adopt(int slot);
void clk_slot_release(int slot);
/* The same for a process just forked or spawned, called by its parent before the parent
 * waits on the clock again: the first thread of pid that joins takes this slot. */
void clk_reserve_pid(pid_t pid);

/* A wakeable wait between threads of one process: a thread waits until service time
 * `until` or until another thread signals it.  The event is a flag: a signal given
 * before the wait is not lost, and the wait consumes it. */
struct clk_event {
  pthread_mutex_t mu; /* guards the fields below, except in CLK_LOCKSTEP where the
                         clock's shared mutex does (the waiter is a participant there) */
  pthread_cond_t cv;
  int flag;     /* signalled, not yet consumed */
  int waiter;   /* CLK_LOCKSTEP: slot of the participant waiting, or -1 */
  int watching; /* CLK_LOCKSTEP: a thread that is not a participant is waiting */
};
void clk_event_init(struct clk_event *e);
void clk_event_destroy(struct clk_event *e);
/* Returns 1 if signalled, 0 when `until` was reached, -1 if *stop became nonzero.  In
 * CLK_MANUAL it returns at once.  In CLK_LOCKSTEP the signal marks a waiting participant
 * running before clk_event_signal returns, so time cannot pass between the two. */
int clk_event_wait(struct clk_event *e, int64_t until, const volatile sig_atomic_t *stop);
void clk_event_signal(struct clk_event *e);

/* Parses the arguments of the `clock` directive:
 *   real
 *   simulated START SPEED [ANCHOR]
 *   lockstep FILE
 * START as tu_parse accepts; SPEED > 0; ANCHOR in CLOCK_MONOTONIC ns; FILE made by
 * clk_lockstep_create.  Returns 0, or -1 with a message in err. */
int clk_parse(int argc, char **argv, struct clk_conf *out, char *err, size_t errlen);

#endif
