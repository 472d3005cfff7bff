/* cvd demo as a user runs it: three simulated days from microseconds off, the JSON
 * report, a scenario's host faults and outages done to its processes, and stopping it with
 * Ctrl-C (and even SIGKILL) leaves no process behind. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "tests/testutil.h"

/* Processes whose command line mentions dir. */
static int procs_using(const char *dir)
{
  DIR *d = opendir("/proc");
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) {
    char path[300], buf[4096];
    if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
      continue;
    snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    for (size_t i = 0; i < len; i++)
      if (buf[i] == '\0')
        buf[i] = ' ';
    buf[len] = '\0';
    if (strstr(buf, dir))
      n++;
  }
  closedir(d);
  return n;
}

/* Every line of the process's log in dir is stamped with the simulated time of the demo,
 * within its days from 2025-01-01, not with the wall clock (issue 11). */
static void assert_log_simulated(const char *dir, const char *name, int days)
{
  char path[1200];
  snprintf(path, sizeof path, "%s/%s.log", dir, name);
  char *text = th_read_file(path);
  ck_assert_msg(text != NULL, "no %s", path);
  int64_t start, t;
  tu_parse("2025-01-01T00:00:00Z", &start);
  int n = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char stamp[21];
    if (strlen(line) < 21 || line[20] != ' ')
      continue;
    memcpy(stamp, line, 20);
    stamp[20] = '\0';
    ck_assert_msg(tu_parse(stamp, &t) == 0, "%s: %s", name, line);
    ck_assert_msg(t >= start && t <= start + (int64_t)days * NS_PER_DAY + NS_PER_DAY,
                  "%s: not stamped with the simulated time: %s", name, line);
    n++;
  }
  ck_assert_msg(n >= 3, "%s: %d stamped lines", name, n);
  free(text);
}

START_TEST(test_demo_three_days)
{
  char *tmp = th_mkdtemp("demo3");
  char dir[1100], port[16], log[1100];
  snprintf(dir, sizeof dir, "%s/data", tmp);
  snprintf(log, sizeof log, "%s/demo.log", tmp);
  snprintf(port, sizeof port, "%d", th_free_port());
  char *argv[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--days", (char *)"3",
                  (char *)"--no-web", (char *)"--json", (char *)"--lockstep",
                  (char *)"--port", port, (char *)"--dir", dir, NULL};
  char *out = NULL;
  ck_assert_int_eq(th_run(argv, log, &out, 180), 0);
  /* The last line of stdout is the one JSON object. */
  char *last = out + strlen(out);
  while (last > out && last[-1] == '\n')
    *--last = '\0';
  while (last > out && last[-1] != '\n')
    last--;
  json_error_t je;
  json_t *j = json_loads(last, 0, &je);
  ck_assert_msg(j != NULL, "last line not JSON: %s", last);
  ck_assert(fabs(json_number_value(json_object_get(j, "sim_days")) - 3) < 0.05);
  const json_t *rs = json_object_get(j, "remotes");
  ck_assert_int_eq(json_array_size(rs), 3);
  for (size_t i = 0; i < 3; i++) {
    const json_t *r = json_array_get(rs, i);
    const char *site = json_string_value(json_object_get(r, "site"));
    double tx = json_number_value(json_object_get(r, "true_x_ns"));
    double mx = json_number_value(json_object_get(r, "measured_x_ns"));
    double rms = json_number_value(json_object_get(r, "rms_true_x_ns_last_day"));
    ck_assert_msg(strcmp(json_string_value(json_object_get(r, "state")), "LOCKED") == 0,
                  "%s is %s", site, json_string_value(json_object_get(r, "state")));
    ck_assert_msg(fabs(tx) < 50, "%s: true x %.1f ns", site, tx);
    ck_assert_msg(rms < 20 && rms > 0, "%s: rms %.2f ns over the last day", site, rms);
    /* The server's measurement agrees with the truth to the common-view noise. */
    ck_assert_msg(fabs(mx - tx) < 15, "%s: measured %.1f, true %.1f", site, mx, tx);
    /* One truth sample a simulated minute over the last day. */
    ck_assert_int_ge(json_integer_value(json_object_get(r, "truth_samples_last_day")), 1400);
  }
  /* A progress line per simulated hour went to stderr. */
  char *err = th_read_file(log);
  ck_assert_ptr_nonnull(strstr(err, "2025-01-01T01:00Z  r1 "));
  ck_assert_ptr_nonnull(strstr(err, "2025-01-03T23:00Z  r1 "));
  free(err);
  assert_log_simulated(dir, "server", 3);
  assert_log_simulated(dir, "r1", 3);
  json_decref(j);
  free(out);
  ck_assert_int_eq(procs_using(dir), 0);
  th_rmtree(tmp);
  free(tmp);
}
END_TEST

/* The scenario's host faults and outages done to the real processes, and the network
 * locked again after each. */
START_TEST(test_demo_faults)
{
  char *tmp = th_mkdtemp("demofaults");
  char dir[1100], port[16], log[1100], scen[1100];
  snprintf(dir, sizeof dir, "%s/data", tmp);
  snprintf(log, sizeof log, "%s/demo.log", tmp);
  snprintf(scen, sizeof scen, "%s/faults.conf", tmp);
  snprintf(port, sizeof port, "%d", th_free_port());
  th_write_file(scen, "site_freeze 20 6 r2\nsite_restart 27 r1\nserver_restart 30\n"
                      "outage 33 3 r3\n");
  char *argv[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--days", (char *)"2",
                  (char *)"--no-web", (char *)"--json", (char *)"--lockstep", (char *)"--port",
                  port, (char *)"--dir", dir, (char *)"--scenario", scen, NULL};
  char *out = NULL;
  ck_assert_int_eq(th_run(argv, log, &out, 300), 0);
  char *err = th_read_file(log);
  const char *said[] = {"r2 stopped (SIGSTOP)", "r2 goes on (SIGCONT)",
                        "r1 is killed and started again", "the server is killed and started again",
                        "r3's network cut", "r3's network back"};
  for (size_t i = 0; i < sizeof said / sizeof *said; i++)
    ck_assert_msg(strstr(err, said[i]), "the demo did not say '%s': %s", said[i], err);
  free(err);
  char *last = strstr(out, "{\"sim_days\"");
  json_t *j = last ? json_loads(last, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
  ck_assert_msg(j != NULL, "no JSON: %s", out);
  const json_t *rs = json_object_get(j, "remotes");
  for (size_t i = 0; i < json_array_size(rs); i++) {
    const json_t *r = json_array_get(rs, i);
    const char *site = json_string_value(json_object_get(r, "site"));
    ck_assert_msg(strcmp(json_string_value(json_object_get(r, "state")), "LOCKED") == 0,
                  "%s is %s", site, json_string_value(json_object_get(r, "state")));
    ck_assert_msg(fabs(json_number_value(json_object_get(r, "true_x_ns"))) < 50, "%s", site);
  }
  /* The restarted site's oscillator kept what its hardware held. */
  char r1log[1200];
  snprintf(r1log, sizeof r1log, "%s/r1.log", dir);
  char *text = th_read_file(r1log);
  ck_assert_ptr_nonnull(strstr(text, "the oscillator kept its setting"));
  free(text);
  json_decref(j);
  free(out);
  th_rmtree(tmp);
  free(tmp);
}
END_TEST

/* Waits (a hang bound of secs, scaled) until the demo's log says what; fails if never. */
static void wait_said(const char *log, const char *what, double secs)
{
  char *text = NULL;
  for (double end = th_now() + th_hang(secs); th_now() < end; th_sleep(0.1)) {
    free(text);
    text = th_read_file(log);
    if (text && strstr(text, what))
      break;
  }
  ck_assert_msg(text && strstr(text, what), "the demo never said '%s': %s", what,
                text ? text : "");
  free(text);
}

static void stop_demo_with(int sig)
{
  char *tmp = th_mkdtemp("demosig");
  char dir[1100], port[16], log[1100];
  snprintf(dir, sizeof dir, "%s/data", tmp);
  snprintf(log, sizeof log, "%s/demo.log", tmp);
  snprintf(port, sizeof port, "%d", th_free_port());
  char *argv[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--lockstep",
                  (char *)"--port", port, (char *)"--dir", dir, NULL};
  pid_t pid = th_spawn(argv, log);
  /* Wait for the first progress lines: everything is up. */
  wait_said(log, "2025-01-01T02:00Z", 60);
  ck_assert_int_eq(procs_using(dir), 6); /* demo, server, ref, r1, r2, r3 */
  kill(pid, sig);
  int st = th_wait(pid, 20);
  ck_assert_msg(st != -1, "demo did not stop");
  if (sig != SIGKILL)
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "demo exit status %d", st);
  /* Every process it started is gone (after SIGKILL, through their parent-death signal). */
  int left = 0;
  for (double end = th_now() + th_hang(10); (left = procs_using(dir)) > 0 && th_now() < end;)
    th_sleep(0.1);
  ck_assert_msg(left == 0, "%d processes left behind", left);
  th_rmtree(tmp);
  free(tmp);
}

START_TEST(test_demo_ctrl_c) { stop_demo_with(SIGINT); }
END_TEST

START_TEST(test_demo_sigterm) { stop_demo_with(SIGTERM); }
END_TEST

START_TEST(test_demo_sigkill) { stop_demo_with(SIGKILL); }
END_TEST

/* --hold-at: the lockstep clock held at hour 3, the processes up, nothing moving on; a
 * signal still stops it.  Without --lockstep the option is refused. */
START_TEST(test_demo_hold_at)
{
  char *tmp = th_mkdtemp("demohold");
  char dir[1100], port[16], log[1100];
  snprintf(dir, sizeof dir, "%s/data", tmp);
  snprintf(log, sizeof log, "%s/demo.log", tmp);
  snprintf(port, sizeof port, "%d", th_free_port());
  char *bad[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--hold-at", (char *)"3", NULL};
  char *out = NULL;
  ck_assert_int_eq(th_run(bad, log, &out, 30), 2);
  free(out);
  char *said = th_read_file(log);
  ck_assert_msg(said && strstr(said, "--hold-at needs --lockstep"), "%s", said ? said : "");
  free(said);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--lockstep", (char *)"--hold-at",
                  (char *)"3", (char *)"--no-web", (char *)"--port", port, (char *)"--dir", dir,
                  NULL};
  pid_t pid = th_spawn(argv, log);
  wait_said(log, "held at 2025-01-01T03:00:00Z", 120);
  /* Held: an unheld lockstep clock moves hours in this second. */
  th_sleep(1);
  char *text = th_read_file(log);
  ck_assert_msg(text && !strstr(text, "2025-01-01T04:00Z"), "time moved on: %s", text);
  free(text);
  ck_assert_int_eq(procs_using(dir), 6); /* demo, server, ref, r1, r2, r3: all up */
  kill(pid, SIGTERM);
  int st = th_wait(pid, 20);
  ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "demo exit status %d", st);
  th_rmtree(tmp);
  free(tmp);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("demo");
  TCase *tc = tcase_create("demo");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_demo_ctrl_c);
  tcase_add_test(tc, test_demo_sigterm);
  tcase_add_test(tc, test_demo_sigkill);
  tcase_add_test(tc, test_demo_hold_at);
  tcase_add_test(tc, test_demo_three_days);
  tcase_add_test(tc, test_demo_faults);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_VERBOSE);
}
