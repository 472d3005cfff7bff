/* The estimators on data with gaps (stats.h says which terms a gap removes, and why).
 * Each counts the terms it used; without gaps the estimators' own fast loops run instead,
 * and with gaps these give the same sums over the terms that remain. */
#include "config.h"
#include "stats/gapdev.h"

#include <math.h>
#include <stdint.h>

#include "stats/kernel.h"

size_t st_gap_next(const struct st_data *d, size_t a)
{
  size_t lo = 0, hi = d->ngap;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->gap[mid] < a)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Whether phase points a .. b (a <= b) are all known: for phase data no gap among them,
 * for frequency data no missing value between them (gap g lies between g and g + 1). */
int st_gap_span_ok(const struct st_data *d, size_t a, size_t b)
{
  size_t k = st_gap_next(d, a);
  if (k == d->ngap)
    return 1;
  return d->from_freq ? d->gap[k] >= b : d->gap[k] > b;
}

/* The order-2 or order-3 difference terms at i = 0, step, 2 step, ... (nmax of them): a
 * term counts when its phase points are known (phase data: the difference is a number;
 * frequency data: no missing value inside its span). */
double st_gap_ksum(const struct st_data *d, size_t m, size_t step, size_t nmax, int order,
                   size_t *count)
{
  double s = 0.0;
  size_t c = 0, g = 0, span = (size_t)order * m;
  for (size_t k = 0; k < nmax; k++) {
    size_t i = k * step;
    double e = st_kdiff(d->r + i, m, order);
    if (d->from_freq) {
      while (g < d->ngap && d->gap[g] < i)
        g++;
      if (g < d->ngap && d->gap[g] < i + span)
        continue;
    } else if (isnan(e)) {
      continue;
    }
    s += e * e;
    c++;
  }
  *count = c;
  return s;
}

/* W(j) = sum_{i=j}^{j+m-1} (x[i+2m] - 2 x[i+m] + x[i]) from scratch. */
static double w_at(const double *r, size_t m, size_t j)
{
  double w = 0.0;
  for (size_t i = j; i < j + m; i++)
    w += st_kdiff(r + i, m, 2);
  return w;
}

/* The MVAR sum over the terms j = 0 .. M-1 whose 3m points j .. j+3m-1 are all known (for
 * frequency data: the 3m - 1 values between them).  W slides by a third difference through
 * each run of clean terms and starts afresh after a gap: a restart costs O(m) and follows a
 * clean stretch of 3m points, so the whole is O(N). */
double st_gap_mvar_sum(const struct st_data *d, size_t m, size_t M, size_t *count)
{
  size_t need = 3 * m - (size_t)d->from_freq, c = 0, j = 0;
  double s = 0.0;
  while (j < M) {
    size_t k = st_gap_next(d, j);
    size_t g = k < d->ngap ? d->gap[k] : SIZE_MAX; /* first gap at or after j */
    if (g != SIZE_MAX && g < j + need) {
      j = g + 1; /* every term from j to g overlaps the gap */
      continue;
    }
    size_t last = g == SIZE_MAX ? M - 1 : g - need; /* the last clean term before g */
    if (last > M - 1)
      last = M - 1;
    double w = w_at(d->r, m, j);
    s += w * w;
    c++;
    for (size_t t = j + 1; t <= last; t++) {
      w += st_kdiff(d->r + t - 1, m, 3);
      s += w * w;
      c++;
    }
    j = last + 1;
  }
  *count = c;
  return s;
}

/* TIE rms terms x(i+m) - x(i), i < nmax, the line added back. */
double st_gap_tiesum(const struct st_data *d, size_t m, size_t nmax, size_t *count)
{
  double line = d->slope * (double)m, s = 0.0;
  size_t c = 0;
  for (size_t i = 0; i < nmax; i++) {
    double e = (d->r[i + m] - d->r[i]) + line;
    if (isnan(e) || (d->from_freq && !st_gap_span_ok(d, i, i + m)))
      continue;
    s += e * e;
    c++;
  }
  *count = c;
  return s;
}
