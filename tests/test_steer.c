/* Unit tests of steer/: common-view subtraction and its sign, the store's pair order, the
 * PI servo's response to a step in time and in frequency in a closed loop, the command
 * bounds, and holdover detection. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "db/store.h"
#include "steer/ctl.h"
#include "steer/cv.h"
#include "steer/kalman.h"
#include "steer/kf.h"
#include "tests/loopsim.h"
#include "tests/testutil.h"

static int64_t T0;

static void setup(void) { tu_parse("2025-01-01T00:00:00Z", &T0); }

START_TEST(test_cv_sign)
{
  struct track ref, rem;
  track_init(&ref, "ref", T0);
  track_init(&rem, "r1", T0);
  ref.value_ns = 100; /* REF - GPS */
  rem.value_ns = 105; /* REMOTE - GPS */
  ref.n_used = rem.n_used = 600;
  ref.sigma_ns = rem.sigma_ns = 3;
  double d, s;
  /* REMOTE - REF = (REMOTE - GPS) - (REF - GPS): the remote is 5 ns ahead. */
  ck_assert_int_eq(cv_diff(&rem, &ref, &d, &s), 1);
  ck_assert(d == 5);
  ck_assert(fabs(s - sqrt(2 * 9.0 / 600)) < 1e-12);
  ck_assert_int_eq(cv_diff(&ref, &rem, &d, &s), 1);
  ck_assert(d == -5);
  /* Not the same slot, or a track without enough samples: no common view. */
  rem.low_count = 1;
  ck_assert_int_eq(cv_diff(&rem, &ref, &d, &s), 0);
  rem.low_count = 0;
  track_init(&rem, "r1", T0 + SLOT_NS);
  rem.value_ns = 1;
  rem.n_used = 600;
  ck_assert_int_eq(cv_diff(&rem, &ref, &d, &s), 0);

  /* The store keeps a pair once and flips the sign as asked. */
  char err[256];
  struct dbc *db = dbc_open(":memory:", 0, err, sizeof err);
  ck_assert_ptr_nonnull(db);
  ck_assert_int_eq(store_cv_put(db, T0, "r1", "ref", 5, 0.2), 0);
  int64_t slot;
  double v;
  ck_assert_int_eq(store_cv_latest(db, "r1", "ref", &slot, &v), 1);
  ck_assert(v == 5 && slot == T0);
  ck_assert_int_eq(store_cv_latest(db, "ref", "r1", &slot, &v), 1);
  ck_assert(v == -5);
  dbc_close(db);
}
END_TEST

static struct ctl *make_ctl(const char *servo)
{
  struct servo_params sp;
  struct ctl_params cp;
  servo_params_default(&sp);
  ctl_params_default(&cp);
  char err[256];
  struct ctl *c = ctl_create("r1", servo, &sp, &cp, err, sizeof err);
  ck_assert_msg(c != NULL, "%s", err);
  return c;
}

/* Acquires from 3 us and 1e-10 and runs a day, as a lab's clock would start. */
static void acquire(struct loopsim *l, struct ctl *c)
{
  loopsim_init(l, c, T0, 3000, 1e-10);
  double x = 0;
  for (int i = 0; i < 144; i++)
    x = loopsim_slot(l);
  ck_assert_int_eq(c->state, CS_LOCKED);
  ck_assert_msg(fabs(x) < 0.5, "x after a day %.3f", x);
}

START_TEST(test_pi_time_step)
{
  struct ctl *c = make_ctl("pi");
  struct loopsim l;
  acquire(&l, c);
  /* The clock's time jumps by +20 ns (a phase hit): the loop pulls it back by frequency,
   * no phase step after lock, with the overshoot of a damped second-order loop. */
  l.tstep_at = T0 + (int64_t)l.k * SLOT_NS + 100 * NS_PER_S;
  l.tstep_ns = 20;
  l.max_change = 0;
  double peak = 0, undershoot = 0, x = 0;
  for (int i = 0; i < 288; i++) {
    x = loopsim_slot(&l);
    if (x > peak)
      peak = x;
    if (-x > undershoot)
      undershoot = -x;
  }
  ck_assert_msg(peak > 19 && peak < 21, "peak %.2f", peak);
  ck_assert_msg(undershoot < 0.3 * 20, "undershoot %.2f", undershoot);
  ck_assert_msg(fabs(x) < 0.5, "x after two days %.3f", x);
  ck_assert_msg(l.max_change <= 1e-12, "change %.3e", l.max_change);
  ck_assert_int_eq(c->state, CS_LOCKED);
  ctl_destroy(c);
}
END_TEST

START_TEST(test_pi_freq_step)
{
  struct ctl *c = make_ctl("pi");
  struct loopsim l;
  acquire(&l, c);
  /* The clock's frequency steps by 1e-12: x ramps until the integrator has learnt the new
   * frequency, peaking near dy tau e^-zeta... (a few ns for tau = 3 h), then returns. */
  l.fstep_at = T0 + (int64_t)l.k * SLOT_NS;
  l.fstep = 1e-12;
  double peak = 0, x = 0;
  for (int i = 0; i < 432; i++) {
    x = loopsim_slot(&l);
    if (fabs(x) > peak)
      peak = fabs(x);
  }
  ck_assert_msg(peak > 1 && peak < 15, "peak %.2f", peak);
  ck_assert_msg(fabs(x) < 0.2, "x after three days %.3f", x);
  /* The loop's frequency now holds the new offset. */
  ck_assert(fabs(cmd_freq_at(&l.cmd, T0 + (int64_t)l.k * SLOT_NS) - (-1.01e-10)) < 2e-14);
  ctl_destroy(c);
}
END_TEST

START_TEST(test_acquire_without_step_bounded)
{
  struct ctl *c = make_ctl("pi");
  struct loopsim l;
  loopsim_init(&l, c, T0, 3000, 1e-10);
  l.can_step = 0;
  double x = 0;
  for (int i = 0; i < 144 * 2; i++)
    x = loopsim_slot(&l);
  /* No phase step allowed: frequency alone brings 3 us in, each change at most 1e-9. */
  ck_assert_int_eq(l.applied_step, 0);
  ck_assert(l.max_change <= 1e-9);
  ck_assert_int_eq(c->state, CS_LOCKED);
  ck_assert_msg(fabs(x) < 5, "x after two days %.3f", x);
  ctl_destroy(c);
}
END_TEST

START_TEST(test_holdover_and_alarm)
{
  struct ctl *c = make_ctl("pi");
  struct loopsim l;
  acquire(&l, c);
  int64_t last = T0 + (int64_t)l.k * SLOT_NS; /* end of the last slot measured */
  struct ctl_decision d;
  /* One missing slot is not holdover; two are. */
  ck_assert_int_eq(ctl_tick(c, last + SLOT_NS + 6 * 60 * NS_PER_S, &d), 0);
  ck_assert_int_eq(c->state, CS_LOCKED);
  ck_assert_int_eq(ctl_tick(c, last + 2 * SLOT_NS + 4 * 60 * NS_PER_S, &d), 0);
  ck_assert_int_eq(ctl_tick(c, last + 2 * SLOT_NS + 6 * 60 * NS_PER_S, &d), 1);
  ck_assert_int_eq(c->state, CS_HOLDOVER);
  ck_assert(isfinite(c->pred_x_ns) && c->pred_sigma_ns > 0);
  /* The prediction's uncertainty grows with time until its 95 % bound reaches 1 us. */
  double s1 = c->pred_sigma_ns;
  int64_t t = last;
  int alarm = 0;
  for (int h = 1; h < 24 * 60 && !alarm; h++) {
    t = last + (int64_t)h * 3600 * NS_PER_S;
    if (ctl_tick(c, t, &d) && c->state == CS_ALARM)
      alarm = 1;
  }
  ck_assert(c->pred_sigma_ns > s1);
  ck_assert_int_eq(alarm, 1);
  ck_assert(fabs(c->pred_x_ns) + 1.96 * c->pred_sigma_ns >= 1000);
  ck_assert_ptr_nonnull(strstr(c->alarm_reason, "holdover"));
  ctl_destroy(c);
}
END_TEST

/* The mean's transition alone (kf_transition, n x n) is the F of Van Loan's 2n x 2n
 * block (kf_discretize), on a clock model's shape: phase, frequency, drift and two
 * decaying components, at steps from a second to two slots. */
START_TEST(test_kf_transition_is_discretize_F)
{
  struct kf_model m = {.n = 5};
  m.A[0][1] = 1;
  m.A[1][2] = 1;
  m.A[0][3] = m.A[0][4] = 1;
  m.A[3][3] = -1 / 3000.0;
  m.A[4][4] = -1 / 30000.0;
  for (int i = 0; i < m.n; i++)
    m.Qc[i][i] = 1e-3 * (i + 1);
  const double dts[] = {1, 37.5, 599.999, 600, 1200};
  for (size_t k = 0; k < sizeof dts / sizeof *dts; k++) {
    kf_mat F, Q, G;
    kf_discretize(&m, dts[k], F, Q);
    kf_transition(&m, dts[k], G);
    for (int i = 0; i < m.n; i++)
      for (int j = 0; j < m.n; j++)
        ck_assert_msg(fabs(F[i][j] - G[i][j]) <= 1e-12 * (1 + fabs(F[i][j])),
                      "dt %g: F[%d][%d] %.17g vs %.17g", dts[k], i, j, F[i][j], G[i][j]);
    /* exp(A dt) of this A by hand: phase gains dt per unit frequency, dt^2/2 per drift. */
    ck_assert_double_eq_tol(G[0][1], dts[k], 1e-9 * dts[k]);
    ck_assert_double_eq_tol(G[0][2], dts[k] * dts[k] / 2, 1e-9 * dts[k] * dts[k]);
    ck_assert_double_eq_tol(G[3][3], exp(-dts[k] / 3000.0), 1e-12);
  }
}
END_TEST

/* The Kalman servo's closed-form mean transition (km_mean_transition) is exp(A dt) as
 * kf_transition computes it, on the servo's own model shape: phase, frequency, drift, five
 * flicker components of time constants 10^2.5 to 10^6.5 s, and a constant bias. */
START_TEST(test_km_mean_transition_is_exp)
{
  struct kf_model m = {.n = KM_N};
  m.A[0][1] = 1;
  m.A[1][2] = 1;
  for (int i = 0; i < KM_OU; i++) {
    m.A[0][3 + i] = 1;
    m.A[3 + i][3 + i] = -1 / pow(10.0, 2.5 + i);
  }
  const double dts[] = {0.001, 1, 37.5, 123.456, 599.999};
  for (size_t k = 0; k < sizeof dts / sizeof *dts; k++) {
    kf_mat F, G;
    km_mean_transition(&m, dts[k], F);
    kf_transition(&m, dts[k], G);
    for (int i = 0; i < KM_N; i++)
      for (int j = 0; j < KM_N; j++)
        /* The closed form is good to an ulp or two; scaling and squaring to about 1e-13. */
        ck_assert_msg(fabs(F[i][j] - G[i][j]) <= 1e-12 * (1 + fabs(G[i][j])),
                      "dt %g: F[%d][%d] %.17g, exp %.17g", dts[k], i, j, F[i][j], G[i][j]);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("steer");
  TCase *tc = tcase_create("steer");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, test_cv_sign);
  tcase_add_test(tc, test_kf_transition_is_discretize_F);
  tcase_add_test(tc, test_km_mean_transition_is_exp);
  tcase_add_test(tc, test_pi_time_step);
  tcase_add_test(tc, test_pi_freq_step);
  tcase_add_test(tc, test_acquire_without_step_bounded);
  tcase_add_test(tc, test_holdover_and_alarm);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
