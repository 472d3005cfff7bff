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

/* The gap-resistant overlapping Allan deviation, GRADEV (L. Sesia, E. Cantoni, A.
 * Cernigliaro, G. Signorile, G. Fantino and P. Tavella, "An efficient and configurable
 * preprocessing algorithm to improve stability analysis", IEEE TUFFC 63(4), 2016): the
 * overlapping second differences of the phase at stride m, those that meet a missing point
 * left out, sum / (2 tau^2 n) with n the differences kept.  That is exactly how OADEV
 * skips a gap here, so the two agree; GRADEV is named apart for those who ask for it. */
double st_gradev(const struct st_data *d, size_t m, size_t *count)
{
  return st_oadev(d, m, count);
}
