/* Telling a clock's frequency step from a step in its measurement (DESIGN.md section 3):
 * once an innovation falls out of bounds, the next ones are kept against the prediction
 * made before it, and their shape decides.  A step in the measurement (a receiver's delay)
 * is a constant offset b; a frequency step of the clock (a rubidium's lamp, C-field or
 * temperature) is a ramp a + c (t - t0).  Each model is fitted by weighted least squares;
 * with Gaussian innovations, the fall of chi-square from the offset to the ramp is a
 * generalised likelihood ratio statistic, chi-square with one degree of freedom when the
 * offset is the truth (e.g. Willsky & Jones, "A generalized likelihood ratio approach to
 * the detection and estimation of jumps in linear systems", IEEE TAC 21, 1976).  A step of
 * the clock's phase looks like an offset too and cannot be told from a delay step by one
 * remote's measurements: it is taken as a delay step, and staff can say otherwise. */
#ifndef CVD_ANOMALY_H
#define CVD_ANOMALY_H

#define ANOM_MAX 6              /* points kept at most: a decision is forced there */
#define ANOM_TRIGGER 3.5        /* an episode starts at an innovation beyond this many sigma */

struct anomaly {
  int n;
  double t[ANOM_MAX];           /* s from the first point */
  double nu[ANOM_MAX];          /* innovation against the prediction before the episode, ns */
  double S[ANOM_MAX];           /* its expected variance under no anomaly, ns^2 */
};

enum anom_verdict {
  ANOM_WAIT = 0,                /* not yet clear */
  ANOM_NOISE,                   /* nothing lasting: outliers */
  ANOM_MEAS_STEP,               /* a constant offset: the measurement stepped */
  ANOM_FREQ_STEP,               /* a ramp: the clock's frequency stepped */
  ANOM_LOST,                    /* neither fits: the model has lost the clock */
};

struct anom_fit {
  double b, b_sigma, chi2_offset;          /* the offset model */
  double a, c, c_sigma, chi2_ramp;         /* the ramp model; c in ns/s */
  double chi2_none;                        /* no anomaly at all */
  double glr;                              /* chi2_offset - chi2_ramp */
};

void anomaly_add(struct anomaly *a, double t_s, double nu, double S);
/* Fits both models to what is kept and decides. */
enum anom_verdict anomaly_decide(const struct anomaly *a, struct anom_fit *fit);
const char *anomaly_name(enum anom_verdict v);

#endif
