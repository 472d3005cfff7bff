#include "config.h"
#include "track/calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/track.h"

double calib_local_minus_gps(double tic_ns, const struct site_delays *d)
{
  /* The GPS pulse reaches the stop input late by the antenna cable, the receiver and the
   * 1PPS cable, which lengthens the interval; the local pulse reaches the start input
   * late by REFDLY, which shortens it. */
  return tic_ns - (d->intdly + d->cabdly + d->ppsdly) + d->refdly;
}

double calib_apply_qerr(double tic_ns, int64_t qerr_ps) { return tic_ns - (double)qerr_ps / 1000.0; }

static int cmp_d(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int usable(const struct track *t) { return !t->low_count && isfinite(t->value_ns); }

/* Robust centre and spread of d[0..n): the median, and 5 robust sigmas (1.4826 MAD) as
 * the outlier limit.  0, or -1 when out of memory. */
static int outlier_limit(const double *d, int n, double *med, double *lim)
{
  double *tmp = malloc(sizeof(double) * (size_t)n);
  if (!tmp)
    return -1;
  memcpy(tmp, d, sizeof(double) * (size_t)n);
  qsort(tmp, (size_t)n, sizeof *tmp, cmp_d);
  *med = tmp[n / 2];
  for (int i = 0; i < n; i++)
    tmp[i] = fabs(d[i] - *med);
  qsort(tmp, (size_t)n, sizeof *tmp, cmp_d);
  *lim = 5 * 1.4826 * tmp[n / 2];
  free(tmp);
  return 0;
}

int calib_common_clock(const struct track *ref, int nref, const struct track *dut, int ndut,
                       struct calib_result *r)
{
  memset(r, 0, sizeof *r);
  double *d = malloc(sizeof(double) * (size_t)(nref ? nref : 1));
  int64_t *slot = malloc(sizeof(int64_t) * (size_t)(nref ? nref : 1));
  int n = 0;
  if (!d || !slot) {
    free(d);
    free(slot);
    return -1;
  }
  for (int i = 0; i < nref; i++) {
    if (!usable(&ref[i]))
      continue;
    for (int k = 0; k < ndut; k++)
      if (dut[k].slot == ref[i].slot && usable(&dut[k])) {
        slot[n] = ref[i].slot;
        d[n++] = ref[i].value_ns - dut[k].value_ns;
        break;
      }
  }
  for (int k = 0; k < ndut; k++)
    r->dut_intdly = dut[k].intdly; /* the latest applied */
  if (n < 10) {
    free(d);
    free(slot);
    r->n = n;
    return -1;
  }
  double med, lim;
  if (outlier_limit(d, n, &med, &lim) != 0) {
    free(d);
    free(slot);
    return -1;
  }
  int m = 0;
  r->first = INT64_MAX;
  for (int i = 0; i < n; i++) {
    if (lim > 0 && fabs(d[i] - med) > lim) {
      r->rejected++;
      continue;
    }
    if (slot[i] < r->first)
      r->first = slot[i];
    if (slot[i] > r->last)
      r->last = slot[i];
    d[m++] = d[i];
  }
  double sum = 0, ss = 0, c1 = 0;
  for (int i = 0; i < m; i++)
    sum += d[i];
  double mean = sum / m;
  for (int i = 0; i < m; i++) {
    ss += (d[i] - mean) * (d[i] - mean);
    if (i)
      c1 += (d[i] - mean) * (d[i - 1] - mean);
  }
  r->n = m;
  r->mean_ns = mean;
  r->sd_ns = sqrt(ss / (m - 1));
  r->r1 = ss > 0 ? c1 / ss : 0;
  double rr = r->r1 < 0 ? 0 : r->r1 > 0.99 ? 0.99 : r->r1;
  r->n_eff = m * (1 - rr) / (1 + rr);
  r->u_stat_ns = r->sd_ns / sqrt(r->n_eff);
  free(d);
  free(slot);
  return 0;
}
