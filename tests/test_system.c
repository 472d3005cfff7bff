/* Integration tests with real parts: the server and sites as cvd processes over loopback
 * HTTP with their own SQLite files, on a shared simulated clock; socat as the network
 * that is cut.  The upload API's refusals, TLS and keys are tried in test_trust.c. */
#include "config.h"

#include <check.h>
#include <unistd.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/timeutil.h"
#include "tests/cluster.h"
#include "tests/testutil.h"

START_TEST(test_server_killed_during_uploads)
{
  struct cluster c;
  cl_init(&c, "kill", 1, NULL);
  cl_write_server_conf(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  cl_start_server(&c);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  /* Kill the server three times while both sites upload, once for long enough that
   * tracks pile up in the spools. */
  double at[] = {6, 12, 18};
  double down_h[] = {0.06, 2.4, 0.36};
  for (int i = 0; i < 3; i++) {
    cl_wait_hours(&c, at[i]);
    kill(c.server, SIGKILL);
    waitpid(c.server, NULL, 0);
    cl_wait_hours(&c, at[i] + down_h[i]);
    cl_start_server(&c);
  }
  cl_wait_hours(&c, 30);
  cl_stop(&c);
  long long n_ref = cl_check_exactly_once(&c, 0), n_r1 = cl_check_exactly_once(&c, 1);
  /* 30 hours of slots each, and the two before hour 0 while the processes started. */
  ck_assert_msg(n_ref >= 178 && n_ref <= 195, "ref: %lld tracks", n_ref);
  ck_assert_msg(n_r1 >= 178 && n_r1 <= 195, "r1: %lld tracks", n_r1);
  sqlite3 *db = cl_server_db(&c);
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM cv"), 165);
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1'"), 150);
  /* The restarted server took up the clock where it was: within 4 h of each restart it
   * was under 50 ns, and it never left. */
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state = 'LOCKED'"), 1);
  sqlite3_close(db);
  double mx = cl_max_true_x(&c, 1, 6, 30);
  ck_assert_msg(mx < 50, "r1's true |x| reached %.1f ns after the server's restarts", mx);
  cl_cleanup(&c);
}
END_TEST

/* A site daemon stopped (SIGSTOP) for 12 simulated hours, then let go on (SIGCONT): the
 * oscillator kept its frequency steering alone, so the clock drifted only by its holdover
 * drift, and within 4 h it is under 50 ns for good; the site said when its holdover began
 * and ended, in that order. */
START_TEST(test_site_frozen_for_12_hours)
{
  struct cluster c;
  cl_init(&c, "freeze", 1, NULL);
  cl_write_server_conf(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  cl_start_server(&c);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 20.05);
  ck_assert_int_eq(kill(c.site[1], SIGSTOP), 0);
  cl_wait_hours(&c, 32.05);
  ck_assert_int_eq(kill(c.site[1], SIGCONT), 0);
  cl_wait_hours(&c, 44);
  cl_stop(&c);
  double before = cl_max_true_x(&c, 1, 10, 20), after = cl_max_true_x(&c, 1, 36.05, 44);
  double frozen = cl_max_true_x(&c, 1, 32.05, 36.05);
  fprintf(stderr, "r1 true |x|: %.1f ns before the freeze, %.1f ns in the 4 h after it, "
                  "%.1f ns from 4 h after it on\n", before, frozen, after);
  ck_assert_msg(before < 50, "r1 not locked before the freeze: %.1f ns", before);
  ck_assert_msg(after < 50, "r1 at %.1f ns from 4 h after the freeze on", after);
  sqlite3 *db = cl_server_db(&c);
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                    "state = 'HOLDOVER'"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state = 'LOCKED'"), 1);
  sqlite3_close(db);
  char log[1024];
  snprintf(log, sizeof log, "%s/r1.log", c.dir);
  char *text = th_read_file(log);
  ck_assert_ptr_nonnull(text);
  char *from = strstr(text, "holdover from "), *ended = strstr(text, "holdover ended at ");
  ck_assert_msg(from && ended, "no holdover said in r1's log");
  char a[32] = "", b[32] = "";
  sscanf(from, "holdover from %20s", a); /* YYYY-MM-DDTHH:MM:SSZ */
  sscanf(ended, "holdover ended at %20s", b);
  ck_assert_msg(strcmp(a, b) <= 0, "holdover from %s ended at %s", a, b);
  free(text);
  cl_cleanup(&c);
}
END_TEST

START_TEST(test_network_cut_for_a_day)
{
  const char *socat = getenv("SOCAT");
  if (!socat || !*socat)
    socat = "/usr/bin/socat";
  struct cluster c;
  cl_init(&c, "cut", 1, NULL);
  int proxy = th_free_port();
  c.nc.site_port[1] = proxy;
  cl_write_server_conf(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  char listen[64], target[64], log[1024];
  snprintf(listen, sizeof listen, "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", proxy);
  snprintf(target, sizeof target, "TCP:127.0.0.1:%d", c.port);
  snprintf(log, sizeof log, "%s/socat.log", c.dir);
  char *argv[] = {(char *)socat, listen, target, NULL};
  pid_t px = th_spawn(argv, log);
  ck_assert_int_eq(th_wait_port(proxy, 5), 0);
  cl_start_server(&c);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 8);
  /* The network between r1 and the server goes for a simulated day. */
  kill(-px, SIGKILL);
  waitpid(px, NULL, 0);
  cl_wait_hours(&c, 32);
  sqlite3 *sp = cl_spool_db(&c, 1);
  long long waiting = cl_query_int(sp, "SELECT count(*) FROM tracks WHERE acked IS NULL");
  sqlite3_close(sp);
  ck_assert_msg(waiting >= 140, "r1 spooled only %lld tracks during the cut", waiting);
  px = th_spawn(argv, log);
  ck_assert_int_eq(th_wait_port(proxy, 5), 0);
  cl_wait_hours(&c, 40);
  cl_stop(&c);
  kill(-px, SIGKILL);
  waitpid(px, NULL, 0);
  long long n = cl_check_exactly_once(&c, 1);
  ck_assert_msg(n >= 238 && n <= 255, "r1: %lld tracks", n);
  sqlite3 *db = cl_server_db(&c);
  /* The server saw the clock go into holdover and come back. */
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                    "state = 'HOLDOVER'"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state IN ('LOCKED', 'UNLOCKED')"), 1);
  sqlite3_close(db);
  /* And the site knew it was on its own. */
  snprintf(log, sizeof log, "%s/r1.log", c.dir);
  char *text = th_read_file(log);
  ck_assert_ptr_nonnull(text);
  ck_assert_ptr_nonnull(strstr(text, "holdover from"));
  ck_assert_ptr_nonnull(strstr(text, "holdover ended"));
  free(text);
  cl_cleanup(&c);
}
END_TEST

/* The server's store lost (issue 10): a new store would issue command ids from 1, and the
 * site, holding a higher one, would ignore them all while the server shows the clock as
 * steered.  The server takes up the ids after the one the site holds, and the clock
 * locks again; a site that does ignore a command says so loudly. */
START_TEST(test_server_store_lost)
{
  struct cluster c;
  cl_init(&c, "storelost", 1, NULL);
  cl_write_server_conf(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  cl_start_server(&c);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 10);
  kill(c.server, SIGKILL);
  waitpid(c.server, NULL, 0);
  const char *files[] = {"server.db", "server.db-wal", "server.db-shm"};
  for (int i = 0; i < 3; i++) {
    char p[1100];
    snprintf(p, sizeof p, "%s/%s", c.dir, files[i]);
    remove(p);
  }
  cl_start_server(&c);
  cl_wait_hours(&c, 24);
  cl_stop(&c);
  char log[1100];
  snprintf(log, sizeof log, "%s/server.log", c.dir);
  char *text = th_read_file(log);
  ck_assert_msg(text && strstr(text, "newer than any this server issued"), "no adoption said");
  free(text);
  snprintf(log, sizeof log, "%s/r1.log", c.dir);
  text = th_read_file(log);
  ck_assert_msg(text && !strstr(text, "IGNORED command"), "the site ignored commands");
  free(text);
  sqlite3 *db = cl_server_db(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state = 'LOCKED'"), 1);
  sqlite3_close(db);
  double after = cl_max_true_x(&c, 1, 20, 24);
  ck_assert_msg(after < 50, "r1 at %.1f ns long after the store was lost", after);
  cl_cleanup(&c);
}
END_TEST

/* Staff say a measurement step was the clock's own phase: r1's receiver delay steps by
 * 30 ns, which the server corrects and does not follow; then `cvd operator step r1 clock`
 * makes the server take it as the clock's, and time steering moves the clock by -30 ns. */
START_TEST(test_operator_step_was_clock)
{
  struct cluster c;
  cl_init(&c, "operator", 1, "remote_delay_step 12 30 r1");
  cl_write_server_conf(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  cl_start_server(&c);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 16);
  double before = cl_max_true_x(&c, 1, 13, 16);
  ck_assert_msg(before < 10, "the delay step was followed: %.1f ns", before);
  char conf[1024], log[1024], *out = NULL;
  snprintf(conf, sizeof conf, "%s/server.conf", c.dir);
  snprintf(log, sizeof log, "%s/operator.log", c.dir);
  char *bad[] = {(char *)th_cvd_bin(), (char *)"operator", (char *)"-c", conf, (char *)"step",
                 (char *)"ref", (char *)"clock", NULL};
  ck_assert_int_eq(th_run(bad, log, NULL, 30), 2);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"operator", (char *)"-c", conf, (char *)"step",
                  (char *)"r1", (char *)"clock", NULL};
  ck_assert_int_eq(th_run(argv, log, &out, 30), 0);
  ck_assert_ptr_nonnull(strstr(out, "queued"));
  free(out);
  cl_wait_hours(&c, 24);
  char *list[] = {(char *)th_cvd_bin(), (char *)"operator", (char *)"-c", conf, (char *)"list",
                  NULL};
  ck_assert_int_eq(th_run(list, log, &out, 30), 0);
  ck_assert_msg(strstr(out, "was the clock's own phase"), "%s", out);
  free(out);
  cl_stop(&c);
  sqlite3 *db = cl_server_db(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM events WHERE kind = 'operator'"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                    "reason LIKE 'operator:%'"), 1);
  sqlite3_close(db);
  /* The clock moved by the step, and stays there. */
  sqlite3 *sp = cl_spool_db(&c, 1);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT CAST(avg(x_ns) * 1000 AS INTEGER) FROM truth WHERE t >= %lld",
           (long long)(c.start + 21 * 3600 * NS_PER_S));
  double after = (double)cl_query_int(sp, sql) / 1000;
  sqlite3_close(sp);
  ck_assert_msg(fabs(after + 30) < 6, "r1's true x after: %.1f ns, want -30", after);
  cl_cleanup(&c);
}
END_TEST

START_TEST(test_probe)
{
  char *dir = th_mkdtemp("probe");
  char conf[1024], scen[1024], log[1024], text[2048];
  snprintf(conf, sizeof conf, "%s/site.conf", dir);
  snprintf(scen, sizeof scen, "%s/scen.conf", dir);
  snprintf(log, sizeof log, "%s/err.log", dir);
  th_write_file(scen, "remotes 1\n");
  snprintf(text, sizeof text,
           "name r1\nserver http://127.0.0.1:9\nplain_http yes\nsecret 0123456789abcdef\nspool %s/r1.db\n"
           "oscillator sim\nsimulation %s\n", dir, scen);
  th_write_file(conf, text);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"site", (char *)"--probe", (char *)"--probe-seconds",
                  (char *)"2", (char *)"-c", conf, NULL};
  char *out = NULL;
  ck_assert_int_eq(th_run(argv, log, &out, 60), 0);
  ck_assert_msg(strstr(out, "tic        sim: 2 readings in 2 s") || strstr(out, "tic        sim: 3 readings"),
                "%s", out);
  /* The simulated clock starts 3 us off: the raw reading says so. */
  ck_assert_ptr_nonnull(strstr(out, "LOCAL - GPS +30"));
  ck_assert_ptr_nonnull(strstr(out, "fix TIME"));
  ck_assert_ptr_nonnull(strstr(out, "all usable"));
  free(out);
  /* The reference's name with a steered oscillator is not usable, and says why. */
  snprintf(text, sizeof text,
           "name ref\nserver http://127.0.0.1:9\nplain_http yes\nsecret 0123456789abcdef\nspool %s/ref.db\n"
           "oscillator sim\nsimulation %s\n", dir, scen);
  th_write_file(conf, text);
  ck_assert_int_eq(th_run(argv, log, &out, 60), 1);
  ck_assert_ptr_nonnull(strstr(out, "oscillator sim: the sim oscillator needs"));
  ck_assert_ptr_nonnull(strstr(out, "not all usable"));
  free(out);
  th_rmtree(dir);
  free(dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("system");
  TCase *tc = tcase_create("system");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_probe);
  tcase_add_test(tc, test_server_killed_during_uploads);
  tcase_add_test(tc, test_network_cut_for_a_day);
  tcase_add_test(tc, test_site_frozen_for_12_hours);
  tcase_add_test(tc, test_operator_step_was_clock);
  tcase_add_test(tc, test_server_store_lost);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_VERBOSE);
  return rc;
}
