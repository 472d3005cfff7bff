/* Steering commands at the site (osc/osc.c on the simulated rubidium): absolute setpoints,
 * so that a repeated command, a lost response or a restart never applies a correction
 * twice; a phase step once per id; limits refused; holdover keeping frequency and drift. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/command.h"
#include "core/drvconf.h"
#include "core/timeutil.h"
#include "osc/osc.h"
#include "sim/scenario.h"
#include "sim/site.h"
#include "tests/testutil.h"

static struct scenario sc;
static struct sim_site site;
static struct osc osc;
static int64_t T0;

static void setup(void)
{
  scenario_defaults(&sc);
  T0 = sc.start;
  ck_assert_int_eq(sim_site_init(&site, &sc, "r1"), 0);
  struct drvconf c = {.driver = "sim", .ctx = &site};
  struct steer_limits l;
  char err[256];
  cmd_limits_default(&l);
  ck_assert_int_eq(osc_open(&osc, &c, &l, err, sizeof err), 0);
  osc_tick(&osc, T0);
}

static void teardown(void)
{
  osc_close(&osc);
  sim_site_free(&site);
}

static struct steer_cmd cmd(int64_t id, double freq, int64_t step_id, double step_ns, int64_t t)
{
  struct steer_cmd c = {.id = id, .issued = t, .t_ref = t, .freq = freq,
                        .valid_until = t + 1800 * NS_PER_S, .phase_step_id = step_id,
                        .phase_step_ns = step_ns};
  return c;
}

/* Runs the site's clock and steering for the n seconds after t; returns the last. */
static int64_t run(int64_t t, int n)
{
  for (int i = 0; i < n; i++) {
    t += NS_PER_S;
    sim_site_tic(&site, t, NULL);
    osc_tick(&osc, t);
  }
  return t;
}

START_TEST(test_step_once_per_id)
{
  char err[256];
  int64_t t = run(T0, 10);
  double x0 = sim_site_true_x(&site, t);
  struct steer_cmd c1 = cmd(1, -1e-10, 1, -2000, t);
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 1);
  ck_assert(fabs(sim_site_true_x(&site, t) - (x0 - 2000)) < 1e-6);
  ck_assert(fabs(osc.h.steer_ns + 2000) < 1e-6);
  /* The same command again (a repeated response): nothing happens. */
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 0);
  ck_assert(fabs(sim_site_true_x(&site, t) - (x0 - 2000)) < 1e-6);
  /* A newer command still carrying step 1 (sent again until the server saw it applied):
   * its frequency is taken, the step is not applied again. */
  t = run(t, 5);
  double x1 = sim_site_true_x(&site, t), s1 = osc.h.steer_ns;
  struct steer_cmd c2 = cmd(2, -1.1e-10, 1, -2000, t);
  ck_assert_int_eq(osc_accept(&osc, &c2, t, err, sizeof err), 1);
  ck_assert(fabs(sim_site_true_x(&site, t) - x1) < 1e-9);
  ck_assert(fabs(osc.h.steer_ns - s1) < 1e-9);
  ck_assert(osc.h.freq_applied == -1.1e-10);
  /* Command 3 was lost on the way; command 4 arrives: it is absolute, so nothing owed from
   * 3 is applied on top of it. */
  struct steer_cmd c4 = cmd(4, -1.05e-10, 1, -2000, t);
  ck_assert_int_eq(osc_accept(&osc, &c4, t, err, sizeof err), 1);
  ck_assert(osc.h.freq_applied == -1.05e-10);
  /* An older command arriving late changes nothing. */
  ck_assert_int_eq(osc_accept(&osc, &c2, t, err, sizeof err), 0);
  ck_assert(osc.h.freq_applied == -1.05e-10);
  /* A new step id is a new step. */
  struct steer_cmd c5 = cmd(5, -1.05e-10, 2, 100, t);
  ck_assert_int_eq(osc_accept(&osc, &c5, t, err, sizeof err), 1);
  ck_assert(fabs(sim_site_true_x(&site, t) - (x1 + 100)) < 1e-9);
}
END_TEST

START_TEST(test_restart_applies_nothing_twice)
{
  char err[256];
  int64_t t = run(T0, 10);
  struct steer_cmd c1 = cmd(1, -1e-10, 1, -500, t);
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 1);
  t = run(t, 100);
  /* What the spool keeps across a restart. */
  json_t *j = osc_hold_to_json(&osc.h);
  struct osc_hold h;
  ck_assert_int_eq(osc_hold_from_json(j, &h, err, sizeof err), 0);
  json_decref(j);
  double x = sim_site_true_x(&site, t), steer = osc.h.steer_ns;
  osc_restore(&osc, &h, t);
  ck_assert(fabs(osc.h.steer_ns - steer) < 1e-9);
  /* The server, not knowing of the restart, sends command 1 again. */
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 0);
  ck_assert(fabs(sim_site_true_x(&site, t) - x) < 1e-9);
  ck_assert_int_eq(osc.h.applied_step_id, 1);
}
END_TEST

/* What osc.keep saw: the state kept before the step was made, and the clock then. */
static struct osc_hold kept;
static double x_when_kept;
static int keep_fails;

static int keep_hook(void *arg)
{
  (void)arg;
  kept = osc.h;
  x_when_kept = sim_site_true_x(&site, osc.h.t_last);
  return keep_fails ? -1 : 0;
}

/* Killed between keeping and making a step, a daemon restarted from what was kept does not
 * make it again (issue 10): the step is kept as made before the device makes it.  A step
 * that cannot be kept first is not made. */
START_TEST(test_step_kept_before_made)
{
  char err[256];
  int64_t t = run(T0, 10);
  osc.keep = keep_hook;
  keep_fails = 0;
  double x0 = sim_site_true_x(&site, t);
  struct steer_cmd c1 = cmd(1, -1e-10, 1, -700, t);
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 1);
  ck_assert_int_eq(kept.applied_step_id, 1);
  ck_assert(fabs(kept.steer_ns + 700) < 1e-9);
  ck_assert(fabs(x_when_kept - x0) < 1e-9); /* kept before the clock moved */
  ck_assert(fabs(sim_site_true_x(&site, t) - (x0 - 700)) < 1e-6);
  /* The daemon restarted from what was kept; the server sends command 1 again. */
  osc_restore(&osc, &kept, t);
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 1);
  ck_assert(fabs(sim_site_true_x(&site, t) - (x0 - 700)) < 1e-6);
  /* A spool that takes nothing: the step is not made, nor counted in steer_ns. */
  keep_fails = 1;
  double s = osc.h.steer_ns;
  struct steer_cmd c2 = cmd(2, -1e-10, 2, 300, t);
  ck_assert_int_eq(osc_accept(&osc, &c2, t, err, sizeof err), 1);
  ck_assert(fabs(sim_site_true_x(&site, t) - (x0 - 700)) < 1e-6);
  ck_assert(fabs(osc.h.steer_ns - s) < 1e-9);
  ck_assert_int_eq(osc.h.applied_step_id, 2);
  osc.keep = NULL;
}
END_TEST

START_TEST(test_limits_refused)
{
  char err[256];
  int64_t t = run(T0, 10);
  struct steer_cmd c1 = cmd(1, -1e-10, 0, 0, t);
  c1.locked = 1;
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), -1); /* 1e-10 is not < 1e-12 */
  c1.locked = 0;
  ck_assert_int_eq(osc_accept(&osc, &c1, t, err, sizeof err), 1);
  /* Locked now: a frequency jump of 5e-12 is refused and the held command stays. */
  struct steer_cmd c2 = cmd(2, -1e-10 + 1e-12 * 0.5, 0, 0, t);
  c2.locked = 1;
  ck_assert_int_eq(osc_accept(&osc, &c2, t, err, sizeof err), 1);
  struct steer_cmd c3 = cmd(3, -1e-10 + 5.5e-12, 0, 0, t);
  c3.locked = 1;
  ck_assert_int_eq(osc_accept(&osc, &c3, t, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "locked limit"));
  ck_assert_int_eq(osc.h.cmd.id, 2);
  /* A phase step after lock needs an operator's request. */
  struct steer_cmd c4 = cmd(4, c2.freq, 7, 50, t);
  c4.locked = 1;
  ck_assert_int_eq(osc_accept(&osc, &c4, t, err, sizeof err), -1);
  /* A slew that would move a locked clock by more than 100 ns is refused. */
  struct steer_cmd c5 = cmd(5, c2.freq, 0, 0, t);
  c5.locked = 1;
  c5.slew_freq = 1e-11;
  c5.slew_until = t + 20000 * NS_PER_S;
  ck_assert_int_eq(osc_accept(&osc, &c5, t, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "slew"));
  c5.slew_until = t + 5000 * NS_PER_S; /* 50 ns: taken */
  ck_assert_int_eq(osc_accept(&osc, &c5, t, err, sizeof err), 1);
}
END_TEST

START_TEST(test_holdover_keeps_frequency_and_drift)
{
  char err[256];
  int64_t t = run(T0, 10);
  struct steer_cmd c = cmd(1, -1e-10, 0, 0, t);
  c.drift_per_day = -1e-12;
  c.valid_until = t + 600 * NS_PER_S;
  ck_assert_int_eq(osc_accept(&osc, &c, t, err, sizeof err), 1);
  t = run(t, 600);
  ck_assert_int_eq(osc.holdover, 0);
  t = run(t, 1);
  ck_assert_int_eq(osc.holdover, 1);
  /* Half a day later the drift has gone on being applied. */
  int64_t t0 = c.t_ref;
  t = run(t, 43200);
  ck_assert(fabs(osc.h.freq_applied - (-1e-10 - 1e-12 * (double)(t - t0) / NS_PER_DAY)) < 1e-17);
  /* The integrated steering is that of the setpoint and its drift (applied a second at a
   * time: within a second's worth of drift). */
  double want = cmd_phase_ns(&c, t0, t);
  ck_assert_msg(fabs(osc.h.steer_ns - want) < 1e-3, "steer %.4f want %.4f", osc.h.steer_ns, want);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("command");
  TCase *tc = tcase_create("command");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_step_once_per_id);
  tcase_add_test(tc, test_restart_applies_nothing_twice);
  tcase_add_test(tc, test_step_kept_before_made);
  tcase_add_test(tc, test_limits_refused);
  tcase_add_test(tc, test_holdover_keeps_frequency_and_drift);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
