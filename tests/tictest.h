/* What the TIC driver tests share: the lockstep clock (core/clock.h) that the test and
 * the emulators (ticemu.h) take part in, socat's pseudo-terminal pair, starting and
 * stopping an emulator, and collecting readings the way the site daemon does (one
 * tic_read per second of service time, the driver reopened after an error).  The driver
 * waits on the clock and counts its bytes (core/serial.h), so simulated time stands while
 * a line is on its way: a run is exact however loaded the machine is, and as fast as the
 * processes go. */
#ifndef CVD_TICTEST_H
#define CVD_TICTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tic/tic.h"

struct ticrun {
  char dir[256], tty[300], emu[300], log[300], clock[300];
  pid_t socat, emulator;
  int64_t start;
};

/* A fresh run in a new directory, on a lockstep clock from `start` (a whole second) in
 * which the calling thread takes part, shared with the emulators. */
void tr_init(struct ticrun *r, const char *tag, int64_t start);
void tr_done(struct ticrun *r);

/* Starts socat with DIR/tty for the driver and DIR/emu for the emulator.  0 or -1. */
int tr_socat(struct ticrun *r);
/* Starts tests/NAME (built next to the test), a participant of the clock from its first
 * instant, with --clock, --port, --offset and the NULL-terminated extra arguments.
 * 0 or -1. */
int tr_emulator(struct ticrun *r, const char *name, const char *port, int64_t offset_ps,
                const char *const *extra);
void tr_stop(struct ticrun *r); /* the emulator, then socat */

/* Reads readings until service time `until`, as the site daemon does, and keeps those of
 * seconds before `until`.  Returns how many were stored in out (at most max); when the
 * driver fails, stops there and returns -1 - count with err set. */
int tr_collect(struct tic *t, int64_t until, struct tic_reading *out, int max, char *err,
               size_t errlen);

/* The expected LOCAL - GPS of second t, in ns (ticemu.h's pulses). */
double tr_expected_ns(int64_t t, int64_t offset_ps);
/* Fails the test unless every reading carries, within tol_ns, the value its second's
 * pulses had, and the seconds increase.  start: the run's start, for the messages. */
void tr_check_values(const struct tic_reading *r, int n, int64_t start, int64_t offset_ps,
                     double tol_ns);

#endif
