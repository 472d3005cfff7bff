/* A Kalman servo: the free-running clock (phase, frequency, drift, and flicker frequency
 * noise as a sum of Gauss-Markov processes) estimated from the common-view measurements,
 * and steered by absolute setpoints: the frequency and drift that cancel the estimated
 * ones (frequency steering), and a slew that brings the steered clock to zero at the next
 * slot midpoint (time steering).
 *
 * Clock model (NIST SP 1065 table 5 for the levels; the flicker approximation after
 * the usual sum of first-order Markov processes, one per decade of correlation time):
 *   x' = y + sum u_i + w1,  y' = d + w2,  d' = w3,  u_i' = -u_i / tau_i + wu_i
 *   q1 = adev_1s^2 (white FM), q2 = 3 rwfm_1d^2 / 86400 s (random-walk FM),
 *   var(u_i) = ln(10) h_-1 with h_-1 = floor^2 / (2 ln 2) (flicker FM), tau_i = 10^(2.5+i) s.
 * Measurement: z = x + b + v, var(v) learnt from the innovations, started from
 * meas_noise_ns, plus the tracks' own statistical variance.  b, the bias of the
 * measurement, is a state too: known (zero variance) until a step is detected, then
 * opened to the size estimated and refined by the measurements that follow, the clock's
 * continuity telling the two apart.
 *
 * Acquisition: the first measurements give the frequency; it is set first and, once the
 * site holds it, the time offset is removed by a phase step (or a bounded slew).  While
 * tracking (kalman_track.c), measurements out of bounds are set aside until their shape
 * tells an outlier, a step of the measurement (corrected, never followed), a frequency
 * step of the clock (followed, re-acquiring) or a model that lost the clock (re-acquired
 * from the measurements) apart (steer/anomaly.h). */
#include "config.h"
#include "steer/kalman.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"

const double km_H[KF_MAX] = {[0] = 1, [KM_B] = 1};

/* Van Loan's exponential (a 2n x 2n series) is the servo's costliest step, and its result
 * depends on the model and the step alone.  A server restores a servo from the store for
 * each upload, so the instance's own cache starts cold every time: the transitions are also
 * kept for the whole process, keyed by the model's matrices and the step. */
#define KM_SHARED 8

static struct {
  struct kf_model m;
  struct km_trans t;
} shared[KM_SHARED];
static int shared_used, shared_next;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static int same_model(const struct kf_model *a, const struct kf_model *b)
{
  return a->n == b->n && memcmp(a->A, b->A, sizeof a->A) == 0 &&
         memcmp(a->Qc, b->Qc, sizeof a->Qc) == 0;
}

static void shared_trans(const struct kf_model *m, struct km_trans *c)
{
  pthread_mutex_lock(&shared_lock);
  for (int i = 0; i < shared_used; i++)
    if (shared[i].t.dt == c->dt && same_model(&shared[i].m, m)) {
      *c = shared[i].t;
      pthread_mutex_unlock(&shared_lock);
      return;
    }
  pthread_mutex_unlock(&shared_lock);
  kf_discretize(m, c->dt, c->F, c->Q);
  pthread_mutex_lock(&shared_lock);
  int i = shared_next;
  shared_next = (shared_next + 1) % KM_SHARED;
  if (shared_used < KM_SHARED)
    shared_used++;
  shared[i].m = *m;
  shared[i].t = *c;
  pthread_mutex_unlock(&shared_lock);
}

static const struct km_trans *trans(struct kalman_servo *s, double dt)
{
  for (int i = 0; i < KM_CACHE; i++)
    if (s->cache[i].dt == dt)
      return &s->cache[i];
  struct km_trans *c = &s->cache[s->cache_next];
  s->cache_next = (s->cache_next + 1) % KM_CACHE;
  c->dt = dt;
  shared_trans(&s->model, c);
  return c;
}

static void build_model(struct kalman_servo *s)
{
  const struct clock_model *cm = &s->base.p.clk;
  struct kf_model *m = &s->model;
  memset(m, 0, sizeof *m);
  m->n = KM_N;
  m->A[0][1] = 1;
  m->A[1][2] = 1;
  m->Qc[0][0] = cm->adev_1s * cm->adev_1s * 1e18;
  m->Qc[1][1] = 3.0 * cm->rwfm_adev_1d * cm->rwfm_adev_1d / 86400.0 * 1e18;
  double dr = cm->drift_rw * 1e9 / 86400.0;
  m->Qc[2][2] = dr * dr / 86400.0;
  double h1 = cm->flicker_floor * cm->flicker_floor / (2 * M_LN2) * 1e18;
  for (int i = 0; i < KM_OU; i++) {
    double tau = pow(10.0, 2.5 + i), var = M_LN10 * h1;
    m->A[0][3 + i] = 1;
    m->A[3 + i][3 + i] = -1 / tau;
    m->Qc[3 + i][3 + i] = 2 * var / tau;
  }
}

static struct servo *km_create(const struct servo_params *p)
{
  struct kalman_servo *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->base.ops = &servo_kalman_ops;
  s->base.p = *p;
  if (s->base.p.acquire_slots < 3)
    s->base.p.acquire_slots = 3;
  build_model(s);
  s->f.n = KM_N;
  s->ep.pre.n = KM_N;
  s->r2 = p->meas_noise_ns * p->meas_noise_ns;
  for (int i = 0; i < KM_CACHE; i++)
    s->cache[i].dt = -1;
  return &s->base;
}

static void km_destroy(struct servo *s) { free(s); }

static double freq_of(const double *x)
{
  double y = x[1];
  for (int i = 0; i < KM_OU; i++)
    y += x[3 + i];
  return y; /* ns/s */
}

/* F = exp(A h) of build_model's A in closed form, as kf_transition would compute it by
 * scaling and squaring (a tenth of the server's steering time, for a prediction to "now"
 * at every decision): phase, frequency and drift integrate as [1 h h^2/2; 0 1 h; 0 0 1];
 * each flicker component u' = -u/tau decays by exp(-h/tau) and adds to the phase its
 * integral, tau (1 - exp(-h/tau)) = -tau expm1(-h/tau); the bias is constant. */
void km_mean_transition(const struct kf_model *m, double h, kf_mat F)
{
  memset(F, 0, sizeof(kf_mat));
  for (int i = 0; i < KM_N; i++)
    F[i][i] = 1;
  F[0][1] = h;
  F[0][2] = h * h / 2;
  F[1][2] = h;
  for (int i = 0; i < KM_OU; i++) {
    double tau = -1 / m->A[3 + i][3 + i];
    F[3 + i][3 + i] = exp(-h / tau);
    F[0][3 + i] = -tau * expm1(-h / tau);
  }
}

/* Propagates f (and its covariance unless mean_only) over dt seconds in steps of at most
 * one slot: Van Loan's exponential of a long step would lose everything to the fast
 * decaying flicker components. */
#define KM_MAX_STEP 600.0

void km_propagate(struct kalman_servo *s, struct kf *f, double dt, int mean_only)
{
  while (dt > 0) {
    double h = dt > KM_MAX_STEP ? KM_MAX_STEP : dt;
    if (mean_only && h != KM_MAX_STEP) {
      /* A prediction to any time: F alone, and the cache kept for the slots' steps. */
      kf_mat F;
      km_mean_transition(&s->model, h, F);
      kf_predict_mean(f, F, f->x);
    } else if (mean_only) {
      kf_predict_mean(f, trans(s, h)->F, f->x);
    } else {
      const struct km_trans *c = trans(s, h);
      kf_predict(f, c->F, c->Q);
    }
    dt -= h;
  }
}

/* The mean of the state at t (t >= s->t). */
static void mean_at(struct kalman_servo *s, int64_t t, double *x)
{
  struct kf tmp = s->f;
  if (t > s->t)
    km_propagate(s, &tmp, (double)(t - s->t) / 1e9, 1);
  memcpy(x, tmp.x, sizeof(double) * KM_N);
}

void km_start(struct kalman_servo *s, struct kf *f, double z, double r)
{
  memset(f, 0, sizeof *f);
  f->n = KM_N;
  f->x[0] = z;
  f->P[0][0] = r;
  f->P[1][1] = 100.0;                            /* 1e-8: a cold rubidium */
  double d0 = 1e-10 * 1e9 / 86400.0;             /* 1e-10 per day, in ns/s^2 */
  f->P[2][2] = d0 * d0;
  for (int i = 0; i < KM_OU; i++)
    f->P[3 + i][3 + i] = s->model.Qc[3 + i][3 + i] * pow(10.0, 2.5 + i) / 2;
}

/* Variance of the clock's lasting frequency: y and the flicker components that last a
 * day or more (the faster ones come and go whatever the steering does), (ns/s)^2. */
double km_slow_freq_var(const struct kalman_servo *s)
{
  static const int idx[] = {1, 6, 7};
  double v = 0;
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      v += s->f.P[idx[a]][idx[b]];
  return v;
}

/* The drift is commanded once it is known to better than KM_DRIFT_SIGMA per day; before,
 * a drift the filter only guesses at would be kept through holdover. */
#define KM_DRIFT_SIGMA 2e-13

static double drift_to_command(const struct kalman_servo *s, const double *x)
{
  double sd = sqrt(s->f.P[2][2]) * 1e-9 * 86400.0;
  return sd < KM_DRIFT_SIGMA ? x[2] : 0.0;
}

/* Time steering: the slew that brings the steered clock to zero at the next slot
 * midpoint at least a minute ahead, and the frequency steering that holds it there. */
void km_control(struct kalman_servo *s, const struct servo_meas *m, struct servo_out *out)
{
  int64_t target = tu_slot_start(m->t_apply) + SLOT_NS / 2;
  if (target < m->t_apply + 60 * NS_PER_S)
    target += SLOT_NS;
  double x_now[KM_N], x_tgt[KM_N];
  mean_at(s, m->t_apply, x_now);
  mean_at(s, target, x_tgt);
  double D = (double)(target - m->t_apply) / 1e9;
  double fr = -freq_of(x_now), dr = -drift_to_command(s, x_now);
  /* A step commanded but not yet applied will be: it counts as done. */
  double r = x_tgt[0] + m->steer_apply_ns + m->pending_step_ns + fr * D + dr * D * D / 2;
  out->has_control = 1;
  out->freq = fr * 1e-9;
  out->drift_per_day = dr * 1e-9 * 86400.0;
  out->slew_freq = -r / D * 1e-9;
  out->slew_s = D;
}

void km_open_bias(struct kf *f, double delta, double var)
{
  f->x[KM_B] += delta;
  for (int i = 0; i < KM_N; i++)
    f->P[i][KM_B] = f->P[KM_B][i] = 0;
  f->P[KM_B][KM_B] = var;
}

void km_estimates(struct kalman_servo *s, const struct servo_meas *m, struct servo_out *out)
{
  out->x_est_ns = s->f.x[0] + m->steer_ns;
  out->x_sigma_ns = sqrt(s->f.P[0][0]);
  out->y_free = freq_of(s->f.x) * 1e-9;
}


static int km_sample(struct servo *sv, const struct servo_meas *m, struct servo_out *out)
{
  struct kalman_servo *s = (struct kalman_servo *)sv;
  const struct servo_params *p = &sv->p;
  memset(out, 0, sizeof *out);
  out->innovation_ns = out->innovation_sigma_ns = NAN;
  double z = m->x_ns - m->steer_ns;
  double r = s->r2 + (isfinite(m->sigma_ns) ? m->sigma_ns * m->sigma_ns : 0);

  if (s->count == 0) {
    km_start(s, &s->f, z, r);
    s->t = m->t;
    s->count = 1;
    out->verdict = SERVO_FIRST;
    km_estimates(s, m, out);
    return 0;
  }
  if (m->t <= s->t)
    return 0;
  km_propagate(s, &s->f, (double)(m->t - s->t) / 1e9, 0);
  s->t = m->t;
  double nu, S;
  kf_innovation(&s->f, km_H, z, r, &nu, &S);
  out->innovation_ns = nu;
  out->innovation_sigma_ns = sqrt(S);

  if (s->stage < 2) {
    /* Acquisition: large innovations are the clock's own offset. */
    kf_update(&s->f, km_H, z, r);
    s->count++;
    km_estimates(s, m, out);
    if (s->count < p->acquire_slots) {
      out->verdict = SERVO_FIRST;
      return 0;
    }
    if (s->stage == 0) {
      s->f0 = -freq_of(s->f.x) * 1e-9;
      s->stage = 1;
    }
    out->has_control = 1;
    out->freq = s->f0;
    if (fabs(m->hold_apply - s->f0) > 1e-15) {
      out->verdict = SERVO_WAIT;
      return 0;
    }
    /* The site holds the frequency: remove the time offset now. */
    km_control(s, m, out);
    double x_now[KM_N];
    mean_at(s, m->t_apply, x_now);
    double x_apply = x_now[0] + m->steer_apply_ns + m->pending_step_ns;
    out->verdict = SERVO_JUMP;
    if (m->can_step) {
      out->phase_step_ns = -x_apply;
      out->slew_freq = 0;
      out->slew_s = 0;
    } else {
      double slew = -x_apply * 1e-9 / p->slew_time_s;
      if (fabs(slew) > p->slew_max)
        slew = copysign(p->slew_max, slew);
      out->slew_freq = slew;
      out->slew_s = -x_apply * 1e-9 / slew;
    }
    s->stage = 2;
    return 0;
  }

  km_track(s, m, z, r, out);
  return 0;
}

static void km_predict(const struct servo *sv, int64_t t, double *x_free_ns, double *sigma_ns)
{
  struct kalman_servo *s = (struct kalman_servo *)sv;
  struct kf tmp = s->f;
  if (t > s->t)
    km_propagate(s, &tmp, (double)(t - s->t) / 1e9, 0);
  *x_free_ns = tmp.x[0];
  *sigma_ns = sqrt(tmp.P[0][0]);
}


static void km_shift_bias(struct servo *sv, double delta_ns, double var_ns2)
{
  km_open_bias(&((struct kalman_servo *)sv)->f, delta_ns, var_ns2);
}

static void km_step_was_clock(struct servo *sv, double step_ns)
{
  struct kalman_servo *s = (struct kalman_servo *)sv;
  s->f.x[KM_B] -= step_ns;
  s->f.x[0] += step_ns;
}

static json_t *km_save(const struct servo *sv)
{
  const struct kalman_servo *s = (const struct kalman_servo *)sv;
  json_t *f = km_kf_save(&s->f);
  json_t *j = json_pack("{s:s,s:i,s:i,s:I,s:f,s:f,s:b,s:O,s:O}", "servo", "kalman", "stage",
                        s->stage, "count", s->count, "t", (json_int_t)s->t, "f0", s->f0, "r2",
                        s->r2, "reacquire", s->reacquire, "x", json_object_get(f, "x"), "P",
                        json_object_get(f, "P"));
  json_decref(f);
  if (s->ep.active)
    json_object_set_new(j, "episode", km_episode_save(&s->ep));
  return j;
}

static int km_load(struct servo *sv, const json_t *j, char *err, size_t errlen)
{
  struct kalman_servo *s = (struct kalman_servo *)sv;
  long long v;
  if (jx_int(j, "stage", JX_REQUIRED, 0, 2, &v, err, errlen) < 0)
    return -1;
  s->stage = (int)v;
  if (jx_int(j, "count", JX_REQUIRED, 0, INT32_MAX, &v, err, errlen) < 0)
    return -1;
  s->count = (int)v;
  if (jx_int(j, "t", JX_REQUIRED, INT64_MIN, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  s->t = v;
  if (jx_double(j, "f0", JX_REQUIRED, -1, 1, &s->f0, err, errlen) < 0 ||
      jx_double(j, "r2", JX_REQUIRED, 0, 1e12, &s->r2, err, errlen) < 0 ||
      jx_bool(j, "reacquire", JX_OPTIONAL, &s->reacquire, err, errlen) < 0)
    return -1;
  if (km_kf_load(&s->f, json_object_get(j, "x"), json_object_get(j, "P"), err, errlen) < 0)
    return -1;
  const json_t *ep = json_object_get(j, "episode");
  memset(&s->ep, 0, sizeof s->ep);
  s->ep.pre.n = KM_N;
  return ep ? km_episode_load(&s->ep, ep, err, errlen) : 0;
}

const struct servo_ops servo_kalman_ops = {
    .name = "kalman",
    .summary = "Kalman filter of phase, frequency, drift and flicker FM (the default)",
    .create = km_create,
    .destroy = km_destroy,
    .sample = km_sample,
    .predict = km_predict,
    .shift_bias = km_shift_bias,
    .step_was_clock = km_step_was_clock,
    .save = km_save,
    .load = km_load,
};
