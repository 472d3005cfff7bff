/* bench/bench_web: the server's read side at scale (issue 11).  A server store filled with
 * N clocks (the reference and N-1 remotes) and D days of their tracks, written through
 * db/store.h: each site's tracks, each remote's difference to the reference every slot
 * (and every pair's in the last slot, so that every cell of the grid has a value), each
 * remote's steering log and a few events; then a real `cvd server` on it, asked over
 * loopback HTTP for the grid (/api/v1/grid and /), a pair's series over 1 and 30 days, a
 * clock's steering log page data, its page, and the events, R times each.  Prints the
 * milliseconds per request (median and max) against the goal: a median under 100 ms (the
 * max is printed too; on a shared machine it says more about the others than the server).
 *
 * Usage: bench_web [--cvd PATH] [--clocks N] [--days D] [--requests R] [--keep]
 *                  [--dir DIR]   (DIR kept; a store already there is used as it is) */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "db/store.h"
#include "server/server.h"
#include "upload/http.h"

#define START "2025-01-01T00:00:00Z"

static double mono_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void site_name(int i, char *out, size_t n)
{
  if (i == 0)
    snprintf(out, n, "ref");
  else
    snprintf(out, n, "r%d", i);
}

/* One site's tracks, and for a remote its difference to the reference and its steering
 * log, over the slots, in one transaction. */
static int fill_site(struct dbc *db, int i, int64_t start, int slots)
{
  char name[SITE_NAME_MAX];
  site_name(i, name, sizeof name);
  if (dbc_begin(db) != 0)
    return -1;
  for (int k = 0; k < slots; k++) {
    int64_t slot = start + (int64_t)k * SLOT_NS;
    struct track t;
    track_init(&t, name, slot);
    t.value_ns = 20 * sin(k * 0.01 + i) + (i ? 5.0 * i : 0);
    t.sigma_ns = 1.5;
    t.n_used = 600;
    t.sats_visible = 11;
    t.sats_used = 9;
    snprintf(t.rx_state, sizeof t.rx_state, "TIME");
    if (store_track_insert(db, &t, slot + SLOT_NS) < 0)
      goto fail;
    if (i == 0)
      continue;
    double x = 3 * sin(k * 0.05 + i);
    if (store_cv_put(db, slot, name, "ref", x, 1.2) != 0)
      goto fail;
    struct steer_log_row r = {.t = slot + SLOT_NS + 300 * NS_PER_S, .slot = slot,
                              .measured_x_ns = x, .x_est_ns = x * 0.9, .x_sigma_ns = 1,
                              .y_est = 1e-13, .innovation_ns = x * 0.1, .freq = -1e-13,
                              .drift_per_day = 0, .slew_freq = 0, .phase_step_ns = 0,
                              .cmd_id = k + 1};
    snprintf(r.site, sizeof r.site, "%s", name);
    snprintf(r.state, sizeof r.state, "LOCKED");
    snprintf(r.reason, sizeof r.reason, "measurement used");
    if (store_steer_log(db, &r) != 0)
      goto fail;
    if (k % 144 == 0 &&
        store_event(db, r.t, name, k % 288 ? "outlier" : "state", "bench event") != 0)
      goto fail;
  }
  return dbc_commit(db);
fail:
  dbc_rollback(db);
  return -1;
}

/* Every pair's difference in the last slot: the grid then has every cell.  Not above
 * SERVER_ALL_PAIRS_MAX clocks: the server stores each remote against the reference alone
 * then, and derives the pairs. */
static int fill_last_slot(struct dbc *db, int clocks, int64_t slot)
{
  if (clocks > SERVER_ALL_PAIRS_MAX)
    return 0;
  if (dbc_begin(db) != 0)
    return -1;
  for (int a = 1; a < clocks; a++)
    for (int b = a + 1; b < clocks; b++) {
      char na[SITE_NAME_MAX], nb[SITE_NAME_MAX];
      site_name(a, na, sizeof na);
      site_name(b, nb, sizeof nb);
      if (store_cv_put(db, slot, na, nb, (double)(a - b), 1.7) != 0) {
        dbc_rollback(db);
        return -1;
      }
    }
  return dbc_commit(db);
}

static int write_conf(const char *dir, int clocks, int port, int64_t now)
{
  char path[1100], iso[40];
  snprintf(path, sizeof path, "%s/server.conf", dir);
  FILE *f = fopen(path, "w");
  if (!f || chmod(path, 0600) != 0) /* it holds the sites' secrets */
    return -1;
  fprintf(f, "listen 127.0.0.1 %d\ndatabase %s/server.db\nreference ref\nplain_http yes\n"
             "clock simulated %s 1\nthreads 2\n",
          port, dir, tu_format(now, iso, sizeof iso, 0));
  for (int i = 0; i < clocks; i++) {
    char name[SITE_NAME_MAX];
    site_name(i, name, sizeof name);
    fprintf(f, "site %s bench-secret-of-%s-0123456789\n", name, name);
  }
  fclose(f);
  return 0;
}

static pid_t start_server(const char *cvd, const char *dir)
{
  char conf[1100], log[1100];
  snprintf(conf, sizeof conf, "%s/server.conf", dir);
  snprintf(log, sizeof log, "%s/server.log", dir);
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log, "w", stderr))
      _exit(127);
    execl(cvd, cvd, "server", "-c", conf, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Times R GETs of path: prints median and max ms; 1 if within the goal, 0 if not, -1 if
 * a request failed. */
static int time_get(void *curl, int port, const char *label, const char *path, int reqs)
{
  char url[600], err[256];
  double ms[1000];
  size_t bytes = 0;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  for (int i = 0; i < reqs; i++) {
    struct http_reply r;
    double t0 = mono_s();
    int rc = http_exchange(curl, "GET", url, NULL, NULL, 0, 60000, 1 << 28, &r, err, sizeof err);
    ms[i] = (mono_s() - t0) * 1e3;
    long status = r.status;
    bytes = r.len;
    http_reply_free(&r);
    if (rc != 0 || status != 200) {
      printf("%-34s %s: %s\n", label, path, rc ? err : "not 200");
      return -1;
    }
  }
  qsort(ms, (size_t)reqs, sizeof *ms, cmp_double);
  double med = reqs % 2 ? ms[reqs / 2] : (ms[reqs / 2 - 1] + ms[reqs / 2]) / 2;
  int ok = med < 100;
  printf("%-34s median %7.1f ms  max %7.1f ms  %8zu bytes  %s\n", label, med, ms[reqs - 1],
         bytes, ok ? "PASS" : "FAIL");
  return ok;
}

static int wait_port(void *curl, int port)
{
  char url[100], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/grid", port);
  for (int i = 0; i < 300; i++) {
    struct http_reply r;
    int rc = http_exchange(curl, "GET", url, NULL, NULL, 0, 5000, 1 << 24, &r, err, sizeof err);
    long st = r.status;
    http_reply_free(&r);
    if (rc == 0 && st == 200)
      return 0;
    usleep(100000);
  }
  return -1;
}

struct opts {
  const char *cvd, *dir;
  int clocks, days, reqs, keep;
};

static int parse(int argc, char **argv, struct opts *o)
{
  static const struct option lo[] = {{"cvd", 1, NULL, 'c'},      {"clocks", 1, NULL, 'n'},
                                     {"days", 1, NULL, 'd'},     {"requests", 1, NULL, 'r'},
                                     {"keep", 0, NULL, 'k'},     {"dir", 1, NULL, 'D'},
                                     {NULL, 0, NULL, 0}};
  *o = (struct opts){.cvd = "cvd/cvd", .clocks = 100, .days = 30, .reqs = 20};
  int c;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case 'c': o->cvd = optarg; break;
    case 'n': o->clocks = atoi(optarg); break;
    case 'd': o->days = atoi(optarg); break;
    case 'r': o->reqs = atoi(optarg); break;
    case 'k': o->keep = 1; break;
    case 'D': o->dir = optarg; o->keep = 1; break;
    default: return -1;
    }
  }
  if (o->clocks < 2 || o->clocks > 10000 || o->days < 1 || o->days > 60 || o->reqs < 1 ||
      o->reqs > 1000 || optind != argc || access(o->cvd, X_OK) != 0) {
    fprintf(stderr, "bench_web: want --clocks 2..10000, --days 1..60, --requests 1..1000 and "
                    "--cvd an executable cvd (%s)\n", o->cvd);
    return -1;
  }
  return 0;
}

static int fill(const char *dir, const struct opts *o, int64_t start, int slots)
{
  char path[1100], err[256];
  snprintf(path, sizeof path, "%s/server.db", dir);
  struct dbc *db = dbc_open(path, 0, err, sizeof err);
  if (!db) {
    fprintf(stderr, "bench_web: %s\n", err);
    return -1;
  }
  double t0 = mono_s();
  for (int i = 0; i < o->clocks; i++)
    if (fill_site(db, i, start, slots) != 0) {
      fprintf(stderr, "bench_web: filling site %d failed: %s\n", i, dbc_errmsg(db));
      dbc_close(db);
      return -1;
    }
  int rc = fill_last_slot(db, o->clocks, start + (int64_t)(slots - 1) * SLOT_NS);
  dbc_close(db);
  fprintf(stderr, "bench_web: %d clocks x %d days (%d slots) stored in %.0f s\n", o->clocks,
          o->days, slots, mono_s() - t0);
  return rc;
}

static int run_all(void *curl, int port, int reqs, int64_t end, const char *mid)
{
  char clk[100];
  snprintf(clk, sizeof clk, "/clock?site=%s", mid);
  char iso_end[40], iso_1d[40], iso_30d[40], p[6][300];
  tu_format(end, iso_end, sizeof iso_end, 0);
  tu_format(end - NS_PER_DAY, iso_1d, sizeof iso_1d, 0);
  tu_format(end - 30 * NS_PER_DAY, iso_30d, sizeof iso_30d, 0);
  snprintf(p[0], sizeof p[0], "/api/v1/series?a=r1&b=ref&from=%s&to=%s", iso_1d, iso_end);
  snprintf(p[1], sizeof p[1], "/api/v1/series?a=r1&b=ref&from=%s&to=%s", iso_30d, iso_end);
  snprintf(p[2], sizeof p[2], "/api/v1/steering?site=%s&from=%s&to=%s&limit=100", mid,
           iso_30d, iso_end);
  snprintf(p[3], sizeof p[3], "/api/v1/steering?site=%s&from=%s&to=%s&limit=100&format=csv",
           mid, iso_30d, iso_end);
  snprintf(p[4], sizeof p[4], "/api/v1/events?from=%s", iso_30d);
  snprintf(p[5], sizeof p[5], "/api/v1/events?site=%s&kind=state&from=%s", mid, iso_30d);
  const char *label[] = {"series r1-ref, 1 day", "series r1-ref, 30 days",
                         "steering, newest 100 of 30 d", "steering, CSV",
                         "events, newest 100", "events of a site, kind=state"};
  int all = 1;
  all &= time_get(curl, port, "grid /api/v1/grid", "/api/v1/grid", reqs) == 1;
  all &= time_get(curl, port, "grid page /", "/", reqs) == 1;
  for (int i = 0; i < 6; i++)
    all &= time_get(curl, port, label[i], p[i], reqs) == 1;
  /* The pages, where this build has them (issue 11's other half). */
  time_get(curl, port, "clock page /clock", clk, reqs);
  time_get(curl, port, "pair page /pair?a=r1&b=ref", "/pair?a=r1&b=ref", reqs);
  time_get(curl, port, "events page /events", "/events", reqs);
  return all;
}

int main(int argc, char **argv)
{
  struct opts o;
  if (parse(argc, argv, &o) != 0)
    return 2;
  char dir[1024] = "/tmp/bench_web.XXXXXX";
  if (o.dir)
    snprintf(dir, sizeof dir, "%s", o.dir);
  if (!o.dir && !mkdtemp(dir)) {
    perror("bench_web: mkdtemp");
    return 1;
  }
  char db_path[1100];
  snprintf(db_path, sizeof db_path, "%s/server.db", dir);
  int filled = access(db_path, F_OK) == 0;
  int64_t start;
  tu_parse(START, &start);
  int slots = o.days * (int)(NS_PER_DAY / SLOT_NS);
  int64_t end = start + (int64_t)slots * SLOT_NS;
  int port = 20000 + (int)(getpid() % 20000);
  if ((!filled && fill(dir, &o, start, slots) != 0) ||
      write_conf(dir, o.clocks, port, end + 600 * NS_PER_S))
    return 1;
  void *curl = NULL;
  pid_t pid = start_server(o.cvd, dir);
  int all = 0;
  if (wait_port(curl, port) != 0) {
    fprintf(stderr, "bench_web: the server did not answer; see %s/server.log\n", dir);
    o.keep = 1;
  } else {
    double load[1] = {0};
    getloadavg(load, 1);
    printf("bench_web: %d clocks, %d days of tracks, %d requests each, server-side over "
           "loopback HTTP (goal: median under 100 ms each; load average %.1f)\n", o.clocks,
           o.days, o.reqs, load[0]);
    char mid[SITE_NAME_MAX];
    site_name(o.clocks / 2, mid, sizeof mid);
    all = run_all(curl, port, o.reqs, end, mid);
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  if (!o.keep) {
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "bench_web: could not remove %s\n", dir);
  } else
    fprintf(stderr, "bench_web: kept %s\n", dir);
  printf("bench_web: %s\n", all ? "every median under 100 ms" : "some median over 100 ms");
  return all ? 0 : 1;
}
