/* The monthly report's stability: TDEV and MDEV of x from 10 min to 10 days with their
 * 68 % confidence intervals (NIST SP 1065 sections 5.2.5, 5.2.6 and 5.6: edf from the
 * dominant noise, chi-squared intervals), computed by stats/ as Stable32 computes them. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "core/timeutil.h"
#include "report/reportint.h"
#include "stats/stats.h"

static const double taus[] = {600,   1200,  3600,   7200,   14400,  28800,
                              43200, 86400, 172800, 345600, 864000};

static const char *noise_name(int alpha)
{
  switch (alpha) {
  case 2: return "W PM";
  case 1: return "F PM";
  case 0: return "W FM";
  case -1: return "F FM";
  case -2: return "RW FM";
  default: return "";
  }
}

/* x from slot first to the last measured one, gaps filled by straight lines between the
 * measurements either side (SP 1065 section 11.5 on gaps); the count filled in *filled. */
static double *filled_series(const struct report_month *r, int first, size_t *n, int *filled)
{
  int a = first, b = r->nslots - 1;
  while (a < r->nslots && !isfinite(r->slot_x[a]))
    a++;
  while (b >= a && !isfinite(r->slot_x[b]))
    b--;
  *filled = 0;
  *n = b >= a ? (size_t)(b - a + 1) : 0;
  if (*n < 4)
    return NULL;
  double *x = malloc(*n * sizeof *x);
  if (!x)
    return NULL;
  int prev = a;
  for (int i = a; i <= b; i++) {
    if (isfinite(r->slot_x[i])) {
      x[i - a] = r->slot_x[i];
      prev = i;
      continue;
    }
    int next = i + 1;
    while (!isfinite(r->slot_x[next]))
      next++;
    double w = (double)(i - prev) / (next - prev);
    x[i - a] = r->slot_x[prev] + w * (r->slot_x[next] - r->slot_x[prev]);
    (*filled)++;
  }
  return x;
}

int report_stability(struct report_month *r, int first)
{
  size_t n;
  double *x = filled_series(r, first, &n, &r->filled);
  struct st_data d;
  char err[256];
  if (!x || st_data_phase(&d, x, n, SLOT_S, err, sizeof err) != 0) {
    free(x);
    return -1;
  }
  free(x);
  size_t afs[REPORT_MAX_TAU], naf = 0;
  for (size_t i = 0; i < sizeof taus / sizeof *taus && naf < REPORT_MAX_TAU; i++) {
    size_t m = (size_t)(taus[i] / SLOT_S);
    if (st_count(ST_TDEV, n, m) >= 2)
      afs[naf++] = m;
  }
  struct st_result *res = calloc(naf * ST_NSTATS + 1, sizeof *res);
  if (!res) {
    st_data_free(&d);
    return -1;
  }
  st_analyze(&d, (1u << ST_MDEV) | (1u << ST_TDEV), afs, naf, 0, 0.683, 0, res);
  r->ntau = 0;
  for (size_t k = 0; k < naf; k++) {
    const struct st_result *t = &res[k * ST_NSTATS + ST_TDEV], *m = &res[k * ST_NSTATS + ST_MDEV];
    if (!isfinite(t->dev))
      continue;
    double tau = (double)afs[k] * SLOT_S;
    /* Phase in ns: TDEV in ns, MDEV in ns/s, i.e. 1e-9 of the fractional frequency. */
    r->tdev[r->ntau] = (struct report_stat){tau, t->dev, t->lo, t->hi, noise_name(t->alpha)};
    r->mdev[r->ntau] = (struct report_stat){tau, m->dev * 1e-9, m->lo * 1e-9, m->hi * 1e-9,
                                            noise_name(m->alpha)};
    if (afs[k] == 144) {
      r->tdev_1d_ns = t->dev;
      r->mdev_1d = m->dev * 1e-9;
      r->mdev_1d_hi = m->hi * 1e-9;
    }
    r->ntau++;
  }
  free(res);
  st_data_free(&d);
  return 0;
}
