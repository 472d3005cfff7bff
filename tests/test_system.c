/* Integration tests with real parts: the server and sites as cvd processes over loopback
 * HTTP with their own SQLite files, on a shared simulated clock; socat as the network
 * that is cut; hand-made requests for the upload API's refusals. */
#include "config.h"

#include <check.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/jsonx.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "tests/cluster.h"
#include "tests/testutil.h"
#include "upload/http.h"

/* Every track a site's spool holds acknowledged is at the server exactly once, and the
 * server holds nothing else from it, without gaps.  Returns the number of tracks. */
static long long check_exactly_once(struct cluster *c, int k)
{
  sqlite3 *db = cl_server_db(c);
  char sql[2048], path[1024];
  snprintf(path, sizeof path, "%s/%s.db", c->dir, cl_name(k));
  snprintf(sql, sizeof sql, "ATTACH '%s' AS sp", path);
  ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  const char *s = cl_name(k);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM tracks WHERE site = '%s'", s);
  long long at_server = cl_query_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT count(DISTINCT slot) FROM tracks WHERE site = '%s'", s);
  ck_assert_int_eq(cl_query_int(db, sql), at_server);
  long long acked = cl_query_int(db, "SELECT count(*) FROM sp.tracks WHERE acked IS NOT NULL");
  long long unacked = cl_query_int(db, "SELECT count(*) FROM sp.tracks WHERE acked IS NULL");
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM sp.tracks s WHERE s.acked IS NOT NULL AND NOT EXISTS "
           "(SELECT 1 FROM main.tracks t WHERE t.site = '%s' AND t.slot = s.slot)", s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: acknowledged tracks missing at the server", s);
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM main.tracks t WHERE t.site = '%s' AND NOT EXISTS "
           "(SELECT 1 FROM sp.tracks s WHERE s.slot = t.slot)", s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: the server holds tracks the site never made", s);
  snprintf(sql, sizeof sql,
           "SELECT (max(slot) - min(slot)) / 600000000000 + 1 - count(*) FROM tracks "
           "WHERE site = '%s'", s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: gaps in the server's tracks", s);
  /* The server is stopped first: what the sites made after that waits in their spools,
   * newer than anything the server has; nothing older may be missing from it. */
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM sp.tracks s WHERE s.acked IS NULL AND NOT EXISTS "
           "(SELECT 1 FROM main.tracks t WHERE t.site = '%s' AND t.slot = s.slot) AND s.slot < "
           "(SELECT max(slot) FROM main.tracks WHERE site = '%s')", s, s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: unacknowledged tracks older than the server's "
                "newest are missing from it (%lld unacknowledged)", s, unacked);
  ck_assert_int_ge(at_server, acked);
  sqlite3_close(db);
  return at_server;
}

/* The largest |true x| a site's spool recorded (a sample a simulated minute) over
 * [from_h, to_h) hours of the run. */
static double max_true_x(struct cluster *c, int k, double from_h, double to_h)
{
  sqlite3 *db = cl_spool_db(c, k);
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT CAST(max(abs(x_ns)) * 1000 AS INTEGER) FROM truth WHERE t >= %lld AND t < %lld",
           (long long)(c->start + (int64_t)(from_h * 3600e9)),
           (long long)(c->start + (int64_t)(to_h * 3600e9)));
  long long v = cl_query_int(db, sql);
  sqlite3_close(db);
  return v < 0 ? NAN : (double)v / 1000;
}

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
  long long n_ref = check_exactly_once(&c, 0), n_r1 = check_exactly_once(&c, 1);
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
  double mx = max_true_x(&c, 1, 6, 30);
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
  double before = max_true_x(&c, 1, 10, 20), after = max_true_x(&c, 1, 36.05, 44);
  double frozen = max_true_x(&c, 1, 32.05, 36.05);
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
  long long n = check_exactly_once(&c, 1);
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
  double after = max_true_x(&c, 1, 20, 24);
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
  double before = max_true_x(&c, 1, 13, 16);
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

/* A hand-made request to the upload API. */
struct answer {
  long status;
  char *body;
  size_t len;
};

static struct answer post(int port, const char *site, long long ts, const char *sig,
                          const char *body, size_t len)
{
  char url[128], h1[1200], h2[96], h3[128], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, MSG_PATH_TRACKS);
  snprintf(h1, sizeof h1, "X-CVD-Site: %s", site);
  snprintf(h2, sizeof h2, "X-CVD-Timestamp: %lld", ts);
  snprintf(h3, sizeof h3, "X-CVD-Signature: %s", sig);
  const char *h[] = {h1, h2, h3, "Expect:", NULL};
  struct http_reply r;
  ck_assert_msg(http_exchange(NULL, "POST", url, h, body, len, 10000, 1 << 20, &r, err,
                              sizeof err) == 0, "%s", err);
  return (struct answer){r.status, r.body, r.len};
}

/* A POST with a signature for r1 and a hand-written timestamp header. */
static struct answer raw_post(int port, const char *ts_header, const char *body)
{
  char url[128], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, MSG_PATH_TRACKS);
  const char *h[] = {"X-CVD-Site: r1", ts_header,
                     "X-CVD-Signature: 0000000000000000000000000000000000000000000000000000000000000000",
                     "Expect:", NULL};
  struct http_reply r;
  ck_assert_msg(http_exchange(NULL, "POST", url, h, body, strlen(body), 10000, 1 << 20, &r, err,
                              sizeof err) == 0, "%s", err);
  return (struct answer){r.status, r.body, r.len};
}

/* Another method, with a body: a 405 with its JSON error, not a closed connection. */
static struct answer other_method(int port, const char *method, const char *body)
{
  char url[128], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, MSG_PATH_TRACKS);
  const char *h[] = {"Content-Type: application/json", "Expect:", NULL};
  struct http_reply r;
  ck_assert_msg(http_exchange(NULL, method, url, h, body, strlen(body), 10000, 1 << 20, &r, err,
                              sizeof err) == 0, "%s %s: %s", method, url, err);
  return (struct answer){r.status, r.body, r.len};
}

static struct answer signed_post(struct cluster *c, int k, long long ts, const char *body)
{
  char sig[65];
  sign_request(c->nc.secret[k], "POST", MSG_PATH_TRACKS, ts, body, strlen(body), sig);
  return post(c->port, cl_name(k), ts, sig, body, strlen(body));
}

/* A 4xx answer is a JSON error that names the problem. */
static void assert_refused(struct answer a, long status, const char *says)
{
  ck_assert_int_eq(a.status, status);
  json_t *j = json_loads(a.body ? a.body : "", 0, NULL);
  ck_assert_msg(j != NULL, "error body is not JSON: %s", a.body ? a.body : "");
  ck_assert(json_is_false(json_object_get(j, "ok")));
  const char *e = json_string_value(json_object_get(j, "error"));
  ck_assert_msg(e && strstr(e, says), "error '%s' does not say '%s'", e ? e : "", says);
  json_decref(j);
  free(a.body);
}

static char *one_track_body(const char *site, int sod)
{
  struct track t;
  int64_t slot;
  tu_parse("2025-01-01T00:00:00Z", &slot);
  track_init(&t, site, slot + (int64_t)sod * NS_PER_S);
  t.value_ns = 12.5;
  t.sigma_ns = 3;
  t.n_used = 600;
  json_t *j = msg_upload_request(site, NULL, &t, 1);
  char *s = jx_dump(j);
  json_decref(j);
  return s;
}

START_TEST(test_bad_uploads_refused)
{
  struct cluster c;
  cl_init(&c, "bad", 1, NULL);
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra, "max_body 65536\n");
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 1); /* the slot of the tracks below is over by the server's clock */
  long long now = tu_wall_ns() / NS_PER_S;
  char *body = one_track_body("r1", 0);

  char sig[65];
  sign_request("not-the-secret-of-r1", "POST", MSG_PATH_TRACKS, now, body, strlen(body), sig);
  assert_refused(post(c.port, "r1", now, sig, body, strlen(body)), 401, "bad signature");
  assert_refused(signed_post(&c, 1, now - 1000, body), 401, "stale timestamp");
  /* Timestamps that would overflow what is computed from them (issue 10). */
  assert_refused(post(c.port, "r1", 0, sig, body, strlen(body)), 401, "stale timestamp");
  assert_refused(raw_post(c.port, "X-CVD-Timestamp: -9223372036854775808", body), 401,
                 "not Unix seconds");
  assert_refused(raw_post(c.port, "X-CVD-Timestamp: 99999999999999999999", body), 401,
                 "not Unix seconds");
  assert_refused(signed_post(&c, 1, now + 1000, body), 401, "stale timestamp");
  sign_request(c.nc.secret[1], "POST", MSG_PATH_TRACKS, now, body, strlen(body), sig);
  assert_refused(post(c.port, "r9", now, sig, body, strlen(body)), 401, "unknown site");
  assert_refused(signed_post(&c, 1, now, "{\"site\": \"r1\", \"tracks\": [}"), 400, "malformed JSON");
  char *other = one_track_body("ref", 600);
  assert_refused(signed_post(&c, 1, now, other), 400, "X-CVD-Site is 'r1'");
  free(other);
  const char *bad_track = "{\"site\":\"r1\",\"tracks\":[{\"site\":\"r1\",\"mjd\":60676,"
                          "\"sod\":601,\"n_used\":600,\"n_rejected\":0,\"value_ns\":1}]}";
  assert_refused(signed_post(&c, 1, now, bad_track), 400, "sod");
  size_t big = 100000;
  char *huge = malloc(big + 1);
  memset(huge, ' ', big);
  huge[big] = '\0';
  memcpy(huge, "{\"site\":\"r1\",\"tracks\":[]}", 24);
  assert_refused(signed_post(&c, 1, now, huge), 413, "over the limit");
  free(huge);
  const char *methods[] = {"GET", "PUT", "DELETE"};
  for (int i = 0; i < 3; i++)
    assert_refused(other_method(c.port, methods[i], body), 405, "takes POST");
  /* A second server on the same port does not start: the kernel would split the uploads
   * between two stores (issue 10). */
  char conf2[1024], log2[1024], *out2 = NULL;
  snprintf(conf2, sizeof conf2, "%s/server.conf", c.dir);
  snprintf(log2, sizeof log2, "%s/second.log", c.dir);
  char *second[] = {(char *)th_cvd_bin(), (char *)"server", (char *)"-c", conf2, NULL};
  ck_assert_int_eq(th_run(second, log2, &out2, 30), 1);
  free(out2);
  char *t2 = th_read_file(log2);
  ck_assert_msg(t2 && strstr(t2, "cannot listen"), "%s", t2 ? t2 : "");
  free(t2);
  /* A claimed site of 1 KB is not written to the log. */
  char claim[1100];
  memset(claim, 'A', 1024);
  claim[1024] = '\0';
  assert_refused(post(c.port, claim, now, sig, body, strlen(body)), 401, "unknown site");
  char slog[1024];
  snprintf(slog, sizeof slog, "%s/server.log", c.dir);
  char *stext = th_read_file(slog);
  ck_assert_ptr_nonnull(stext);
  ck_assert_msg(!strstr(stext, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "the site header was logged");
  free(stext);
  sqlite3 *db = cl_server_db(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM tracks"), 0);
  sqlite3_close(db);

  /* The good request is taken, answered with a signature over the request's, and the
   * same bytes sent again are a replay. */
  sign_request(c.nc.secret[1], "POST", MSG_PATH_TRACKS, now, body, strlen(body), sig);
  struct answer a = post(c.port, "r1", now, sig, body, strlen(body));
  ck_assert_int_eq(a.status, 200);
  json_t *j = json_loads(a.body, 0, NULL);
  ck_assert(json_is_true(json_object_get(j, "ok")));
  ck_assert_int_eq(json_integer_value(json_object_get(j, "stored")), 1);
  ck_assert_int_eq(json_array_size(json_object_get(j, "acked")), 1);
  json_decref(j);
  free(a.body);
  assert_refused(post(c.port, "r1", now, sig, body, strlen(body)), 409, "replayed");
  /* A new request with the same track stores it once. */
  a = signed_post(&c, 1, now + 1, body);
  ck_assert_int_eq(a.status, 200);
  j = json_loads(a.body, 0, NULL);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "stored")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "duplicates")), 1);
  json_decref(j);
  free(a.body);
  db = cl_server_db(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM tracks"), 1);
  sqlite3_close(db);
  free(body);

  /* Tracks the server will never take are answered as refused, with why, and not stored:
   * a slot not yet over (2099), and one older than max_track_age (1970) (issue 10). */
  const char *dates[] = {"2099-01-01T00:00:00Z", "1970-01-02T00:00:00Z"};
  for (int i = 0; i < 2; i++) {
    struct track t;
    int64_t slot;
    tu_parse(dates[i], &slot);
    track_init(&t, "r1", slot);
    t.value_ns = 1;
    t.sigma_ns = 1;
    t.n_used = 600;
    json_t *rq = msg_upload_request("r1", NULL, &t, 1);
    char *b = jx_dump(rq);
    json_decref(rq);
    a = signed_post(&c, 1, now + 2 + i, b);
    ck_assert_int_eq(a.status, 200);
    j = json_loads(a.body, 0, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "stored")), 0);
    const json_t *ref = json_object_get(j, "refused");
    ck_assert_int_eq(json_array_size(ref), 1);
    const char *why = json_string_value(json_object_get(json_array_get(ref, 0), "why"));
    ck_assert_msg(why && strstr(why, i ? "older than" : "not over"), "%s", why ? why : "");
    json_decref(j);
    free(a.body);
    free(b);
  }
  /* A site whose clock is 6 h ahead of the server's: an event, and the clock in ALARM. */
  struct osc_report rep = {.t = c.start + 7 * 3600 * NS_PER_S};
  json_t *rq = msg_upload_request("r1", &rep, NULL, 0);
  char *b = jx_dump(rq);
  json_decref(rq);
  a = signed_post(&c, 1, now + 5, b);
  ck_assert_int_eq(a.status, 200);
  j = json_loads(a.body, 0, NULL);
  ck_assert_str_eq(json_string_value(json_object_get(j, "state")), "ALARM");
  json_decref(j);
  free(a.body);
  free(b);
  db = cl_server_db(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM tracks"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM events WHERE kind = "
                                    "'clock_disagreement' AND message LIKE '%+21600 s%'"), 1);
  sqlite3_close(db);
  cl_cleanup(&c);
}
END_TEST

/* Another process holding the server's database with a write transaction (issue 10): the
 * pages and the read API answer from their own connection at once, and an upload is
 * answered 503 after the server's short wait, not after SQLite's 10 s, and is taken once
 * the lock is gone. */
START_TEST(test_database_held_by_another)
{
  struct cluster c;
  cl_init(&c, "dblock", 1, NULL);
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 1);
  char path[1100], url[128], err[256];
  snprintf(path, sizeof path, "%s/server.db", c.dir);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO events (t, kind, message) "
                                    "VALUES (0, 'test', 'held');", NULL, NULL, NULL), SQLITE_OK);
  snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/grid", c.port);
  struct http_reply r;
  double t0 = th_now();
  ck_assert_msg(http_exchange(NULL, "GET", url, NULL, NULL, 0, 8000, 1 << 20, &r, err, sizeof err) == 0,
                "the grid did not answer while the database was held: %s", err);
  ck_assert_int_eq(r.status, 200);
  http_reply_free(&r);
  long long now = tu_wall_ns() / NS_PER_S;
  char *body = one_track_body("r1", 0);
  struct answer a = signed_post(&c, 1, now, body);
  ck_assert_int_eq(a.status, 503);
  free(a.body);
  fprintf(stderr, "while the database was held: grid and a refused upload in %.1f s\n",
          th_now() - t0);
  ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  a = signed_post(&c, 1, now + 1, body);
  ck_assert_int_eq(a.status, 200);
  free(a.body);
  free(body);
  cl_cleanup(&c);
}
END_TEST

/* A connection from `from` (a loopback address) that starts a request and sends nothing
 * more: -1 when refused. */
static int slow_client(int port, const char *from)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET,
                                                           .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, from, &src.sin_addr);
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
      connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  const char *start = "POST /api/v1/tracks HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  if (send(fd, start, strlen(start), MSG_NOSIGNAL) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Slowloris (issue 10): two hundred connections from one address that start a request
 * and trickle; the sites, from another, still upload, and the refusals are said. */
START_TEST(test_slow_connections_do_not_lock_out_sites)
{
  struct cluster c;
  cl_init(&c, "slowloris", 1, NULL);
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra,
           "max_connections 100\nmax_connections_per_address 16\nclient_timeout 60\n");
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 1);
  int fds[200], open_fds = 0;
  for (int i = 0; i < 200; i++)
    if ((fds[i] = slow_client(c.port, "127.0.0.2")) >= 0)
      open_fds++;
  /* A byte from each now and then, as a slowloris keeps them alive. */
  for (int i = 0; i < 200; i++)
    if (fds[i] >= 0 && send(fds[i], "a", 1, MSG_NOSIGNAL) < 0) {
      close(fds[i]);
      fds[i] = -1;
    }
  long long now = tu_wall_ns() / NS_PER_S;
  char *body = one_track_body("r1", 0);
  struct answer a = signed_post(&c, 1, now, body);
  ck_assert_int_eq(a.status, 200);
  free(a.body);
  free(body);
  for (int i = 0; i < 200; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  char log[1100];
  snprintf(log, sizeof log, "%s/server.log", c.dir);
  char *text = th_read_file(log);
  ck_assert_msg(text && strstr(text, "connections from 127.0.0.2 refused"), "not said");
  free(text);
  fprintf(stderr, "slowloris: %d connections opened from 127.0.0.2, the site's upload taken\n",
          open_fds);
  cl_cleanup(&c);
}
END_TEST

/* Runs cvd with args; returns the exit status and the stderr text (malloc'ed). */
static int run_cvd(const char *dir, char *const args[], char **err)
{
  char log[1024];
  snprintf(log, sizeof log, "%s/run.log", dir);
  remove(log);
  int st = th_run(args, log, NULL, 30);
  *err = th_read_file(log);
  return st;
}

START_TEST(test_config_errors_name_file_and_line)
{
  char *dir = th_mkdtemp("conf");
  char path[1024], *err, want[1200];
  snprintf(path, sizeof path, "%s/server.conf", dir);
  th_write_file(path, "# a server\nreference ref\nbogus_directive 12\nsite ref 0123456789abcdef\n");
  char *a1[] = {(char *)th_cvd_bin(), (char *)"server", (char *)"-c", path, NULL};
  ck_assert_int_eq(run_cvd(dir, a1, &err), 2);
  snprintf(want, sizeof want, "%s:3: unknown directive 'bogus_directive'", path);
  ck_assert_msg(strstr(err, want), "stderr: %s", err);
  free(err);

  snprintf(path, sizeof path, "%s/site.conf", dir);
  th_write_file(path, "name r1\nserver http://127.0.0.1:1\nsecret 0123456789abcdef\n"
                      "intdly ten\n");
  char *a2[] = {(char *)th_cvd_bin(), (char *)"site", (char *)"-c", path, NULL};
  ck_assert_int_eq(run_cvd(dir, a2, &err), 2);
  snprintf(want, sizeof want, "%s:4: 'intdly': bad intdly 'ten'", path);
  ck_assert_msg(strstr(err, want), "stderr: %s", err);
  free(err);

  /* A scenario named by the site's configuration is checked with its own lines. */
  char scen[1024];
  snprintf(scen, sizeof scen, "%s/scen.conf", dir);
  th_write_file(scen, "remotes 2\nrb_adev_1s 1e-11\noutage 5 2 r7\n");
  char text[2048];
  snprintf(text, sizeof text, "name r1\nserver http://127.0.0.1:1\nsecret 0123456789abcdef\n"
                              "simulation %s\n", scen);
  th_write_file(path, text);
  ck_assert_int_eq(run_cvd(dir, a2, &err), 2);
  ck_assert_msg(strstr(err, "r7") && strstr(err, scen), "stderr: %s", err);
  free(err);

  /* A missing required directive is named too. */
  th_write_file(path, "name r1\nserver http://127.0.0.1:1\n");
  ck_assert_int_eq(run_cvd(dir, a2, &err), 2);
  ck_assert_msg(strstr(err, "no 'secret' directive"), "stderr: %s", err);
  free(err);
  /* So is a bad option. */
  char *a3[] = {(char *)th_cvd_bin(), (char *)"demo", (char *)"--remotes", (char *)"0", NULL};
  ck_assert_int_eq(run_cvd(dir, a3, &err), 2);
  ck_assert_msg(strstr(err, "--remotes"), "stderr: %s", err);
  free(err);
  th_rmtree(dir);
  free(dir);
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
           "name r1\nserver http://127.0.0.1:9\nsecret 0123456789abcdef\nspool %s/r1.db\n"
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
           "name ref\nserver http://127.0.0.1:9\nsecret 0123456789abcdef\nspool %s/ref.db\n"
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
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Suite *s = suite_create("system");
  TCase *tc = tcase_create("system");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_config_errors_name_file_and_line);
  tcase_add_test(tc, test_bad_uploads_refused);
  tcase_add_test(tc, test_database_held_by_another);
  tcase_add_test(tc, test_slow_connections_do_not_lock_out_sites);
  tcase_add_test(tc, test_probe);
  tcase_add_test(tc, test_server_killed_during_uploads);
  tcase_add_test(tc, test_network_cut_for_a_day);
  tcase_add_test(tc, test_site_frozen_for_12_hours);
  tcase_add_test(tc, test_operator_step_was_clock);
  tcase_add_test(tc, test_server_store_lost);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_VERBOSE);
  curl_global_cleanup();
  return rc;
}
