/* The inner loop the Allan and Hadamard estimators share (private to stats/). */
#ifndef CVD_STATS_KERNEL_H
#define CVD_STATS_KERNEL_H

#include <math.h>
#include <stddef.h>

/* The order-2 (Allan) or order-3 (Hadamard) difference of the phase at stride m. */
static inline __attribute__((always_inline)) double st_kdiff(const double *p, size_t m,
                                                             int order)
{
  if (order == 2)
    return p[2 * m] - 2.0 * p[m] + p[0];
  return p[3 * m] - 3.0 * (p[2 * m] - p[m]) - p[0];
}

/* Sum of the squared differences starting at r[0], r[step], ... (n of them).  Inlined with
 * constant order and step so each caller gets its own tight loop; four partial sums let
 * the loop run without waiting on one accumulator and slow the rounding error's growth. */
static inline __attribute__((always_inline)) double st_ksumsq(const double *r, size_t m,
                                                              size_t step, size_t n,
                                                              int order)
{
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    double e0 = st_kdiff(r + i * step, m, order);
    double e1 = st_kdiff(r + (i + 1) * step, m, order);
    double e2 = st_kdiff(r + (i + 2) * step, m, order);
    double e3 = st_kdiff(r + (i + 3) * step, m, order);
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; i < n; i++) {
    double e = st_kdiff(r + i * step, m, order);
    s0 += e * e;
  }
  return (s0 + s1) + (s2 + s3);
}

/* The Allan (order 2) or Hadamard (order 3) deviation from count differences starting
 * every step points: sqrt(sum / (K count tau^2)) with K = 2 or 6, the variance's
 * normalisation to white FM; NaN when there are no terms. */
static inline __attribute__((always_inline)) double st_kdev(const double *r, size_t m,
                                                            size_t step, size_t count,
                                                            int order, double tau)
{
  if (count == 0)
    return NAN;
  double norm = order == 2 ? 2.0 : 6.0;
  return sqrt(st_ksumsq(r, m, step, count, order) / (norm * (double)count * tau * tau));
}

#endif
