/* cvd demo: a whole simulated network on this machine.  One server (or two sharing its
 * store, cvd/demo_ha.h), the reference site and N remote sites run as separate processes
 * of this same executable, talking HTTP on 127.0.0.1, each with its own SQLite file in a
 * fresh data directory, all on one simulated clock (a shared CLOCK_MONOTONIC anchor)
 * running fast. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "cvd/demo_ha.h"
#include "cvd/sig.h"
#include "db/db.h"
#include "db/spool.h"
#include "sim/netconf.h"
#include "sim/netcut.h"
#include "sim/scenario.h"
#include "upload/http.h"

#define DEMO_MAX_PROCS (SIM_MAX_REMOTES + 3) /* the servers, the sites */

void cvd_demo_help(FILE *out)
{
  fprintf(out,
"Usage: cvd demo [OPTIONS]\n"
"\n"
"Runs a whole common-view network on this machine: one central server, the reference site\n"
"`ref` and N remote sites `r1`..`rN` with simulated rubidium clocks, GPS receivers and time\n"
"interval counters, as separate processes talking HTTP on 127.0.0.1, each with its own\n"
"SQLite file in a fresh data directory, all on one simulated clock running fast.  The grid\n"
"is served on http://127.0.0.1:PORT/ and the API under /api/v1/.  A progress line per\n"
"simulated hour goes to stderr: the time, and for each remote its state and measured\n"
"offset from the reference.  The processes' logs are in the data directory.\n"
"\n"
"Options:\n"
"      --remotes N     remote sites [3]\n"
"      --speed X       simulated seconds per real second [1440: a day a minute]\n"
"      --lockstep      instead of a speed, a clock that moves only when every process\n"
"                      waits: as fast as the machine allows, and no process ever falls\n"
"                      behind it however loaded the machine is (for scripts and tests)\n"
"      --port P        HTTP port of the server [8080]\n"
"      --servers N     1, or 2: a second server on port P+1 sharing the first's store, one\n"
"                      steering at a time; with --days, each is killed for 2 h in turn\n"
"                      (a third and two thirds in), and the sites move to the other [1]\n"
"      --days D        stop after D simulated days [run until interrupted]\n"
"      --hold-at H     with --lockstep: at H simulated hours from the start, hold the\n"
"                      clock still and keep every process and the pages up until\n"
"                      interrupted, so that what the pages show stops changing (for\n"
"                      browser tests and screenshots)\n"
"      --no-web        serve no HTML pages (the API stays)\n"
"      --json          at the end, print one JSON object on one line as the last line of\n"
"                      stdout: {\"sim_days\": D, \"remotes\": [{\"site\", \"state\",\n"
"                      \"measured_x_ns\" (the server's latest common-view REMOTE - REF),\n"
"                      \"true_x_ns\" (the simulation's truth), \"rms_true_x_ns_last_day\"\n"
"                      (over the last simulated day, one sample a simulated minute)}]}\n"
"      --seed S        the simulation's seed [1]\n"
"      --scenario FILE a scenario file (cvd help simulate lists its directives)\n"
"      --servo NAME    the server's steering servo [the server's default]\n"
"      --dir DIR       data directory (created; must not hold an earlier run)\n"
"                      [a new directory under $TMPDIR or /tmp]\n"
"  -h, --help          this text\n"
"\n"
"SIGINT (Ctrl-C) or SIGTERM stops every process the demo started.\n"
"Exit status: 0 on success, 1 if a process failed, 2 on bad usage.\n");
}

struct proc {
  char name[32];
  pid_t pid;
  char log[1100];
};

static json_t *get_json(int port, const char *path)
{
  char url[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  return http_get_json(url, 5000, NULL);
}

static pid_t spawn(const char *log, char *const argv[])
{
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  /* If the demo dies, even by SIGKILL, its processes go with it. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1)
    _exit(1);
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  execv(cvd_self_path(), argv);
  fprintf(stderr, "exec %s: %s\n", cvd_self_path(), strerror(errno));
  _exit(127);
}

static void stop_all(struct proc *p, int n)
{
  for (int i = 0; i < n; i++)
    if (p[i].pid > 0) {
      kill(p[i].pid, SIGTERM);
      kill(p[i].pid, SIGCONT); /* a frozen one too */
    }
  for (int tries = 0; tries < 100; tries++) {
    int left = 0;
    for (int i = 0; i < n; i++) {
      if (p[i].pid <= 0)
        continue;
      if (waitpid(p[i].pid, NULL, WNOHANG) == p[i].pid)
        p[i].pid = 0;
      else
        left++;
    }
    if (!left)
      return;
    usleep(50000);
  }
  for (int i = 0; i < n; i++)
    if (p[i].pid > 0) {
      kill(p[i].pid, SIGKILL);
      waitpid(p[i].pid, NULL, 0);
      p[i].pid = 0;
    }
}

/* A child that ended on its own is a failure of the demo. */
static const struct proc *find_dead(struct proc *p, int n)
{
  for (int i = 0; i < n; i++) {
    int st;
    if (p[i].pid > 0 && waitpid(p[i].pid, &st, WNOHANG) == p[i].pid) {
      p[i].pid = 0;
      return &p[i];
    }
  }
  return NULL;
}

static void progress(int port, int alt, const char *t)
{
  json_t *g = get_json(port, "/api/v1/grid");
  if (!g && alt)
    g = get_json(alt, "/api/v1/grid"); /* --servers 2: the other */
  char line[2048];
  int off = snprintf(line, sizeof line, "%s", t);
  const json_t *clocks = json_object_get(g, "clocks");
  for (size_t i = 0; i < json_array_size(clocks); i++) {
    const json_t *c = json_array_get(clocks, i);
    if (json_is_true(json_object_get(c, "reference")))
      continue;
    const json_t *x = json_object_get(c, "x_ns");
    off += snprintf(line + off, sizeof line - (size_t)off, "  %s %s %s",
                    json_string_value(json_object_get(c, "site")),
                    json_string_value(json_object_get(c, "state")), "");
    if (json_is_number(x))
      off += snprintf(line + off, sizeof line - (size_t)off, "%+.1f ns", json_number_value(x));
    else
      off += snprintf(line + off, sizeof line - (size_t)off, "-");
    if (off >= (int)sizeof line)
      break;
  }
  if (!g)
    snprintf(line + off, sizeof line - (size_t)off, "  (server not answering)");
  fprintf(stderr, "%s\n", line);
  json_decref(g);
}

static json_t *final_report(int port, const char *dir, const struct scenario *sc, double days,
                            int64_t now)
{
  json_t *g = get_json(port, "/api/v1/grid");
  json_t *remotes = json_array();
  for (int k = 1; k <= sc->remotes; k++) {
    char name[16], path[1200], err[256];
    scenario_site_name(k, name, sizeof name);
    json_t *r = json_pack("{s:s}", "site", name);
    const json_t *clocks = json_object_get(g, "clocks");
    json_t *state = json_null(), *mx = json_null();
    for (size_t i = 0; i < json_array_size(clocks); i++) {
      const json_t *c = json_array_get(clocks, i);
      if (strcmp(json_string_value(json_object_get(c, "site")), name) == 0) {
        state = json_incref(json_object_get(c, "state"));
        mx = json_incref(json_object_get(c, "x_ns"));
      }
    }
    json_object_set_new(r, "state", state ? state : json_null());
    json_object_set_new(r, "measured_x_ns", mx ? mx : json_null());
    double tx = NAN, rms = NAN;
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    sqlite3 *db = db_open(path, DB_SPOOL, err, sizeof err);
    struct truth_sample *ts = NULL;
    int n = db ? spool_truth(db, now - NS_PER_DAY, now + 1, &ts) : -1;
    if (n > 0) {
      double ss = 0;
      for (int i = 0; i < n; i++)
        ss += ts[i].x_ns * ts[i].x_ns;
      rms = sqrt(ss / n);
      tx = ts[n - 1].x_ns;
    }
    free(ts);
    if (db)
      db_close(db);
    json_object_set_new(r, "true_x_ns", jx_real(tx));
    json_object_set_new(r, "rms_true_x_ns_last_day", jx_real(rms));
    json_object_set_new(r, "truth_samples_last_day", json_integer(n > 0 ? n : 0));
    json_array_append_new(remotes, r);
  }
  json_decref(g);
  return json_pack("{s:f,s:o,s:s}", "sim_days", days, "remotes", remotes, "data_dir", dir);
}

/* The network as it runs: its processes (0 the server, 1 + k site k), the relay that
 * cuts links in outages, the sites frozen now. */
struct demo {
  struct scenario sc;
  char dir[1024];
  int port, nsites;
  struct proc procs[DEMO_MAX_PROCS];
  int np;
  struct netcut *net;
  int frozen[DEMO_MAX_PROCS], cut[DEMO_MAX_PROCS];
  int servers;             /* 2: a second server, procs[nsites + 1] (cvd/demo_ha.h) */
  int64_t end;
  int64_t hold;            /* --hold-at: service time at which the clock is held, or INT64_MAX */
};

/* Starts the server (k -1) or site k, again if it ran before; the child takes part in a
 * lockstep clock from its first instant. */
static void demo_spawn(struct demo *d, int k)
{
  int idx = k == -2 ? d->nsites + 1 : k + 1; /* k -2: the second server */
  struct proc *p = &d->procs[idx];
  char conf[1200], name[32];
  if (k < 0)
    snprintf(name, sizeof name, k == -2 ? "server2" : "server");
  else
    scenario_site_name(k, name, sizeof name);
  memcpy(p->name, name, sizeof p->name);
  snprintf(conf, sizeof conf, "%s/%.31s.conf", d->dir, name);
  snprintf(p->log, sizeof p->log, "%.1000s/%.31s.log", d->dir, name);
  char *args[] = {(char *)"cvd", k < 0 ? (char *)"server" : (char *)"site", (char *)"-c", conf, NULL};
  p->pid = spawn(p->log, args);
  if (p->pid > 0)
    clk_reserve_pid(p->pid);
  if (idx + 1 > d->np)
    d->np = idx + 1;
}

/* --servers 2: each server lost in turn (demo_ha_events), killed and started again. */
static void demo_servers_lost(struct demo *d, int64_t last, int64_t now)
{
  int ev = demo_ha_events(d->sc.start, d->end, last, now);
  for (int i = 0; i < 2; i++) {
    struct proc *p = &d->procs[i ? d->nsites + 1 : 0];
    if (ev & (1 << (2 * i))) {
      fprintf(stderr, "cvd demo: %s is killed (SIGKILL); the sites move to the other\n",
              p->name);
      kill(p->pid, SIGKILL);
      waitpid(p->pid, NULL, 0);
      p->pid = 0;
    }
    if (ev & (2 << (2 * i))) {
      fprintf(stderr, "cvd demo: %s is started again\n", p->name);
      demo_spawn(d, i ? -2 : -1);
    }
  }
}

/* Outages cut the sites' network: each site sends through a link of its own in a relay,
 * which the outages cut (sim/netcut.h); its file is written again with that port. */
static int demo_cut_network(struct demo *d, struct netconf *nc, char *err, size_t errlen)
{
  d->net = netcut_start(NULL, d->nsites, d->port, err, errlen);
  if (!d->net)
    return -1;
  for (int k = 0; k < d->nsites; k++) {
    nc->site_port[k] = netcut_port(d->net, k);
    if (netconf_write_site(nc, k, err, errlen) != 0)
      return -1;
  }
  return 0;
}

/* The scenario's host faults and outages, done to the real processes: SIGSTOP and SIGCONT
 * for a freeze, SIGKILL and a new process for a restart, a cut link for an outage. */
static void demo_faults(struct demo *d, int64_t last, int64_t now)
{
  if (d->servers > 1)
    demo_servers_lost(d, last, now);
  if (scenario_restart_in(&d->sc, SIM_SERVER, last, now)) {
    fprintf(stderr, "cvd demo: the server is killed and started again\n");
    kill(d->procs[0].pid, SIGKILL);
    waitpid(d->procs[0].pid, NULL, 0);
    demo_spawn(d, -1);
  }
  for (int k = 0; k < d->nsites; k++) {
    struct proc *p = &d->procs[k + 1];
    if (scenario_restart_in(&d->sc, k, last, now)) {
      fprintf(stderr, "cvd demo: %s is killed and started again\n", p->name);
      kill(p->pid, SIGKILL);
      waitpid(p->pid, NULL, 0);
      demo_spawn(d, k);
      d->frozen[k] = 0;
    }
    int frozen = scenario_frozen(&d->sc, k, now);
    if (frozen != d->frozen[k]) {
      fprintf(stderr, "cvd demo: %s %s\n", p->name, frozen ? "stopped (SIGSTOP)" : "goes on (SIGCONT)");
      kill(p->pid, frozen ? SIGSTOP : SIGCONT);
      d->frozen[k] = frozen;
    }
    int cut = scenario_link_cut(&d->sc, k, now);
    if (d->net && cut != d->cut[k]) {
      fprintf(stderr, "cvd demo: %s's network %s\n", p->name, cut ? "cut" : "back");
      netcut_set(d->net, k, cut);
      d->cut[k] = cut;
    }
  }
}

/* The lockstep clock held still: this participant stops waiting on it, so time cannot
 * move, while the processes go on serving, until a signal or a process's death.  Returns
 * the exit status. */
static int demo_hold(struct demo *d)
{
  char t[40];
  fprintf(stderr, "cvd demo: simulated time held at %s (--hold-at); Ctrl-C stops\n",
          tu_format(clk_now(), t, sizeof t, 0));
  while (!cvd_stop) {
    const struct proc *dead = find_dead(d->procs, d->np);
    if (dead) {
      fprintf(stderr, "cvd demo: %s stopped unexpectedly; see %s\n", dead->name, dead->log);
      return EXIT_RUNTIME;
    }
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return 0;
}

/* Until end or a signal: a progress line each simulated hour, the faults when due, the
 * clock held at d->hold.  Returns the exit status. */
static int demo_run(struct demo *d, int64_t end)
{
  int64_t hour = 3600 * NS_PER_S, next = d->sc.start + hour, last = d->sc.start - 1;
  while (!cvd_stop) {
    int64_t ev = scenario_next_event(&d->sc, last);
    int64_t until = next < end ? next : end;
    if (ev < until)
      until = ev;
    if (d->hold < until)
      until = d->hold;
    clk_sleep_until(until, &cvd_stop);
    const struct proc *dead = find_dead(d->procs, d->np);
    if (dead) {
      fprintf(stderr, "cvd demo: %s stopped unexpectedly; see %s\n", dead->name, dead->log);
      return EXIT_RUNTIME;
    }
    if (cvd_stop)
      break;
    int64_t now = clk_now();
    demo_faults(d, last, now);
    last = now;
    if (now >= next) {
      char t[40];
      tu_format(next, t, sizeof t, 0);
      t[16] = 'Z';
      t[17] = '\0';
      progress(d->port, d->servers > 1 ? d->port + 1 : 0, t);
      next += hour;
    }
    if (now >= d->hold)
      return demo_hold(d);
    if (now >= end)
      break;
  }
  return 0;
}

/* The clock every process shares: simulated from the scenario's start at speed times real
 * time, starting a moment from now when every process is up; or (speed 0) a lockstep
 * clock through DIR/clock.  cc gets this process's, clockargs the clock directive's
 * arguments for the others. */
static int demo_clock(const char *dir, const struct scenario *sc, double speed,
                      struct clk_conf *cc, char *clockargs, size_t n, char *err, size_t errlen)
{
  memset(cc, 0, sizeof *cc);
  if (speed <= 0) {
    cc->kind = CLK_LOCKSTEP;
    if (strlen(dir) + 7 > sizeof cc->path) {
      snprintf(err, errlen, "%.200s: too long a path for the clock", dir);
      return -1;
    }
    snprintf(cc->path, sizeof cc->path, "%.500s/clock", dir);
    snprintf(clockargs, n, "lockstep %s", cc->path);
    return clk_lockstep_create(cc->path, sc->start, err, errlen);
  }
  char start_iso[40];
  *cc = (struct clk_conf){.kind = CLK_SIM, .start = sc->start, .speed = speed,
                          .anchor_mono = tu_mono_ns() + NS_PER_S};
  snprintf(clockargs, n, "simulated %s %.17g %lld", tu_format(sc->start, start_iso,
           sizeof start_iso, 0), speed, (long long)cc->anchor_mono);
  return 0;
}

int cvd_demo_main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"remotes", required_argument, NULL, 'n'}, {"speed", required_argument, NULL, 's'},
      {"port", required_argument, NULL, 'p'},    {"days", required_argument, NULL, 'd'},
      {"no-web", no_argument, NULL, 'W'},        {"json", no_argument, NULL, 'j'},
      {"seed", required_argument, NULL, 'S'},    {"scenario", required_argument, NULL, 'f'},
      {"servo", required_argument, NULL, 'v'},   {"dir", required_argument, NULL, 'D'},
      {"lockstep", no_argument, NULL, 'L'},      {"help", no_argument, NULL, 'h'},
      {"servers", required_argument, NULL, 'N'}, {"hold-at", required_argument, NULL, 'H'},
      {NULL, 0, NULL, 0}};
  double speed = 1440, days = 0, hold_h = -1;
  int lockstep = 0, speed_given = 0;
  long long remotes = -1, port = 8080, seed = -1, servers = 1;
  int no_web = 0, json_out = 0, c;
  const char *scen_path = NULL, *servo = NULL, *dir_opt = NULL;
  char err[1024];
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    int bad = 0;
    switch (c) {
    case 'n': bad = conf_int("--remotes", optarg, 1, SIM_MAX_REMOTES, &remotes, err, sizeof err); break;
    case 's':
      bad = conf_double("--speed", optarg, 1, 1e5, &speed, err, sizeof err);
      speed_given = 1;
      break;
    case 'L': lockstep = 1; break;
    case 'p': bad = conf_int("--port", optarg, 1, 65535, &port, err, sizeof err); break;
    case 'N': bad = conf_int("--servers", optarg, 1, 2, &servers, err, sizeof err); break;
    case 'd': bad = conf_double("--days", optarg, 1.0 / 24, 3650, &days, err, sizeof err); break;
    case 'H': bad = conf_double("--hold-at", optarg, 0, 24.0 * 3650, &hold_h, err, sizeof err); break;
    case 'S': bad = conf_int("--seed", optarg, 0, INT64_MAX, &seed, err, sizeof err); break;
    case 'W': no_web = 1; break;
    case 'j': json_out = 1; break;
    case 'f': scen_path = optarg; break;
    case 'v': servo = optarg; break;
    case 'D': dir_opt = optarg; break;
    case 'h': cvd_demo_help(stdout); return 0;
    default: fprintf(stderr, "cvd demo: see cvd demo --help\n"); return EXIT_USAGE;
    }
    if (bad) {
      fprintf(stderr, "cvd demo: %s\n", err);
      return EXIT_USAGE;
    }
  }
  if (optind != argc) {
    fprintf(stderr, "cvd demo: unexpected argument '%s'\n", argv[optind]);
    return EXIT_USAGE;
  }
  if (servers > 1 && port == 65535) {
    fprintf(stderr, "cvd demo: --servers 2 needs --port below 65535 (the second takes P+1)\n");
    return EXIT_USAGE;
  }
  if (lockstep && speed_given) {
    fprintf(stderr, "cvd demo: --lockstep and --speed: choose one\n");
    return EXIT_USAGE;
  }
  if (hold_h >= 0 && !lockstep) {
    fprintf(stderr, "cvd demo: --hold-at needs --lockstep (a clock running at a speed cannot "
                    "be held)\n");
    return EXIT_USAGE;
  }
  struct scenario sc;
  scenario_defaults(&sc);
  if (scen_path && scenario_parse_file(scen_path, &sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_USAGE;
  }
  if (remotes > 0)
    sc.remotes = (int)remotes;
  if (seed >= 0)
    sc.seed = (uint64_t)seed;
  if (scenario_check(&sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_USAGE;
  }

  char dir[1024];
  if (dir_opt) {
    if (mkdir(dir_opt, 0755) != 0 && errno != EEXIST) {
      fprintf(stderr, "cvd demo: --dir %s: %s\n", dir_opt, strerror(errno));
      return EXIT_USAGE;
    }
    if (!realpath(dir_opt, dir)) {
      fprintf(stderr, "cvd demo: --dir %s: %s\n", dir_opt, strerror(errno));
      return EXIT_USAGE;
    }
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/server.db", dir);
    if (access(probe, F_OK) == 0) {
      fprintf(stderr, "cvd demo: %s holds an earlier run; give an empty directory\n", dir);
      return EXIT_USAGE;
    }
  } else {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/cvd-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
      fprintf(stderr, "cvd demo: cannot create %s: %s\n", dir, strerror(errno));
      return EXIT_RUNTIME;
    }
  }

  char clockargs[1200];
  struct clk_conf cc;
  if (demo_clock(dir, &sc, lockstep ? 0 : speed, &cc, clockargs, sizeof clockargs, err,
                 sizeof err) != 0) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_RUNTIME;
  }
  int nsites = sc.remotes + 1;
  struct netconf nc;
  if (netconf_init(&nc, dir, (int)port, nsites, clockargs, err, sizeof err) != 0) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_RUNTIME;
  }
  nc.web = !no_web;
  if (servo)
    snprintf(nc.servo, sizeof nc.servo, "%s", servo);
  if (servers > 1)
    demo_ha_lines(&nc, (int)port + 1);
  int bad = netconf_write_scenario(&nc, &sc, err, sizeof err) ||
            netconf_write_server(&nc, err, sizeof err) ||
            (servers > 1 && demo_ha_write_server2(&nc, (int)port + 1, err, sizeof err));
  for (int k = 0; k < nsites && !bad; k++)
    bad = netconf_write_site(&nc, k, err, sizeof err);
  if (bad) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_RUNTIME;
  }

  cvd_catch_signals();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (clk_configure_checked(&cc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_RUNTIME;
  }
  static struct demo d;
  d.sc = sc;
  d.nsites = nsites;
  d.port = (int)port;
  d.servers = (int)servers;
  snprintf(d.dir, sizeof d.dir, "%s", dir);
  if (d.sc.n_outages > 0 && demo_cut_network(&d, &nc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd demo: %s\n", err);
    return EXIT_RUNTIME;
  }
  for (int k = -1; k < nsites; k++) {
    demo_spawn(&d, k);
    if (k == -1 && servers > 1)
      demo_spawn(&d, -2);
  }
  fprintf(stderr,
          "cvd demo: server, ref and %d remotes running in %s (logs there); %s on "
          "http://127.0.0.1:%lld/; %s%s\n",
          sc.remotes, dir, no_web ? "API" : "grid", port, clockargs,
          days > 0 ? "" : "; Ctrl-C stops");
  int64_t end = days > 0 ? sc.start + (int64_t)(days * NS_PER_DAY) : INT64_MAX;
  d.end = end;
  d.hold = hold_h >= 0 ? sc.start + (int64_t)(hold_h * 3600 * NS_PER_S) : INT64_MAX;
  int rc = demo_run(&d, end);
  int64_t now = clk_now();
  double sim_days = (double)(now - sc.start) / (double)NS_PER_DAY;
  json_t *report = json_out && rc == 0 ? final_report((int)port, dir, &sc, sim_days, now) : NULL;
  if (servers > 1)
    demo_ha_note((int)port, (int)port + 1);
  stop_all(d.procs, d.np);
  netcut_stop(d.net);
  fprintf(stderr, "cvd demo: stopped after %.2f simulated days; data in %s\n", sim_days, dir);
  if (report) {
    char *text = jx_dump(report);
    printf("%s\n", text);
    free(text);
    json_decref(report);
  }
  curl_global_cleanup();
  return rc;
}
