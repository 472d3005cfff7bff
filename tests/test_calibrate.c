/* cvd calibrate on real spool files: synthetic tracks with a known delay difference, and a
 * common-clock run of two real site daemons on one simulated clock, the DUT's receiver
 * 7.5 ns slower than the reference's. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "db/db.h"
#include "db/spool.h"
#include "tests/testutil.h"

static json_t *run_calibrate(const char *dir, char *const argv[])
{
  char log[1024], *out = NULL;
  snprintf(log, sizeof log, "%s/calibrate.log", dir);
  ck_assert_int_eq(th_run(argv, log, &out, 60), 0);
  char *nl = out + strlen(out);
  while (nl > out && nl[-1] == '\n')
    *--nl = '\0';
  char *line = strrchr(out, '\n');
  json_t *j = json_loads(line ? line + 1 : out, 0, NULL);
  ck_assert_msg(j != NULL, "no JSON: %s", out);
  free(out);
  return j;
}

START_TEST(test_known_difference)
{
  char *dir = th_mkdtemp("cal");
  char pa[1024], pb[1024], err[256];
  snprintf(pa, sizeof pa, "%s/a.db", dir);
  snprintf(pb, sizeof pb, "%s/b.db", dir);
  sqlite3 *a = db_open(pa, DB_SPOOL, err, sizeof err), *b = db_open(pb, DB_SPOOL, err, sizeof err);
  ck_assert(a && b);
  int64_t t0;
  tu_parse("2025-03-01T00:00:00Z", &t0);
  /* 200 slots: the DUT reads 12.3 ns less, with alternating +-0.5 ns of its own noise and
   * one wild slot; it applied an INTDLY of 5 ns. */
  for (int i = 0; i < 200; i++) {
    struct track ta, tb;
    track_init(&ta, "ref", t0 + i * SLOT_NS);
    track_init(&tb, "dut", t0 + i * SLOT_NS);
    ta.n_used = tb.n_used = 600;
    ta.value_ns = 40.0 * sin(i / 7.0);
    tb.value_ns = ta.value_ns - 12.3 + (i % 2 ? 0.5 : -0.5) + (i == 50 ? 300 : 0);
    tb.intdly = 5;
    ck_assert_int_eq(spool_put(a, &ta, t0, NULL, 0), 0);
    ck_assert_int_eq(spool_put(b, &tb, t0, NULL, 0), 0);
  }
  db_close(a);
  db_close(b);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"calibrate", (char *)"--ref", pa, (char *)"--dut", pb,
                  (char *)"--ref-uncertainty", (char *)"1.5", (char *)"--json", NULL};
  json_t *j = run_calibrate(dir, argv);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "slots")), 199);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "rejected")), 1);
  /* Left after the outlier (an even slot): 100 odd slots where REF - DUT is 11.8 and 99
   * even ones where it is 12.8, so the mean is 12.3 - 0.5 / 199. */
  double m = json_number_value(json_object_get(j, "ref_minus_dut_ns"));
  ck_assert_msg(fabs(m - (12.3 - 0.5 / 199.0)) < 1e-9, "mean %.6f", m);
  ck_assert(fabs(json_number_value(json_object_get(j, "intdly_ns")) - (5 - m)) < 1e-9);
  /* Alternating noise is anti-correlated: no fewer independent samples than counted. */
  ck_assert(json_number_value(json_object_get(j, "lag1")) < -0.9);
  ck_assert(fabs(json_number_value(json_object_get(j, "u_ns")) - 1.5) < 0.05);
  ck_assert_str_eq(json_string_value(json_object_get(j, "directive")), "intdly -7.30");
  json_decref(j);
  /* A directory that is not a spool, and a missing one: clear errors, status 1. */
  char *bad[] = {(char *)th_cvd_bin(), (char *)"calibrate", (char *)"--ref", dir, (char *)"--dut", pb, NULL};
  char log[1024];
  snprintf(log, sizeof log, "%s/bad.log", dir);
  ck_assert_int_eq(th_run(bad, log, NULL, 30), 1);
  char *missing[] = {(char *)th_cvd_bin(), (char *)"calibrate", (char *)"--ref", (char *)"/nonexistent.db",
                     (char *)"--dut", pb, NULL};
  ck_assert_int_eq(th_run(missing, log, NULL, 30), 1);
  char *text = th_read_file(log);
  ck_assert_ptr_nonnull(strstr(text, "/nonexistent.db: not a readable spool file"));
  free(text);
  th_rmtree(dir);
  free(dir);
}
END_TEST

START_TEST(test_common_clock_run)
{
  char *dir = th_mkdtemp("calrun");
  char scen[1024], conf[2][1024], log[2][1024], spool[2][1024], text[4096];
  snprintf(scen, sizeof scen, "%s/scenario.conf", dir);
  th_write_file(scen, "remotes 1\ncommon_clock r1\nremote_delay_step 0 7.5 r1\nseed 3\n");
  int64_t start;
  char clock[1200];
  tu_parse("2025-01-01T00:00:00Z", &start);
  th_lockstep(dir, start, clock, sizeof clock);
  const char *names[2] = {"ref", "r1"};
  pid_t pid[2];
  for (int k = 0; k < 2; k++) {
    snprintf(conf[k], sizeof conf[k], "%s/%s.conf", dir, names[k]);
    snprintf(log[k], sizeof log[k], "%s/%s.log", dir, names[k]);
    snprintf(spool[k], sizeof spool[k], "%s/%s.db", dir, names[k]);
    /* No server: the tracks stay in the spools, which is all a calibration needs. */
    snprintf(text, sizeof text,
             "name %s\nserver http://127.0.0.1:9\nplain_http yes\nsecret 0123456789abcdef\nspool %s\n"
             "simulation %s\nretry 600 600\nclock %s\n",
             names[k], spool[k], scen, clock);
    th_write_file(conf[k], text);
    char *argv[] = {(char *)th_cvd_bin(), (char *)"site", (char *)"-c", conf[k], NULL};
    pid[k] = th_spawn_clocked(argv, log[k]);
  }
  th_sim_until(start + 12 * 3600 * NS_PER_S);
  for (int k = 0; k < 2; k++)
    ck_assert_int_eq(th_stop(pid[k], SIGTERM, 10), 0);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"calibrate", (char *)"--ref", spool[0], (char *)"--dut",
                  spool[1], (char *)"--json", NULL};
  json_t *j = run_calibrate(dir, argv);
  double m = json_number_value(json_object_get(j, "ref_minus_dut_ns"));
  double u = json_number_value(json_object_get(j, "u_ns"));
  ck_assert_int_ge(json_integer_value(json_object_get(j, "slots")), 60);
  ck_assert_msg(u > 0.1 && u < 0.6, "uncertainty %.3f", u);
  /* The DUT's receiver is 7.5 ns slower: it reads 7.5 ns high, REF - DUT is -7.5. */
  ck_assert_msg(fabs(m + 7.5) < 4 * u, "REF - DUT %.3f +- %.3f", m, u);
  ck_assert_msg(fabs(json_number_value(json_object_get(j, "intdly_ns")) - 7.5) < 4 * u, "intdly");
  json_decref(j);
  th_rmtree(dir);
  free(dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("calibrate");
  TCase *tc = tcase_create("calibrate");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_known_difference);
  tcase_add_test(tc, test_common_clock_run);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
