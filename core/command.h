/* Steering commands (DESIGN.md section 3): absolute setpoints from the server to one site's
 * oscillator, never increments, so that a lost response, a repeated command or a restart on
 * either side cannot apply a correction twice.
 *
 * The frequency correction the oscillator holds at time t is
 *   freq + drift_per_day * (t - t_ref) / 1 day  [+ slew_freq while t < slew_until]
 * The first two terms are the frequency steering, which the site keeps applying on its own
 * when no fresh command comes (holdover); the slew is time steering: a bounded, temporary
 * frequency offset that removes a time offset and then ends by itself.  A phase step moves
 * the clock's time by phase_step_ns (positive: its reading grows, x grows) and is applied
 * once per phase_step_id. */
#ifndef CVD_COMMAND_H
#define CVD_COMMAND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"

/* Command and phase-step ids stay below this, so that no id, however it came, can leave
 * no room for the ones after it. */
#define CMD_ID_MAX (1LL << 53)

struct steer_cmd {
  int64_t id;             /* > 0, increasing per site, below CMD_ID_MAX */
  int64_t issued;         /* service time it was computed, UTC ns */
  int64_t t_ref;          /* time at which freq holds, UTC ns */
  double freq;            /* fractional frequency correction at t_ref */
  double drift_per_day;   /* change of the correction per day after t_ref */
  int64_t valid_until;    /* after this the site is in holdover, still applying both */
  double slew_freq;       /* extra correction until slew_until */
  int64_t slew_until;
  int64_t phase_step_id;  /* 0: none */
  double phase_step_ns;
  int phase_step_operator; /* the step was asked for by an operator (allowed after lock) */
  int locked;             /* the server has seen this clock locked: tight limits apply */
  int reacquire;          /* the server re-acquires a clock it had locked (its frequency
                             stepped, or the model lost it): re-acquisition limits apply */
  char state[16];         /* the server's clock state, for the site's log */
};

/* Limits a site enforces on what it receives (DESIGN.md section 3).  Before the first
 * lock a command may change the applied frequency by max_step_acquire in all.  After it,
 * frequency steering (freq and drift) may change by max_step_locked per command, and time
 * steering is bounded on its own: a slew of at most max_slew_locked that moves the clock by
 * at most max_slew_phase_ns, then ends by itself; a locked clock thus never runs away.
 * A clock whose frequency stepped (a rubidium's lamp or C-field) cannot be followed at
 * max_step_locked per command; while the server re-acquires such a clock it marks its
 * commands `reacquire` and the wider max_step_reacquire and max_slew_reacquire apply,
 * still far from the acquisition's. */
struct steer_limits {
  double max_freq;             /* |correction| [1e-8] */
  double max_step_acquire;     /* change per command before the first lock [1e-9] */
  double max_step_locked;      /* change of frequency steering per command after it [1e-12] */
  double max_slew_locked;      /* |slew| after the first lock [1e-11] */
  double max_slew_phase_ns;    /* time moved by one command's slew after it [100] */
  double max_phase_step_ns;    /* [1e6, i.e. 1 ms] */
  double max_drift_per_day;    /* [1e-10] */
  double max_step_reacquire;   /* change of frequency steering per command while the server
                                  re-acquires a clock it had locked [1e-11] */
  double max_slew_reacquire;   /* |slew| then [5e-11] */
};

/* The limits as configuration directives, with their defaults (core/conf.h). */
extern const struct conf_item cmd_limit_items[];
void cmd_limits_default(struct steer_limits *l);

double cmd_freq_at(const struct steer_cmd *c, int64_t t);
/* The frequency-steering part only (no slew): what holdover keeps. */
double cmd_hold_freq_at(const struct steer_cmd *c, int64_t t);

/* The steering phase (ns) the command adds between t0 and t1: the integral of
 * cmd_freq_at over [t0, t1]. */
double cmd_phase_ns(const struct steer_cmd *c, int64_t t0, int64_t t1);

json_t *cmd_to_json(const struct steer_cmd *c);
int cmd_from_json(const json_t *j, struct steer_cmd *c, char *err, size_t errlen);

/* Checks a new command against the limits, given the one held now (NULL: none), the time
 * it takes effect, whether the clock was locked before, and the id of the last phase step
 * applied.  Returns 0 if acceptable, or -1 with the reason in err.  The one check: the
 * site applies it to what it receives, and the server to what it is about to send, with
 * what the site reported holding. */
int cmd_check(const struct steer_cmd *next, const struct steer_cmd *held, int64_t t,
              int locked_before, int64_t applied_step_id, const struct steer_limits *l,
              char *err, size_t errlen);

#endif
