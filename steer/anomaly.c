#include "config.h"
#include "steer/anomaly.h"

#include <math.h>
#include <string.h>

/* Decision thresholds, in chi-square units (sigma squared). */
#define GLR_RAMP 16.0   /* the ramp explains 4 sigma more than the offset */
#define GLR_FLAT 6.0    /* the ramp explains little more: the offset it is */
#define SIG_STEP 5.0    /* an offset or a slope must stand 5 sigma clear of zero */
#define FIT_BAD 6.0     /* chi-square per degree of freedom beyond which a model fails */

void anomaly_add(struct anomaly *a, double t_s, double nu, double S)
{
  if (a->n == ANOM_MAX)
    return;
  a->t[a->n] = t_s;
  a->nu[a->n] = nu;
  a->S[a->n] = S > 1e-12 ? S : 1e-12;
  a->n++;
}

/* Weighted least squares of nu on 1 (offset) and on (1, t) (ramp). */
static void fit(const struct anomaly *a, struct anom_fit *f)
{
  double sw = 0, st = 0, stt = 0, sy = 0, sty = 0;
  f->chi2_none = 0;
  for (int i = 0; i < a->n; i++) {
    double w = 1 / a->S[i];
    sw += w;
    st += w * a->t[i];
    stt += w * a->t[i] * a->t[i];
    sy += w * a->nu[i];
    sty += w * a->t[i] * a->nu[i];
    f->chi2_none += w * a->nu[i] * a->nu[i];
  }
  f->b = sy / sw;
  f->b_sigma = sqrt(1 / sw);
  double det = sw * stt - st * st;
  if (a->n >= 2 && det > 0) {
    f->c = (sw * sty - st * sy) / det;
    f->a = (sy - f->c * st) / sw;
    f->c_sigma = sqrt(sw / det);
  } else {
    f->c = 0;
    f->a = f->b;
    f->c_sigma = INFINITY;
  }
  f->chi2_offset = f->chi2_ramp = 0;
  for (int i = 0; i < a->n; i++) {
    double w = 1 / a->S[i], r0 = a->nu[i] - f->b, r1 = a->nu[i] - f->a - f->c * a->t[i];
    f->chi2_offset += w * r0 * r0;
    f->chi2_ramp += w * r1 * r1;
  }
  f->glr = f->chi2_offset - f->chi2_ramp;
}

enum anom_verdict anomaly_decide(const struct anomaly *a, struct anom_fit *f)
{
  memset(f, 0, sizeof *f);
  if (a->n == 0)
    return ANOM_NOISE;
  fit(a, f);
  int last = a->n - 1;
  /* Back in bounds (the last one, or the last two after more): nothing lasted. */
  int back = fabs(a->nu[last]) < ANOM_TRIGGER * sqrt(a->S[last]);
  if (back && (a->n == 2 || (a->n > 2 && fabs(a->nu[last - 1]) < ANOM_TRIGGER * sqrt(a->S[last - 1]))))
    return ANOM_NOISE;
  if (a->n < 3)
    return ANOM_WAIT;
  int ramp_ok = f->chi2_ramp / (a->n - 2) < FIT_BAD;
  int offset_ok = f->chi2_offset / (a->n - 1) < FIT_BAD;
  if (ramp_ok && f->glr > GLR_RAMP && fabs(f->c) > SIG_STEP * f->c_sigma)
    return ANOM_FREQ_STEP;
  /* An offset is told from a ramp's start only with a fourth point: over three, a slow
   * ramp (1e-11: 6 ns a slot) may still look flat. */
  if (a->n >= 4 && offset_ok && f->glr < GLR_FLAT && fabs(f->b) > SIG_STEP * f->b_sigma)
    return ANOM_MEAS_STEP;
  /* Nothing significant left: outliers that have passed. */
  if (f->chi2_none / a->n < FIT_BAD && back)
    return ANOM_NOISE;
  if (a->n < ANOM_MAX)
    return ANOM_WAIT;
  if (ramp_ok && fabs(f->c) > SIG_STEP * f->c_sigma && f->glr > GLR_FLAT)
    return ANOM_FREQ_STEP;
  if (offset_ok && fabs(f->b) > SIG_STEP * f->b_sigma)
    return ANOM_MEAS_STEP;
  return f->chi2_none / a->n < FIT_BAD ? ANOM_NOISE : ANOM_LOST;
}

const char *anomaly_name(enum anom_verdict v)
{
  static const char *const names[] = {"undecided", "outliers", "measurement step",
                                      "frequency step", "model lost"};
  return (unsigned)v < 5 ? names[v] : "?";
}
