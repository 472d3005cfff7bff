/* The Hadamard deviation, non-overlapping and overlapping, from phase: third differences,
 * blind to a linear frequency drift. */
#include "config.h"
#include "stats/stats.h"

#include "stats/gapdev.h"
#include "stats/kernel.h"

/* SP 1065 sec. 5.2.8, the Hadamard variance from phase: third differences of the phase
 * decimated by m, sum / (6 tau^2 (floor((N-1)/m) - 2)). */
double st_hdev(const struct st_data *d, size_t m, size_t *count)
{
  *count = st_count(ST_HDEV, d->n, m);
  if (d->ngap)
    return st_gap_kdev(d, m, m, *count, 3, count);
  return st_kdev(d->r, m, m, *count, 3, (double)m * d->tau0);
}

/* SP 1065 sec. 5.2.9, the overlapping Hadamard variance from phase: every third difference
 * at stride m, sum / (6 tau^2 (N - 3m)). */
double st_ohdev(const struct st_data *d, size_t m, size_t *count)
{
  *count = st_count(ST_OHDEV, d->n, m);
  if (d->ngap)
    return st_gap_kdev(d, m, 1, *count, 3, count);
  return st_kdev(d->r, m, 1, *count, 3, (double)m * d->tau0);
}
