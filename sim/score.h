/* Scoring a simulation against its truth (the figures of `cvd simulate --json`).
 *
 * x is the true REMOTE - REF at every slot midpoint.  rms, max, daily means, mdev_1d and
 * freq_1d_rms use the samples after the first simulated day that are outside the outage
 * windows cutting this remote off (an `all` or `ref` window, or one naming it). */
#ifndef CVD_SIM_SCORE_H
#define CVD_SIM_SCORE_H

#include <jansson.h>
#include <stdint.h>

#include "sim/scenario.h"

struct sim_holdover {
  double start_h, duration_h;
  double max_abs_x_ns;       /* inside the window */
  double predicted_x_ns, predicted_sigma_ns; /* the server's, for the window's end */
  double true_x_ns;          /* at the window's end */
};

/* One remote's record over the run, one entry per slot from the scenario's start. */
struct sim_series {
  char site[32];
  int index;                 /* k of rk */
  int n;
  double *x;                 /* true x at the slot's midpoint, ns */
  unsigned char *locked;     /* the server's state was LOCKED at the midpoint */
  struct sim_holdover ho[SIM_MAX_EVENTS];
  int n_ho;
};

struct sim_score {
  double lock_time_h, rms_x_ns, max_abs_x_ns, max_abs_daily_mean_ns, mdev_1d, freq_1d_rms;
  double bound_rms_x_ns, time_locked_pct;
};

/* 1 if slot i's midpoint (or the slot itself) is in a window that cuts remote k off. */
int simscore_excluded(const struct scenario *sc, int k, int slot);
void simscore_compute(const struct scenario *sc, const struct sim_series *s, struct sim_score *o);
/* The floor for the scenario: sqrt(P) of the steady-state one-slot-ahead prediction error
 * of x of a two-state (phase, frequency) Kalman filter with T = 600 s, q1 = adev_1s^2 x 1 s,
 * q2 = 3 (floor^2 / 1e4 s + rwfm_1d^2 / 86400 s), R = cv_noise_ns^2, plus the diurnal
 * term (cv_diurnal_ns / sqrt 2)^2. */
double simscore_bound(const struct scenario *sc);
/* 1 if the outage window o cuts remote k off and ends at t. */
int simscore_outage_ends(const struct scenario *sc, const struct sim_outage *o, int k, int64_t t);
/* Scores the holdover of the window o, which ended now: the true x at its end, the
 * server's prediction for it, and the largest |x| of the series inside it. */
void simscore_holdover(const struct scenario *sc, struct sim_series *s, const struct sim_outage *o,
                       double true_x_ns, double predicted_x_ns, double predicted_sigma_ns);
json_t *simscore_json(const struct sim_series *s, const struct sim_score *o);

#endif
