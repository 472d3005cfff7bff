/* Identification of the dominant power-law noise at an averaging time, as Stable32 does it.
 *
 * With K frequency averages at the averaging factor m:
 * - K >= 30: the lag-1 autocorrelation of the phase decimated by m (of the averaged
 *   frequency, for frequency data), Riley and Greenhall's method;
 * - fewer: the B1 ratio, with R(n) to tell white from flicker PM;
 * - in the last octave before Stable32's stop (K < twice the stop ratio) the Allan and
 *   Hadamard estimators use R(n) alone, among white PM, flicker PM, white FM and flicker FM.
 * The choices Stable32's manual leaves open (the lag-1 estimate's (n-1)/n factor, B1 taken
 * against the statistic's own number of terms, the R(n) rule near the stop) are the ones
 * that reproduce its printed noise types on the reference data in ../shared/data. */
#include "config.h"
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

#include "stats/gapdev.h"

/* The series the autocorrelation method works on, without copying it: the order-D
 * difference of the phase decimated by m, element k = sum_j (-1)^(D-j) C(D,j) x((k+j) m). */
struct diffseries {
  const struct st_data *d;
  size_t m, len;
  int order;
};

/* The element of order `order` from the phase points w[0 .. order] (x(km), x((k+1)m), ...),
 * each sum in the order of the coefficients -1, 3, -3, 1 (or 1, -2, 1; -1, 1) from the first
 * point, so every element is the same double as the plain loop over them gives. */
static inline __attribute__((always_inline)) double ds_from(const double *w, int order)
{
  switch (order) {
  case 0: return w[0];
  case 1: return -w[0] + w[1];
  case 2: return (w[0] + -2.0 * w[1]) + w[2];
  default: return ((-w[0] + 3.0 * w[1]) + -3.0 * w[2]) + w[3];
  }
}

/* Element k of the series without its gap check. */
static inline __attribute__((always_inline)) double ds_diff(const struct st_data *d, size_t m,
                                                            size_t k, int order)
{
  double w[4];
  for (int j = 0; j <= order; j++)
    w[j] = st_phase_at(d, (k + (size_t)j) * m);
  return ds_from(w, order);
}

static inline double ds_at(const struct diffseries *z, size_t k)
{
  const struct st_data *d = z->d;
  size_t i = k * z->m;
  if (d->from_freq && d->ngap && !st_gap_span_ok(d, i, i + (size_t)z->order * z->m))
    return NAN; /* over a missing frequency value: left out, as the estimators leave it */
  return ds_diff(d, z->m, k, z->order);
}

/* The lag-1 autocorrelation r1 = (n-1)/n sum (z_i - zbar)(z_{i+1} - zbar) / sum (z_i -
 * zbar)^2, the factor as Stable32 has it. */
static double lag1(const struct diffseries *z)
{
  size_t n = z->len, cnt = 0;
  double mean = 0.0;
  for (size_t i = 0; i < n; i++) {
    double v = ds_at(z, i);
    if (!isnan(v)) { /* a term over a gap (phase data) is left out, and its pairs */
      mean += v;
      cnt++;
    }
  }
  if (cnt < 2)
    return 0.0;
  mean /= (double)cnt;
  double prev = ds_at(z, 0) - mean, num = 0.0, den = isnan(prev) ? 0.0 : prev * prev;
  for (size_t i = 1; i < n; i++) {
    double a = ds_at(z, i) - mean;
    if (!isnan(a)) {
      den += a * a;
      if (!isnan(prev))
        num += prev * a;
    }
    prev = a;
  }
  return den > 0.0 ? num / den * (double)(cnt - 1) / (double)cnt : 0.0;
}

/* Sum of the n elements: each phase point computed once and slid along. */
static inline __attribute__((always_inline)) double plain_sum(const struct st_data *d, size_t m,
                                                              size_t n, int order, double mean,
                                                              double *num, double *den)
{
  double w[4] = {0.0, 0.0, 0.0, 0.0}, sum = 0.0, prev = 0.0;
  for (int j = 0; j < order; j++)
    w[j] = st_phase_at(d, (size_t)j * m);
  for (size_t i = 0; i < n; i++) {
    w[order] = st_phase_at(d, (i + (size_t)order) * m);
    double v = ds_from(w, order);
    if (num) {
      double a = v - mean;
      *den += a * a;
      if (i > 0)
        *num += prev * a;
      prev = a;
    } else {
      sum += v;
    }
    for (int j = 0; j < order; j++)
      w[j] = w[j + 1];
  }
  return sum;
}

/* lag1 for data without gaps, where no element is NaN: the same sums in the same order, so
 * the same r1 to the last bit, without a test per element and with each phase point
 * computed once (a 1e7-point run spent a quarter of its time in the general loop). */
static inline __attribute__((always_inline)) double lag1_plain_order(const struct st_data *d,
                                                                     size_t m, size_t n,
                                                                     int order)
{
  if (n < 2)
    return 0.0;
  double mean = plain_sum(d, m, n, order, 0.0, NULL, NULL) / (double)n, num = 0.0, den = 0.0;
  plain_sum(d, m, n, order, mean, &num, &den);
  return den > 0.0 ? num / den * (double)(n - 1) / (double)n : 0.0;
}

static double lag1_plain(const struct diffseries *z)
{
  switch (z->order) {
  case 0: return lag1_plain_order(z->d, z->m, z->len, 0);
  case 1: return lag1_plain_order(z->d, z->m, z->len, 1);
  case 2: return lag1_plain_order(z->d, z->m, z->len, 2);
  default: return lag1_plain_order(z->d, z->m, z->len, 3);
  }
}

/* W. J. Riley and C. A. Greenhall, "Power law noise identification using the lag 1
 * autocorrelation", Proc. 18th EFTF, 2004 (SP 1065 sec. 5.5.6): difference the data until
 * delta = r1 / (1 + r1) falls below 0.25 (or d reaches dmax); then p = -2 (delta + d) is
 * the exponent of the data's own spectrum. */
static double acf_p(struct diffseries *z, int dmax)
{
  for (int dd = 0;; dd++) {
    double r1 = z->d->ngap ? lag1(z) : lag1_plain(z), delta = r1 / (1.0 + r1);
    if (delta < 0.25 || dd >= dmax || z->len < 4)
      return -2.0 * (delta + dd);
    z->order++;
    z->len--;
  }
}

/* SP 1065 sec. 5.5.2.  The B1 ratio expected for N samples of phase noise exponent mu
 * (Howe, Beard, Greenhall and Riley, "A total estimator of the Hadamard function used for GPS operations", Proc.
 * 32nd PTTI, 2000, table 3):
 *   B1(N, mu) = N (1 - N^mu) / (2 (N - 1) (1 - 2^mu)), N ln N / (2 (N - 1) ln 2) at mu = 0. */
static double b1_expected(double N, int mu)
{
  if (mu == 0)
    return N * log(N) / (2.0 * (N - 1.0) * log(2.0));
  return N * (1.0 - pow(N, mu)) / (2.0 * (N - 1.0) * (1.0 - pow(2.0, mu)));
}

/* The phase noise exponent mu (2 .. -2) whose expected B1 the measured one is nearest on a
 * log scale: the boundaries are geometric means of neighbouring expectations. */
static int b1_mu(double b1, double N)
{
  for (int mu = 2; mu > -2; mu--)
    if (b1 > sqrt(b1_expected(N, mu) * b1_expected(N, mu - 1)))
      return mu;
  return -2;
}

/* R(n) = MVAR / AVAR (NIST TN 1337, table 2; measurement bandwidth 1 / (2 tau0)): 1/m for
 * white PM, 3.37 / (1.04 + 3 ln(pi m)) for flicker PM, 0.5 and 0.67 for white and flicker
 * FM (random-walk FM's 0.82 is too near to tell apart).  The nearest on a log scale wins. */
static int rn_alpha(const struct st_data *d, size_t m, int *alpha)
{
  size_t c1, c2;
  double mdev = st_mdev(d, m, &c1), oadev = st_oadev(d, m, &c2);
  if (!c1 || !c2 || !(oadev > 0.0))
    return -1;
  double rn = mdev * mdev / (oadev * oadev);
  double expect[4] = {1.0 / (double)m, 3.37 / (1.04 + 3.0 * log(M_PI * (double)m)), 0.5,
                      0.67};
  *alpha = 2;
  for (int k = 0; k < 3 && rn > sqrt(expect[k] * expect[k + 1]); k++)
    (*alpha)--;
  return 0;
}

/* The B1 method: the standard variance of the K frequency averages at m over their
 * non-overlapping Allan variance, against the expectations for the statistic's own number
 * of terms; white or flicker PM (mu = -2) is then told apart by R(n). */
static int b1_alpha(const struct st_data *d, size_t m, size_t count, const double *ybar,
                    size_t K, int *alpha)
{
  if (K < 2 || count < 2)
    return -1;
  double mean = 0.0, svar = 0.0, avar = 0.0;
  size_t kv = 0, pairs = 0; /* averages and neighbouring pairs without a gap */
  for (size_t k = 0; k < K; k++)
    if (!isnan(ybar[k])) {
      mean += ybar[k];
      kv++;
    }
  if (kv < 2)
    return -1;
  mean /= (double)kv;
  for (size_t k = 0; k < K; k++) {
    if (isnan(ybar[k]))
      continue;
    svar += (ybar[k] - mean) * (ybar[k] - mean);
    if (k + 1 < K && !isnan(ybar[k + 1])) {
      avar += (ybar[k + 1] - ybar[k]) * (ybar[k + 1] - ybar[k]);
      pairs++;
    }
  }
  if (!(avar > 0.0))
    return -1;
  svar /= (double)(kv - 1);
  avar /= 2.0 * (double)pairs;
  int mu = b1_mu(svar / avar, (double)count);
  if (mu == -2)
    return rn_alpha(d, m, alpha);
  *alpha = -mu - 1;
  return 0;
}

int st_noise_id(const struct st_data *d, enum st_stat s, size_t m, int *alpha)
{
  if (m == 0 || d->n < 2 * m + 1)
    return -1;
  int hadamard = s == ST_HDEV || s == ST_OHDEV, rc;
  size_t K = (d->n - 1) / m; /* frequency averages at tau; K + 1 phase points */
  if (K >= ST_ACF_MIN_POINTS) {
    /* Phase data: the decimated phase, and alpha = p + 2; frequency data: the averaged
     * frequency, and alpha = p.  The phase keeps its line: a frequency offset is part of
     * what Stable32 looks at. */
    struct diffseries z = {d, m, K + 1, 0};
    if (d->from_freq) {
      z.order = 1;
      z.len = K;
    }
    *alpha = (int)lround(acf_p(&z, hadamard ? 3 : 2) + (d->from_freq ? 0.0 : 2.0));
    rc = 0;
  } else if (s != ST_TOTDEV && K < 2 * st_stop_ratio(s)) {
    rc = rn_alpha(d, m, alpha);
  } else {
    double ybar[ST_ACF_MIN_POINTS];
    for (size_t k = 0; k < K; k++)
      ybar[k] = d->from_freq && d->ngap && !st_gap_span_ok(d, k * m, (k + 1) * m)
                    ? NAN
                    : st_phase_at(d, (k + 1) * m) - st_phase_at(d, k * m);
    rc = b1_alpha(d, m, st_count(s, d->n, m), ybar, K, alpha);
  }
  int lowest = hadamard ? -4 : -2;
  if (rc == 0 && *alpha > 2)
    *alpha = 2;
  if (rc == 0 && *alpha < lowest)
    *alpha = lowest;
  return rc;
}
