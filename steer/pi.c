/* A proportional-integral servo on the steered time error, as linuxptp's pi.c: the first
 * measurements give a frequency estimate, which is set first; once the site holds it, the
 * clock no longer runs away and the remaining offset is removed by a phase step where the
 * oscillator takes one, else by a slew, however late the site gets the command; then
 *   u = -(kp e + ki sum e dt),   kp = 2 zeta / tau,  ki = 1 / tau^2,  zeta = 0.7,
 * a second-order loop of time constant tau that follows a frequency drift with a
 * constant phase error (drift / ki). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"
#include "steer/servo_private.h"


#define PI_ZETA 0.7
#define PI_MAX_ACQUIRE 64

struct pi_servo {
  struct servo base;
  double kp, ki;          /* 1/s, 1/s^2 */
  int count;              /* measurements taken */
  int stage;              /* 0: measuring the frequency, 1: frequency set, 2: tracking */
  double integ;           /* the integral term: a frequency correction */
  int64_t last_t;
  double last_xf;         /* free-running phase at last_t, ns */
  double last_sigma;
  /* The acquisition's measurements of the free-running phase. */
  int64_t acq_t[PI_MAX_ACQUIRE];
  double acq_x[PI_MAX_ACQUIRE];
};

static struct servo *pi_create(const struct servo_params *p)
{
  struct pi_servo *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->base.ops = &servo_pi_ops;
  s->base.p = *p;
  if (s->base.p.acquire_slots < 2)
    s->base.p.acquire_slots = 2;
  if (s->base.p.acquire_slots > PI_MAX_ACQUIRE)
    s->base.p.acquire_slots = PI_MAX_ACQUIRE;
  s->kp = 2 * PI_ZETA / p->tau_s;
  s->ki = 1.0 / (p->tau_s * p->tau_s);
  return &s->base;
}

static void pi_destroy(struct servo *s) { free(s); }

/* Least-squares line through the acquisition's free-running phases: the frequency. */
static void acq_fit(const struct pi_servo *s, double *x_end, double *y)
{
  int n = s->count;
  double mt = 0, mx = 0, stt = 0, stx = 0;
  for (int i = 0; i < n; i++) {
    mt += (double)(s->acq_t[i] - s->acq_t[0]);
    mx += s->acq_x[i];
  }
  mt /= n;
  mx /= n;
  for (int i = 0; i < n; i++) {
    double dt = (double)(s->acq_t[i] - s->acq_t[0]) - mt;
    stt += dt * dt;
    stx += dt * (s->acq_x[i] - mx);
  }
  *y = stt > 0 ? stx / stt : 0; /* ns per ns: fractional */
  *x_end = mx + *y * ((double)(s->acq_t[n - 1] - s->acq_t[0]) - mt);
}

static int pi_sample(struct servo *sv, const struct servo_meas *m, struct servo_out *out)
{
  struct pi_servo *s = (struct pi_servo *)sv;
  const struct servo_params *p = &sv->p;
  double xf = m->x_ns - m->steer_ns;
  memset(out, 0, sizeof *out);
  out->x_est_ns = m->x_ns;
  out->x_sigma_ns = m->sigma_ns;
  out->innovation_ns = out->innovation_sigma_ns = NAN;

  if (s->stage < 2) {
    if (s->count < PI_MAX_ACQUIRE && (s->count == 0 || m->t > s->acq_t[s->count - 1])) {
      s->acq_t[s->count] = m->t;
      s->acq_x[s->count] = xf;
      s->count++;
    }
    s->last_t = m->t;
    s->last_sigma = m->sigma_ns;
    if (s->count < p->acquire_slots) {
      s->last_xf = xf;
      out->verdict = SERVO_FIRST;
      return 0;
    }
    double x_end, y;
    acq_fit(s, &x_end, &y);
    s->last_xf = x_end;
    out->has_control = 1;
    out->x_est_ns = x_end + m->steer_ns;
    if (s->stage == 0) {
      s->integ = -y;
      s->stage = 1;
    }
    out->freq = s->integ;
    out->y_free = -s->integ;
    if (fabs(m->hold_apply - s->integ) > 1e-15) {
      out->verdict = SERVO_WAIT; /* the site does not hold the frequency yet */
      return 0;
    }
    /* The site holds the frequency: the steered clock stands still, and the offset
     * removed now is the offset whenever the site applies it. */
    double x_apply = x_end + y * (double)(m->t_apply - m->t) + m->steer_apply_ns +
                     m->committed_ns;
    out->verdict = SERVO_JUMP;
    if (m->can_step)
      out->phase_step_ns = -x_apply;
    else if (x_apply != 0) {
      /* No step: a bounded slew removes the offset, and ends by itself. */
      double slew = -x_apply * 1e-9 / p->slew_time_s;
      if (fabs(slew) > p->slew_max)
        slew = copysign(p->slew_max, slew);
      out->slew_freq = slew;
      out->slew_s = -x_apply * 1e-9 / slew;
    }
    s->stage = 2;
    out->tracking = 1;
    return 0;
  }

  /* The steered error when the output takes effect, and once what is already commanded
   * has run its course: the measurement moved on by the clock's own frequency, by the
   * steering applied since and by the steering still to come. */
  double e_ns = m->x_ns + (-s->integ) * (double)(m->t_apply - m->t) +
                (m->steer_apply_ns - m->steer_ns) + m->committed_ns;
  double dt = (double)(m->t - s->last_t) / 1e9;
  if (dt > 2 * SLOT_S)
    dt = 2 * SLOT_S; /* after a gap the error is not owed for the whole gap */
  if (dt < 0)
    dt = 0;
  double pred = s->last_xf + (-s->integ) * (double)(m->t - s->last_t);
  out->innovation_ns = xf - pred;
  s->integ -= s->ki * e_ns * 1e-9 * dt;
  double u = s->integ - s->kp * e_ns * 1e-9;
  /* Anti-windup by back-calculation: when the controller will bound the output, the
   * integrator is held where the bounded output leaves it. */
  if (m->max_step > 0) {
    double lo = m->hold_apply - m->max_step, hi = m->hold_apply + m->max_step;
    if (u > hi)
      s->integ -= u - hi;
    else if (u < lo)
      s->integ += lo - u;
  }
  out->verdict = SERVO_USED;
  out->tracking = 1;
  out->has_control = 1;
  out->freq = s->integ - s->kp * e_ns * 1e-9;
  out->y_free = -s->integ;
  s->last_t = m->t;
  s->last_xf = xf;
  s->last_sigma = m->sigma_ns;
  s->count++;
  return 0;
}

static void pi_predict(const struct servo *sv, int64_t t, double *x_free_ns, double *sigma_ns)
{
  const struct pi_servo *s = (const struct pi_servo *)sv;
  double dt = (double)(t - s->last_t);
  *x_free_ns = s->last_xf + (-s->integ) * dt;
  /* The loop knows the phase to the measurement noise and the frequency to what that
   * noise allows over its time constant; from there the clock model takes over. */
  double sm = isfinite(s->last_sigma) && s->last_sigma > 0 ? s->last_sigma : sv->p.meas_noise_ns;
  double sy = sm * M_SQRT2 / sv->p.tau_s;
  double P[3][3] = {{sm * sm, 0, 0}, {0, sy * sy, 0}, {0, 0, 0}};
  cm_propagate(&sv->p.clk, dt > 0 ? dt / 1e9 : 0, P);
  *sigma_ns = sqrt(P[0][0]);
}


static json_t *pi_save(const struct servo *sv)
{
  const struct pi_servo *s = (const struct pi_servo *)sv;
  json_t *t = json_array(), *x = json_array();
  for (int i = 0; i < s->count && i < PI_MAX_ACQUIRE && s->stage < 2; i++) {
    json_array_append_new(t, json_integer(s->acq_t[i]));
    json_array_append_new(x, json_real(s->acq_x[i]));
  }
  return json_pack("{s:s,s:i,s:i,s:f,s:I,s:f,s:o,s:o,s:o}", "servo", "pi", "count", s->count,
                   "stage", s->stage, "integ", s->integ, "last_t", (json_int_t)s->last_t,
                   "last_xf", s->last_xf, "last_sigma", jx_real(s->last_sigma), "acq_t", t,
                   "acq_x", x);
}

static int pi_load(struct servo *sv, const json_t *j, char *err, size_t errlen)
{
  struct pi_servo *s = (struct pi_servo *)sv;
  long long v;
  if (jx_int(j, "count", JX_REQUIRED, 0, INT32_MAX, &v, err, errlen) < 0)
    return -1;
  s->count = (int)v;
  if (jx_int(j, "stage", JX_REQUIRED, 0, 2, &v, err, errlen) < 0)
    return -1;
  s->stage = (int)v;
  if (jx_double(j, "integ", JX_REQUIRED, -1, 1, &s->integ, err, errlen) < 0 ||
      jx_int(j, "last_t", JX_REQUIRED, INT64_MIN, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  s->last_t = v;
  if (jx_double(j, "last_xf", JX_REQUIRED, -1e15, 1e15, &s->last_xf, err, errlen) < 0)
    return -1;
  s->last_sigma = NAN;
  jx_double(j, "last_sigma", JX_OPTIONAL, 0, 1e12, &s->last_sigma, err, errlen);
  const json_t *t = json_object_get(j, "acq_t"), *x = json_object_get(j, "acq_x");
  if (s->stage < 2) {
    if (!json_is_array(t) || !json_is_array(x) || json_array_size(t) != json_array_size(x) ||
        json_array_size(t) != (size_t)s->count || s->count > PI_MAX_ACQUIRE) {
      snprintf(err, errlen, "acquisition arrays do not match count");
      return -1;
    }
    for (int i = 0; i < s->count; i++) {
      s->acq_t[i] = json_integer_value(json_array_get(t, (size_t)i));
      s->acq_x[i] = json_number_value(json_array_get(x, (size_t)i));
    }
  }
  return 0;
}

const struct servo_ops servo_pi_ops = {
    .name = "pi",
    .summary = "proportional-integral loop of time constant servo_tau",
    .create = pi_create,
    .destroy = pi_destroy,
    .sample = pi_sample,
    .predict = pi_predict,
    .save = pi_save,
    .load = pi_load,
};
