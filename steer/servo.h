/* Steering servos, after linuxptp's struct servo: one interface, interchangeable
 * implementations (pi.c, kalman.c), chosen by name.
 *
 * A servo sees the common-view measurements of one remote clock, x = REMOTE - REF at a
 * slot midpoint, together with the steering phase the site had applied by then (so it
 * can tell the clock's own behaviour from the steering), and proposes the absolute
 * steering from the moment the proposal will be applied: a frequency to hold with its
 * drift (frequency steering), and a temporary slew or a one-off phase step (time
 * steering).  The controller (ctl.c) bounds, states and logs what the servo proposes.
 *
 * Units inside: x in ns, times in UTC ns, frequencies fractional. */
#ifndef CVD_SERVO_H
#define CVD_SERVO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "steer/clockmodel.h"

struct servo_params {
  double tau_s;            /* PI: loop time constant [10800] */
  int acquire_slots;       /* measurements fitted for the first frequency estimate [6] */
  struct clock_model clk;  /* the clock's noise, for prediction and the Kalman filter */
  double meas_noise_ns;    /* noise of one common-view difference when the tracks do not
                              say more [2] */
  double slew_max;         /* largest slew used to remove a time offset [1e-9] */
  double slew_time_s;      /* time over which an offset is slewed out when locked [7200] */
};

/* The servo's parameters as configuration directives (core/conf.h). */
extern const struct conf_item servo_param_items[];
void servo_params_default(struct servo_params *p);

struct servo_meas {
  int64_t t;               /* slot midpoint */
  double x_ns;             /* measured REMOTE - REF */
  double sigma_ns;         /* its uncertainty from the tracks' own statistics */
  double steer_ns;         /* the site's steering phase at t */
  /* Where the proposal will take effect: */
  int64_t t_apply;
  double steer_apply_ns;   /* the steering phase the site will have at t_apply */
  double committed_ns;     /* steering phase still to come after t_apply from what was
                              already commanded: a slew under way, a step not yet applied */
  double pending_step_ns;  /* the step alone (a servo that replaces the slew each time) */
  double hold_apply;       /* the frequency steering (without slew) it holds then */
  double max_step;         /* the largest change of it the controller will let through */
  double max_step_locked;  /* and the locked clock's limit, to which re-acquisition returns */
  int can_step;            /* phase steps allowed now (before the first lock) */
};

enum servo_verdict {
  SERVO_FIRST = 0,          /* acquisition: measuring the frequency */
  SERVO_WAIT,               /* acquisition: waiting for the site to hold it */
  SERVO_USED,               /* the measurement was taken */
  SERVO_OUTLIER,            /* set aside: an outlier */
  SERVO_STEP_DETECTED,      /* the measurement stepped (a receiver delay): step_ns */
  SERVO_JUMP,               /* acquired: time offset removed */
  SERVO_PENDING,            /* out of bounds, set aside until the next ones show what it is */
  SERVO_FREQ_STEP,          /* the clock's frequency stepped: freq_step, followed */
  SERVO_REACQUIRED,         /* the model had lost the clock: taken up again from the data */
};

struct servo_out {
  int verdict;
  int tracking;            /* past acquisition: the clock may be declared locked */
  /* Estimates at the measurement time: */
  double x_est_ns;         /* steered x */
  double x_sigma_ns;
  double y_free;           /* the free-running clock's frequency */
  double innovation_ns;    /* measured minus predicted; NAN when there was no prediction */
  double innovation_sigma_ns; /* its expected 1-sigma; NAN when unknown */
  /* Proposal from t_apply on; valid when has_control: */
  int has_control;
  double freq;             /* frequency steering to hold at t_apply */
  double drift_per_day;    /* and its drift */
  double slew_freq;        /* time steering: extra frequency for slew_s seconds */
  double slew_s;
  double phase_step_ns;    /* time steering by a step; 0 for none */
  double step_ns;          /* SERVO_STEP_DETECTED: the measurement step found, ns */
  double freq_step;        /* SERVO_FREQ_STEP: the clock's frequency step, fractional */
  double step_sigma;       /* 1-sigma of step_ns (ns) or of freq_step (fractional) */
  int evidence_n;          /* the decision's evidence: measurements weighed, */
  double evidence_glr;     /* and the fall of chi-square from an offset to a ramp */
  int reacquire;           /* re-acquiring a clock after a frequency step or a lost model:
                              its commands need the re-acquisition limits */
};

/* A servo is reached only through the functions below (linuxptp's wrappers); the
 * implementations' table and the base struct are in servo_private.h. */
struct servo;

/* Creates the servo called name, or NULL with the known names in err. */
struct servo *servo_create(const char *name, const struct servo_params *p, char *err,
                           size_t errlen);
void servo_destroy(struct servo *s);
/* Comma-separated names, for help texts. */
const char *servo_names(void);
const char *servo_name(const struct servo *s);

/* One measurement in; the estimates and (when out->has_control) a proposal out.  0, or -1
 * on a failure of the servo (nothing changed). */
int servo_sample(struct servo *s, const struct servo_meas *m, struct servo_out *out);
/* The free-running phase expected at t (ns) and its 1-sigma uncertainty. */
void servo_predict(const struct servo *s, int64_t t, double *x_free_ns, double *sigma_ns);
/* Shifts the servo's estimate of the measurement's bias by delta_ns and sets its variance
 * (a step estimated from all remotes together).  0, or -1 when this servo does not
 * correct steps in the measurements (nothing changed). */
int servo_shift_bias(struct servo *s, double delta_ns, double var_ns2);
/* Staff say the measurement step of step_ns the servo corrected was the clock's own phase:
 * the measurement's bias gives it back and the clock takes it (time steering then removes
 * it).  0, or -1 when this servo keeps no bias (nothing changed). */
int servo_step_was_clock(struct servo *s, double step_ns);
/* The servo's state, to survive a restart, and back. */
json_t *servo_save(const struct servo *s);
int servo_load(struct servo *s, const json_t *j, char *err, size_t errlen);

#endif
