/* What the oscillator emulators (tests/emu_prs10.c, tests/emu_sa45s.c) share: the
 * pseudo-terminal they answer on (the far end of a socat pair whose near end the driver
 * under test opens), a control FIFO through which the test makes the instrument misbehave,
 * and a state file, rewritten after every command before the reply goes out, from which
 * the test reads what the instrument holds (tests/emuproc.h starts and drives them).
 *
 * Arguments: --tty PTY --ctl FIFO --state FILE [--restore OLDSTATE] [--clock FILE]
 * With --clock the emulator takes part in the test's lockstep clock (core/clock.h): it
 * waits on it for input and counts what it reads and writes on the line, so that a reply
 * reaches the driver at the instant it was asked for, and its time of day is the clock's.
 * Control lines every emulator takes (each acknowledged by "ctl=N" in the state file):
 *   mute / unmute   stop answering (a unit powered off behind its adapter) / answer again
 *   noise N         put a garbage line before each of the next N replies
 *   garbage         send a garbage line now, unasked
 *   quit            exit, which closes the line (socat then hangs up on the driver)
 * and the emulator's own (reset, lock, ...).  The state file has the emulator's own
 * "key=value" lines and ctl, cmds (command lines received) and mute. */
#ifndef CVD_OSCEMU_H
#define CVD_OSCEMU_H

#include <stddef.h>

struct oscemu {
  int fd, ctl;
  const char *state_path;
  const char *restore_path; /* the state of the unit's last run, or NULL: a new unit */
  const char *eol;          /* what ends a reply */
  char in[1024];
  size_t in_len;
  char cin[256];
  size_t cin_len;
  char out[2048];           /* replies held until the state is saved */
  size_t out_len;
  int mute, noise;
  long ctl_count, cmd_count;
};

/* The emulator's handlers: on_line gets each command line (without its end of line),
 * on_ctl each control line it is to handle (returns 0, or -1 if unknown), and
 * write_state the instrument's own "key=value" lines for the state file. */
struct oscemu_ops {
  void (*on_line)(struct oscemu *e, const char *line, void *ctx);
  int (*on_ctl)(struct oscemu *e, const char *cmd, void *ctx);
  void (*write_state)(char *buf, size_t n, void *ctx);
};

/* Parses the arguments and opens the pseudo-terminal and the FIFO.  0 or -1. */
int oscemu_open(struct oscemu *e, int argc, char **argv, const char *eol);
/* Serves until "quit", a hang-up of the line, or SIGTERM.  Returns the exit status. */
int oscemu_run(struct oscemu *e, const struct oscemu_ops *ops, void *ctx);
/* Queues one reply line (sent after the state is saved), after a garbage line if noise
 * is pending. */
void oscemu_reply(struct oscemu *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads "key=value" from a state file; 0 if found. */
int oscemu_saved(const char *state_path, const char *key, long long *v);

#endif
