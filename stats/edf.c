/* Equivalent degrees of freedom of the deviations, for their chi-squared confidence
 * intervals.
 *
 * The Allan and Hadamard families use C. A. Greenhall and W. J. Riley, "Uncertainty of
 * stability variances based on finite differences", Proc. 35th PTTI Meeting, 2003 (the
 * algorithm SP 1065 sec. 5.3 refers to and Stable32 uses): the phase is modelled as the
 * first difference of a continuous-time power-law process, and the variance of the
 * estimator follows from the autocovariance of its summands.  Section numbers below are
 * the paper's. */
#include "config.h"
#include "stats/stats.h"

#include <math.h>

enum { JMAX = 100 }; /* the paper's suggested constant */

/* 2.2, eq. (7): the generalized autocovariance of the pure power-law process w. */
static double sw(double t, int alpha)
{
  t = fabs(t);
  double lt = t > 0.0 ? log(t) : 0.0, t2 = t * t;
  switch (alpha) {
  case 2:
    return -t;
  case 1:
    return t2 * lt;
  case 0:
    return t2 * t;
  case -1:
    return -t2 * t2 * lt;
  case -2:
    return -t2 * t2 * t;
  case -3:
    return t2 * t2 * t2 * lt;
  default: /* -4 */
    return t2 * t2 * t2 * t;
  }
}

/* eq. (8): the phase, w filtered over 1/F; F infinite stands for the limit. */
static double sx(double t, double F, int alpha)
{
  if (isinf(F))
    return sw(t, alpha + 2);
  return F * F * (2.0 * sw(t, alpha) - sw(t - 1.0 / F, alpha) - sw(t + 1.0 / F, alpha));
}

/* eq. (9): the d-th difference of the phase, sum_k (-1)^k C(2d, d+k) sx(t + k). */
static double sz(double t, double F, int alpha, int d)
{
  static const double c[4][4] = {{0}, {2, -1}, {6, -4, 1}, {20, -15, 6, -1}};
  double s = c[d][0] * sx(t, F, alpha);
  for (int k = 1; k <= d; k++)
    s += c[d][k] * (sx(t - k, F, alpha) + sx(t + k, F, alpha));
  return s;
}

/* eq. (10): the basic sum of the squared autocovariances of the estimator's summands. */
static double basic_sum(double J, double M, double S, double F, int alpha, int d)
{
  double z0 = sz(0.0, F, alpha, d), s = z0 * z0;
  for (double j = 1.0; j < J; j++) {
    double z = sz(j / S, F, alpha, d);
    s += 2.0 * (1.0 - j / M) * z * z;
  }
  double zj = sz(J / S, F, alpha, d);
  return s + (1.0 - J / M) * zj * zj;
}

/* Tables 1 and 2: {a0, a1} for d = 2 and 3, alpha = 2 .. -4 (row 2 - alpha). */
static const double table1[7][2][2] = {
    {{7.0 / 9.0, 0.5}, {22.0 / 25.0, 2.0 / 3.0}}, {{0.997, 0.616}, {1.141, 0.843}},
    {{1.033, 0.607}, {1.184, 0.848}},            {{1.048, 0.534}, {1.180, 0.816}},
    {{1.302, 0.535}, {1.175, 0.777}},            {{0, 0}, {1.194, 0.703}},
    {{0, 0}, {1.489, 0.702}}};
static const double table2[7][2][2] = {
    {{35.0 / 18.0, 1.0}, {231.0 / 100.0, 1.5}}, {{790, 410}, {9950, 6520}},
    {{2.0 / 3.0, 1.0 / 3.0}, {7.0 / 9.0, 0.5}}, {{0.852, 0.375}, {0.997, 0.617}},
    {{1.079, 0.368}, {1.033, 0.607}},           {{0, 0}, {1.053, 0.553}},
    {{0, 0}, {1.302, 0.535}}};
/* Table 3: {b0, b1} for alpha = 1, d = 2 and 3. */
static const double table3[2][2] = {{15.23, 12.0}, {47.8, 40.0}};

static double binom(int n, int k)
{
  double c = 1.0;
  for (int i = 1; i <= k; i++)
    c = c * (n - k + i) / i;
  return c;
}

double st_edf_greenhall(int alpha, int d, size_t m, size_t n, int overlapping, int modified)
{
  if (d < 2 || d > 3 || alpha > 2 || alpha < -4 || alpha + 2 * d <= 1 || m == 0)
    return NAN;
  /* 3.4: filter factor F, stride factor S, estimator length L, summands M. */
  double dm = (double)m, F = modified ? 1.0 : dm, S = overlapping ? dm : 1.0;
  double L = dm / F + dm * d, N = (double)n;
  if (N < L)
    return NAN;
  double M = 1.0 + floor(S * (N - L) / dm);
  double J = fmin(M, (d + 1) * S), r = M / S;
  const double *a = table2[2 - alpha][d - 2];
  double inv;
  if (F == 1.0) { /* 3.6.1: modified variances, and unmodified ones at m = 1 */
    a = table1[2 - alpha][d - 2];
    double z0 = sz(0.0, 1.0, alpha, d);
    if (J <= JMAX)
      inv = basic_sum(J, M, S, 1.0, alpha, d) / (M * z0 * z0);
    else if (r >= d + 1)
      inv = (a[0] - a[1] / r) / r;
    else
      inv = basic_sum(JMAX, JMAX, JMAX / r, 1.0, alpha, d) / (JMAX * z0 * z0);
  } else if (alpha <= 0) { /* 3.6.2: unmodified, white FM and below */
    if (J <= JMAX) {
      double Fp = dm * (d + 1) <= JMAX ? dm : INFINITY;
      double z0 = sz(0.0, Fp, alpha, d);
      inv = basic_sum(J, M, S, Fp, alpha, d) / (M * z0 * z0);
    } else if (r >= d + 1) {
      inv = (a[0] - a[1] / r) / r;
    } else {
      double z0 = sz(0.0, INFINITY, alpha, d);
      inv = basic_sum(JMAX, JMAX, JMAX / r, INFINITY, alpha, d) / (JMAX * z0 * z0);
    }
  } else if (alpha == 1) { /* 3.6.3: unmodified, flicker PM */
    const double *b = table3[d - 2];
    double lg = b[0] + b[1] * log(dm);
    if (J <= JMAX) {
      double z0 = sz(0.0, dm, 1, d);
      inv = basic_sum(J, M, S, dm, 1, d) / (M * z0 * z0);
    } else if (r >= d + 1) {
      inv = (a[0] - a[1] / r) / (r * lg * lg);
    } else {
      double mp = JMAX / r;
      inv = basic_sum(JMAX, JMAX, mp, mp, 1, d) / (JMAX * lg * lg);
    }
  } else { /* 3.6.4: unmodified, white PM */
    double K = ceil(r);
    if (K <= d) {
      double s = 0.0, c = binom(2 * d, d);
      for (int k = 1; k < (int)K; k++) {
        double ck = binom(2 * d, d - k);
        s += (1.0 - k / r) * ck * ck;
      }
      inv = (1.0 + 2.0 * s / (c * c)) / M;
    } else {
      inv = (a[0] - a[1] / r) / M;
    }
  }
  return inv > 0.0 ? 1.0 / inv : NAN;
}

/* SP 1065 sec. 5.3, table 7: TOTDEV's edf = b T/tau - c for white, flicker and random-walk
 * FM; for PM noise, the simple formulas of table 5 (white PM, flicker PM) as for the
 * overlapping Allan deviation. */
static double edf_totdev(int alpha, size_t m, size_t n)
{
  double T = (double)n, tm = (double)m, N = (double)n;
  switch (alpha) {
  case 0:
    return 1.50 * T / tm;
  case -1:
    return 1.17 * T / tm - 0.22;
  case -2:
    return 0.93 * T / tm - 0.36;
  case 2:
    return (N + 1.0) * (N - 2.0 * tm) / (2.0 * (N - tm));
  case 1:
    return exp(sqrt(log((N - 1.0) / (2.0 * tm)) * log((2.0 * tm + 1.0) * (N - 1.0) / 4.0)));
  default:
    return NAN;
  }
}

double st_edf(enum st_stat s, int alpha, size_t m, size_t n)
{
  switch (s) {
  case ST_ADEV:
    return st_edf_greenhall(alpha, 2, m, n, 0, 0);
  case ST_OADEV:
  case ST_GRADEV:
    return st_edf_greenhall(alpha, 2, m, n, 1, 0);
  case ST_MDEV:
  case ST_TDEV:
    return st_edf_greenhall(alpha, 2, m, n, 1, 1);
  case ST_HDEV:
    return st_edf_greenhall(alpha, 3, m, n, 0, 0);
  case ST_OHDEV:
    return st_edf_greenhall(alpha, 3, m, n, 1, 0);
  case ST_TOTDEV:
    return edf_totdev(alpha, m, n);
  default:
    return NAN;
  }
}
