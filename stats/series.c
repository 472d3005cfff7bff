/* Phase and frequency data as the estimators want them: phase residuals from a straight
 * line.  Every estimator but TIE rms and MTIE is a second or third difference of the phase
 * (or, for TOTDEV, of its reflection, which continues a line as a line), so it cannot see the
 * line; keeping the line apart lets 1e7 points with a millisecond offset and a 1e-8
 * frequency offset keep the digits of a 1e-11 noise (DESIGN.md section 6). */
#include "config.h"
#include "stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_common(const double *v, size_t n, size_t min_n, double tau0, const char *what,
                        char *err, size_t errlen)
{
  if (!(tau0 > 0.0) || !isfinite(tau0)) {
    snprintf(err, errlen, "tau0 must be a positive number of seconds, not %g", tau0);
    return -1;
  }
  if (n < min_n) {
    snprintf(err, errlen, "%zu %s value%s: at least %zu needed", n, what, n == 1 ? "" : "s",
             min_n);
    return -1;
  }
  if (isnan(v[0]) || isnan(v[n - 1])) {
    snprintf(err, errlen, "the %s data %s with a gap: trim it", what,
             isnan(v[0]) ? "start" : "end");
    return -1;
  }
  return 0;
}

/* Refuses an infinity, and lists the NaNs among v[0 .. n-1] in d->gap: one pass over the
 * data, a second over it only where there are gaps. */
static int find_gaps(struct st_data *d, const double *v, size_t n, const char *what, char *err,
                     size_t errlen)
{
  size_t k = 0, nonfinite = 0;
  for (size_t i = 0; i < n; i++) { /* branch-free: a - a is NaN for NaN and for infinity */
    double a = v[i], z = a - a;
    k += a != a;
    nonfinite += z != z;
  }
  if (nonfinite > k) {
    size_t i = 0;
    while (!isinf(v[i]))
      i++;
    snprintf(err, errlen, "%s point %zu is infinite", what, i + 1);
    return -1;
  }
  d->ngap = k;
  if (k == 0)
    return 0;
  d->gap = malloc(sizeof *d->gap * k);
  if (!d->gap) {
    snprintf(err, errlen, "out of memory for %zu gaps", k);
    return -1;
  }
  for (size_t i = 0, j = 0; i < n; i++)
    if (isnan(v[i]))
      d->gap[j++] = i;
  return 0;
}

/* r[i] = x[i] less the line through the end points; r may be x. */
static void phase_fill(struct st_data *d, const double *x, double *r, size_t n, double tau0)
{
  d->n = n;
  d->tau0 = tau0;
  d->r = r;
  d->x0 = x[0];
  d->slope = (x[n - 1] - x[0]) / (double)(n - 1);
  double x0 = d->x0, slope = d->slope;
  for (size_t i = 0; i < n; i++)
    r[i] = (x[i] - x0) - slope * (double)i;
}

/* The n + 1 residual phase points of n frequency values into r; y may be r + 1.
 * Neumaier's compensated sum for the mean, Kahan's for the integration: the residual phase
 * is a sum of up to 1e8 small terms.  A gap adds nothing: the phase across it is continued
 * at the mean frequency, and no term spanning it is counted. */
static void freq_fill(struct st_data *d, const double *y, double *r, size_t n, double tau0)
{
  double s = 0.0, c = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(y[i]))
      continue;
    double t = s + y[i];
    c += fabs(s) >= fabs(y[i]) ? (s - t) + y[i] : (y[i] - t) + s;
    s = t;
  }
  double ybar = (s + c) / (double)(n - d->ngap);
  d->n = n + 1;
  d->tau0 = tau0;
  d->r = r;
  d->from_freq = 1;
  d->x0 = 0.0;
  d->slope = ybar * tau0;
  double acc = 0.0, comp = 0.0;
  r[0] = 0.0;
  for (size_t i = 0; i < n; i++) {
    double term = (isnan(y[i]) ? 0.0 : (y[i] - ybar) * tau0) - comp;
    double t = acc + term;
    comp = (t - acc) - term;
    acc = t;
    r[i + 1] = acc;
  }
}

static double *alloc_r(size_t n, char *err, size_t errlen)
{
  double *r = malloc(sizeof(double) * n);
  if (!r)
    snprintf(err, errlen, "out of memory for %zu points", n);
  return r;
}

int st_data_phase(struct st_data *d, const double *x, size_t n, double tau0, char *err,
                  size_t errlen)
{
  *d = (struct st_data){0};
  double *r = NULL;
  if (check_common(x, n, 2, tau0, "phase", err, errlen) != 0 ||
      find_gaps(d, x, n, "phase", err, errlen) != 0 || !(r = alloc_r(n, err, errlen))) {
    st_data_free(d);
    return -1;
  }
  phase_fill(d, x, r, n, tau0);
  return 0;
}

int st_data_phase_own(struct st_data *d, double *x, size_t n, double tau0, char *err,
                      size_t errlen)
{
  *d = (struct st_data){0};
  if (check_common(x, n, 2, tau0, "phase", err, errlen) != 0 ||
      find_gaps(d, x, n, "phase", err, errlen) != 0) {
    free(x);
    st_data_free(d);
    return -1;
  }
  phase_fill(d, x, x, n, tau0);
  return 0;
}

int st_data_freq(struct st_data *d, const double *y, size_t n, double tau0, char *err,
                 size_t errlen)
{
  *d = (struct st_data){0};
  double *r = NULL;
  if (check_common(y, n, 1, tau0, "frequency", err, errlen) != 0 ||
      find_gaps(d, y, n, "frequency", err, errlen) != 0 ||
      !(r = alloc_r(n + 1, err, errlen))) {
    st_data_free(d);
    return -1;
  }
  freq_fill(d, y, r, n, tau0);
  return 0;
}

int st_data_freq_own(struct st_data *d, double *y, size_t n, double tau0, char *err,
                     size_t errlen)
{
  *d = (struct st_data){0};
  int bad = check_common(y, n, 1, tau0, "frequency", err, errlen) != 0 ||
            find_gaps(d, y, n, "frequency", err, errlen) != 0;
  double *r = bad ? NULL : realloc(y, sizeof(double) * (n + 1));
  if (!r) {
    if (!bad)
      snprintf(err, errlen, "out of memory for %zu points", n + 1);
    free(y);
    st_data_free(d);
    return -1;
  }
  memmove(r + 1, r, sizeof(double) * n);
  freq_fill(d, r + 1, r, n, tau0);
  return 0;
}

void st_data_free(struct st_data *d)
{
  free(d->r);
  free(d->gap);
  d->r = NULL;
  d->gap = NULL;
  d->n = d->ngap = 0;
}
