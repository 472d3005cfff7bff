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
#include "upload/http.h"

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
  struct dbc *db = cl_store(&c);
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM cv"), 165);
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1'"), 150);
  /* The restarted server took up the clock where it was: within 4 h of each restart it
   * was under 50 ns, and it never left. */
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state = 'LOCKED'"), 1);
  dbc_close(db);
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
  struct dbc *db = cl_store(&c);
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                    "state = 'HOLDOVER'"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state = 'LOCKED'"), 1);
  dbc_close(db);
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
  struct cluster c;
  cl_init(&c, "cut", 1, NULL);
  int proxy = th_free_port();
  c.nc.site_port[1] = proxy;
  cl_write_server_conf(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  pid_t px = cl_start_proxy(&c, proxy, c.port);
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
  px = cl_start_proxy(&c, proxy, c.port);
  cl_wait_hours(&c, 40);
  cl_stop(&c);
  kill(-px, SIGKILL);
  waitpid(px, NULL, 0);
  long long n = cl_check_exactly_once(&c, 1);
  ck_assert_msg(n >= 238 && n <= 255, "r1: %lld tracks", n);
  struct dbc *db = cl_store(&c);
  /* The server saw the clock go into holdover and come back. */
  ck_assert_int_ge(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                    "state = 'HOLDOVER'"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state IN ('LOCKED', 'UNLOCKED')"), 1);
  dbc_close(db);
  /* And the site knew it was on its own. */
  char log[1024];
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
  cl_lose_store(&c);
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
  struct dbc *db = cl_store(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM clocks WHERE site = 'r1' AND "
                                    "state = 'LOCKED'"), 1);
  dbc_close(db);
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
  struct dbc *db = cl_store(&c);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM events WHERE kind = 'operator'"), 1);
  ck_assert_int_eq(cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                    "reason LIKE 'operator:%'"), 1);
  dbc_close(db);
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

/* A CGGTTS site (issue 12) next to the 1PPS sites: declared `site cg SECRET cggtts`, it
 * sends a CGGTTS file of eight GPS epochs (four satellites each, REFSYS 23.5, 24.5, 25.5
 * and 26.5 ns: a mean of 25.0 ns) with `cvd cggtts upload`; each epoch lands in the slot
 * holding its midpoint, and makes its common view with the reference's and r1's tracks
 * there: on the grid as a measured clock, each difference the file's mean minus the other
 * site's track, and cg - ref - (cg - r1) = r1 - ref slot by slot.  The same file again
 * stores nothing; a file signed with a wrong key is refused. */
static void cggtts_line(FILE *f, int prn, int hhmm, int refsys)
{
  char l[160];
  snprintf(l, sizeof l, "G%02d FF 60676 %04d00  780 450 1200    +123456    +12 %+11d    +0   "
           "20 010  100  +10   50   +5  0  0 L1C ", prn, hhmm, refsys);
  unsigned sum = 0;
  for (const char *p = l; *p; p++)
    sum += (unsigned char)*p;
  fprintf(f, "%s%02X\n", l, sum % 256);
}

static void write_cggtts(const char *path)
{
  static const char *const hdr[] = {
      "CGGTTS     GENERIC DATA FORMAT VERSION = 2E", "REV DATE = 2025-01-01",
      "RCVR = TESTRX 0003 2025 v1.0", "CH = 12", "IMS = 99999", "LAB = CG",
      "X = +4027881.50 m", "Y =  +306998.60 m", "Z = +4919499.00 m", "FRAME = ITRF",
      "COMMENTS = TEST_SYSTEM", "INT DLY =   30.0 ns (GPS C1)     CAL_ID = NA",
      "CAB DLY =  150.0 ns", "REF DLY =    0.0 ns", "REF = UTC(CG)", NULL};
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  unsigned sum = 0;
  for (int i = 0; hdr[i]; i++) {
    fprintf(f, "%s\n", hdr[i]);
    for (const char *p = hdr[i]; *p; p++)
      sum += (unsigned char)*p;
  }
  for (const char *p = "CKSUM = "; *p; p++)
    sum += (unsigned char)*p;
  fprintf(f, "CKSUM = %02X\n\nSAT CL  MJD  STTIME TRKL ELV AZTH   REFSV      SRSV     REFSYS"
             "    SRSYS  DSG IOE MDTR SMDT MDIO SMDI FR HC FRC CK\n             hhmmss  s  "
             ".1dg .1dg    .1ns     .1ps/s     .1ns    .1ps/s .1ns     .1ns.1ps/s.1ns.1ps/s\n",
          sum % 256);
  for (int k = 0; k < 8; k++) { /* 00:10, 00:26, ... 02:02: the BIPM schedule of MJD 60676 */
    int m = 10 + 16 * k;
    for (int s = 0; s < 4; s++)
      cggtts_line(f, 3 + 5 * s, m / 60 * 100 + m % 60, 235 + 10 * s);
  }
  fclose(f);
}

static json_t *cg_get(struct cluster *c, const char *path)
{
  char url[512];
  long status;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, path);
  json_t *j = http_get_json(url, 10000, &status);
  ck_assert_msg(j != NULL, "GET %s: HTTP %ld", path, status);
  return j;
}

static json_t *cg_upload(struct cluster *c, const char *conf, const char *file, int want)
{
  char log[1024];
  snprintf(log, sizeof log, "%s/cg.log", c->dir);
  char *out = NULL;
  char *argv[] = {(char *)th_cvd_bin(), "cggtts", "upload", "-c", (char *)conf, "--json",
                  (char *)file, NULL};
  int st = th_run(argv, log, &out, 60);
  ck_assert_msg(st == want, "cvd cggtts upload: status %d, not %d", st, want);
  json_t *top = out && *out ? json_loads(out, 0, NULL) : NULL, *j = NULL;
  free(out);
  if (top) { /* {"uploads": [the answer]} */
    j = json_incref(json_array_get(json_object_get(top, "uploads"), 0));
    json_decref(top);
  }
  return j;
}

/* The three differences of one slot: cg - ref, cg - r1, r1 - ref. */
static double series_at(struct cluster *c, const char *a, const char *b, int64_t slot)
{
  char path[256], from[40], to[40];
  snprintf(path, sizeof path, "/api/v1/series?a=%s&b=%s&from=%s&to=%s", a, b,
           tu_format(slot, from, sizeof from, 0), tu_format(slot + SLOT_NS, to, sizeof to, 0));
  json_t *j = cg_get(c, path);
  json_t *p = json_array_get(json_object_get(j, "points"), 0);
  double v = p ? json_real_value(json_array_get(p, 1)) : NAN;
  json_decref(j);
  return v;
}

START_TEST(test_cggtts_site)
{
  struct cluster c;
  cl_init(&c, "cggtts", 1, NULL);
  static const char secret[] = "cggtts-site-secret-0123456789";
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra, "site cg %s cggtts\n", secret);
  c.nc.web = 1; /* the pages too */
  cl_start_all(&c);
  char conf[1024], bad[1024], file[1024], text[1200];
  snprintf(conf, sizeof conf, "%s/cg.conf", c.dir);
  snprintf(bad, sizeof bad, "%s/cg-bad.conf", c.dir);
  snprintf(file, sizeof file, "%s/GZCG0160.676", c.dir);
  snprintf(text, sizeof text, "name cg\nserver http://127.0.0.1:%d\nplain_http yes\nsecret %s\n",
           c.port, secret);
  ck_assert_int_eq(th_write_file(conf, text), 0);
  snprintf(text, sizeof text, "name cg\nserver http://127.0.0.1:%d\nplain_http yes\nsecret %s\n",
           c.port, "not-the-secret-of-cg-0123456");
  ck_assert_int_eq(th_write_file(bad, text), 0);
  write_cggtts(file);
  cl_wait_hours(&c, 3);
  json_t *r = cg_upload(&c, conf, file, 0);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "stored")), 8);
  ck_assert_str_eq(json_string_value(json_object_get(r, "state")), "MEASURED");
  json_decref(r);
  /* The same file again under another name (the same request within a second of wall
   * time is a replay, refused or not): nothing stored twice. */
  char again[1100];
  snprintf(again, sizeof again, "%s/GZCG0260.676", c.dir);
  char *body = th_read_file(file);
  ck_assert_int_eq(th_write_file(again, body), 0);
  free(body);
  r = cg_upload(&c, conf, again, 0);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "stored")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "duplicates")), 8);
  json_decref(r);
  ck_assert_ptr_null(cg_upload(&c, bad, file, 2));
  cl_assert_said(&c, "server", "bad signature");
  /* A 1PPS site's key does not make it a CGGTTS site; a file without GPS is refused. */
  char r1conf[1100], nogps[1100];
  snprintf(r1conf, sizeof r1conf, "%s/r1.conf", c.dir);
  ck_assert_ptr_null(cg_upload(&c, r1conf, file, 2));
  cl_assert_said(&c, "server", "CGGTTS upload from r1 refused (403)");
  snprintf(nogps, sizeof nogps, "%s/tests/data/cggtts/v2e-b.cggtts", th_srcdir());
  ck_assert_ptr_null(cg_upload(&c, conf, nogps, 2));
  cl_assert_said(&c, "server", "no full-length (TRKL 780) GPS track");
  /* The grid: cg measured, its latest difference to the reference. */
  json_t *g = cg_get(&c, "/api/v1/grid");
  json_t *clocks = json_object_get(g, "clocks");
  ck_assert_int_eq(json_array_size(clocks), 3);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(clocks, 2), "site")), "cg");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(clocks, 2), "state")),
                   "MEASURED");
  json_t *cell = json_array_get(json_array_get(json_object_get(g, "matrix"), 2), 0);
  ck_assert_ptr_nonnull(cell);
  double latest = json_real_value(json_object_get(cell, "value_ns"));
  ck_assert_msg(fabs(latest - 25.0) < 20, "cg - ref %.2f ns", latest);
  json_decref(g);
  /* Slot by slot: the slots holding the midpoints (00:10, 00:30, 00:40, 01:00, 01:20,
   * 01:30, 01:50, 02:00), each closing cg - ref = (cg - r1) + (r1 - ref). */
  static const int slot_min[] = {10, 30, 40, 60, 80, 90, 110, 120};
  for (int i = 0; i < 8; i++) {
    int64_t slot = c.start + (int64_t)slot_min[i] * 60 * NS_PER_S;
    double cr = series_at(&c, "cg", "ref", slot), c1 = series_at(&c, "cg", "r1", slot),
           r1 = series_at(&c, "r1", "ref", slot);
    ck_assert_msg(isfinite(cr) && isfinite(c1) && isfinite(r1), "slot %d min: %f %f %f",
                  slot_min[i], cr, c1, r1);
    fprintf(stderr, "slot 00:00 + %3d min: cg - ref %+.3f ns, cg - r1 %+.3f, r1 - ref %+.3f\n",
            slot_min[i], cr, c1, r1);
    ck_assert_msg(fabs(cr - 25.0) < 20, "slot %d min: cg - ref %.2f ns", slot_min[i], cr);
    ck_assert_msg(fabs(cr - c1 - r1) < 1e-6, "slot %d min: %.6f - %.6f != %.6f", slot_min[i],
                  cr, c1, r1);
  }
  ck_assert(isnan(series_at(&c, "cg", "ref", c.start + 20 * 60 * NS_PER_S)));
  /* The pages show it like any clock: the grid and its clock page say MEASURED. */
  static const char *const pages[] = {"/", "/clock?site=cg", "/pair?a=cg&b=ref", NULL};
  for (int i = 0; pages[i]; i++) {
    char url[512], err[256];
    struct http_reply hr;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c.port, pages[i]);
    ck_assert_int_eq(http_exchange(NULL, "GET", url, NULL, NULL, 0, 10000, 4 << 20, &hr, err,
                                   sizeof err), 0);
    ck_assert_msg(hr.status == 200, "GET %s: HTTP %ld", pages[i], hr.status);
    ck_assert(i > 1 || (hr.body && strstr(hr.body, "MEASURED")));
    http_reply_free(&hr);
  }
  cl_stop(&c);
  cl_cleanup(&c);
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
  tc = tcase_create("cggtts");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_cggtts_site);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_VERBOSE);
  return rc;
}
