/* Preprocessing (issue 14): outliers by robust sigma as Stable32's Check finds them, on
 * frequency (each becomes a gap) and phase data (a spike loses its point, a step is counted
 * and kept); drift removal recovers known linear, quadratic and log drifts and leaves no
 * drift behind. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "stats/preproc.h"
#include "tests/testutil.h"

enum { N = 20000 };

START_TEST(test_outliers_freq)
{
  double *y = malloc(sizeof *y * N);
  struct rng r;
  rng_seed(&r, 1, 1);
  for (size_t i = 0; i < N; i++)
    y[i] = 1e-9 + 1e-12 * rng_normal(&r);
  static const size_t at[4] = {17, 5000, 12345, 19998};
  for (int k = 0; k < 4; k++)
    y[at[k]] += (k % 2 ? -1 : 1) * 2e-11; /* 20 sigma */
  y[300] = NAN; /* a gap stays a gap, not an outlier */
  struct st_outliers o;
  char err[256];
  ck_assert_int_eq(st_remove_outliers(y, N, 1, 1.0, 5.0, &o, err, sizeof err), 0);
  ck_assert_uint_eq(o.removed, 4);
  for (int k = 0; k < 4; k++)
    ck_assert(isnan(y[at[k]]));
  ck_assert_double_eq_tol(o.median, 1e-9, 3e-14);
  ck_assert_double_eq_tol(o.mad, 1e-12, 3e-14); /* the robust sigma of unit normal noise */
  free(y);
}
END_TEST

START_TEST(test_outliers_phase)
{
  double *x = malloc(sizeof *x * N);
  struct rng r;
  rng_seed(&r, 2, 1);
  x[0] = 0.0;
  for (size_t i = 1; i < N; i++)
    x[i] = x[i - 1] + 1e-9 + 1e-12 * rng_normal(&r);
  x[777] += 5e-11; /* a spike: two outliers of opposite sign around it */
  for (size_t i = 15000; i < N; i++)
    x[i] += 5e-11; /* a step: one outlier */
  struct st_outliers o;
  char err[256];
  ck_assert_int_eq(st_remove_outliers(x, N, 0, 1.0, 5.0, &o, err, sizeof err), 0);
  ck_assert_uint_eq(o.removed, 1);
  ck_assert(isnan(x[777]));
  ck_assert_uint_eq(o.steps, 1);
  ck_assert(!isnan(x[15000]));
  free(x);
}
END_TEST

/* The slope of the least-squares line through y (per index). */
static double slope_of(const double *y, size_t n)
{
  double st = 0, sy = 0, stt = 0, sty = 0;
  for (size_t i = 0; i < n; i++) {
    st += (double)i;
    sy += y[i];
    stt += (double)i * (double)i;
    sty += (double)i * y[i];
  }
  return ((double)n * sty - st * sy) / ((double)n * stt - st * st);
}

START_TEST(test_drift)
{
  double *y = malloc(sizeof *y * N), *x = malloc(sizeof *x * (N + 1));
  struct rng r;
  rng_seed(&r, 3, 1);
  const double tau0 = 10.0, b = 3e-15; /* per second */
  x[0] = 0.0;
  for (size_t i = 0; i < N; i++) {
    y[i] = 2e-10 + b * (double)i * tau0 + 1e-13 * rng_normal(&r);
    x[i + 1] = x[i] + y[i] * tau0;
  }
  struct st_driftfit f;
  char err[256];
  ck_assert_int_eq(st_remove_drift(y, N, 1, tau0, ST_DRIFT_LINEAR, &f, err, sizeof err), 0);
  ck_assert_double_eq_tol(f.coef[0], b, 0.01 * b);
  ck_assert_double_eq_tol(f.rate_per_day, b * 86400.0, 0.01 * b * 86400.0);
  ck_assert(fabs(slope_of(y, N)) < 1e-20);
  ck_assert_int_eq(st_remove_drift(x, N + 1, 0, tau0, ST_DRIFT_LINEAR, &f, err, sizeof err), 0);
  ck_assert_double_eq_tol(f.coef[0], b, 0.01 * b); /* the same drift, seen in the phase */

  /* Quadratic: y = c t^2 recovered (dy/dt 0 at the start). */
  const double c = 1e-22;
  for (size_t i = 0; i < N; i++) {
    double t = (double)i * tau0;
    y[i] = c * t * t + 1e-14 * rng_normal(&r);
  }
  ck_assert_int_eq(st_remove_drift(y, N, 1, tau0, ST_DRIFT_QUADRATIC, &f, err, sizeof err), 0);
  ck_assert_double_eq_tol(f.coef[1], c, 0.01 * c);
  ck_assert(fabs(f.coef[0]) < 1e-3 * 2.0 * c * (double)N * tau0);

  /* Log: y = a ln(b t + 1), without noise, recovered. */
  const double la = 2e-11, lb = 1e-4;
  for (size_t i = 0; i < N; i++)
    y[i] = la * log1p(lb * (double)i * tau0);
  ck_assert_int_eq(st_remove_drift(y, N, 1, tau0, ST_DRIFT_LOG, &f, err, sizeof err), 0);
  ck_assert_double_eq_tol(f.coef[0], la, 1e-3 * la);
  ck_assert_double_eq_tol(f.coef[1], lb, 1e-3 * lb);
  double worst = 0, mean = 0; /* what is left: the mean, kept, and nothing else */
  for (size_t i = 0; i < N; i++)
    mean += y[i] / N;
  for (size_t i = 0; i < N; i++)
    worst = fmax(worst, fabs(y[i] - mean));
  ck_assert(worst < 1e-3 * la);
  ck_assert_int_eq(st_remove_drift(x, N + 1, 0, tau0, ST_DRIFT_LOG, &f, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "frequency data"));
  free(y);
  free(x);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("stats_preproc");
  TCase *tc = tcase_create("preproc");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_outliers_freq);
  tcase_add_test(tc, test_outliers_phase);
  tcase_add_test(tc, test_drift);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
