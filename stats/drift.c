/* Frequency drift: fitted by least squares over the points present and removed (see
 * preproc.h).  The polynomial fits work in u = 2 i / (n - 1) - 1, from -1 to 1, so that
 * the normal equations stay well conditioned on 1e8 points. */
#include "config.h"
#include "stats/preproc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {"none", "linear", "quadratic", "log"};

int st_drift_parse(const char *s)
{
  for (int i = 1; i < 4; i++)
    if (strcmp(s, names[i]) == 0)
      return i;
  return -1;
}

const char *st_drift_name(enum st_drift m) { return names[m]; }

/* Solves the (p+1) x (p+1) system A c = b by Gaussian elimination with partial pivoting;
 * 0, or -1 when singular. */
static int solve(int p, double A[4][4], double b[4], double c[4])
{
  int k = p + 1;
  for (int col = 0; col < k; col++) {
    int piv = col;
    for (int r = col + 1; r < k; r++)
      if (fabs(A[r][col]) > fabs(A[piv][col]))
        piv = r;
    if (!(fabs(A[piv][col]) > 0.0))
      return -1;
    for (int j = 0; j < k; j++) {
      double t = A[col][j];
      A[col][j] = A[piv][j];
      A[piv][j] = t;
    }
    double t = b[col];
    b[col] = b[piv];
    b[piv] = t;
    for (int r = col + 1; r < k; r++) {
      double f = A[r][col] / A[col][col];
      for (int j = col; j < k; j++)
        A[r][j] -= f * A[col][j];
      b[r] -= f * b[col];
    }
  }
  for (int r = k - 1; r >= 0; r--) {
    double s = b[r];
    for (int j = r + 1; j < k; j++)
      s -= A[r][j] * c[j];
    c[r] = s / A[r][r];
  }
  return 0;
}

/* The least-squares polynomial of degree p (<= 3) in u through the values present. */
static int polyfit(const double *v, size_t n, int p, double c[4])
{
  double S[7] = {0}, B[4] = {0}, A[4][4];
  double h = 2.0 / (double)(n - 1);
  for (size_t i = 0; i < n; i++) {
    if (isnan(v[i]))
      continue;
    double u = (double)i * h - 1.0, pw = 1.0;
    for (int k = 0; k <= 2 * p; k++, pw *= u) {
      S[k] += pw;
      if (k <= p)
        B[k] += pw * v[i];
    }
  }
  for (int r = 0; r <= p; r++)
    for (int j = 0; j <= p; j++)
      A[r][j] = S[r + j];
  memset(c, 0, 4 * sizeof c[0]);
  return solve(p, A, B, c);
}

/* The sums for y = a g + c with g = ln(b t + 1): the residual sum of squares at b, and a
 * and c; over every step-th value present. */
static double logfit(const double *v, size_t n, size_t step, double tau0, double b, double *a,
                     double *c)
{
  double sg = 0, sy = 0, sgg = 0, sgy = 0, syy = 0, k = 0;
  for (size_t i = 0; i < n; i += step) {
    if (isnan(v[i]))
      continue;
    double g = log1p(b * (double)i * tau0);
    sg += g;
    sy += v[i];
    sgg += g * g;
    sgy += g * v[i];
    syy += v[i] * v[i];
    k++;
  }
  double det = k * sgg - sg * sg;
  *a = det > 0.0 ? (k * sgy - sg * sy) / det : 0.0;
  *c = (sy - *a * sg) / k;
  return syy - *a * sgy - *c * sy; /* the residual sum of squares */
}

/* The log model: b over 1e-4/T .. 1e4/T on a log grid from a subsample, refined by a golden
 * section; then a and c from every point. */
static void log_model(const double *v, size_t n, double tau0, double *a, double *b, double *c)
{
  double T = (double)(n - 1) * tau0;
  size_t step = n > 100000 ? n / 100000 : 1;
  double best = INFINITY, lb = 0.0;
  for (int g = 0; g <= 80; g++) {
    double tb = pow(10.0, -4.0 + g * 0.1) / T, ta, tc;
    double r = logfit(v, n, step, tau0, tb, &ta, &tc);
    if (r < best) {
      best = r;
      lb = log10(tb);
    }
  }
  double lo = lb - 0.1, hi = lb + 0.1, gr = 0.5 * (sqrt(5.0) - 1.0);
  for (int it = 0; it < 40; it++) {
    double m1 = hi - gr * (hi - lo), m2 = lo + gr * (hi - lo), ta, tc;
    if (logfit(v, n, step, tau0, pow(10.0, m1), &ta, &tc) <
        logfit(v, n, step, tau0, pow(10.0, m2), &ta, &tc))
      hi = m2;
    else
      lo = m1;
  }
  *b = pow(10.0, 0.5 * (lo + hi));
  logfit(v, n, 1, tau0, *b, a, c);
}

int st_remove_drift(double *v, size_t n, int freq, double tau0, enum st_drift model,
                    struct st_driftfit *out, char *err, size_t errlen)
{
  *out = (struct st_driftfit){.model = model};
  if (n < 5) {
    snprintf(err, errlen, "--remove-drift needs at least 5 values");
    return -1;
  }
  double T = (double)(n - 1) * tau0, h = 2.0 / (double)(n - 1), du = 2.0 / T;
  if (model == ST_DRIFT_LOG) {
    if (!freq) {
      snprintf(err, errlen, "--remove-drift log needs frequency data (--freq)");
      return -1;
    }
    double a, b, c;
    log_model(v, n, tau0, &a, &b, &c);
    double mean = a * ((b * T + 1.0) * log1p(b * T) / (b * T) - 1.0); /* of a ln(bt+1) */
    for (size_t i = 0; i < n; i++)
      v[i] -= a * log1p(b * (double)i * tau0) - mean;
    out->coef[0] = a;
    out->coef[1] = b;
    out->rate_per_day = a * b / (b * T + 1.0) * 86400.0;
    return 0;
  }
  int p = (model == ST_DRIFT_LINEAR ? 1 : 2) + !freq;
  double c[4];
  if (polyfit(v, n, p, c) != 0) {
    snprintf(err, errlen, "--remove-drift: the fit is singular (too few points)");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    double u = (double)i * h - 1.0;
    /* Frequency: the terms of degree 1 and up, less their mean over -1 .. 1 (u^2: 1/3),
     * so the mean frequency stays.  Phase: degree 2 and up, the cubic as u^3 - u, zero at
     * both ends, so the phase's end points (its mean frequency) stay. */
    if (freq)
      v[i] -= c[1] * u + c[2] * (u * u - 1.0 / 3.0);
    else
      v[i] -= c[2] * u * u + c[3] * (u * u * u - u);
  }
  /* dy/dt at the start (b) and d2y/dt2 / 2 (c), per second; the drift at the end a day. */
  if (freq) {
    out->coef[0] = (c[1] - 2.0 * c[2]) * du;
    out->coef[1] = c[2] * du * du;
    out->rate_per_day = (c[1] + 2.0 * c[2]) * du * 86400.0;
  } else {
    out->coef[0] = (2.0 * c[2] - 6.0 * c[3]) * du * du;
    out->coef[1] = 3.0 * c[3] * du * du * du;
    out->rate_per_day = (2.0 * c[2] + 6.0 * c[3]) * du * du * 86400.0;
  }
  return 0;
}
