/* The controller of one remote clock: it feeds the clock's common-view measurements to its
 * servo, keeps the clock's state (DESIGN.md section 3), turns the servo's proposals into
 * bounded, absolute steering commands, and predicts the clock through holdover.  Every
 * decision comes back as a struct ctl_decision with its inputs, outputs and reason: the
 * server writes it to the steering log. */
#ifndef CVD_CTL_H
#define CVD_CTL_H

#include <jansson.h>
#include <stdint.h>

#include "core/command.h"
#include "core/msg.h"
#include "core/track.h"
#include "steer/servo.h"

enum clock_state { CS_ACQUIRING = 0, CS_LOCKED, CS_UNLOCKED, CS_HOLDOVER, CS_ALARM };
const char *cs_name(enum clock_state s);

struct ctl_params {
  double lock_ns;         /* [50] */
  double alarm_ns;        /* [1000] */
  int holdover_slots;     /* missing slots that make holdover [2] */
  int64_t grace;          /* a slot is due this long after its end [300 s] */
  int64_t validity;       /* how long a command is valid [1800 s] */
  int64_t fault_hold;     /* how long a reference fault keeps the clocks in ALARM [6 h] */
  struct steer_limits limits;
};

/* The thresholds and the validity as configuration directives (core/conf.h); the limits
 * are the daemon's own (core/procconf.h). */
extern const struct conf_item ctl_param_items[];
void ctl_params_default(struct ctl_params *p);

/* What the controller decided, for the steering log and the caller. */
struct ctl_decision {
  int64_t t, slot;
  double measured_x_ns, x_est_ns, x_sigma_ns, y_est, innovation_ns;
  int has_cmd;
  struct steer_cmd cmd;
  enum clock_state state;
  char reason[256];
  int step;                /* a step in the measurement was detected (and corrected) */
  double step_ns;
  const char *event;       /* the kind of event the decision is, for the events: NULL,
                              "measurement_step", "frequency_step" or "reacquire" */
  int outlier;             /* the measurement was rejected as an outlier */
};

struct ctl {
  char site[SITE_NAME_MAX];
  struct servo *servo;
  struct ctl_params p;
  enum clock_state state;
  int locked_once;
  int reacquiring;         /* the servo re-acquires the clock (after a frequency step) */
  char alarm_reason[256];
  int64_t last_slot;       /* newest common-view slot taken */
  double last_x_ns, last_sigma_ns;
  /* The site's oscillator as last reported. */
  int have_report;
  struct osc_report rep;
  int have_held;
  struct steer_cmd held;   /* the command the site holds */
  /* What was issued. */
  int have_last;
  struct steer_cmd last;
  int64_t next_id, next_step_id;
  /* Holdover prediction, when in HOLDOVER. */
  double pred_x_ns, pred_sigma_ns;
  /* The last step detected in the measurements. */
  int64_t step_slot;
  double step_own;         /* as this clock's servo estimated it */
  double step_ns, step_var; /* as applied (the common estimate when the engine made one) */
  /* A fault flagged by the engine (on the reference): ALARM until fault_until. */
  int64_t fault_until;
  char fault_reason[200];
};

struct ctl *ctl_create(const char *site, const char *servo_name, const struct servo_params *sp,
                       const struct ctl_params *cp, char *err, size_t errlen);
void ctl_destroy(struct ctl *c);

/* The site's report of what its oscillator holds.  held is the command with the reported
 * id if the caller found it (NULL otherwise). */
void ctl_report(struct ctl *c, const struct osc_report *r, const struct steer_cmd *held);

/* One common-view measurement x = REMOTE - REF of a slot, with the remote's track.  A slot
 * not newer than the last one taken is ignored (returns 0).  Returns 1 when taken, with
 * the decision filled in (a new command when d->has_cmd), -1 on a servo failure. */
int ctl_measure(struct ctl *c, int64_t slot, double x_ns, double sigma_ns,
                const struct track *remote, int64_t now, struct ctl_decision *d);

/* Time passing without data: holdover, its prediction and alarm.  Returns 1 when the state
 * changed (d says to what and why), else 0. */
int ctl_tick(struct ctl *c, int64_t now, struct ctl_decision *d);

/* 1 if this clock's servo found a step in the measurement of slot, with its own estimate
 * of the step and the estimate's variance; else 0. */
int ctl_step_in(const struct ctl *c, int64_t slot, double *own_ns, double *var_ns2);
/* The step found in the last slot was the reference's, estimated from every remote
 * together as step_ns with variance var_ns2: the servo takes that estimate instead of
 * its own (a servo that does not correct steps is left as it is). */
void ctl_take_common_step(struct ctl *c, double step_ns, double var_ns2);

/* Staff's word on the last measurement step this clock's servo corrected (it cannot tell
 * a receiver's delay from the clock's own phase): was_clock 1 makes the clock take it (time
 * steering then removes it), 0 confirms it as a delay.  Fills d (for the steering log)
 * and returns 1, or 0 with d->reason saying why nothing was done. */
int ctl_operator_step(struct ctl *c, int was_clock, int64_t now, struct ctl_decision *d);

/* Flags a fault outside this clock (the reference's) until `until`: the state is ALARM
 * with the reason while steering goes on. */
void ctl_flag_fault(struct ctl *c, int64_t until, const char *reason);

/* Steered x predicted at t, with its 1-sigma, from the servo and the held command. */
void ctl_predict(const struct ctl *c, int64_t t, double *x_ns, double *sigma_ns);

json_t *ctl_save(const struct ctl *c);
int ctl_load(struct ctl *c, const json_t *j, char *err, size_t errlen);

#endif
