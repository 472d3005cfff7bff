/* The server and the sites tried as an attacker and a bad day would (issue 10): hand-made
 * requests to the upload API with bad signatures, timestamps, bodies and methods; another
 * process holding the database; a flood of slow connections; configurations with errors and
 * secrets that others may read.  TLS and keys are tried in test_tls.c. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/jsonx.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "tests/certs.h"
#include "tests/cluster.h"
#include "tests/testutil.h"
#include "tests/upreq.h"

START_TEST(test_bad_uploads_refused)
{
  struct cluster c;
  cl_init(&c, "bad", 1, NULL);
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra, "max_body 65536\n");
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 1); /* the slot of the tracks below is over by the server's clock */
  long long now = tu_wall_ns() / NS_PER_S;
  char *body = up_one_track_body("r1", 0);

  char sig[65];
  sign_request("not-the-secret-of-r1", "POST", MSG_PATH_TRACKS, now, body, strlen(body), sig);
  up_assert_refused(up_post(c.port, "r1", now, sig, body, strlen(body)), 401, "bad signature");
  up_assert_refused(up_signed_post(&c, 1, now - 1000, body), 401, "stale timestamp");
  /* Timestamps that would overflow what is computed from them (issue 10). */
  up_assert_refused(up_post(c.port, "r1", 0, sig, body, strlen(body)), 401, "stale timestamp");
  up_assert_refused(up_post_raw(c.port, "X-CVD-Timestamp: -9223372036854775808", body), 401,
                 "not Unix seconds");
  up_assert_refused(up_post_raw(c.port, "X-CVD-Timestamp: 99999999999999999999", body), 401,
                 "not Unix seconds");
  up_assert_refused(up_signed_post(&c, 1, now + 1000, body), 401, "stale timestamp");
  sign_request(c.nc.secret[1], "POST", MSG_PATH_TRACKS, now, body, strlen(body), sig);
  up_assert_refused(up_post(c.port, "r9", now, sig, body, strlen(body)), 401, "unknown site");
  up_assert_refused(up_signed_post(&c, 1, now, "{\"site\": \"r1\", \"tracks\": [}"), 400, "malformed JSON");
  char *other = up_one_track_body("ref", 600);
  up_assert_refused(up_signed_post(&c, 1, now, other), 400, "X-CVD-Site is 'r1'");
  free(other);
  const char *bad_track = "{\"site\":\"r1\",\"tracks\":[{\"site\":\"r1\",\"mjd\":60676,"
                          "\"sod\":601,\"n_used\":600,\"n_rejected\":0,\"value_ns\":1}]}";
  up_assert_refused(up_signed_post(&c, 1, now, bad_track), 400, "sod");
  size_t big = 100000;
  char *huge = malloc(big + 1);
  memset(huge, ' ', big);
  huge[big] = '\0';
  memcpy(huge, "{\"site\":\"r1\",\"tracks\":[]}", 24);
  up_assert_refused(up_signed_post(&c, 1, now, huge), 413, "over the limit");
  free(huge);
  const char *methods[] = {"GET", "PUT", "DELETE"};
  for (int i = 0; i < 3; i++)
    up_assert_refused(up_other_method(c.port, methods[i], body), 405, "takes POST");
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
  up_assert_refused(up_post(c.port, claim, now, sig, body, strlen(body)), 401, "unknown site");
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
  struct answer a = up_post(c.port, "r1", now, sig, body, strlen(body));
  ck_assert_int_eq(a.status, 200);
  json_t *j = json_loads(a.body, 0, NULL);
  ck_assert(json_is_true(json_object_get(j, "ok")));
  ck_assert_int_eq(json_integer_value(json_object_get(j, "stored")), 1);
  ck_assert_int_eq(json_array_size(json_object_get(j, "acked")), 1);
  json_decref(j);
  free(a.body);
  up_assert_refused(up_post(c.port, "r1", now, sig, body, strlen(body)), 409, "replayed");
  /* A new request with the same track stores it once. */
  a = up_signed_post(&c, 1, now + 1, body);
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
    a = up_signed_post(&c, 1, now + 2 + i, b);
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
  a = up_signed_post(&c, 1, now + 5, b);
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
  /* The server may be writing at this moment (its tick, the steering lease): wait for it. */
  ck_assert_int_eq(sqlite3_busy_timeout(db, 30000), SQLITE_OK);
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
  char *body = up_one_track_body("r1", 0);
  struct answer a = up_signed_post(&c, 1, now, body);
  ck_assert_int_eq(a.status, 503);
  free(a.body);
  fprintf(stderr, "while the database was held: grid and a refused upload in %.1f s\n",
          th_now() - t0);
  ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  a = up_signed_post(&c, 1, now + 1, body);
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
  char *body = up_one_track_body("r1", 0);
  struct answer a = up_signed_post(&c, 1, now, body);
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
  snprintf(text, sizeof text, "name r1\nserver http://127.0.0.1:1\nplain_http yes\nsecret 0123456789abcdef\n"
                              "simulation %s\n", scen);
  th_write_file(path, text);
  ck_assert_int_eq(run_cvd(dir, a2, &err), 2);
  ck_assert_msg(strstr(err, "r7") && strstr(err, scen), "stderr: %s", err);
  free(err);

  /* Plain HTTP only on purpose (issue 10). */
  th_write_file(path, "name r1\nserver http://127.0.0.1:1\nsecret 0123456789abcdef\n");
  ck_assert_int_eq(run_cvd(dir, a2, &err), 2);
  ck_assert_msg(strstr(err, "plain HTTP: use https://, or say 'plain_http yes'"), "stderr: %s", err);
  free(err);
  snprintf(path, sizeof path, "%s/server.conf", dir);
  th_write_file(path, "reference ref\nsite ref 0123456789abcdef\n");
  ck_assert_int_eq(run_cvd(dir, a1, &err), 2);
  ck_assert_msg(strstr(err, "give tls_certificate and tls_key"), "stderr: %s", err);
  free(err);
  snprintf(path, sizeof path, "%s/site.conf", dir);

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

/* cvd CMD --check-config -c conf: the exit status; stdout and stderr into *out, *err. */
static int check_config(const char *dir, const char *cmd, const char *conf, char **out,
                        char **err)
{
  char log[1024];
  snprintf(log, sizeof log, "%s/check.log", dir);
  remove(log);
  char *argv[] = {(char *)th_cvd_bin(), (char *)cmd, (char *)"--check-config", (char *)"-c",
                  (char *)conf, NULL};
  int st = th_run(argv, log, out, 30);
  *err = th_read_file(log);
  ck_assert_ptr_nonnull(*err);
  return st;
}

/* text as the server's configuration at path: --check-config exits with status and says
 * want (on stdout when good, on stderr when not). */
static void server_conf_says(const char *dir, const char *path, const char *text, int status,
                             const char *want)
{
  char *out = NULL, *err = NULL;
  th_write_file(path, text);
  ck_assert_int_eq(chmod(path, 0600), 0);
  ck_assert_int_eq(check_config(dir, "server", path, &out, &err), status);
  ck_assert_msg(strstr(status ? err : out, want), "cvd server said: %s %s", out ? out : "", err);
  free(out);
  free(err);
}

/* Among thousands of sites, one given twice is named with its line, a key for a site not
 * given yet is refused, and a key for one given long before is taken. */
START_TEST(test_many_sites_config)
{
  char *dir = th_mkdtemp("many"), path[1024], want[1200];
  snprintf(path, sizeof path, "%s/many.conf", dir);
  size_t cap = 3000 * 64, len = 0;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  len += (size_t)snprintf(text + len, cap - len, "reference r0\nplain_http yes\n");
  for (int i = 0; i < 3000; i++)
    len += (size_t)snprintf(text + len, cap - len, "site r%d 0123456789abcdef%04d\n", i, i);
  size_t sites_end = len;
  len += (size_t)snprintf(text + len, cap - len, "site_key r17 2 fedcba9876543210\n");
  server_conf_says(dir, path, text, 0, "good");
  snprintf(text + len, cap - len, "site_key r3000 2 fedcba9876543210\n");
  snprintf(want, sizeof want, "%s:3004: 'site_key': no site 'r3000' yet", path);
  server_conf_says(dir, path, text, 2, want);
  snprintf(text + sites_end, cap - sites_end, "site r2345 0123456789abcdef9999\n");
  snprintf(want, sizeof want, "%s:3003: 'site': site 'r2345' given twice", path);
  server_conf_says(dir, path, text, 2, want);
  free(text);
  th_rmtree(dir);
  free(dir);
}
END_TEST

/* A file holding secrets that its group or others may read is refused, named, with its
 * mode and the mend; the secret itself is never said; once mended the file is taken. */
static void assert_private_needed(const char *dir, const char *cmd, const char *conf,
                                  const char *secret_file, const char *secret)
{
  char *out = NULL, *err = NULL, want[1200];
  ck_assert_int_eq(chmod(secret_file, 0644), 0);
  ck_assert_int_eq(check_config(dir, cmd, conf, &out, &err), 2);
  snprintf(want, sizeof want, "%s holds a secret but its group or others may read it (mode 0644)",
           secret_file);
  ck_assert_msg(strstr(err, want) && strstr(err, "chmod 600"), "cvd %s said: %s", cmd, err);
  ck_assert_msg(!strstr(err, secret), "cvd %s said the secret", cmd);
  free(out);
  free(err);
  ck_assert_int_eq(chmod(secret_file, 0600), 0);
  ck_assert_int_eq(check_config(dir, cmd, conf, &out, &err), 0);
  snprintf(want, sizeof want, "%s: good", conf);
  ck_assert_msg(out && strstr(out, want), "cvd %s: %s", cmd, err);
  free(out);
  free(err);
}

START_TEST(test_secrets_readable_by_owner_alone)
{
  char *dir = th_mkdtemp("secret");
  const char *s1 = "first-secret-of-r1-0123", *s2 = "second-secret-of-r1-4567";
  char f1[1024], f2[1024], site[1024], server[1024], text[4096], cert[1024], key[1024];
  snprintf(f1, sizeof f1, "%s/r1.secret", dir);
  snprintf(f2, sizeof f2, "%s/r1-2.secret", dir);
  snprintf(site, sizeof site, "%s/site.conf", dir);
  snprintf(server, sizeof server, "%s/server.conf", dir);
  snprintf(text, sizeof text, "%s\n", s1);
  th_write_file(f1, text);
  snprintf(text, sizeof text, "%s\n", s2);
  th_write_file(f2, text);

  /* Secret files named with @. */
  snprintf(text, sizeof text, "name r1\nserver http://127.0.0.1:1\nplain_http yes\nsecret @%s\n", f1);
  th_write_file(site, text);
  ck_assert_int_eq(chmod(site, 0644), 0); /* no secret in it: others may read it */
  assert_private_needed(dir, "site", site, f1, s1);
  snprintf(text, sizeof text, "reference r1\nplain_http yes\nsite r1 @%s\n"
                              "site_key r1 2 @%s 2031-01-01T00:00:00Z\n", f1, f2);
  th_write_file(server, text);
  ck_assert_int_eq(chmod(server, 0644), 0);
  assert_private_needed(dir, "server", server, f2, s2);

  /* A secret written in the configuration makes it a secret file. */
  snprintf(text, sizeof text, "name r1\nserver http://127.0.0.1:1\nplain_http yes\nsecret %s\n", s1);
  th_write_file(site, text);
  assert_private_needed(dir, "site", site, site, s1);
  snprintf(text, sizeof text, "reference r1\nplain_http yes\nsite r1 %s\n", s1);
  th_write_file(server, text);
  assert_private_needed(dir, "server", server, server, s1);

  /* The server's TLS key. */
  snprintf(cert, sizeof cert, "%s/server.pem", dir);
  snprintf(key, sizeof key, "%s/server.key", dir);
  ck_assert_int_eq(tc_server_cert(NULL, -3600, 86400, cert, key, NULL, 0), 0);
  snprintf(text, sizeof text, "reference r1\ntls_certificate %s\ntls_key %s\nsite r1 @%s\n", cert,
           key, f1);
  th_write_file(server, text);
  ck_assert_int_eq(chmod(server, 0644), 0);
  assert_private_needed(dir, "server", server, key, "-----BEGIN PRIVATE KEY-----");

  /* A secret file whose first line is no secret says so without echoing it. */
  th_write_file(f1, "short\n");
  char *out = NULL, *err = NULL;
  snprintf(text, sizeof text, "name r1\nserver http://127.0.0.1:1\nplain_http yes\nsecret @%s\n", f1);
  th_write_file(site, text);
  ck_assert_int_eq(check_config(dir, "site", site, &out, &err), 2);
  ck_assert_msg(strstr(err, "its first line must be a secret of 16 to 128"), "%s", err);
  ck_assert_msg(!strstr(err, "short"), "the content was said: %s", err);
  free(out);
  free(err);
  th_rmtree(dir);
  free(dir);
}
END_TEST

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Suite *s = suite_create("trust");
  TCase *tc = tcase_create("trust");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_config_errors_name_file_and_line);
  tcase_add_test(tc, test_secrets_readable_by_owner_alone);
  tcase_add_test(tc, test_many_sites_config);
  tcase_add_test(tc, test_bad_uploads_refused);
  tcase_add_test(tc, test_database_held_by_another);
  tcase_add_test(tc, test_slow_connections_do_not_lock_out_sites);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_VERBOSE);
  curl_global_cleanup();
  return rc;
}
