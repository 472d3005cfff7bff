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
  for (size_t i = 0; i < n; i++)
    if (isinf(v[i])) {
      snprintf(err, errlen, "%s point %zu is infinite", what, i + 1);
      return -1;
    }
  return 0;
}

/* The positions of the NaNs among v[0 .. n-1], into d->gap. */
static int find_gaps(struct st_data *d, const double *v, size_t n, char *err, size_t errlen)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += isnan(v[i]) != 0;
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

static int alloc_r(struct st_data *d, size_t n, double tau0, char *err, size_t errlen)
{
  d->r = malloc(sizeof(double) * n);
  if (!d->r) {
    snprintf(err, errlen, "out of memory for %zu points", n);
    return -1;
  }
  d->n = n;
  d->tau0 = tau0;
  return 0;
}

int st_data_phase(struct st_data *d, const double *x, size_t n, double tau0, char *err,
                  size_t errlen)
{
  *d = (struct st_data){0};
  if (check_common(x, n, 2, tau0, "phase", err, errlen) != 0 ||
      find_gaps(d, x, n, err, errlen) != 0 || alloc_r(d, n, tau0, err, errlen) != 0) {
    st_data_free(d);
    return -1;
  }
  d->x0 = x[0];
  d->slope = (x[n - 1] - x[0]) / (double)(n - 1);
  for (size_t i = 0; i < n; i++)
    d->r[i] = (x[i] - d->x0) - d->slope * (double)i;
  return 0;
}

int st_data_freq(struct st_data *d, const double *y, size_t n, double tau0, char *err,
                 size_t errlen)
{
  *d = (struct st_data){0};
  if (check_common(y, n, 1, tau0, "frequency", err, errlen) != 0 ||
      find_gaps(d, y, n, err, errlen) != 0 || alloc_r(d, n + 1, tau0, err, errlen) != 0) {
    st_data_free(d);
    return -1;
  }
  /* Neumaier's compensated sum for the mean, Kahan's for the integration: the residual
   * phase is a sum of up to 1e7 small terms.  A gap adds nothing: the phase across it is
   * continued at the mean frequency, and no term spanning it is counted. */
  double s = 0.0, c = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(y[i]))
      continue;
    double t = s + y[i];
    c += fabs(s) >= fabs(y[i]) ? (s - t) + y[i] : (y[i] - t) + s;
    s = t;
  }
  double ybar = (s + c) / (double)(n - d->ngap);
  d->from_freq = 1;
  d->x0 = 0.0;
  d->slope = ybar * tau0;
  double acc = 0.0, comp = 0.0;
  d->r[0] = 0.0;
  for (size_t i = 0; i < n; i++) {
    double term = (isnan(y[i]) ? 0.0 : (y[i] - ybar) * tau0) - comp;
    double t = acc + term;
    comp = (t - acc) - term;
    acc = t;
    d->r[i + 1] = acc;
  }
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
