/* The estimators' loops on data with gaps (private to stats/; stats.h says which terms a
 * gap removes).  Each returns a sum of squared terms and sets *count to the terms used. */
#ifndef CVD_STATS_GAPDEV_H
#define CVD_STATS_GAPDEV_H

#include <math.h>
#include <stddef.h>

#include "stats/stats.h"

/* The index in d->gap of the first gap at or after phase point a (d->ngap: none). */
size_t st_gap_next(const struct st_data *d, size_t a);
/* Whether phase points a .. b are all known (frequency data: no missing value between). */
int st_gap_span_ok(const struct st_data *d, size_t a, size_t b);
double st_gap_ksum(const struct st_data *d, size_t m, size_t step, size_t nmax, int order,
                   size_t *count);
double st_gap_mvar_sum(const struct st_data *d, size_t m, size_t M, size_t *count);
double st_gap_tiesum(const struct st_data *d, size_t m, size_t nmax, size_t *count);

/* The Allan (order 2) or Hadamard (order 3) deviation over the terms a gap leaves. */
static inline double st_gap_kdev(const struct st_data *d, size_t m, size_t step, size_t nmax,
                                 int order, size_t *count)
{
  double s = st_gap_ksum(d, m, step, nmax, order, count), tau = (double)m * d->tau0;
  double norm = order == 2 ? 2.0 : 6.0;
  return *count ? sqrt(s / (norm * (double)*count * tau * tau)) : NAN;
}

#endif
