/* Unit tests of stats/: the published values of NIST SP 1065 (the NBS 9-point set and the
 * 1000-point test set) and Stable32's TIE rms and MTIE of the latter's phase form, phase
 * and frequency input giving the same answer, robustness to
 * large time and frequency offsets, the fast estimators against the textbook sums, term
 * counts and averaging factors, the chi-squared quantiles, the EDF, and the loader. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/rng.h"
#include "stats/stats.h"
#include "tests/testutil.h"

/* Whether v shows as printed with sig significant digits: within half a unit of the last
 * digit, plus 2e-8 relative for the arithmetic of the published computation (SP 1065's
 * HDEV at tau = 100 of the 1000-point set, 3.910860e-02, is 3.9108606e-02 in exact
 * arithmetic: 0.56 units of its last digit). */
static int as_printed(double v, double printed, int sig)
{
  double ulp = pow(10.0, floor(log10(fabs(printed))) - (sig - 1));
  return fabs(v - printed) <= 0.5 * ulp + 2e-8 * fabs(printed);
}

#define ck_printed(v, printed, sig, what)                                                   \
  ck_assert_msg(as_printed(v, printed, sig), "%s: %.10g, published %.*g", what, v, sig,    \
                printed)

static void phase_from_freq(const double *y, size_t n, double *x)
{
  x[0] = 0.0;
  for (size_t i = 0; i < n; i++)
    x[i + 1] = x[i] + y[i];
}

/* SP 1065's validation table for the NBS 9-point frequency data set (p. 107 of the 2008
 * edition), at tau = 1 and 2. */
START_TEST(test_nbs9_published)
{
  static const double y[9] = {892, 809, 823, 798, 671, 644, 883, 903, 677};
  /* The set's phase form as SP 1065 prints it (rounded to 1e-5). */
  static const double xp[10] = {0.0,       103.11111, 123.22222, 157.33333, 166.44444,
                                48.55555,  -96.33333, -2.22222,  111.88889, 0.0};
  static const struct {
    enum st_stat s;
    double v1, v2;
  } pub[] = {{ST_ADEV, 91.22945, 115.8082},  {ST_OADEV, 91.22945, 85.95287},
             {ST_MDEV, 91.22945, 74.78849},  {ST_TDEV, 52.67135, 86.35831},
             {ST_HDEV, 70.80607, 116.7980},  {ST_OHDEV, 70.80607, 85.61487},
             {ST_TOTDEV, 91.22945, 93.90379}};
  double x[10];
  phase_from_freq(y, 9, x);
  struct st_data d[3];
  char err[256];
  ck_assert_int_eq(st_data_freq(&d[0], y, 9, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&d[1], x, 10, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&d[2], xp, 10, 1.0, err, sizeof err), 0);
  for (int k = 0; k < 3; k++)
    for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++) {
      size_t c1, c2;
      char what[64];
      snprintf(what, sizeof what, "%s (input %d)", st_stat_name(pub[i].s), k);
      ck_printed(st_dev(pub[i].s, &d[k], 1, &c1), pub[i].v1, 7, what);
      ck_printed(st_dev(pub[i].s, &d[k], 2, &c2), pub[i].v2, 7, what);
    }
  for (int k = 0; k < 3; k++)
    st_data_free(&d[k]);
}
END_TEST

/* The 1000-point test set: n0 = 1234567890, n[i+1] = 16807 n[i] mod 2147483647,
 * y = n / 2147483647. */
static void nbs1000(double *y)
{
  long long n = 1234567890;
  for (int i = 0; i < 1000; i++) {
    y[i] = (double)n / 2147483647.0;
    n = 16807 * n % 2147483647;
  }
}

/* SP 1065's validation table for the 1000-point set (p. 108), at tau = 1, 10 and 100. */
START_TEST(test_nbs1000_published)
{
  static const struct {
    enum st_stat s;
    double v[3];
  } pub[] = {
      {ST_ADEV, {2.922319e-01, 9.965736e-02, 3.897804e-02}},
      {ST_OADEV, {2.922319e-01, 9.159953e-02, 3.241343e-02}},
      {ST_MDEV, {2.922319e-01, 6.172376e-02, 2.170921e-02}},
      {ST_TDEV, {1.687202e-01, 3.563623e-01, 1.253382e+00}},
      {ST_HDEV, {2.943883e-01, 1.052754e-01, 3.910860e-02}},
      {ST_OHDEV, {2.943883e-01, 9.581083e-02, 3.237638e-02}},
      {ST_TOTDEV, {2.922319e-01, 9.134743e-02, 3.406530e-02}},
  };
  static const size_t ms[3] = {1, 10, 100};
  double y[1000], x[1001];
  nbs1000(y);
  ck_assert_int_eq((long long)(y[1] * 2147483647.0 + 0.5), 395529916); /* SP 1065's check */
  phase_from_freq(y, 1000, x);
  struct st_data d[2];
  char err[256];
  ck_assert_int_eq(st_data_freq(&d[0], y, 1000, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&d[1], x, 1001, 1.0, err, sizeof err), 0);
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++)
      for (int j = 0; j < 3; j++) {
        size_t c;
        char what[64];
        snprintf(what, sizeof what, "%s tau %zu (%s)", st_stat_name(pub[i].s), ms[j],
                 k ? "phase" : "freq");
        ck_printed(st_dev(pub[i].s, &d[k], ms[j], &c), pub[i].v[j], 7, what);
      }
  st_data_free(&d[0]);
  st_data_free(&d[1]);
}
END_TEST

/* PHASE.DAT, distributed with Stable32, is the 1000-point set as phase with its mean
 * frequency removed; Stable32's TIE rms and MTIE of it (../shared/data/stability/phasedat,
 * 5 digits) hold without the file. */
START_TEST(test_phasedat_tie)
{
  double y[1000], x[1001], mean = 0.0;
  nbs1000(y);
  for (int i = 0; i < 1000; i++)
    mean += y[i] / 1000.0;
  x[0] = 0.0;
  for (int i = 0; i < 1000; i++)
    x[i + 1] = x[i] + (y[i] - mean);
  ck_assert_double_eq_tol(x[1], 8.511601033439709e-02, 1e-12); /* the file's second line */
  struct st_data d;
  char err[256];
  ck_assert_int_eq(st_data_phase(&d, x, 1001, 1.0, err, sizeof err), 0);
  static const struct {
    size_t m, n;
    double v;
  } tie[] = {{1, 1000, 2.8832e-01},  {2, 999, 4.0240e-01},  {10, 991, 8.7588e-01},
             {21, 980, 1.2213e+00},  {247, 754, 2.6144e+00}},
    mtie[] = {{1, 1000, 5.0597e-01},  {3, 998, 1.2984e+00},  {7, 994, 2.2922e+00},
              {15, 986, 2.9949e+00},  {31, 970, 4.4550e+00}, {63, 938, 6.5989e+00},
              {127, 874, 6.8061e+00}, {255, 746, 7.8205e+00}, {511, 490, 7.8205e+00}};
  for (size_t k = 0; k < sizeof tie / sizeof tie[0]; k++) {
    size_t c;
    ck_printed(st_tierms(&d, tie[k].m, &c), tie[k].v, 5, "TIE rms");
    ck_assert_uint_eq(c, tie[k].n);
  }
  for (size_t k = 0; k < sizeof mtie / sizeof mtie[0]; k++) {
    size_t c;
    ck_printed(st_mtie(&d, mtie[k].m, &c), mtie[k].v, 5, "MTIE");
    ck_assert_uint_eq(c, mtie[k].n);
  }
  st_data_free(&d);
}
END_TEST

/* The same clock as frequency and as phase gives the same statistics, all of them. */
START_TEST(test_phase_freq_same)
{
  enum { N = 5000 };
  static double y[N], x[N + 1];
  struct rng r;
  rng_seed(&r, 11, 0);
  for (int i = 0; i < N; i++)
    y[i] = 3e-9 + 1e-11 * rng_normal(&r) + (i ? 0.3 * y[i - 1] : 0.0);
  for (int i = 0; i <= N; i++)
    x[i] = 0.0;
  for (int i = 0; i < N; i++)
    x[i + 1] = x[i] + 10.0 * y[i];
  struct st_data df, dp;
  char err[256];
  ck_assert_int_eq(st_data_freq(&df, y, N, 10.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&dp, x, N + 1, 10.0, err, sizeof err), 0);
  ck_assert_uint_eq(df.n, dp.n);
  for (int s = 0; s < ST_NSTATS; s++)
    for (size_t m = 1; m <= st_max_af((enum st_stat)s, dp.n); m *= 2) {
      size_t cf, cp;
      double vf = st_dev((enum st_stat)s, &df, m, &cf), vp = st_dev((enum st_stat)s, &dp, m, &cp);
      ck_assert_uint_eq(cf, cp);
      ck_assert_msg(fabs(vf - vp) <= 1e-9 * fabs(vp), "%s m=%zu: %.15g vs %.15g",
                    st_stat_name((enum st_stat)s), m, vf, vp);
    }
  st_data_free(&df);
  st_data_free(&dp);
}
END_TEST

/* DESIGN.md section 6: 1e6 points of 1e-11 noise with a 1 ms time offset and a 1e-8
 * frequency offset added: the statistics blind to a line change by less than 1e-9. */
START_TEST(test_offsets_robust)
{
  enum { N = 1000000 };
  double *x = malloc(sizeof(double) * N), *xo = malloc(sizeof(double) * N);
  double *y = malloc(sizeof(double) * N), *yo = malloc(sizeof(double) * N);
  ck_assert_ptr_nonnull(x);
  ck_assert_ptr_nonnull(xo);
  ck_assert_ptr_nonnull(y);
  ck_assert_ptr_nonnull(yo);
  struct rng r;
  rng_seed(&r, 5, 0);
  x[0] = 0.0;
  for (int i = 1; i < N; i++)
    x[i] = x[i - 1] + 1e-11 * rng_normal(&r); /* white FM, ADEV 1e-11 at 1 s */
  for (int i = 0; i < N; i++) {
    xo[i] = x[i] + 1e-3 + 1e-8 * (double)i;
    y[i] = 1e-11 * rng_normal(&r);
    yo[i] = y[i] + 1e-8;
  }
  static const enum st_stat blind[] = {ST_ADEV, ST_OADEV, ST_MDEV, ST_TDEV,
                                       ST_HDEV, ST_OHDEV, ST_TOTDEV};
  struct st_data d[4];
  char err[256];
  ck_assert_int_eq(st_data_phase(&d[0], x, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&d[1], xo, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_freq(&d[2], y, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_freq(&d[3], yo, N, 1.0, err, sizeof err), 0);
  double worst = 0.0;
  for (int pair = 0; pair < 4; pair += 2)
    for (size_t i = 0; i < sizeof blind / sizeof blind[0]; i++)
      for (size_t m = 1; m <= st_max_af(blind[i], N); m *= 4) {
        size_t c0, c1;
        double v0 = st_dev(blind[i], &d[pair], m, &c0);
        double v1 = st_dev(blind[i], &d[pair + 1], m, &c1);
        double rel = fabs(v1 - v0) / v0;
        worst = rel > worst ? rel : worst;
        ck_assert_msg(rel < 1e-9, "%s m=%zu (%s): %.17g vs %.17g, %.2e relative",
                      st_stat_name(blind[i]), m, pair ? "freq" : "phase", v0, v1, rel);
      }
  printf("offsets: worst relative change %.2e\n", worst);
  for (int k = 0; k < 4; k++)
    st_data_free(&d[k]);
  free(x);
  free(xo);
  free(y);
  free(yo);
}
END_TEST

/* The textbook sums of SP 1065, term by term, to check the fast forms against. */
static double naive_mvar(const double *x, size_t n, size_t m)
{
  double s = 0.0;
  for (size_t j = 0; j + 3 * m <= n; j++) {
    double w = 0.0;
    for (size_t i = j; i < j + m; i++)
      w += x[i + 2 * m] - 2.0 * x[i + m] + x[i];
    s += w * w;
  }
  return s / (2.0 * (double)(m * m) * (double)(m * m) * (double)(n - 3 * m + 1));
}

static double naive_totvar(const double *x, size_t n, size_t m)
{
  /* x* over indices -(n-1) .. 2(n-1), built explicitly. */
  size_t off = n - 1, len = 3 * n - 2;
  double *xs = malloc(sizeof(double) * len), s = 0.0;
  for (size_t k = 0; k < len; k++) {
    long j = (long)k - (long)off;
    xs[k] = j < 0                 ? 2.0 * x[0] - x[-j]
            : (size_t)j > n - 1 ? 2.0 * x[n - 1] - x[2 * (n - 1) - (size_t)j]
                                : x[j];
  }
  for (size_t i = 1; i + 1 < n; i++) {
    double e = xs[off + i - m] - 2.0 * xs[off + i] + xs[off + i + m];
    s += e * e;
  }
  free(xs);
  return s / (2.0 * (double)(m * m) * (double)(n - 2));
}

static double naive_mtie(const double *x, size_t n, size_t m)
{
  double best = 0.0;
  for (size_t i = 0; i + m < n; i++) {
    double hi = x[i], lo = x[i];
    for (size_t k = i; k <= i + m; k++) {
      hi = fmax(hi, x[k]);
      lo = fmin(lo, x[k]);
    }
    best = fmax(best, hi - lo);
  }
  return best;
}

START_TEST(test_fast_forms)
{
  enum { N = 3001 };
  static double x[N];
  struct rng r;
  rng_seed(&r, 3, 0);
  x[0] = 0.0;
  for (int i = 1; i < N; i++)
    x[i] = x[i - 1] + 2e-9 + rng_normal(&r) * 1e-9 + 0.5e-9 * rng_normal(&r);
  struct st_data d;
  char err[256];
  ck_assert_int_eq(st_data_phase(&d, x, N, 1.0, err, sizeof err), 0);
  static const size_t ms[] = {1, 2, 3, 5, 7, 16, 33, 100, 250, 999};
  double mt[sizeof ms / sizeof ms[0]];
  size_t mc[sizeof ms / sizeof ms[0]];
  ck_assert_int_eq(st_mtie_list(&d, ms, sizeof ms / sizeof ms[0], mt, mc), 0);
  for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
    size_t m = ms[k], c;
    double ref = sqrt(naive_mvar(x, N, m));
    ck_assert_double_eq_tol(st_mdev(&d, m, &c), ref, 1e-12 * ref);
    ck_assert_uint_eq(c, N - 3 * m + 1);
    ref = sqrt(naive_totvar(x, N, m));
    ck_assert_double_eq_tol(st_totdev(&d, m, &c), ref, 1e-12 * ref);
    ref = naive_mtie(x, N, m);
    ck_assert_double_eq_tol(mt[k], ref, 1e-12 * ref);
    ck_assert_double_eq_tol(st_mtie(&d, m, &c), ref, 1e-12 * ref);
    ck_assert_uint_eq(c, N - m);
    double s = 0.0;
    for (size_t i = 0; i + m < N; i++)
      s += (x[i + m] - x[i]) * (x[i + m] - x[i]);
    ref = sqrt(s / (double)(N - m));
    ck_assert_double_eq_tol(st_tierms(&d, m, &c), ref, 1e-12 * ref);
  }
  st_data_free(&d);
}
END_TEST

START_TEST(test_counts_and_taus)
{
  /* Stable32's counts for 1001 phase points at m = 2 (its PHASE.DAT runs). */
  ck_assert_uint_eq(st_count(ST_ADEV, 1001, 2), 499);
  ck_assert_uint_eq(st_count(ST_OADEV, 1001, 2), 997);
  ck_assert_uint_eq(st_count(ST_MDEV, 1001, 2), 996);
  ck_assert_uint_eq(st_count(ST_HDEV, 1001, 2), 498);
  ck_assert_uint_eq(st_count(ST_OHDEV, 1001, 2), 995);
  ck_assert_uint_eq(st_count(ST_TOTDEV, 1001, 2), 999);
  ck_assert_uint_eq(st_count(ST_TIERMS, 1001, 2), 999);
  ck_assert_uint_eq(st_count(ST_ADEV, 5, 3), 0);
  ck_assert_uint_eq(st_max_af(ST_ADEV, 1001), 199);
  ck_assert_uint_eq(st_max_af(ST_OADEV, 1001), 249);
  ck_assert_uint_eq(st_max_af(ST_TOTDEV, 1001), 499);

  size_t *afs, naf;
  int limited;
  char err[256];
  ck_assert_int_eq(st_taus("octave", 1001, 1.0, 1u << ST_ADEV, &afs, &naf, &limited, err,
                           sizeof err), 0);
  ck_assert_int_eq(limited, 1);
  ck_assert_uint_eq(naf, 8); /* 1 .. 128, as Stable32's octave ADEV run of PHASE.DAT */
  ck_assert_uint_eq(afs[7], 128);
  free(afs);
  ck_assert_int_eq(st_taus("octave", 1001, 1.0, ST_ALL_STATS, &afs, &naf, &limited, err,
                           sizeof err), 0);
  ck_assert_uint_eq(afs[naf - 1], 256); /* TOTDEV and MTIE go to N/2 */
  free(afs);
  ck_assert_int_eq(st_taus("decade", 100000, 1.0, 1u << ST_OADEV, &afs, &naf, &limited, err,
                           sizeof err), 0);
  static const size_t dec[] = {1, 2, 4, 10, 20, 40, 100, 200, 400, 1000, 2000, 4000, 10000, 20000};
  ck_assert_uint_eq(naf, sizeof dec / sizeof dec[0]);
  for (size_t k = 0; k < naf; k++)
    ck_assert_uint_eq(afs[k], dec[k]);
  free(afs);
  ck_assert_int_eq(st_taus("all", 101, 1.0, 1u << ST_MDEV, &afs, &naf, &limited, err,
                           sizeof err), 0);
  ck_assert_uint_eq(naf, 24);
  ck_assert_uint_eq(afs[23], 24);
  free(afs);
  ck_assert_int_eq(st_taus("100, 10,1,10", 1001, 1.0, 1, &afs, &naf, &limited, err,
                           sizeof err), 0);
  ck_assert_int_eq(limited, 0);
  ck_assert_uint_eq(naf, 3);
  ck_assert_uint_eq(afs[0], 1);
  ck_assert_uint_eq(afs[2], 100);
  free(afs);
  ck_assert_int_eq(st_taus("0.5,1.5", 1001, 0.5, 1, &afs, &naf, &limited, err, sizeof err), 0);
  ck_assert_uint_eq(afs[1], 3);
  free(afs);
  static const char *const bad[] = {"", "1,,2", "x", "-10", "0", "1.5", "1e9", "nan", "1,2x"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    ck_assert_msg(st_taus(bad[k], 1001, 1.0, 1, &afs, &naf, &limited, err, sizeof err) == -1,
                  "'%s' accepted", bad[k]);
    ck_assert_ptr_null(afs);
  }
  ck_assert_int_eq(st_stat_parse("ohdev"), ST_OHDEV);
  ck_assert_int_eq(st_stat_parse("OADEV"), -1);
  ck_assert_str_eq(st_stat_name(ST_TIERMS), "tierms");
}
END_TEST

START_TEST(test_chi2)
{
  /* nu = 2: the exponential law, chi^2_p = -2 ln(1 - p) exactly. */
  for (double p = 0.001; p < 1.0; p += 0.0997)
    ck_assert_double_eq_tol(st_chi2_quantile(p, 2.0), -2.0 * log1p(-p), 1e-12);
  /* nu = 1: the square of a normal, P(1/2, x/2) = erf(sqrt(x/2)). */
  for (double x = 0.01; x < 30.0; x *= 1.7)
    ck_assert_double_eq_tol(st_gamma_p(0.5, x / 2.0), erf(sqrt(x / 2.0)), 1e-14);
  ck_assert_double_eq_tol(st_chi2_quantile(0.5, 1.0), 0.454936423119572, 1e-12);
  /* Table values. */
  ck_assert_double_eq_tol(st_chi2_quantile(0.95, 10.0), 18.307038053275146, 1e-9);
  ck_assert_double_eq_tol(st_chi2_quantile(0.05, 10.0), 3.9402991361190605, 1e-9);
  ck_assert_double_eq_tol(st_chi2_quantile(0.99, 100.0), 135.80672317102676, 1e-8);
  ck_assert_double_eq_tol(st_gamma_p(5.0, 5.0), 0.559506714934788, 1e-14);
  /* Small and huge degrees of freedom: the quantile inverts P to the last digits. */
  static const double nus[] = {0.3, 1.7, 4.2, 97.0, 3e4, 2.8e6};
  for (size_t k = 0; k < sizeof nus / sizeof nus[0]; k++)
    for (double p = 0.02; p < 1.0; p += 0.16) {
      double q = st_chi2_quantile(p, nus[k]);
      ck_assert_double_eq_tol(st_gamma_p(nus[k] / 2.0, q / 2.0), p, 1e-11);
    }
  /* The interval: exact at 95 % with 10 degrees of freedom. */
  double lo, hi;
  ck_assert_int_eq(st_ci(1.0, 10.0, 0.95, 1, &lo, &hi), 0);
  ck_assert_double_eq_tol(lo, sqrt(10.0 / 20.483177350807388), 1e-10);
  ck_assert_double_eq_tol(hi, sqrt(10.0 / 3.2469727802368109), 1e-10);
  ck_assert_int_eq(st_ci(1.0, NAN, 0.683, 0, &lo, &hi), -1);
  ck_assert(isnan(lo) && isnan(hi));
}
END_TEST

START_TEST(test_edf)
{
  /* SP 1065 table 7: TOTDEV's edf = b T/tau - c. */
  ck_assert_double_eq_tol(st_edf(ST_TOTDEV, 0, 16, 1001), 1.5 * 1001 / 16, 1e-12);
  ck_assert_double_eq_tol(st_edf(ST_TOTDEV, -1, 16, 1001), 1.17 * 1001 / 16 - 0.22, 1e-12);
  ck_assert_double_eq_tol(st_edf(ST_TOTDEV, -2, 16, 1001), 0.93 * 1001 / 16 - 0.36, 1e-12);
  /* Greenhall 3.6.4, white PM, unmodified: M / (a0 - a1 / r), table 2 (35/18, 1) for d = 2. */
  double M = 55688 - 2.0;
  ck_assert_double_eq_tol(st_edf(ST_OADEV, 2, 1, 55688), M / (35.0 / 18.0 - 1.0 / M),
                          1e-9 * M);
  /* Where the basic sum hands over to the tables (J crosses 100 between m = 33 and 34 for
   * OADEV) the edf changes smoothly. */
  for (int alpha = 2; alpha >= -2; alpha--) {
    double e33 = st_edf(ST_OADEV, alpha, 33, 100000), e34 = st_edf(ST_OADEV, alpha, 34, 100000);
    ck_assert_msg(e34 < e33 && e34 > 0.9 * e33, "alpha %d: %g %g", alpha, e33, e34);
    double m33 = st_edf(ST_MDEV, alpha, 33, 100000), m34 = st_edf(ST_MDEV, alpha, 34, 100000);
    ck_assert_msg(m34 < m33 && m34 > 0.9 * m33, "mdev alpha %d: %g %g", alpha, m33, m34);
  }
  /* Values Stable32's intervals imply (PHASE.DAT, white FM, N = 1001). */
  ck_assert_double_eq_tol(st_edf(ST_ADEV, 0, 64, 1001), 9.5610, 2e-3);
  ck_assert_double_eq_tol(st_edf(ST_ADEV, 0, 2, 1001), 356.32, 0.05);
  /* Out of the algorithm's domain. */
  ck_assert(isnan(st_edf_greenhall(-3, 2, 1, 1000, 1, 0)));
  ck_assert(isnan(st_edf(ST_OADEV, 0, 501, 1001)));
  ck_assert(isnan(st_edf(ST_MTIE, 0, 1, 1001)));
}
END_TEST

START_TEST(test_load)
{
  char *dir = th_mkdtemp("stats");
  ck_assert_ptr_nonnull(dir);
  char path[512], err[256];
  double *v;
  size_t n;
  snprintf(path, sizeof path, "%s/ok.txt", dir);
  char longline[2000];
  memset(longline, 'x', sizeof longline);
  memcpy(longline, "7.5 ", 4);
  longline[sizeof longline - 1] = '\0';
  FILE *f = fopen(path, "w");
  fprintf(f, "# header\n\n1.5\n  -2e-9 extra columns\n3,4\r\n4;5 # note\n%s\n8\n", longline);
  fclose(f);
  ck_assert_int_eq(st_load(path, &v, &n, err, sizeof err), 0);
  ck_assert_uint_eq(n, 6);
  ck_assert_double_eq(v[0], 1.5);
  ck_assert_double_eq(v[1], -2e-9);
  ck_assert_double_eq(v[2], 3.0);
  ck_assert_double_eq(v[3], 4.0);
  ck_assert_double_eq(v[4], 7.5);
  ck_assert_double_eq(v[5], 8.0);
  free(v);

  /* A first field longer than any buffer, a number after 600 blanks, a subnormal value:
   * read as they are (issue 10: 0.5 and 600 zeros e3 was read as 0.5, the blanks' line
   * was dropped, the subnormal was "not a number"). */
  snprintf(path, sizeof path, "%s/odd.txt", dir);
  char odd[1400];
  int at = snprintf(odd, sizeof odd, "0.5");
  memset(odd + at, '0', 600);
  at += 600;
  at += snprintf(odd + at, sizeof odd - (size_t)at, "e3\n");
  memset(odd + at, ' ', 600);
  at += 600;
  snprintf(odd + at, sizeof odd - (size_t)at, "2.5\n4.9e-320\n");
  th_write_file(path, odd);
  ck_assert_int_eq(st_load(path, &v, &n, err, sizeof err), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_double_eq(v[0], 500.0);
  ck_assert_double_eq(v[1], 2.5);
  ck_assert(v[2] > 0 && v[2] < 1e-300);
  free(v);

  snprintf(path, sizeof path, "%s/ok.gz", dir);
  gzFile g = gzopen(path, "wb");
  for (int i = 0; i < 20000; i++)
    gzprintf(g, "%d.25\n", i);
  gzclose(g);
  ck_assert_int_eq(st_load(path, &v, &n, err, sizeof err), 0);
  ck_assert_uint_eq(n, 20000);
  ck_assert_double_eq(v[19999], 19999.25);
  free(v);

  static const struct {
    const char *text, *want;
  } bad[] = {{"1\n2\nabc\n", "bad.txt:3: not a number: 'abc'"},
             {"1\n\n2x 3\n", "bad.txt:3: not a number: '2x'"},
             {"1\nnan\n", "bad.txt:2: not a finite number"},
             {"1\n-inf\n", "bad.txt:2: not a finite number"},
             {"1e999\n", "bad.txt:1: a number beyond a double's range"},
             {"# nothing\n\n", "bad.txt: no numbers"}};
  snprintf(path, sizeof path, "%s/bad.txt", dir);
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    th_write_file(path, bad[k].text);
    ck_assert_int_eq(st_load(path, &v, &n, err, sizeof err), -1);
    ck_assert_msg(strstr(err, bad[k].want) != NULL, "'%s' for %s", err, bad[k].want);
  }
  snprintf(path, sizeof path, "%s/absent", dir);
  ck_assert_int_eq(st_load(path, &v, &n, err, sizeof err), -1);
  th_rmtree(dir);
  free(dir);

  /* A gap inside is kept (issue 14), one at either end is refused, so is an infinity. */
  struct st_data d;
  double x[3] = {1, NAN, 3};
  ck_assert_int_eq(st_data_phase(&d, x, 3, 1.0, err, sizeof err), 0);
  ck_assert_uint_eq(d.ngap, 1);
  ck_assert_uint_eq(d.gap[0], 1);
  st_data_free(&d);
  x[1] = INFINITY;
  ck_assert_int_eq(st_data_phase(&d, x, 3, 1.0, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "point 2 is infinite"));
  x[0] = NAN;
  ck_assert_int_eq(st_data_phase(&d, x, 3, 1.0, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "start with a gap"));
  ck_assert_int_eq(st_data_phase(&d, x, 1, 1.0, err, sizeof err), -1);
  ck_assert_int_eq(st_data_freq(&d, x, 1, -1.0, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "tau0"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("stats");
  TCase *tc = tcase_create("stats");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_nbs9_published);
  tcase_add_test(tc, test_nbs1000_published);
  tcase_add_test(tc, test_phasedat_tie);
  tcase_add_test(tc, test_phase_freq_same);
  tcase_add_test(tc, test_offsets_robust);
  tcase_add_test(tc, test_fast_forms);
  tcase_add_test(tc, test_counts_and_taus);
  tcase_add_test(tc, test_chi2);
  tcase_add_test(tc, test_edf);
  tcase_add_test(tc, test_load);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
