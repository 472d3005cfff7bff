/* Unit tests of track/: the calibration formula and the sign of each delay, the sawtooth
 * correction, the robust fit, and track statistics against values computed by hand. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "track/builder.h"
#include "track/calib.h"
#include "track/linfit.h"
#include "tests/testutil.h"

START_TEST(test_delay_signs)
{
  struct site_delays d = {0};
  ck_assert(calib_local_minus_gps(100, &d) == 100);
  d.intdly = 7; /* the GPS pulse is late by the receiver: TIC reads more than LOCAL - GPS */
  ck_assert(calib_local_minus_gps(100, &d) == 93);
  d = (struct site_delays){.cabdly = 150.5};
  ck_assert(calib_local_minus_gps(100, &d) == -50.5);
  d = (struct site_delays){.ppsdly = 3};
  ck_assert(calib_local_minus_gps(100, &d) == 97);
  d = (struct site_delays){.refdly = 4}; /* the local pulse is late: TIC reads less */
  ck_assert(calib_local_minus_gps(100, &d) == 104);
  d = (struct site_delays){.intdly = 1, .cabdly = 2, .ppsdly = 3, .refdly = 10};
  ck_assert(calib_local_minus_gps(0, &d) == 4);
  /* qErr: the pulse was 1.5 ns late, so the reading comes down by 1.5 ns. */
  ck_assert(fabs(calib_apply_qerr(100, 1500) - 98.5) < 1e-12);
  ck_assert(fabs(calib_apply_qerr(100, -250) - 100.25) < 1e-12);
}
END_TEST

START_TEST(test_linfit_hand)
{
  /* y = 2 + 3x at x = -2..2 with residuals +1, -1, 0, -1, +1 (orthogonal to 1 and x):
   * a = 2, b = 3, sigma = sqrt(4 / 3). */
  double x[] = {-2, -1, 0, 1, 2}, y[] = {-3, -2, 2, 4, 9};
  uint8_t used[] = {1, 1, 1, 1, 1};
  struct linfit f;
  ck_assert_int_eq(linfit_ls(x, y, used, 5, &f), 0);
  ck_assert(fabs(f.a - 2) < 1e-12 && fabs(f.b - 3) < 1e-12);
  ck_assert(fabs(f.sigma - sqrt(4.0 / 3.0)) < 1e-12);
  ck_assert_int_eq(f.n_used, 5);
  /* One far outlier among clean points is rejected and the line is exact again. */
  double x2[20], y2[20];
  uint8_t u2[20];
  for (int i = 0; i < 20; i++) {
    x2[i] = i;
    y2[i] = 1 + 0.5 * i + (i % 2 ? 0.01 : -0.01);
  }
  y2[7] += 100;
  ck_assert_int_eq(linfit_robust(x2, y2, u2, 20, 5, 0.001, &f), 1);
  ck_assert_int_eq(u2[7], 0);
  ck_assert(fabs(f.b - 0.5) < 1e-3 && fabs(f.a - 1) < 1e-2);
}
END_TEST

static struct tb_params params(void)
{
  struct tb_params p;
  tb_params_default(&p, "r1");
  return p;
}

/* The slot 2025-01-01 00:10 with 600 samples y = 10 + 0.01 (t - mid) + p, p repeating
 * +1, -1, -1, +1 (zero mean and orthogonal to t over whole periods). */
static int fill(struct tb_sample *s, int64_t slot, int outliers_at)
{
  static const double pat[4] = {1, -1, -1, 1};
  int64_t mid = tu_slot_mid(slot);
  for (int i = 0; i < 600; i++) {
    int64_t t = slot + i * NS_PER_S;
    s[i] = (struct tb_sample){.t = t, .ns = 10 + 0.01 * (double)(t - mid) / 1e9 + pat[i % 4],
                              .true_x_ns = NAN, .fix = RX_FIX_TIME, .sats_visible = 10,
                              .sats_used = 8};
    if (outliers_at >= 0 && i >= outliers_at && i < outliers_at + 4)
      s[i].ns += 500;
  }
  return 600;
}

START_TEST(test_track_stats_hand)
{
  struct tb_params p = params();
  struct tb_sample s[600];
  struct track t;
  int64_t slot;
  tu_parse("2025-01-01T00:10:00Z", &slot);
  fill(s, slot, 100);
  tb_compute(&p, slot, s, 600, &t);
  /* The four outliers (a whole period of p) go; on the 596 left the fit is exact. */
  ck_assert_int_eq(t.n_used, 596);
  ck_assert_int_eq(t.n_rejected, 4);
  ck_assert_int_eq(t.n_missing, 0);
  ck_assert(!t.low_count);
  ck_assert(fabs(t.value_ns - 10) < 1e-9);
  ck_assert(fabs(t.slope_ns_s - 0.01) < 1e-12);
  ck_assert(fabs(t.sigma_ns - sqrt(596.0 / 594.0)) < 1e-9);
  ck_assert_int_eq(t.sats_used, 8);
  ck_assert_int_eq(t.mjd, 60676);
  ck_assert_int_eq(t.sod, 600);

  /* A phase step of +50 ns at second 450 (after the midpoint): the fit runs on the free
   * clock, nothing is rejected, and the value is the clock at the midpoint, before it. */
  fill(s, slot, -1);
  for (int i = 450; i < 600; i++) {
    s[i].ns += 50;
    s[i].steer_ns = 50;
  }
  tb_compute(&p, slot, s, 600, &t);
  ck_assert_int_eq(t.n_rejected, 0);
  ck_assert(fabs(t.value_ns - 10) < 1e-9);
  ck_assert(fabs(t.osc.steer_ns) < 1e-12);
  /* The same step at second 200 (before it): the midpoint sees the stepped clock. */
  fill(s, slot, -1);
  for (int i = 200; i < 600; i++) {
    s[i].ns += 50;
    s[i].steer_ns = 50;
  }
  tb_compute(&p, slot, s, 600, &t);
  ck_assert_int_eq(t.n_rejected, 0);
  ck_assert(fabs(t.value_ns - 60) < 1e-9);

  /* 250 samples only: recorded, flagged. */
  fill(s, slot, -1);
  tb_compute(&p, slot, s, 250, &t);
  ck_assert(t.low_count);
  ck_assert_int_eq(t.n_missing, 350);
  ck_assert_int_eq(t.n_used, 250);
  /* Samples without a fix are not used. */
  fill(s, slot, -1);
  for (int i = 0; i < 600; i++)
    s[i].fix = RX_FIX_NONE;
  tb_compute(&p, slot, s, 600, &t);
  ck_assert_int_eq(t.n_used, 0);
  ck_assert_int_eq(t.n_rejected, 600);
  ck_assert(isnan(t.value_ns) && t.low_count);
}
END_TEST

START_TEST(test_builder_slots)
{
  struct tb_params p = params();
  struct track_builder b;
  struct track t;
  int64_t t0;
  tu_parse("2025-03-10T23:40:00Z", &t0);
  tb_init(&b, &p);
  /* The last two slots of a day, then a gap of two slots, then the next day's 00:30. */
  for (int i = 0; i < 1200; i++) {
    struct tb_sample s = {.t = t0 + i * NS_PER_S, .ns = 1.0, .fix = RX_FIX_TIME, .true_x_ns = NAN};
    tb_add(&b, &s);
  }
  ck_assert_int_eq(tb_take(&b, &t), 1);
  ck_assert_int_eq(t.sod, 85200);
  ck_assert_int_eq(t.n_used, 600);
  ck_assert_int_eq(tb_take(&b, &t), 0); /* 23:50 still open */
  struct tb_sample s = {.t = t0 + 3000 * NS_PER_S, .ns = 1.0, .fix = RX_FIX_TIME, .true_x_ns = NAN};
  tb_add(&b, &s);
  ck_assert_int_eq(tb_take(&b, &t), 1);
  ck_assert_int_eq(t.sod, 85800);
  int mjd = t.mjd;
  ck_assert_int_eq(tb_take(&b, &t), 1);
  ck_assert_int_eq(t.mjd, mjd + 1); /* 00:00 of the next day, empty but recorded */
  ck_assert_int_eq(t.sod, 0);
  ck_assert_int_eq(t.n_used, 0);
  ck_assert(t.low_count);
  ck_assert_int_eq(tb_take(&b, &t), 1);
  ck_assert_int_eq(t.sod, 600);
  ck_assert_int_eq(tb_take(&b, &t), 1);
  ck_assert_int_eq(t.sod, 1200);
  ck_assert_int_eq(tb_take(&b, &t), 0);
  /* With no reading at all, time alone closes the slot once its grace is over. */
  tb_tick(&b, t0 + 3600 * NS_PER_S - NS_PER_S, 5 * NS_PER_S);
  ck_assert_int_eq(tb_take(&b, &t), 0);
  tb_tick(&b, t0 + 3600 * NS_PER_S + 6 * NS_PER_S, 5 * NS_PER_S);
  ck_assert_int_eq(tb_take(&b, &t), 1);
  ck_assert_int_eq(t.sod, 1800);
  ck_assert_int_eq(t.n_used, 1);
  tb_free(&b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("track");
  TCase *tc = tcase_create("track");
  tcase_add_test(tc, test_delay_signs);
  tcase_add_test(tc, test_linfit_hand);
  tcase_add_test(tc, test_track_stats_hand);
  tcase_add_test(tc, test_builder_slots);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
