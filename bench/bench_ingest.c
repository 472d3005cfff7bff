/* bench/bench_ingest: the server's ingest at scale (issue 13).  N simulated sites (the
 * reference and N-1 remotes) upload signed one-track requests over loopback HTTP, C at a
 * time through libcurl's multi interface, U slots each, oldest slot first for every site
 * (as sites do after an outage, when every site resends).  Run twice on the same machine in
 * the same process:
 *
 *   ceiling  a bare libmicrohttpd server in this process doing the same work per request:
 *            the signature check (core/sign.c), the JSON parse and validation
 *            (msg_parse_request), one INSERT into an SQLite file in WAL mode with the
 *            server's PRAGMAs, one signed JSON answer.  No common view, no steering.
 *            With --ceiling-sqlite cvd its file is opened as cvd server's store is (the
 *            WAL-buffering VFS, the checkpoint thread): a stricter ceiling.
 *   cvd      a real `cvd server` with the N sites in its configuration.
 *
 *   cvd-pg2  with --pg: two `cvd server`s on one PostgreSQL database (started as
 *            tests/pgtest.c starts it, socket only, fsync off), half the sites sending to
 *            each; CPU and memory are both servers' (PostgreSQL's own not counted), the
 *            ratio against the same SQLite ceiling and against ceil-pg.
 *   ceil-pg  with --pg: the bare server inserting into a PostgreSQL database of its own
 *            on the same PostgreSQL (one session, the INSERT prepared once).
 *
 * Prints, for each: tracks per second accepted (HTTP 200), p50 and p99 latency, and the
 * server's peak resident memory; and the ratio cvd / ceiling.  The goal: at least
 * half of the ceiling at every size, a flat cost per track from 10 to 10,000 sites.
 *
 * Usage: bench_ingest [--cvd PATH] [--sites N[,N...]] [--slots U] [--conns C]
 *                     [--threads T] [--dir DIR] [--pg] [--ceiling-sqlite plain|cvd] */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/ingest_ceiling.h"
#include "bench/ingest_load.h"
#include "core/timeutil.h"
#include "tests/pgtest.h"

struct opts {
  const char *cvd;
  char sites[256];
  int slots, conns, threads;
  char dir[512];
  int pg;
  int ceiling_cvd_sqlite;
};

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: bench_ingest [--cvd PATH] [--sites N[,N...]] [--slots U] [--conns C]\n"
          "                    [--threads T] [--dir DIR] [--pg] [--ceiling-sqlite plain|cvd]\n"
          "  --sites   numbers of sites, the reference included (default 10,100,1000)\n"
          "  --slots   tracks each site uploads, one a request (default: enough for 3000\n"
          "            requests a run, at least 3, at most 144)\n"
          "  --conns   requests in flight at once (default 64)\n"
          "  --threads HTTP threads of both servers (default 8, cvd server's default)\n"
          "  --dir     working folder (default a new one under /tmp, removed at the end)\n"
          "  --pg      also two cvd servers on one PostgreSQL (started here), half the sites\n"
          "            sending to each, and the bare server on the same PostgreSQL (ceil-pg)\n"
          "  --ceiling-sqlite  how the ceiling opens its SQLite file: plain (sqlite3_open and\n"
          "            the server's PRAGMAs; the default), or cvd (as cvd server opens its\n"
          "            store: its WAL-buffering VFS and its checkpoint thread too)\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
  static const struct option lo[] = {
      {"cvd", required_argument, NULL, 'b'},   {"sites", required_argument, NULL, 's'},
      {"slots", required_argument, NULL, 'u'}, {"conns", required_argument, NULL, 'c'},
      {"threads", required_argument, NULL, 't'}, {"dir", required_argument, NULL, 'd'},
      {"pg", no_argument, NULL, 'p'},          {"help", no_argument, NULL, 'h'},
      {"ceiling-sqlite", required_argument, NULL, 'q'},
      {NULL, 0, NULL, 0}};
  *o = (struct opts){.cvd = "cvd/cvd", .slots = 0, .conns = 64, .threads = 8};
  snprintf(o->sites, sizeof o->sites, "10,100,1000");
  int ch;
  while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    switch (ch) {
    case 'b': o->cvd = optarg; break;
    case 's': snprintf(o->sites, sizeof o->sites, "%s", optarg); break;
    case 'u': o->slots = atoi(optarg); break;
    case 'c': o->conns = atoi(optarg); break;
    case 't': o->threads = atoi(optarg); break;
    case 'd': snprintf(o->dir, sizeof o->dir, "%s", optarg); break;
    case 'p': o->pg = 1; break;
    case 'q':
      if (strcmp(optarg, "plain") != 0 && strcmp(optarg, "cvd") != 0) {
        fprintf(stderr, "bench_ingest: --ceiling-sqlite is plain or cvd, not '%s'\n", optarg);
        return -1;
      }
      o->ceiling_cvd_sqlite = strcmp(optarg, "cvd") == 0;
      break;
    case 'h': usage(stdout); exit(0);
    default: usage(stderr); return -1;
    }
  }
  if (o->slots < 0 || o->slots > 144 || o->conns < 1 || o->conns > 4096 || o->threads < 1 ||
      o->threads > 64) {
    fprintf(stderr, "bench_ingest: --slots 1..144, --conns 1..4096, --threads 1..64\n");
    return -1;
  }
  return 0;
}

/* The server's configuration: every site with its secret, plain HTTP on loopback; its
 * store a SQLite file or a PostgreSQL URI (then the server's name in the lease too). */
static int write_server_conf(const char *path, const char *db, int port, int threads,
                             const struct load_sites *s, const char *name)
{
  FILE *f = fopen(path, "w");
  if (!f || fchmod(fileno(f), 0600) != 0) /* it holds the secrets: cvd server insists */
    return -1;
  int pg = strncmp(db, "postgresql:", 11) == 0;
  fprintf(f, "listen 127.0.0.1 %d\nplain_http yes\n%s %s\nreference %s\nthreads %d\n"
             "max_connections 8192\nmax_connections_per_address 8192\nserver_name %s\n",
          port, pg ? "store" : "database", db, s->name[0], threads, name);
  for (int i = 0; i < s->n; i++)
    fprintf(f, "site %s %s\n", s->name[i], s->secret[i]);
  return fclose(f);
}

static long peak_rss_kb(pid_t pid)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  long kb = -1;
  if (!f)
    return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
      break;
  fclose(f);
  return kb;
}

static pid_t start_cvd(const struct opts *o, const char *conf, const char *log)
{
  pid_t pid = fork();
  if (pid == 0) {
    FILE *l = freopen(log, "w", stderr);
    (void)l;
    execl(o->cvd, o->cvd, "server", "-c", conf, (char *)NULL);
    _exit(127);
  }
  return pid;
}

/* The ceiling in a child process of its own, so that its CPU time and memory are its own
 * (not the load generator's); it runs until SIGTERM.  The child's pid, or -1. */
static pid_t spawn_ceiling(const char *db, const struct load_sites *s, int threads,
                           int cvd_sqlite, int *port)
{
  int fd[2];
  if (pipe(fd) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit the mask */
    struct ceiling *c = ceiling_start(db, s, threads, cvd_sqlite);
    int p = c ? ceiling_port(c) : -1;
    if (write(fd[1], &p, sizeof p) != sizeof p || !c)
      _exit(1);
    int sig;
    sigwait(&set, &sig);
    ceiling_stop(c);
    _exit(0);
  }
  close(fd[1]);
  *port = -1;
  if (pid < 0 || read(fd[0], port, sizeof *port) != sizeof *port || *port < 0) {
    if (pid > 0)
      kill(pid, SIGKILL), waitpid(pid, NULL, 0);
    pid = -1;
  }
  close(fd[0]);
  return pid;
}

static void print_row(const char *what, int n, const struct load_result *r, long rss_kb)
{
  printf("%-8s %6d %8d %6d %10.0f %8.1f %8.1f %8.1f %9.1f\n", what, n, r->accepted, r->failed,
         r->rate, r->p50_ms, r->p99_ms, r->cpu_ms_per_track, rss_kb / 1024.0);
  fflush(stdout);
}

/* The load on the server `pid` listening on `port`, its CPU time a track and its peak
 * memory; then the server is stopped (SIGTERM) whatever happened. */
static int measure(pid_t pid, int port, const struct load_plan *plan, struct load_result *r,
                   long *rss_kb)
{
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  int64_t cpu0 = load_child_cpu_ns(pid);
  int rc = load_run(plan, url, r);
  r->cpu_ms_per_track = r->accepted ? (load_child_cpu_ns(pid) - cpu0) / 1e6 / r->accepted : 0;
  *rss_kb = peak_rss_kb(pid);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  return rc;
}

/* The bare server on a new PostgreSQL database: the PostgreSQL ceiling, in *cr. */
static int run_pg_ceiling(const struct opts *o, const struct load_plan *plan,
                          struct load_result *cr)
{
  int n = plan->sites->n, port, rc = -1;
  char name[32], uri[600], why[600];
  snprintf(name, sizeof name, "ceiling%d", n);
  if (pgtest_createdb(name, uri, sizeof uri, why, sizeof why) != 0) {
    fprintf(stderr, "bench_ingest: %s\n", why);
    return -1;
  }
  long rss;
  pid_t pid = spawn_ceiling(uri, plan->sites, o->threads, 0, &port);
  if (pid > 0 && measure(pid, port, plan, cr, &rss) == 0) {
    print_row("ceil-pg", n, cr, rss);
    rc = 0;
  }
  if (pgtest_dropdb(name, why, sizeof why) != 0)
    fprintf(stderr, "bench_ingest: %s\n", why);
  return rc;
}

/* Two cvd servers on one new PostgreSQL database, half the sites' uploads to each; their
 * CPU and peak memory summed; the ratio against the ceiling cr of the same size (SQLite)
 * and against the bare server on PostgreSQL. */
static int run_pg(const struct opts *o, const struct load_plan *plan,
                  const struct load_result *cr)
{
  int n = plan->sites->n;
  char name[32], uri[600], why[600], conf[700], log[700], urls[140];
  struct load_result pcr;
  if (run_pg_ceiling(o, plan, &pcr) != 0)
    return -1;
  snprintf(name, sizeof name, "bench%d", n);
  if (pgtest_createdb(name, uri, sizeof uri, why, sizeof why) != 0) {
    fprintf(stderr, "bench_ingest: %s\n", why);
    return -1;
  }
  pid_t pid[2] = {-1, -1};
  int rc = -1;
  urls[0] = '\0';
  for (int i = 0; i < 2; i++) {
    int port = load_free_port();
    char sname[16], url[64];
    snprintf(sname, sizeof sname, "s%d", i + 1);
    snprintf(conf, sizeof conf, "%s/server-pg%d-%d.conf", o->dir, i + 1, n);
    snprintf(log, sizeof log, "%s/server-pg%d-%d.log", o->dir, i + 1, n);
    if (port < 0 || write_server_conf(conf, uri, port, o->threads, plan->sites, sname) != 0)
      goto out;
    pid[i] = start_cvd(o, conf, log);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    if (pid[i] < 0 || load_wait_ready(url, 60) != 0) {
      fprintf(stderr, "bench_ingest: cvd server on PostgreSQL did not answer; see %s\n", log);
      goto out;
    }
    snprintf(urls + strlen(urls), sizeof urls - strlen(urls), "%s%s", i ? "," : "", url);
  }
  struct load_result r;
  int64_t cpu0 = load_child_cpu_ns(pid[0]) + load_child_cpu_ns(pid[1]);
  if (load_run(plan, urls, &r) != 0)
    goto out;
  int64_t cpu = load_child_cpu_ns(pid[0]) + load_child_cpu_ns(pid[1]) - cpu0;
  r.cpu_ms_per_track = r.accepted ? cpu / 1e6 / r.accepted : 0;
  print_row("cvd-pg2", n, &r, peak_rss_kb(pid[0]) + peak_rss_kb(pid[1]));
  printf("%-8s %6d cvd-pg2/ceiling %.2f  (per track: %.3f ms CPU in the two servers)\n",
         "ratio", n, cr->rate > 0 ? r.rate / cr->rate : 0, r.cpu_ms_per_track);
  printf("%-8s %6d cvd-pg2/ceil-pg %.2f  (per track: %.3f ms CPU at the bare server)\n",
         "ratio", n, pcr.rate > 0 ? r.rate / pcr.rate : 0, pcr.cpu_ms_per_track);
  rc = 0;
out:
  for (int i = 0; i < 2; i++)
    if (pid[i] > 0)
      kill(pid[i], SIGTERM), waitpid(pid[i], NULL, 0);
  if (pgtest_dropdb(name, why, sizeof why) != 0)
    fprintf(stderr, "bench_ingest: %s\n", why);
  return rc;
}

/* One size: the ceiling, then cvd server, on fresh databases. */
static int run_size(const struct opts *o, int n)
{
  struct load_sites s;
  if (load_sites_make(&s, n) != 0)
    return -1;
  int64_t now = tu_wall_ns();
  /* The newest slot that is over, then U slots before it: inside the window the server takes. */
  int64_t last = tu_slot_start(now) - 2 * SLOT_NS;
  int slots = o->slots ? o->slots : (3000 + n - 1) / n;
  slots = slots < 3 ? 3 : slots > 144 ? 144 : slots;
  struct load_plan plan = {.sites = &s, .slots = slots,
                           .first_slot = last - (int64_t)(slots - 1) * SLOT_NS,
                           .conns = o->conns};
  char db[700], conf[700], log[700], url[64];
  int rc = -1;

  snprintf(db, sizeof db, "%s/ceiling-%d.db", o->dir, n);
  int cport;
  pid_t cpid = spawn_ceiling(db, &s, o->threads, o->ceiling_cvd_sqlite, &cport);
  if (cpid < 0)
    goto out;
  struct load_result cr;
  long crss;
  if (measure(cpid, cport, &plan, &cr, &crss) != 0)
    goto out;
  printf("%-8s %6d sites x %d slots = %ld requests%s\n", "run", n, slots, (long)n * slots,
         o->ceiling_cvd_sqlite ? " (the ceiling on cvd's SQLite layer)" : "");
  print_row("ceiling", n, &cr, crss);

  int port = load_free_port();
  snprintf(db, sizeof db, "%s/cvd-%d.db", o->dir, n);
  snprintf(conf, sizeof conf, "%s/server-%d.conf", o->dir, n);
  snprintf(log, sizeof log, "%s/server-%d.log", o->dir, n);
  if (port < 0 || write_server_conf(conf, db, port, o->threads, &s, "bench") != 0)
    goto out;
  pid_t pid = start_cvd(o, conf, log);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  if (pid < 0 || load_wait_ready(url, 30) != 0) {
    fprintf(stderr, "bench_ingest: cvd server did not answer; see %s\n", log);
    if (pid > 0)
      kill(pid, SIGKILL), waitpid(pid, NULL, 0);
    goto out;
  }
  struct load_result sr;
  long rss;
  if (measure(pid, port, &plan, &sr, &rss) != 0)
    goto out;
  print_row("cvd", n, &sr, rss);
  printf("%-8s %6d cvd/ceiling %.2f  (per track: %.3f ms CPU at cvd, %.3f at the ceiling)\n",
         "ratio", n, cr.rate > 0 ? sr.rate / cr.rate : 0, sr.cpu_ms_per_track,
         cr.cpu_ms_per_track);
  rc = o->pg ? run_pg(o, &plan, &cr) : 0;
out:
  load_sites_free(&s);
  return rc;
}

int main(int argc, char **argv)
{
  struct opts o;
  if (parse_opts(argc, argv, &o) != 0)
    return 2;
  int own_dir = !o.dir[0];
  if (own_dir && !mkdtemp(strcpy(o.dir, "/tmp/bench_ingest.XXXXXX"))) {
    perror("bench_ingest: mkdtemp");
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  if (o.pg) {
    char why[1024];
    int st = pgtest_start(why, sizeof why);
    if (st != 0) {
      fprintf(stderr, "bench_ingest: --pg: %s\n", why);
      return st == 77 ? 77 : 1;
    }
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  printf("bench_ingest: one signed track a request, %d in flight, %d HTTP threads, in %s\n",
         o.conns, o.threads, o.dir);
  printf("%-8s %6s %8s %6s %10s %8s %8s %8s %9s\n", "server", "sites", "accepted", "failed",
         "tracks/s", "p50 ms", "p99 ms", "CPU ms/t", "peak MiB");
  int rc = 0;
  for (char *tok = strtok(o.sites, ","); tok; tok = strtok(NULL, ",")) {
    int n = atoi(tok);
    if (n < 2 || n > 100000) {
      fprintf(stderr, "bench_ingest: --sites %s: 2 to 100000\n", tok);
      rc = 2;
      break;
    }
    if (run_size(&o, n) != 0)
      rc = 1;
  }
  curl_global_cleanup();
  if (o.pg)
    pgtest_stop();
  if (own_dir) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", o.dir);
    if (system(cmd) != 0)
      fprintf(stderr, "bench_ingest: could not remove %s\n", o.dir);
  }
  return rc;
}
