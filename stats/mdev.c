/* The modified Allan deviation and the time deviation, in O(N) at each averaging factor.
 *
 * Each MVAR term is a sum over m consecutive second differences,
 *   W(j) = sum_{i=j}^{j+m-1} (x[i+2m] - 2 x[i+m] + x[i]),
 * and W(j+1) - W(j) = x[j+3m] - 3 x[j+2m] + 3 x[j+m] - x[j], a third difference.  Sliding W
 * by that small increment is the cumulative-sum method without its cost: a prefix sum of
 * 1e7 phase points grows large and its differences lose the digits the statistic needs,
 * while W only ever adds numbers of its own size. */
#include "config.h"
#include "stats/stats.h"

#include <math.h>

#include "stats/gapdev.h"
#include "stats/kernel.h"

static double w_at(const double *r, size_t m, size_t j)
{
  double w = 0.0;
  for (size_t i = j; i < j + m; i++)
    w += st_kdiff(r + i, m, 2);
  return w;
}

/* sum_{j=j0}^{j0+len-1} W(j)^2, one running W. */
static double sum_w2(const double *r, size_t m, size_t j0, size_t len)
{
  double w = w_at(r, m, j0), s = w * w;
  for (size_t j = j0; j + 1 < j0 + len; j++) {
    w += st_kdiff(r + j, m, 3);
    s += w * w;
  }
  return s;
}

/* sum over all M terms of W(j)^2.  W is a running sum, so one W would make every step wait
 * for the previous one; four W over four quarters of the range, each started afresh in O(m),
 * run side by side. */
static double sum_w2_all(const double *r, size_t m, size_t M)
{
  size_t q = M / 4;
  if (q < 64)
    return sum_w2(r, m, 0, M);
  double w0 = w_at(r, m, 0), w1 = w_at(r, m, q), w2 = w_at(r, m, 2 * q), w3 = w_at(r, m, 3 * q);
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  const double *p0 = r, *p1 = r + q, *p2 = r + 2 * q, *p3 = r + 3 * q;
  for (size_t t = 0; t + 1 < q; t++) {
    s0 += w0 * w0;
    s1 += w1 * w1;
    s2 += w2 * w2;
    s3 += w3 * w3;
    w0 += st_kdiff(p0 + t, m, 3);
    w1 += st_kdiff(p1 + t, m, 3);
    w2 += st_kdiff(p2 + t, m, 3);
    w3 += st_kdiff(p3 + t, m, 3);
  }
  double s = (s0 + w0 * w0) + (s1 + w1 * w1) + (s2 + w2 * w2) + (s3 + w3 * w3);
  if (4 * q < M)
    s += sum_w2(r, m, 4 * q, M - 4 * q);
  return s;
}

/* The MVAR sum and its N - 3m + 1 terms, as Stable32 counts them. */
static double mvar_sum(const struct st_data *d, size_t m, size_t *count)
{
  *count = st_count(ST_MDEV, d->n, m);
  if (*count && d->ngap)
    return st_gap_mvar_sum(d, m, *count, count);
  return *count ? sum_w2_all(d->r, m, *count) : NAN;
}

/* SP 1065 sec. 5.2.5, the modified Allan variance from phase:
 *   Mod sigma^2(tau) = sum_j W(j)^2 / (2 m^2 tau^2 (N - 3m + 1)). */
double st_mdev(const struct st_data *d, size_t m, size_t *count)
{
  double s = mvar_sum(d, m, count);
  double tau = (double)m * d->tau0;
  return *count ? sqrt(s / (2.0 * (double)m * (double)m * tau * tau * (double)*count)) : NAN;
}

/* SP 1065 sec. 5.2.6, the time variance: sigma_x^2(tau) = (tau^2 / 3) Mod sigma_y^2(tau),
 * i.e. sum_j W(j)^2 / (6 m^2 (N - 3m + 1)), in the unit of the phase. */
double st_tdev(const struct st_data *d, size_t m, size_t *count)
{
  double s = mvar_sum(d, m, count);
  return *count ? sqrt(s / (6.0 * (double)m * (double)m * (double)*count)) : NAN;
}
