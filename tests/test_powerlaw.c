/* Tests of sim/powerlaw: the Kasdin-Walter series have the Allan deviation levels and
 * slopes that NIST SP 1065's conversion formulas predict, are identified as the noise they
 * are, and drift and frequency steps give their exact ADEV. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/powerlaw.h"
#include "stats/stats.h"
#include "tests/testutil.h"

static const char *const names[] = {"RWFM", "FFM", "WFM", "FPM", "WPM"}; /* alpha -2 .. 2 */

/* The unit process (white noise of variance 1 through the filter, tau0 = 1) has
 * h_alpha = 2 (2 pi)^alpha; its exact Allan variance must approach SP 1065's at large m,
 * and equal the closed forms where there are some. */
START_TEST(test_unit_levels)
{
  for (size_t m = 1; m <= 1000; m *= 10) {
    double dm = (double)m;
    ck_assert_double_eq_tol(pl_avar_unit(PL_WPM, m), 3.0 / (dm * dm), 1e-14);
    ck_assert_double_eq_tol(pl_avar_unit(PL_WFM, m), 1.0 / dm, 1e-14);
    ck_assert_double_eq_tol(pl_avar_unit(PL_RWFM, m), (2.0 * dm * dm + 1.0) / (6.0 * dm),
                            1e-12 * dm);
  }
  /* Within 1 %, and 2 % for flicker PM: the constant 1.038 of its formula belongs to a
   * sharp cutoff at f_h = 1 / (2 tau0), where the discrete filter's spectrum rolls off as
   * 1 / sin(pi f tau0) (1.4 % at m = 1000). */
  for (int alpha = -2; alpha <= 2; alpha++) {
    double h = 2.0 * pow(2.0 * M_PI, alpha), sp = pl_adev_sp1065(alpha, h, 1000.0, 1.0);
    double ours = sqrt(pl_avar_unit(alpha, 1000));
    ck_assert_msg(fabs(ours / sp - 1.0) < (alpha == PL_FPM ? 0.02 : 0.01),
                  "%s: %.6g vs SP 1065 %.6g", names[alpha + 2], ours, sp);
    ck_assert_double_eq_tol(pl_h_sp1065(alpha, sp, 1000.0, 1.0), h, 1e-12 * h);
  }
  ck_assert(isnan(pl_avar_unit(3, 1)));
}
END_TEST

/* Least-squares slope of log y against log x. */
static double loglog_slope(const double *x, const double *y, int n)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; i++) {
    double lx = log(x[i]), ly = log(y[i]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* Each noise at 1e-11 at tau = 10 s, 2^18 points of 1 s, three seeds: the OADEV at 10 s is
 * 1e-11, and from 16 s to 1024 s it follows SP 1065's formula for the h that level implies,
 * in level (within four standard deviations of the estimate, from its edf, plus 2 % for
 * the difference between the discrete filter and the formula's continuous spectrum) and
 * in slope (within 0.06). */
START_TEST(test_levels_and_slopes)
{
  int alpha = 2 - _i;
  enum { N = 1 << 18, SEEDS = 3, NT = 5 };
  static const size_t ms[NT] = {16, 32, 64, 256, 1024};
  double *x = malloc(sizeof(double) * N), at10 = 0.0, mean[NT] = {0}, pred[NT], tau[NT];
  ck_assert_ptr_nonnull(x);
  double h = pl_h_sp1065(alpha, 1e-11, 10.0, 1.0);
  for (int seed = 0; seed < SEEDS; seed++) {
    struct rng r;
    rng_seed(&r, 1000 + (uint64_t)seed, (uint64_t)(alpha + 2));
    memset(x, 0, sizeof(double) * N);
    ck_assert_int_eq(pl_add_noise(x, N, 1.0, alpha, 1e-11, 10.0, &r), 0);
    struct st_data d;
    char err[256];
    ck_assert_int_eq(st_data_phase(&d, x, N, 1.0, err, sizeof err), 0);
    size_t c;
    at10 += st_oadev(&d, 10, &c) / SEEDS;
    for (int k = 0; k < NT; k++)
      mean[k] += st_oadev(&d, ms[k], &c) / SEEDS;
    /* At 4 tau0: flicker PM's lag-1 autocorrelation is 1/3 in theory, the method's very
     * boundary with white PM; the discrete filter keeps it clearly above at short lags. */
    int id;
    ck_assert_int_eq(st_noise_id(&d, ST_OADEV, 4, &id), 0);
    ck_assert_msg(id == alpha, "%s identified as alpha %d", names[alpha + 2], id);
    st_data_free(&d);
  }
  double sd10 = 1.0 / sqrt(2.0 * SEEDS * st_edf(ST_OADEV, alpha, 10, N));
  ck_assert_msg(fabs(at10 / 1e-11 - 1.0) < 4.0 * sd10 + 0.005, "%s at 10 s: %.4e",
                names[alpha + 2], at10);
  for (int k = 0; k < NT; k++) {
    tau[k] = (double)ms[k];
    pred[k] = pl_adev_sp1065(alpha, h, tau[k], 1.0);
    double sd = 1.0 / sqrt(2.0 * SEEDS * st_edf(ST_OADEV, alpha, ms[k], N));
    ck_assert_msg(fabs(mean[k] / pred[k] - 1.0) < 4.0 * sd + 0.02,
                  "%s at %zu s: %.4e, SP 1065 %.4e (sd %.3f)", names[alpha + 2], ms[k],
                  mean[k], pred[k], sd);
  }
  double slope = loglog_slope(tau, mean, NT), want = loglog_slope(tau, pred, NT);
  printf("%s: ADEV(10 s) %.4e; slope %.3f, SP 1065 %.3f\n", names[alpha + 2], at10, slope,
         want);
  ck_assert_msg(fabs(slope - want) < 0.06, "%s: slope %.3f, SP 1065 %.3f", names[alpha + 2],
                slope, want);
  free(x);
}
END_TEST

/* A linear drift D gives sigma_y(tau) = D tau / sqrt(2) exactly; a frequency step turns
 * the phase by dy per second from its time on. */
START_TEST(test_drift_and_step)
{
  enum { N = 100001 };
  double *x = calloc(N, sizeof(double));
  ck_assert_ptr_nonnull(x);
  pl_add_drift(x, N, 1.0, 1e-12, 100.0);
  struct st_data d;
  char err[256];
  ck_assert_int_eq(st_data_phase(&d, x, N, 1.0, err, sizeof err), 0);
  size_t c;
  ck_assert_double_eq_tol(st_adev(&d, 100, &c), 1e-12, 1e-20);
  ck_assert_double_eq_tol(st_oadev(&d, 1000, &c), 1e-11, 1e-19);
  ck_assert(st_ohdev(&d, 1000, &c) < 1e-6 * 1e-11); /* Hadamard: blind to drift */
  st_data_free(&d);

  memset(x, 0, sizeof(double) * N);
  pl_add_step(x, N, 10.0, 5000.0, 2e-11);
  ck_assert_double_eq(x[500], 0.0);
  ck_assert_double_eq_tol(x[600], 2e-11 * 1000.0, 1e-22);
  ck_assert_double_eq_tol(x[N - 1] - x[N - 2], 2e-11 * 10.0, 1e-18);
  free(x);
}
END_TEST

/* Same seed, same series, at 2^20 points; bad arguments refused. */
START_TEST(test_reproducible_and_fast)
{
  enum { N = 1 << 20 };
  double *a = calloc(N, sizeof(double)), *b = calloc(N, sizeof(double));
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  struct rng r1, r2;
  rng_seed(&r1, 9, 1);
  rng_seed(&r2, 9, 1);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ck_assert_int_eq(pl_add_noise(a, N, 1.0, PL_FFM, 1e-13, 1.0, &r1), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  printf("2^20 points of flicker FM: %.3f s (a figure, not a test: DESIGN.md section 2)\n",
         secs);
  ck_assert_int_eq(pl_add_noise(b, N, 1.0, PL_FFM, 1e-13, 1.0, &r2), 0);
  ck_assert_int_eq(memcmp(a, b, sizeof(double) * N), 0);
  /* Bad arguments are refused; a zero level adds nothing. */
  ck_assert_int_eq(pl_add_noise(a, N, 1.0, 3, 1e-13, 1.0, &r1), -1);
  ck_assert_int_eq(pl_add_noise(a, N, 0.0, PL_WFM, 1e-13, 1.0, &r1), -1);
  ck_assert_int_eq(pl_add_noise(a, N, 1.0, PL_WFM, -1.0, 1.0, &r1), -1);
  ck_assert_int_eq(pl_add_noise(a, N, 1.0, PL_WFM, 0.0, 1.0, &r1), 0);
  ck_assert_int_eq(memcmp(a, b, sizeof(double) * N), 0);
  free(a);
  free(b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("powerlaw");
  TCase *tc = tcase_create("powerlaw");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_unit_levels);
  tcase_add_loop_test(tc, test_levels_and_slopes, 0, 5);
  tcase_add_test(tc, test_drift_and_step);
  tcase_add_test(tc, test_reproducible_and_fast);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
