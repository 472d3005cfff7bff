/* Time interval error: its rms and its maximum (MTIE), on the phase with its line added
 * back, since a frequency offset is exactly what these statistics are meant to show. */
#include "config.h"
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

#include "stats/gapdev.h"

/* SP 1065 sec. 5.2.18, TIE rms: sqrt of the mean of (x(i+m) - x(i))^2 over the N - m
 * intervals of length tau. */
double st_tierms(const struct st_data *d, size_t m, size_t *count)
{
  *count = st_count(ST_TIERMS, d->n, m);
  if (*count == 0)
    return NAN;
  if (d->ngap) {
    double s = st_gap_tiesum(d, m, *count, count);
    return *count ? sqrt(s / (double)*count) : NAN;
  }
  const double *r = d->r;
  double line = d->slope * (double)m, s = 0.0;
  for (size_t i = 0; i < *count; i++) {
    double e = (r[i + m] - r[i]) + line;
    s += e * e;
  }
  return sqrt(s / (double)*count);
}

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* The largest max(hi[i], hi[i+off]) - min(lo[i], lo[i+off]) over i < count; four running
 * maxima so that no step waits for the previous one. */
static double widest(const double *hi, const double *lo, size_t off, size_t count)
{
  double b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    b0 = dmax(b0, dmax(hi[i], hi[i + off]) - dmin(lo[i], lo[i + off]));
    b1 = dmax(b1, dmax(hi[i + 1], hi[i + 1 + off]) - dmin(lo[i + 1], lo[i + 1 + off]));
    b2 = dmax(b2, dmax(hi[i + 2], hi[i + 2 + off]) - dmin(lo[i + 2], lo[i + 2 + off]));
    b3 = dmax(b3, dmax(hi[i + 3], hi[i + 3 + off]) - dmin(lo[i + 3], lo[i + 3 + off]));
  }
  for (; i < count; i++)
    b0 = dmax(b0, dmax(hi[i], hi[i + off]) - dmin(lo[i], lo[i + off]));
  return dmax(dmax(b0, b1), dmax(b2, b3));
}

/* As widest, over the windows of w points that hold no gap; *count in: the windows, out:
 * those used. */
static double widest_gapped(const struct st_data *d, const double *hi, const double *lo,
                            size_t off, size_t w, size_t *count)
{
  double b = NAN;
  size_t c = 0;
  for (size_t i = 0; i < *count; i++)
    if (st_gap_span_ok(d, i, i + w - 1)) {
      double e = dmax(hi[i], hi[i + off]) - dmin(lo[i], lo[i + off]);
      b = c++ ? dmax(b, e) : e;
    }
  *count = c;
  return b;
}

/* SP 1065 sec. 5.2.17, MTIE: the largest peak-to-peak phase over every window of m + 1
 * points (N - m windows).  A sparse table gives each window's extremes in O(1): with
 * hi_k[i] the maximum of the 2^k points from i (hi_{k+1}[i] = max(hi_k[i], hi_k[i + 2^k]),
 * computed in place), a window of w points, 2^k <= w < 2^(k+1), has the maximum
 * max(hi_k[i], hi_k[i + w - 2^k]).  Taking the factors in ascending order, each level is
 * built once: O(N log N) for every octave window, O(N) for each further factor. */
/* The phase less its constant x0 into hi and lo (hi may be d->r itself). */
static void mtie_init(const struct st_data *d, double *hi, double *lo)
{
  for (size_t i = 0; i < d->n; i++) {
    hi[i] = lo[i] = d->slope * (double)i + d->r[i];
    if (isnan(hi[i])) /* a gap: no window over it is counted, so any number will do */
      hi[i] = lo[i] = 0.0;
  }
}

static void mtie_tables(const struct st_data *d, double *hi, double *lo, const size_t *ms,
                        size_t k, double *out, size_t *counts);

int st_mtie_list(const struct st_data *d, const size_t *ms, size_t k, double *out,
                 size_t *counts)
{
  double *hi = malloc(sizeof(double) * d->n), *lo = malloc(sizeof(double) * d->n);
  if (!hi || !lo) {
    free(hi);
    free(lo);
    return -1;
  }
  mtie_init(d, hi, lo);
  mtie_tables(d, hi, lo, ms, k, out, counts);
  free(hi);
  free(lo);
  return 0;
}

int st_mtie_list_consume(struct st_data *d, const size_t *ms, size_t k, double *out,
                         size_t *counts)
{
  double *lo = malloc(sizeof(double) * d->n);
  if (!lo)
    return -1;
  mtie_init(d, d->r, lo);
  mtie_tables(d, d->r, lo, ms, k, out, counts);
  free(lo);
  return 0;
}

static void mtie_tables(const struct st_data *d, double *hi, double *lo, const size_t *ms,
                        size_t k, double *out, size_t *counts)
{
  size_t n = d->n, span = 1; /* the tables hold windows of span points */
  for (size_t j = 0; j < k; j++) {
    size_t w = ms[j] + 1;
    counts[j] = st_count(ST_MTIE, n, ms[j]);
    out[j] = NAN;
    if (counts[j] == 0)
      continue;
    for (; 2 * span <= w; span *= 2)
      for (size_t i = 0; i + 2 * span <= n; i++) {
        hi[i] = dmax(hi[i], hi[i + span]);
        lo[i] = dmin(lo[i], lo[i + span]);
      }
    out[j] = d->ngap ? widest_gapped(d, hi, lo, w - span, w, &counts[j])
                     : widest(hi, lo, w - span, counts[j]);
  }
}

double st_mtie(const struct st_data *d, size_t m, size_t *count)
{
  double v;
  if (st_mtie_list(d, &m, 1, &v, count) != 0) {
    *count = 0;
    return NAN;
  }
  return v;
}
