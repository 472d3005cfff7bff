/* Oscillators that apply steering: one driver per kind behind a table of function
 * pointers, and a generic layer (osc.c) that holds the steering command, checks it against
 * the site's limits, applies phase steps once per id, keeps the frequency setpoint (with
 * its drift) in holdover, carries the remainder of a coarse actuator forward, and
 * integrates the steering actually applied (steer_ns) for the tracks. */
#ifndef CVD_OSC_H
#define CVD_OSC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/command.h"
#include "core/drvconf.h"
#include "core/track.h"

struct osc;

struct osc_driver {
  const char *name;
  const char *summary;
  int (*open)(struct osc *o, char *err, size_t errlen);
  /* Sets the frequency correction; the device may hold only a multiple of its resolution:
   * *applied returns what it holds.  0 or -1. */
  int (*set_freq)(struct osc *o, double correction, double *applied, char *err, size_t errlen);
  /* Steps the clock's time by ns (positive: its reading grows).  0, or -1 if refused or
   * not supported (NULL: never supported). */
  int (*phase_step)(struct osc *o, double ns, char *err, size_t errlen);
  /* A short status for the tracks ("locked", "sim", ...). */
  void (*status)(struct osc *o, char *buf, size_t n);
  void (*close)(struct osc *o);
  double resolution;     /* frequency step of the actuator, 0 for continuous */
  double step_resolution; /* smallest phase step, ns (with phase_step), 0 for any */
  int steerable;         /* 0 for the reference site's `none` */
};

/* What survives a restart of the site daemon (kept in the spool). */
struct osc_hold {
  int has_cmd;
  struct steer_cmd cmd;
  int64_t applied_step_id;
  int locked_seen;       /* a command marked locked was accepted once */
  double steer_ns;       /* integrated steering at t_last */
  double freq_applied;   /* what the device holds */
  double want_last;      /* what the command asked for since t_last */
  double carry_ns;       /* phase the quantised actuator still owes */
  double slew_owed_ns;   /* time steering owed, paid in phase steps (see osc_tick) */
  int64_t t_last;
};

struct osc {
  const struct osc_driver *drv;
  struct drvconf conf;   /* conf.ctx: the simulated site, for the sim driver */
  void *priv;
  struct steer_limits limits;
  struct osc_hold h;
  int holdover;          /* the held command has expired */
  int takes_steps;       /* the device takes phase steps (a driver with phase_step may
                            clear it in its open: a unit that turns out not to) */
  /* Keeps h (in the site's spool) before a command's phase step goes to the device: 0
   * when kept.  NULL: nothing kept. */
  int (*keep)(void *arg);
  void *keep_arg;
  long set_failures;     /* settings that failed in a row */
  int64_t warn_next;     /* wall time before which a failure is not said again */
  char status[OSC_STATUS_MAX];
};

const struct osc_driver *osc_find(const char *name);
const char *osc_driver_names(void);
int osc_open(struct osc *o, const struct drvconf *c, const struct steer_limits *limits,
             char *err, size_t errlen);
void osc_close(struct osc *o);

/* Restores the state kept across a restart; the device is told the setpoint again. */
void osc_restore(struct osc *o, const struct osc_hold *h, int64_t now);

/* Takes a command from the server.  Returns 1 if it was applied, 0 if it was not newer
 * than the one held (a repeat), -1 if refused (err says why; the held one stays).  A
 * phase step is made at most once per step id, across restarts too: it is recorded as
 * made and kept (o->keep) before the device makes it, so a daemon killed in between loses
 * the step (the server sees that in steer_ns and x) rather than making it twice. */
int osc_accept(struct osc *o, const struct steer_cmd *c, int64_t now, char *err, size_t errlen);

/* Brings the device's setpoint up to time now and integrates steer_ns; call once a
 * second.  Logs the start and end of holdover.  A time earlier than the last one is taken
 * as the last (time never runs backwards here).
 *
 * Time steering (a command's slew) goes to the hardware only when the oscillator takes no
 * phase steps.  One that does holds the frequency steering alone, and the slew's phase is
 * owed second by second and paid in phase steps of at least its step resolution (or
 * OSC_SLEW_STEP_NS): a daemon that stops or dies mid-slew then leaves its clock at the
 * frequency steering, costing at most the holdover drift, where a hardware slew would run
 * on at up to max_slew_locked for as long as the daemon is away.  The slew time that
 * passes while the daemon is away (gaps over OSC_SLEW_GAP) is not paid afterwards: the
 * server sees what was done in steer_ns. */
void osc_tick(struct osc *o, int64_t now);

/* Steering phase at time t >= t_last, extrapolated at the frequency applied now. */
double osc_steer_ns_at(const struct osc *o, int64_t t);
void osc_report(const struct osc *o, struct track_osc *out);

json_t *osc_hold_to_json(const struct osc_hold *h);
int osc_hold_from_json(const json_t *j, struct osc_hold *h, char *err, size_t errlen);

#endif
