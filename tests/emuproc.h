/* Running a serial instrument emulator for a test: socat makes a pseudo-terminal pair
 * (DIR/tty for the driver, DIR/emu for the emulator), the emulator (tests/emu_*) answers
 * on DIR/emu, and the test drives it through DIR/ctl and reads DIR/state (tests/oscemu.h).
 * Stopping socat and the emulator is a disconnect (an unplugged USB adapter) for the
 * driver; starting them again with the same DIR is the same unit plugged in again.  When
 * the test runs on a lockstep clock (th_lockstep), the emulator takes part in it. */
#ifndef CVD_EMUPROC_H
#define CVD_EMUPROC_H

#include <sys/types.h>

struct emuproc {
  char dir[512], tty[600], emu[600], ctl[600], state[600], log[600];
  char prog[600];
  pid_t socat, pid;
};

/* The path of emulator `name` (built next to the test binary). */
void ep_prog(char *buf, size_t n, const char *name);
/* Starts socat and the emulator prog in dir (created by the caller).  0, or -1 (a skip
 * reason is printed when socat is missing). */
int ep_start(struct emuproc *e, const char *dir, const char *prog);
/* Kills the emulator and socat: the line goes away. */
void ep_stop(struct emuproc *e);
/* Sends a control line and waits until the emulator has taken it.  0 or -1. */
int ep_ctl(struct emuproc *e, const char *line);
/* A value from the emulator's state file; fails the test when absent. */
long long ep_state(struct emuproc *e, const char *key);

#endif
