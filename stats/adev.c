/* The Allan deviation, non-overlapping and overlapping, from phase. */
#include "config.h"
#include "stats/stats.h"

#include "stats/gapdev.h"
#include "stats/kernel.h"

/* SP 1065 sec. 5.2.2, the Allan variance from phase: second differences of the phase
 * decimated by m, sum / (2 tau^2 (floor((N-1)/m) - 1)). */
double st_adev(const struct st_data *d, size_t m, size_t *count)
{
  *count = st_count(ST_ADEV, d->n, m);
  if (d->ngap)
    return st_gap_kdev(d, m, m, *count, 2, count);
  return st_kdev(d->r, m, m, *count, 2, (double)m * d->tau0);
}

/* SP 1065 sec. 5.2.4, the overlapping Allan variance from phase: every second difference
 * at stride m, sum / (2 tau^2 (N - 2m)). */
double st_oadev(const struct st_data *d, size_t m, size_t *count)
{
  *count = st_count(ST_OADEV, d->n, m);
  if (d->ngap)
    return st_gap_kdev(d, m, 1, *count, 2, count);
  return st_kdev(d->r, m, 1, *count, 2, (double)m * d->tau0);
}
