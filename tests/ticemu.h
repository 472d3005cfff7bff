/* What the TIC instrument emulators (tests/emu_ticc.c, emu_sr620.c, emu_53230a.c) share
 * with each other and with the tests: the pulses they measure, the clock they run on (the
 * test's lockstep clock, core/clock.h, in which they take part: they wait for their next
 * event with clk_poll and count what they write and read, so that a line is late in
 * simulated time exactly as the fault says, whatever the machine's load), their common
 * arguments, the faults a test asks for, and small I/O helpers.
 *
 * The pulses: at UTC second n the GPS 1PPS comes exactly at n and the local 1PPS at
 * n - u(n), u = LOCAL - GPS (DESIGN.md section 3).  u steps by 0.125 ns from one second to
 * the next over a cycle of 16, so a reading labelled with a wrong second shows in its
 * value.
 *
 * Common arguments:
 *   --clock FILE                       the lockstep clock; its start (a whole second) is
 *                                      second 0 of the faults
 *   --offset PS                        around which u runs
 *   --port P                           the pty (serial emulators) or TCP port
 *   --fault KIND@K[:ARG]               a fault at second K after the start (repeatable)
 * Faults are named by the emulator that knows them; K counts seconds from the start. */
#ifndef CVD_TICEMU_H
#define CVD_TICEMU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TICEMU_MAX_FAULTS 32

/* u(n) in picoseconds for the second starting at second_ns (UTC ns). */
static inline int64_t ticemu_u_ps(int64_t second_ns, int64_t offset_ps)
{
  return offset_ps + 125 * ((second_ns / 1000000000LL) % 16);
}

struct ticemu_fault {
  char kind[16];
  long k;
  long arg;
  char text[64]; /* for faults naming a command instead of a second: KIND@TEXT */
};

struct ticemu {
  const char *name;
  const char *clock;
  int64_t start; /* the clock's start */
  int64_t offset_ps;
  const char *port;
  struct ticemu_fault f[TICEMU_MAX_FAULTS];
  int nf;
};

/* Consumes one "--key value" pair of the common arguments: 1, 0 if not one, -1 if bad. */
int ticemu_arg(struct ticemu *e, const char *key, const char *val);
/* Checks the common arguments are complete (exits 2 with a message otherwise), takes
 * part in the clock (exits 1 when it cannot) and ignores SIGPIPE: a driver that goes away
 * is the emulator's normal end. */
void ticemu_args_done(struct ticemu *e);

/* Waits on the clock until input is ready on fd (1) or service time until (0). */
int ticemu_wait(int fd, int64_t until);

/* Second number k of the run as UTC ns, and back (the second that holds t). */
int64_t ticemu_second(const struct ticemu *e, long k);
long ticemu_index(const struct ticemu *e, int64_t t);

/* 1 when fault kind is set at second index k, with its ARG in *arg (if arg). */
int ticemu_fault(const struct ticemu *e, const char *kind, long k, long *arg);
/* 1 when fault kind@TEXT names text (a command: "reject@INP2:IMP"). */
int ticemu_fault_text(const struct ticemu *e, const char *kind, const char *text);

/* Whether second n has its edges: "skip@K" removes the GPS edge of second K, and
 * "nopulse@K:N" both edges of seconds K to K+N-1. */
int ticemu_has_gps(const struct ticemu *e, int64_t second);
int ticemu_has_local(const struct ticemu *e, int64_t second);

/* What a counter armed at `arm` measures.  A start/stop counter (signed_tic 0) starts on
 * the first local edge after arm and stops on the first GPS edge after that: when the GPS
 * edge of the same second came first, the next second's, and the reading is nearly 1 s.
 * A signed counter (1) pairs the local and the GPS edge of one second, both after arm,
 * whichever comes first.  Returns 1 with the interval in ps, the second n of the local
 * edge and the time the measurement ended; 0 when it would not end by arm + timeout (then
 * *end is arm + timeout). */
int ticemu_measure(const struct ticemu *e, int64_t arm, int signed_tic, int64_t timeout,
                   int64_t *ps, int64_t *second, int64_t *end);

/* Opens the emulator's end of the pseudo-terminal, raw; exits 1 when it cannot. */
int ticemu_open_pty(const char *path);
/* Writes s in one piece (what an instrument sends at one instant arrives together). */
void ticemu_write(int fd, const char *s);
/* Reads what the pseudo-terminal has; exits when the line is gone (socat stopped). */
ssize_t ticemu_read_pty(const struct ticemu *e, int fd, char *buf, size_t n);
void ticemu_log(const struct ticemu *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Picoseconds as "[-]S.FFFFFFFFFFFF" cut (not rounded) to `places` decimals, as the
 * TICC's firmware prints them. */
void ticemu_format_ps(char *buf, size_t n, int64_t ps, int places);

#endif
