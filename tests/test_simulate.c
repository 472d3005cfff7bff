/* cvd simulate as the steering's proving ground: short scenarios, run by the real binary,
 * scored against the simulation's truth.  Lock without overshoot (with and without phase
 * steps), a one-slot outlier rejected, a step at one remote's receiver corrected and not
 * followed, a reference delay step seen by every remote and flagged, a frequency step
 * followed, holdover predicted honestly, and the JSON contract. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

struct sim {
  json_t *j;
  char *series;
};

/* Runs cvd simulate on the default scenario plus `extra`. */
static struct sim simulate(const char *extra, int remotes, double days)
{
  char *dir = th_mkdtemp("sim");
  char scen[1024], series[1024], log[1024], d[16], r[16];
  snprintf(scen, sizeof scen, "%s/scenario.conf", dir);
  snprintf(series, sizeof series, "%s/series.csv", dir);
  snprintf(log, sizeof log, "%s/stderr.log", dir);
  snprintf(d, sizeof d, "%g", days);
  snprintf(r, sizeof r, "%d", remotes);
  ck_assert_int_eq(th_write_file(scen, extra), 0);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"simulate", (char *)"--scenario", scen,
                  (char *)"--days", d, (char *)"--remotes", r, (char *)"--series", series,
                  (char *)"--json", NULL};
  char *out = NULL;
  ck_assert_int_eq(th_run(argv, log, &out, 120), 0);
  /* The last line is the JSON object. */
  char *nl = out + strlen(out);
  while (nl > out && nl[-1] == '\n')
    *--nl = '\0';
  char *line = strrchr(out, '\n');
  line = line ? line + 1 : out;
  struct sim s = {json_loads(line, 0, NULL), th_read_file(series)};
  ck_assert_msg(s.j != NULL, "last line is not JSON: %s", line);
  ck_assert_ptr_nonnull(s.series);
  free(out);
  th_rmtree(dir);
  free(dir);
  return s;
}

static void sim_free(struct sim *s)
{
  json_decref(s->j);
  free(s->series);
}

static const json_t *remote(const struct sim *s, const char *site)
{
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(s->j, "remotes"), i, r)
    if (strcmp(json_string_value(json_object_get(r, "site")), site) == 0)
      return r;
  ck_abort_msg("no remote %s", site);
  return NULL;
}

static double num(const json_t *o, const char *k)
{
  const json_t *v = json_object_get(o, k);
  ck_assert_msg(json_is_number(v), "%s is not a number", k);
  return json_number_value(v);
}

static int count_events(const struct sim *s, const char *kind, const char *site)
{
  size_t i;
  json_t *e;
  int n = 0;
  json_array_foreach(json_object_get(s->j, "events"), i, e)
    if (strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0 &&
        (!site || (json_is_string(json_object_get(e, "site")) &&
                   strcmp(json_string_value(json_object_get(e, "site")), site) == 0)))
      n++;
  return n;
}

/* From the series: once |x| is under 50 ns it stays under it (no overshoot of the lock
 * threshold); returns the hour it first got there. */
static double lock_without_overshoot(const struct sim *s, const char *site)
{
  double first = -1;
  char *save = NULL, *text = strdup(s->series);
  for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char slot[64], who[32];
    double h, x;
    int locked;
    if (sscanf(l, "%63[^,],%lf,%31[^,],%lf,%d", slot, &h, who, &x, &locked) != 5 ||
        strcmp(who, site) != 0)
      continue;
    if (first < 0 && fabs(x) < 50)
      first = h;
    if (first >= 0)
      ck_assert_msg(fabs(x) < 50, "%s: |x| %.1f ns at hour %.2f after lock at %.2f", site, x, h,
                    first);
  }
  free(text);
  return first;
}

START_TEST(test_lock_and_track)
{
  struct sim s = simulate("", 2, 3);
  for (int k = 1; k <= 2; k++) {
    const char *site = k == 1 ? "r1" : "r2";
    const json_t *r = remote(&s, site);
    /* From 3 us and 1e-10: the frequency is set, then one phase step. */
    ck_assert_msg(num(r, "lock_time_h") < 2.5, "%s lock at %.2f h", site, num(r, "lock_time_h"));
    ck_assert_msg(lock_without_overshoot(&s, site) < 2.5, "%s", site);
    ck_assert_msg(num(r, "rms_x_ns") < 2, "%s rms %.2f", site, num(r, "rms_x_ns"));
    ck_assert_msg(num(r, "max_abs_x_ns") < 10, "%s max %.2f", site, num(r, "max_abs_x_ns"));
    ck_assert(num(r, "time_locked_pct") > 95);
    ck_assert(fabs(num(r, "bound_rms_x_ns") - 1.082) < 0.01);
  }
  ck_assert_int_eq(json_array_size(json_object_get(s.j, "events")), 0);
  ck_assert_str_eq(json_string_value(json_object_get(s.j, "servo")), "kalman");
  sim_free(&s);
}
END_TEST

START_TEST(test_lock_without_phase_step)
{
  /* An oscillator that takes no phase step: a bounded slew removes 3 us and ends on time. */
  struct sim s = simulate("osc_phase_step no\n", 1, 3);
  const json_t *r = remote(&s, "r1");
  double at = lock_without_overshoot(&s, "r1");
  ck_assert_msg(at > 0.9 && at < 4, "locked at %.2f h", at);
  ck_assert_msg(num(r, "rms_x_ns") < 2, "rms %.2f", num(r, "rms_x_ns"));
  sim_free(&s);
}
END_TEST

START_TEST(test_outlier_rejected)
{
  /* r1's receiver delay jumps by 40 ns for exactly one slot: an outlier, not followed and
   * not taken for a step. */
  struct sim s = simulate("remote_delay_step 30 40 r1\nremote_delay_step 30.166667 -40 r1\n", 1, 3);
  ck_assert_msg(num(remote(&s, "r1"), "max_abs_x_ns") < 6, "max %.2f",
                num(remote(&s, "r1"), "max_abs_x_ns"));
  ck_assert_int_eq(count_events(&s, "measurement_step", NULL), 0);
  sim_free(&s);
}
END_TEST

START_TEST(test_remote_step_not_followed)
{
  struct sim s = simulate("remote_delay_step 30 20 r1\n", 2, 3);
  /* Flagged at r1 alone, corrected, and the clock not moved by it. */
  ck_assert_int_eq(count_events(&s, "measurement_step", "r1"), 1);
  ck_assert_int_eq(count_events(&s, "measurement_step", "r2"), 0);
  ck_assert_int_eq(count_events(&s, "reference_step", NULL), 0);
  ck_assert_msg(num(remote(&s, "r1"), "max_abs_x_ns") < 8, "max %.2f",
                num(remote(&s, "r1"), "max_abs_x_ns"));
  sim_free(&s);
}
END_TEST

START_TEST(test_reference_step_flagged)
{
  struct sim s = simulate("ref_delay_step 30 30\n", 3, 3);
  ck_assert_int_ge(count_events(&s, "reference_step", "ref"), 1);
  /* The last estimate of the common step, from all three remotes. */
  size_t i;
  json_t *e;
  double est = NAN;
  json_array_foreach(json_object_get(s.j, "events"), i, e)
  {
    const char *m = json_string_value(json_object_get(e, "message"));
    const char *p = strstr(m, "changed by ");
    if (strcmp(json_string_value(json_object_get(e, "kind")), "reference_step") == 0 && p)
      est = atof(p + strlen("changed by "));
  }
  ck_assert_msg(fabs(est - 30) < 4, "reference step estimated %.1f ns", est);
  for (int k = 1; k <= 3; k++) {
    char site[8];
    snprintf(site, sizeof site, "r%d", k);
    ck_assert_msg(num(remote(&s, site), "max_abs_x_ns") < 10, "%s max %.2f", site,
                  num(remote(&s, site), "max_abs_x_ns"));
  }
  sim_free(&s);
}
END_TEST

START_TEST(test_frequency_step_followed)
{
  /* A real change of the clock (2e-12, 1.2 ns per slot) is followed, not rejected. */
  struct sim s = simulate("rb_freq_step 30 2e-12 r1\n", 1, 3);
  ck_assert_msg(num(remote(&s, "r1"), "max_abs_x_ns") < 10, "max %.2f",
                num(remote(&s, "r1"), "max_abs_x_ns"));
  ck_assert_int_eq(count_events(&s, "measurement_step", NULL), 0);
  sim_free(&s);
}
END_TEST

START_TEST(test_holdover_prediction)
{
  struct sim s = simulate("outage 30 12 all\n", 2, 3);
  for (int k = 1; k <= 2; k++) {
    const json_t *r = remote(&s, k == 1 ? "r1" : "r2");
    const json_t *h = json_array_get(json_object_get(r, "holdover"), 0);
    ck_assert_int_eq(json_array_size(json_object_get(r, "holdover")), 1);
    ck_assert(num(h, "start_h") == 30 && num(h, "duration_h") == 12);
    double px = num(h, "predicted_x_ns"), ps = num(h, "predicted_sigma_ns");
    double tx = num(h, "true_x_ns");
    /* The uncertainty grew from the model over 12 hours: several ns, not hundreds. */
    ck_assert_msg(ps > 3 && ps < 40, "sigma %.2f", ps);
    ck_assert_msg(fabs(tx - px) < 4 * ps, "true %.2f predicted %.2f +- %.2f", tx, px, ps);
    ck_assert(num(h, "max_abs_x_ns") < 50);
    /* Steering resumed after the outage without a jump: back under the lock threshold. */
    ck_assert(num(r, "time_locked_pct") > 90);
  }
  sim_free(&s);
}
END_TEST

START_TEST(test_bad_scenario)
{
  char *dir = th_mkdtemp("simbad");
  char scen[1024], log[1024];
  snprintf(scen, sizeof scen, "%s/s.conf", dir);
  snprintf(log, sizeof log, "%s/err.log", dir);
  th_write_file(scen, "remotes 2\noutage 5 1 r3\n");
  char *argv[] = {(char *)th_cvd_bin(), (char *)"simulate", (char *)"--scenario", scen, NULL};
  ck_assert_int_eq(th_run(argv, log, NULL, 30), 2);
  char *err = th_read_file(log);
  ck_assert_msg(strstr(err, "r3") && strstr(err, scen), "%s", err);
  free(err);
  th_write_file(scen, "rb_adev_1s fast\n");
  ck_assert_int_eq(th_run(argv, log, NULL, 30), 2);
  err = th_read_file(log);
  ck_assert_msg(strstr(err, ":1: 'rb_adev_1s'"), "%s", err);
  free(err);
  th_rmtree(dir);
  free(dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("simulate");
  TCase *tc = tcase_create("simulate");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_lock_and_track);
  tcase_add_test(tc, test_lock_without_phase_step);
  tcase_add_test(tc, test_outlier_rejected);
  tcase_add_test(tc, test_remote_step_not_followed);
  tcase_add_test(tc, test_reference_step_flagged);
  tcase_add_test(tc, test_frequency_step_followed);
  tcase_add_test(tc, test_holdover_prediction);
  tcase_add_test(tc, test_bad_scenario);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_VERBOSE);
}
