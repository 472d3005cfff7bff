/* The total deviation: the overlapping Allan variance of the phase extended at both ends by
 * its reflection, so every one of the N - 2 points is the centre of a term at every tau. */
#include "config.h"
#include "stats/stats.h"

#include <math.h>

#include "stats/gapdev.h"

/* The virtual sequence x* of SP 1065 sec. 5.2.11: x*(-j) = 2 x(0) - x(j) before the start,
 * x*(n-1+j) = 2 x(n-1) - x(n-1-j) after the end (0-based), defined for |j| <= n - 1. */
static inline double reflected(const double *r, size_t n, ptrdiff_t j)
{
  if (j < 0)
    return 2.0 * r[0] - r[-j];
  if ((size_t)j >= n)
    return 2.0 * r[n - 1] - r[2 * (n - 1) - (size_t)j];
  return r[j];
}

/* Whether the real points the term centred on i uses (a reflection uses x(0) or x(n-1) and
 * the point it mirrors) span no missing frequency value. */
static int span_ok(const struct st_data *d, ptrdiff_t i, ptrdiff_t pm)
{
  ptrdiff_t last = (ptrdiff_t)d->n - 1;
  ptrdiff_t lo = i - pm < 0 ? 0 : i - pm;
  ptrdiff_t hi = i + pm > last ? last : i + pm;
  if (i - pm < 0 && pm - i > hi)
    hi = pm - i;
  if (i + pm > last && 2 * last - (i + pm) < lo)
    lo = 2 * last - (i + pm);
  return st_gap_span_ok(d, (size_t)lo, (size_t)hi);
}

/* SP 1065 sec. 5.2.11, the total variance from phase:
 *   Totvar(tau) = sum_{i=2}^{N-1} (x*(i-m) - 2 x*(i) + x*(i+m))^2 / (2 tau^2 (N - 2)),
 * N - 2 terms at every m up to N - 1 (Stable32 stops at N / 2). */
double st_totdev(const struct st_data *d, size_t m, size_t *count)
{
  size_t n = d->n;
  *count = st_count(ST_TOTDEV, n, m);
  if (*count == 0)
    return NAN;
  const double *r = d->r;
  ptrdiff_t pm = (ptrdiff_t)m;
  double s = 0.0;
  size_t c = 0;
  for (ptrdiff_t i = 1; i <= (ptrdiff_t)n - 2; i++) {
    double e = reflected(r, n, i - pm) - 2.0 * r[i] + reflected(r, n, i + pm);
    if (d->ngap && (isnan(e) || (d->from_freq && !span_ok(d, i, pm))))
      continue; /* a term over a gap */
    s += e * e;
    c++;
  }
  *count = c;
  if (c == 0)
    return NAN;
  double tau = (double)m * d->tau0;
  return sqrt(s / (2.0 * tau * tau * (double)*count));
}
