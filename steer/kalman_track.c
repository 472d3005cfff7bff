/* The Kalman servo while tracking: a measurement within bounds updates the filter; one out
 * of bounds opens an episode, and it and the next ones are set aside, against the filter
 * as it was before, until their shape decides (steer/anomaly.h):
 *   outliers          the filter goes on from before, with those that were not outliers;
 *   measurement step  the bias opens to the offset found, and they are taken: corrected,
 *                     never followed;
 *   frequency step    the clock's frequency (and the phase at the episode's start) move by
 *                     the ramp found, and they are taken: followed, re-acquiring;
 *   model lost        the filter starts again from them: re-acquiring.
 * Re-acquiring lasts until the clock's lasting frequency is known again and the steered
 * clock is back near zero; meanwhile commands need the re-acquisition limits. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "steer/kalman.h"

/* Re-acquisition ends with the steered clock within this of zero. */
#define KM_REACQ_X_NS 20.0
/* A clock found this far off with its model intact (back from days without steering, its
 * drift run on) is re-acquired too: at max_slew_locked (1e-11, 36 ns an hour) 500 ns
 * would take 14 h. */
#define KM_REACQ_START_X_NS 100.0

static void update(struct kalman_servo *s, double z, double r, int learn)
{
  double nu, S;
  kf_innovation(&s->f, km_H, z, r, &nu, &S);
  kf_update(&s->f, km_H, z, r);
  if (!learn)
    return;
  /* Learn the measurement noise from the innovations: E[nu^2] = h P h' + R. */
  double rr = nu * nu - (S - r);
  s->r2 += KM_R_WEIGHT * (rr - s->r2);
  double lo = 0.05 * 0.05, hi = 1e4;
  s->r2 = s->r2 < lo ? lo : s->r2 > hi ? hi : s->r2;
}

/* Takes the episode's measurements from `from` on into s->f (which is at ep.t[from - 1]
 * or at the episode's start); outliers_out: leave out those beyond the outlier limit.
 * Returns 1 if the last one was taken. */
static int replay(struct kalman_servo *s, int from, int outliers_out)
{
  const struct km_episode *e = &s->ep;
  int taken = 0;
  for (int i = from; i < e->an.n; i++) {
    if (e->t[i] > s->t)
      km_propagate(s, &s->f, (double)(e->t[i] - s->t) / 1e9, 0);
    s->t = e->t[i];
    double nu, S;
    kf_innovation(&s->f, km_H, e->z[i], e->r[i], &nu, &S);
    taken = !outliers_out || fabs(nu) <= KM_OUTLIER * sqrt(S);
    if (taken)
      update(s, e->z[i], e->r[i], 0);
  }
  return taken;
}

/* The filter as it was at the episode's start. */
static void back_to_start(struct kalman_servo *s)
{
  s->f = s->ep.pre;
  s->t = s->ep.pre_t;
}

static void decided(struct kalman_servo *s, enum anom_verdict v, const struct anom_fit *fit,
                    struct servo_out *out)
{
  struct km_episode *e = &s->ep;
  out->evidence_n = e->an.n;
  out->evidence_glr = fit->glr;
  back_to_start(s);
  switch (v) {
  case ANOM_MEAS_STEP:
    km_open_bias(&s->f, fit->b, fit->b_sigma * fit->b_sigma);
    replay(s, 0, 0);
    out->verdict = SERVO_STEP_DETECTED;
    out->step_ns = fit->b;
    out->step_sigma = fit->b_sigma;
    break;
  case ANOM_FREQ_STEP:
    /* The ramp a + c (t - t0): the clock was a off at the episode's start and its
     * frequency moved by c.  Both open by their uncertainty and more. */
    s->f.x[0] += fit->a;
    s->f.x[1] += fit->c;
    s->f.P[0][0] += 4 * fit->b_sigma * fit->b_sigma;
    s->f.P[1][1] += 4 * fit->c_sigma * fit->c_sigma + 0.01 * fit->c * fit->c;
    replay(s, 0, 0);
    s->reacquire = 1;
    out->verdict = SERVO_FREQ_STEP;
    out->freq_step = fit->c * 1e-9;
    out->step_sigma = fit->c_sigma * 1e-9;
    break;
  case ANOM_LOST:
    km_start(s, &s->f, e->z[0], e->r[0]);
    s->t = e->t[0];
    replay(s, 1, 0);
    s->reacquire = 1;
    out->verdict = SERVO_REACQUIRED;
    break;
  default:
    out->verdict = replay(s, 0, 1) ? SERVO_USED : SERVO_OUTLIER;
    break;
  }
  e->active = 0;
}

/* Keeps the measurement in the episode (opening one when it is the first out of bounds);
 * 1 when it was kept. */
static int keep(struct kalman_servo *s, const struct servo_meas *m, double z, double r,
                double nu, double S)
{
  struct km_episode *e = &s->ep;
  if (!e->active) {
    if (fabs(nu) <= ANOM_TRIGGER * sqrt(S))
      return 0;
    e->active = 1;
    e->pre = s->f;
    e->pre_t = m->t;
    memset(&e->an, 0, sizeof e->an);
  }
  int i = e->an.n;
  anomaly_add(&e->an, (double)(m->t - e->pre_t) / 1e9, nu, S);
  e->t[i] = m->t;
  e->z[i] = z;
  e->r[i] = r;
  return 1;
}

static void start_reacquire(struct kalman_servo *s, const struct servo_out *out)
{
  if (!s->reacquire && !s->ep.active && out->tracking && fabs(out->x_est_ns) > KM_REACQ_START_X_NS)
    s->reacquire = 1;
}

static void end_reacquire(struct kalman_servo *s, const struct servo_meas *m,
                          const struct servo_out *out)
{
  if (!s->reacquire || s->ep.active)
    return;
  int freq_known = sqrt(km_slow_freq_var(s)) * 1e-9 < KM_FREQ_SIGMA;
  int freq_held = !out->has_control || fabs(out->freq - m->hold_apply) < m->max_step_locked;
  if (freq_known && freq_held && fabs(out->x_est_ns) < KM_REACQ_X_NS)
    s->reacquire = 0;
}

void km_track(struct kalman_servo *s, const struct servo_meas *m, double z, double r,
              struct servo_out *out)
{
  double nu = out->innovation_ns, S = out->innovation_sigma_ns * out->innovation_sigma_ns;
  if (keep(s, m, z, r, nu, S)) {
    struct anom_fit fit;
    enum anom_verdict v = anomaly_decide(&s->ep.an, &fit);
    if (v == ANOM_WAIT)
      out->verdict = SERVO_PENDING;
    else
      decided(s, v, &fit, out);
  } else {
    update(s, z, r, 1);
    out->verdict = SERVO_USED;
  }
  out->tracking = sqrt(km_slow_freq_var(s)) * 1e-9 < KM_FREQ_SIGMA;
  km_estimates(s, m, out);
  start_reacquire(s, out);
  km_control(s, m, out);
  end_reacquire(s, m, out);
  out->reacquire = s->reacquire;
}

/* The state and the covariance's lower triangle by rows, each in one string of exact
 * hexadecimal doubles (jx_reals_hex): 54 values as 2 JSON values, not 54, for a save at
 * every decision. */
json_t *km_kf_save(const struct kf *f)
{
  double tri[KM_N * (KM_N + 1) / 2];
  int k = 0;
  for (int i = 0; i < KM_N; i++)
    for (int j = 0; j <= i; j++)
      tri[k++] = f->P[i][j];
  return json_pack("{s:o,s:o}", "x", jx_reals_hex(f->x, KM_N), "P",
                   jx_reals_hex(tri, (size_t)k));
}

int km_kf_load(struct kf *f, const json_t *x, const json_t *P, char *err, size_t errlen)
{
  double tri[KM_N * (KM_N + 1) / 2];
  memset(f, 0, sizeof *f);
  f->n = KM_N;
  if (jx_reals_read(x, f->x, KM_N) < 0 || jx_reals_read(P, tri, KM_N * (KM_N + 1) / 2) < 0) {
    snprintf(err, errlen, "state or covariance not %d and %d numbers", KM_N,
             KM_N * (KM_N + 1) / 2);
    return -1;
  }
  int k = 0;
  for (int i = 0; i < KM_N; i++)
    for (int j = 0; j <= i; j++, k++)
      f->P[i][j] = f->P[j][i] = tri[k];
  return 0;
}

json_t *km_episode_save(const struct km_episode *e)
{
  json_t *pts = json_array();
  for (int i = 0; i < e->an.n; i++)
    json_array_append_new(pts, json_pack("[I,o,o,o,o,o]", (json_int_t)e->t[i],
                                         jx_real_hex(e->z[i]), jx_real_hex(e->r[i]),
                                         jx_real_hex(e->an.t[i]), jx_real_hex(e->an.nu[i]),
                                         jx_real_hex(e->an.S[i])));
  json_t *j = km_kf_save(&e->pre);
  json_object_set_new(j, "t", json_integer(e->pre_t));
  json_object_set_new(j, "points", pts);
  return j;
}

int km_episode_load(struct km_episode *e, const json_t *j, char *err, size_t errlen)
{
  const json_t *pts = json_object_get(j, "points");
  long long t;
  if (km_kf_load(&e->pre, json_object_get(j, "x"), json_object_get(j, "P"), err, errlen) < 0 ||
      jx_int(j, "t", JX_REQUIRED, INT64_MIN, INT64_MAX, &t, err, errlen) < 0)
    return -1;
  if (!json_is_array(pts) || json_array_size(pts) > ANOM_MAX) {
    snprintf(err, errlen, "episode: points not an array of at most %d", ANOM_MAX);
    return -1;
  }
  e->pre_t = t;
  for (size_t i = 0; i < json_array_size(pts); i++) {
    const json_t *p = json_array_get(pts, i);
    if (!json_is_array(p) || json_array_size(p) != 6) {
      snprintf(err, errlen, "episode: point %zu malformed", i);
      return -1;
    }
    double v[5];
    for (int k = 0; k < 5; k++)
      if (jx_number_or_hex(json_array_get(p, (size_t)k + 1), &v[k]) < 0) {
        snprintf(err, errlen, "episode: point %zu malformed", i);
        return -1;
      }
    e->t[i] = json_integer_value(json_array_get(p, 0));
    e->z[i] = v[0];
    e->r[i] = v[1];
    anomaly_add(&e->an, v[2], v[3], v[4]);
  }
  e->active = 1;
  return 0;
}
