/* The serial link of an instrument oscillator (SRS PRS10, Microchip SA.45s): opened when
 * the driver opens and reopened after any failure, with a back-off, so that a unit that is
 * unplugged, powered off or mute costs the 1 Hz measuring loop one timeout per back-off
 * period and nothing in between.  Commands are lines; a query is answered by one line
 * within a timeout, and the lines the driver's `accept` refuses before it (noise on the
 * line, a banner after a reset) are counted as garbage.  Timeouts, the back-off and the
 * status polls are wall time as clk_io_until gives it: they bound I/O (DESIGN.md
 * section 3); on a lockstep clock, service time, as an emulated unit on it answers. */
#ifndef CVD_OSCSER_H
#define CVD_OSCSER_H

#include <stddef.h>
#include <stdint.h>

#include "core/drvconf.h"
#include "core/serial.h"

struct oscser {
  struct serial s;
  char path[256];
  char name[16];        /* the unit's name in messages: "PRS10", "SA.45s" */
  const char *eol;      /* what ends a command */
  int baud;
  int timeout_ms;       /* for each reply */
  int64_t retry_ns;     /* back-off after a failure */
  int64_t poll_ns;      /* how often the driver reads the unit's status */
  int64_t next_try;     /* service time before which the port is not reopened */
  int64_t next_poll;    /* service time of the next status read */
  int fresh;            /* reopened since the driver last initialised the unit */
  long garbage;         /* lines that were not the reply asked for */
  long garbage_logged;  /* garbage when it was last logged */
  int64_t garbage_log_at; /* monotonic ns of that log: at most one a minute */
  long failures;        /* times the link was lost */
};

/* The options every instrument oscillator takes, for drvconf_check_keys lists. */
#define OSCSER_KEYS "baud", "timeout", "poll", "retry"

/* Reads the device path and the options baud (default_baud), timeout (ms, 500),
 * poll (s, 10) and retry (s, 10).  0, or -1 with err naming the bad one. */
int oscser_configure(struct oscser *l, const struct drvconf *c, const char *name,
                     int default_baud, const char *eol, char *err, size_t errlen);

/* Opens the port if it is closed and the back-off has passed.  0 when open (l->fresh says
 * whether the unit must be initialised again), -1 when not (err says why and when the
 * next attempt is). */
int oscser_ensure(struct oscser *l, char *err, size_t errlen);

/* Sends one command (the end of line is added).  0, or -1 after which the link is down. */
int oscser_send(struct oscser *l, const char *cmd, char *err, size_t errlen);

/* What a query's reply must look like: returns 1 for the reply (good or an error reply),
 * 0 for a line that is not one (counted as garbage and skipped). */
typedef int (*oscser_accept_fn)(const char *line);

/* Sends cmd and returns its reply in reply.  Lines already waiting are dropped first (as
 * garbage: nothing was asked).  0, or -1 after which the link is down (no reply in time,
 * the port gone). */
int oscser_query(struct oscser *l, const char *cmd, oscser_accept_fn accept, char *reply,
                 size_t n, char *err, size_t errlen);

/* Closes the link after a failure and starts the back-off. */
void oscser_fail(struct oscser *l);
void oscser_close(struct oscser *l);

/* 1 when the status is due to be read again (and schedules the next read). */
int oscser_poll_due(struct oscser *l);

#endif
