/* Inside steer/: the Kalman servo's state and what its two files share (kalman.c: the
 * model, acquisition, control, prediction, saving; kalman_track.c: tracking, with the
 * episodes that tell a measurement step from a frequency step of the clock). */
#ifndef CVD_KALMAN_H
#define CVD_KALMAN_H

#include <stdint.h>

#include "steer/anomaly.h"
#include "steer/kf.h"
#include "steer/servo_private.h"

#define KM_OU 5              /* flicker components */
#define KM_B (3 + KM_OU)     /* index of the measurement bias */
#define KM_N (4 + KM_OU)     /* state: x, y, d, u_1..u_5, b */
#define KM_OUTLIER 5.0       /* sigmas */
#define KM_CACHE 4
#define KM_R_WEIGHT (1.0 / 288) /* two days of slots for the learnt measurement noise */
/* The clock is acquired when its lasting frequency is known to KM_FREQ_SIGMA, so that
 * the frequency steering need not move by more than a locked clock's limit. */
#define KM_FREQ_SIGMA 5e-13

struct km_trans {
  double dt;
  kf_mat F, Q;
};

/* An episode: measurements out of bounds kept aside against the filter as it was before
 * the first of them (pre, at pre_t), until their shape says what happened. */
struct km_episode {
  int active;
  struct kf pre;
  int64_t pre_t;
  struct anomaly an;
  int64_t t[ANOM_MAX];
  double z[ANOM_MAX], r[ANOM_MAX];
};

struct kalman_servo {
  struct servo base;
  struct kf_model model;
  struct kf f;
  int64_t t;             /* time of the estimate */
  int stage;             /* 0 measuring, 1 frequency set, 2 tracking */
  int count;
  double f0;             /* the frequency proposed in stage 1, fractional */
  double r2;             /* learnt measurement noise, ns^2 */
  int reacquire;         /* following a frequency step or a lost model, until converged */
  struct km_episode ep;
  struct km_trans cache[KM_CACHE];
  int cache_next;
};

/* Measurement row: z = x + b. */
extern const double km_H[KF_MAX];

/* f (covariance too unless mean_only) over dt seconds. */
void km_propagate(struct kalman_servo *s, struct kf *f, double dt, int mean_only);
/* Filter restarted at measurement z, with the uncertainty of an unknown clock. */
void km_start(struct kalman_servo *s, struct kf *f, double z, double r);
/* exp(A h) of the servo's model (build_model's shape) in closed form. */
void km_mean_transition(const struct kf_model *m, double h, kf_mat F);
/* Variance of the clock's lasting frequency, (ns/s)^2. */
double km_slow_freq_var(const struct kalman_servo *s);
/* Estimates at the measurement time, and the control from t_apply. */
void km_estimates(struct kalman_servo *s, const struct servo_meas *m, struct servo_out *out);
void km_control(struct kalman_servo *s, const struct servo_meas *m, struct servo_out *out);
/* Moves the bias by delta and gives it the variance var, uncorrelated with the clock. */
void km_open_bias(struct kf *f, double delta, double var);

/* kalman_track.c: one measurement while tracking (stage 2). */
void km_track(struct kalman_servo *s, const struct servo_meas *m, double z, double r,
              struct servo_out *out);
/* The episode's state for saving, and back. */
json_t *km_episode_save(const struct km_episode *e);
int km_episode_load(struct km_episode *e, const json_t *j, char *err, size_t errlen);
json_t *km_kf_save(const struct kf *f);
int km_kf_load(struct kf *f, const json_t *x, const json_t *P, char *err, size_t errlen);

#endif
