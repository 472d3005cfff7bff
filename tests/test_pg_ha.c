/* Two servers on one PostgreSQL store (issue 13), with real cvd processes on the lockstep
 * clock: one steers at a time (the store's lease), both ingest, and sites that list both
 * (`server URL` twice) move to the other when one fails.  The steering server killed with
 * SIGKILL mid-run: the other takes over from the servo state in the store, every remote
 * stays LOCKED without a jump, and every track is stored exactly once.  A site's link to
 * one server cut for hours: it sends to the other, and its clock stays steered.  And
 * cvd demo --servers 2 losing each server in turn. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/store.h"
#include "tests/cluster.h"
#include "tests/pgtest.h"
#include "tests/testutil.h"
#include "upload/http.h"

/* Every site lists both servers, the first one first. */
static void both_servers(struct cluster *c)
{
  size_t l = strlen(c->nc.site_extra);
  snprintf(c->nc.site_extra + l, sizeof c->nc.site_extra - l, "server http://127.0.0.1:%d\n",
           c->port2);
}

static void lease_holder(struct cluster *c, char *holder, size_t n)
{
  struct dbc *db = cl_store(c);
  int64_t until;
  ck_assert_int_eq(store_lease_holder(db, holder, n, &until), 1);
  dbc_close(db);
}

/* GET /api/v1/grid of the server on port: who answers, whether it steers, and that every
 * remote is LOCKED in its grid. */
static void check_grid(struct cluster *c, int port, const char *name, int steering)
{
  char url[128], err[256];
  struct http_reply r;
  snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/grid", port);
  ck_assert_msg(http_exchange(NULL, "GET", url, NULL, NULL, 0, 20000, 1 << 24, &r, err,
                              sizeof err) == 0, "GET %s: %s", url, err);
  json_t *g = json_loads(r.body ? r.body : "", 0, NULL);
  http_reply_free(&r);
  ck_assert_ptr_nonnull(g);
  json_t *srv = json_object_get(g, "server");
  ck_assert_str_eq(json_string_value(json_object_get(srv, "name")), name);
  ck_assert_int_eq(json_is_true(json_object_get(srv, "steering")), steering);
  json_t *clocks = json_object_get(g, "clocks");
  int locked = 0;
  for (size_t i = 0; i < json_array_size(clocks); i++)
    locked += strcmp(json_string_value(json_object_get(json_array_get(clocks, i), "state")),
                     "LOCKED") == 0;
  ck_assert_msg(locked == c->remotes, "%s's grid: %d of %d remotes LOCKED", name, locked,
                c->remotes);
  json_decref(g);
}

/* Each remote LOCKED in the store, its clock within 50 ns over [from_h, to_h), no step
 * over 5 ns in it; no command id issued twice; every site's tracks there once. */
static void check_steered(struct cluster *c, double from_h, double to_h)
{
  struct dbc *db = cl_store(c);
  char sql[300];
  for (int k = 1; k <= c->remotes; k++) {
    const char *s = cl_name(k);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM clocks WHERE site = '%s' AND state = "
             "'LOCKED'", s);
    ck_assert_msg(cl_query_int(db, sql) == 1, "%s not LOCKED at the end", s);
    snprintf(sql, sizeof sql, "SELECT count(*) - count(DISTINCT cmd_id) FROM steering WHERE "
             "site = '%s' AND cmd_id IS NOT NULL", s);
    ck_assert_msg(cl_query_int(db, sql) == 0, "%s: a command id issued twice", s);
    double x = cl_max_true_x(c, k, from_h, to_h), jump = cl_max_true_jump(c, k, from_h, to_h);
    fprintf(stderr, "%s: |x| at most %.2f ns, largest step %.3f ns over %.0f-%.0f h\n", s, x,
            jump, from_h, to_h);
    ck_assert_msg(x < 50, "%s at %.1f ns", s, x);
    ck_assert_msg(jump < 5, "%s jumped by %.2f ns", s, jump);
  }
  dbc_close(db);
  for (int k = 0; k <= c->remotes; k++)
    fprintf(stderr, "%s: %lld tracks at the store, each once\n", cl_name(k),
            cl_check_exactly_once(c, k));
}

START_TEST(test_steering_server_killed)
{
  struct cluster c;
  cl_init(&c, "ha-kill", 2, NULL);
  both_servers(&c);
  cl_write_server_conf(&c);
  cl_write_server2_conf(&c);
  for (int k = 0; k <= c.remotes; k++)
    cl_write_site_conf(&c, k);
  cl_start_server(&c); /* s1 first: it takes the lease */
  cl_start_server2(&c);
  for (int k = 0; k <= c.remotes; k++)
    cl_start_site(&c, k);
  cl_wait_hours(&c, 12);
  char holder[64];
  lease_holder(&c, holder, sizeof holder);
  ck_assert_str_eq(holder, "s1");
  kill(c.server, SIGKILL);
  waitpid(c.server, NULL, 0);
  c.server = 0;
  cl_wait_hours(&c, 24);
  check_grid(&c, c.port2, "s2", 1);
  cl_stop(&c);
  cl_assert_said(&c, "server2", "s2 steers from now on, taking over from s1");
  for (int k = 0; k <= c.remotes; k++)
    cl_assert_said(&c, cl_name(k), "from now on");
  lease_holder(&c, holder, sizeof holder);
  ck_assert_str_eq(holder, "s2");
  struct dbc *db = cl_store(&c);
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM steering WHERE site = 'r1' AND t > %lld",
           (long long)(c.start + 12 * 3600 * NS_PER_S));
  ck_assert_int_ge(cl_query_int(db, sql), 60);
  dbc_close(db);
  check_steered(&c, 8, 24);
  /* The store's read-outs for reports on PostgreSQL too (db/reportq.h): r1's reference
   * found and its differences read by cvd stability --store. */
  char log[1100], *out = NULL;
  snprintf(log, sizeof log, "%s/stability.log", c.dir);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"stability", (char *)"--store", c.store,
                  (char *)"--site", (char *)"r1", (char *)"--stats", (char *)"oadev",
                  (char *)"--json", NULL};
  ck_assert_int_eq(th_run(argv, log, &out, 60), 0);
  const char *obj = out ? strstr(out, "{\"") : NULL; /* stdout: the one JSON line */
  json_t *j = obj ? json_loads(obj, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
  ck_assert_msg(j, "no JSON from cvd stability: %s", out ? out : "");
  fprintf(stderr, "cvd stability --store postgresql://...: r1 - ref, %.0f points\n",
          json_number_value(json_object_get(j, "n")));
  ck_assert(json_number_value(json_object_get(j, "n")) >= 130);
  json_decref(j);
  free(out);
  cl_cleanup(&c);
}
END_TEST

START_TEST(test_site_fails_over_during_cut)
{
  struct cluster c;
  cl_init(&c, "ha-cut", 1, NULL);
  both_servers(&c);
  int proxy = th_free_port();
  c.nc.site_port[1] = proxy; /* r1 reaches s1 through a link that is cut */
  cl_write_server_conf(&c);
  cl_write_server2_conf(&c);
  for (int k = 0; k <= c.remotes; k++)
    cl_write_site_conf(&c, k);
  pid_t px = cl_start_proxy(&c, proxy, c.port);
  cl_start_server(&c);
  cl_start_server2(&c);
  for (int k = 0; k <= c.remotes; k++)
    cl_start_site(&c, k);
  cl_wait_hours(&c, 10);
  kill(-px, SIGKILL);
  waitpid(px, NULL, 0);
  cl_wait_hours(&c, 22);
  check_grid(&c, c.port, "s1", 1);
  check_grid(&c, c.port2, "s2", 0); /* it follows s1's controllers from the store */
  cl_stop(&c);
  char said[128];
  snprintf(said, sizeof said, "sending to http://127.0.0.1:%d from now on", c.port2);
  cl_assert_said(&c, "r1", said);
  char holder[64];
  lease_holder(&c, holder, sizeof holder);
  ck_assert_str_eq(holder, "s1");
  struct dbc *db = cl_store(&c);
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT state, reason FROM steering WHERE site = 'r1' AND t > %lld "
           "AND state <> 'LOCKED'", (long long)(c.start + 10 * 3600 * NS_PER_S));
  struct dbc_st *st = dbc_prep_temp(db, sql);
  int n = 0;
  while (dbc_step(st) == 1 && ++n)
    fprintf(stderr, "r1 %s after the cut: %s\n", dbc_text(st, 0), dbc_text(st, 1));
  dbc_free(st);
  ck_assert_msg(n == 0, "r1 left LOCKED %d times after the cut", n);
  dbc_close(db);
  check_steered(&c, 8, 22);
  cl_cleanup(&c);
}
END_TEST

/* cvd demo --servers 2: two servers on one store (the demo's SQLite file), each killed for
 * 2 h in turn; the closing note names one steering and one following, every remote ends
 * LOCKED within 50 ns, and a server took the steering over from the other. */
START_TEST(test_demo_two_servers)
{
  char *tmp = th_mkdtemp("demo2");
  char dir[1100], port[16], log[1100], path[1200];
  snprintf(dir, sizeof dir, "%s/data", tmp);
  snprintf(log, sizeof log, "%s/demo.log", tmp);
  int p = th_free_ports(2); /* the second server takes the next one */
  ck_assert_int_gt(p, 0);
  snprintf(port, sizeof port, "%d", p);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--servers", (char *)"2",
                  (char *)"--remotes", (char *)"2", (char *)"--days", (char *)"2",
                  (char *)"--no-web", (char *)"--json", (char *)"--lockstep", (char *)"--port",
                  port, (char *)"--dir", dir, NULL};
  char *out = NULL;
  int rc = th_run(argv, log, &out, 300);
  char *err = th_read_file(log);
  ck_assert_msg(rc == 0, "cvd demo --servers 2 ended with %d (logs in %s):\n%s", rc, dir,
                err ? err : "(no log)");
  const char *said[] = {"server is killed (SIGKILL)", "server2 is killed (SIGKILL)",
                        "server is started again", "server2 is started again", "(steering)",
                        "(following)"};
  for (size_t i = 0; i < sizeof said / sizeof *said; i++)
    ck_assert_msg(strstr(err, said[i]), "the demo did not say '%s': %s", said[i], err);
  free(err);
  int took_over = 0;
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/server%s.log", dir, i ? "2" : "");
    char *text = th_read_file(path);
    took_over += text && strstr(text, "steers from now on, taking over from");
    free(text);
  }
  ck_assert_msg(took_over >= 1, "no server took the steering over");
  char *last = strstr(out, "{\"sim_days\"");
  json_t *j = last ? json_loads(last, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
  ck_assert_msg(j != NULL, "no JSON: %s", out);
  const json_t *rs = json_object_get(j, "remotes");
  ck_assert_int_eq(json_array_size(rs), 2);
  for (size_t i = 0; i < json_array_size(rs); i++) {
    const json_t *r = json_array_get(rs, i);
    const char *site = json_string_value(json_object_get(r, "site"));
    ck_assert_msg(strcmp(json_string_value(json_object_get(r, "state")), "LOCKED") == 0,
                  "%s is %s", site, json_string_value(json_object_get(r, "state")));
    double rms = json_number_value(json_object_get(r, "rms_true_x_ns_last_day"));
    fprintf(stderr, "demo --servers 2: %s rms true x over the last day %.2f ns\n", site, rms);
    ck_assert_msg(rms < 50, "%s", site);
  }
  json_decref(j);
  free(out);
  th_rmtree(tmp);
  free(tmp);
}
END_TEST

int main(void)
{
  char why[1024];
  int rc = pgtest_start(why, sizeof why);
  if (rc != 0) {
    fprintf(stderr, "test_pg_ha: %s\n", why);
    return rc == 77 ? 77 : 99;
  }
  Suite *s = suite_create("pg_ha");
  TCase *tc = tcase_create("ha");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_steering_server_killed);
  tcase_add_test(tc, test_site_fails_over_during_cut);
  tcase_add_test(tc, test_demo_two_servers);
  suite_add_tcase(s, tc);
  rc = th_run_suite(s, CK_VERBOSE);
  pgtest_stop();
  return rc;
}
