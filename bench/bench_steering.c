/* bench/bench_steering: the steering and holdover figures of issues 4 and 9, measured with
 * `cvd simulate` against the simulation's truth.
 *
 * Runs the default scenario for seeds 1..N, and variants of it: a 9.3 h `ref` outage
 * (NIST's 2015 loss of reference data lasted 9 h 18 min), a 24 h `all` outage, a 30 ns
 * reference delay step (these over D days); and, over 14 days with the event at hour 240,
 * rubidium frequency steps of 1e-11, 5e-11 and 1e-10 on r1, r2's site frozen for 14 h, r1's
 * site restarted, the server restarted.  Prints every remote's figures, the ratio
 * rms_x_ns / bound_rms_x_ns, the holdover z-scores ((true_x - predicted_x) /
 * predicted_sigma), the hours after each event until |x| stays under 50 ns, the
 * simulation speed, and each goal with PASS or FAIL.
 *
 * Usage: bench_steering [--cvd PATH] [--days D] [--seeds N] [--jobs J] [--only SUBSTRING] */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
  const char *variant;
  int v;                  /* index of the variant */
  int seed;
  char scen[256], out[256];
  pid_t pid;
  json_t *j;
};

/* The events of the host and clock variants are at hour 240; `within` is the goal: hours
 * after the event until |x| stays under 50 ns for good (the remote named, or all). */
#define EVENT_H 240.0

static const struct {
  const char *name, *extra;
  double days;            /* 0: --days */
  const char *site;       /* the remote the event concerns, NULL: every remote */
  double within;          /* goal, hours; 0: none of this kind */
} variants[] = {
    {"default", "", 0, NULL, 0},
    {"ref outage 9.3 h", "outage 240 9.3 ref\n", 0, NULL, 0},
    {"all outage 24 h", "outage 240 24 all\n", 0, NULL, 0},
    {"ref delay step 30 ns", "ref_delay_step 240 30\n", 0, NULL, 0},
    {"rb freq step 1e-11 r1", "rb_freq_step 240 1e-11 r1\n", 14, "r1", 0},
    {"rb freq step 5e-11 r1", "rb_freq_step 240 5e-11 r1\n", 14, "r1", 6},
    {"rb freq step 1e-10 r1", "rb_freq_step 240 1e-10 r1\n", 14, "r1", 12},
    {"site freeze 14 h r2", "site_freeze 240 14 r2\n", 14, "r2", 14 + 4},
    {"site restart r1", "site_restart 240 r1\n", 14, "r1", 4},
    {"server restart", "server_restart 240\n", 14, NULL, 4},
};
#define NV (int)(sizeof variants / sizeof *variants)

static pid_t start(const char *cvd, struct run *r, double days)
{
  char d[32];
  snprintf(d, sizeof d, "%g", variants[r->v].days > 0 ? variants[r->v].days : days);
  pid_t pid = fork();
  if (pid == 0) {
    FILE *o = freopen(r->out, "w", stdout);
    FILE *e = freopen("/dev/null", "w", stderr);
    (void)o;
    (void)e;
    execl(cvd, cvd, "simulate", "--scenario", r->scen, "--days", d, "--json", (char *)NULL);
    _exit(127);
  }
  return pid;
}

static json_t *last_json(const char *path)
{
  FILE *f = fopen(path, "r");
  char line[1 << 16], last[1 << 16] = "";
  while (f && fgets(line, sizeof line, f))
    if (line[0] == '{')
      strcpy(last, line);
  if (f)
    fclose(f);
  return json_loads(last, 0, NULL);
}

static double num(const json_t *o, const char *k)
{
  const json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static void goal(const char *what, int ok, int *all)
{
  printf("  %-4s %s\n", ok ? "PASS" : "FAIL", what);
  if (!ok)
    *all = 0;
}

/* What the runs showed, worst over seeds, for the goals. */
struct worst {
  double ratio, rms, dm, mdev, f, ref, all, step, zss, speed_min;
  int nz;
  double after[16];       /* per variant: hours after the event until |x| < 50 for good */
  double max_x[16];       /* per variant: max |x| of the remote concerned */
  int delay_events[16];   /* per variant: events calling the concerned remote's change a
                             measurement (delay) step */
  double locked_min[16];  /* per variant: least time_locked_pct of the remote concerned */
};

static int concerned(int v, const char *site)
{
  return !variants[v].site || strcmp(variants[v].site, site) == 0;
}

static int delay_events(const json_t *j, const char *site)
{
  int n = 0;
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(j, "events"), i, e)
  {
    const char *k = json_string_value(json_object_get(e, "kind"));
    const char *s = json_string_value(json_object_get(e, "site"));
    n += k && s && strcmp(k, "measurement_step") == 0 && strcmp(s, site) == 0;
  }
  return n;
}

static void holdovers(const json_t *rm, int v, struct worst *w)
{
  size_t h;
  json_t *ho;
  json_array_foreach(json_object_get(rm, "holdover"), h, ho)
  {
    double hm = num(ho, "max_abs_x_ns"), px = num(ho, "predicted_x_ns");
    double ps = num(ho, "predicted_sigma_ns"), tx = num(ho, "true_x_ns");
    double z = (tx - px) / ps;
    printf(" %6.2f %6.2f %6.2f %6.2f %+5.2f", hm, px, ps, tx, z);
    if (isfinite(z)) {
      w->zss += z * z;
      w->nz++;
    }
    if (v == 1)
      w->ref = fmax(w->ref, hm);
    if (v == 2)
      w->all = fmax(w->all, hm);
  }
}

static void one_remote(const struct run *r, const json_t *rm, struct worst *w)
{
  int v = r->v;
  const char *site = json_string_value(json_object_get(rm, "site"));
  double rms = num(rm, "rms_x_ns"), b = num(rm, "bound_rms_x_ns"), mx = num(rm, "max_abs_x_ns");
  double dm = num(rm, "max_abs_daily_mean_ns"), md = num(rm, "mdev_1d");
  double fr = num(rm, "freq_1d_rms"), lock = num(rm, "lock_time_h");
  printf("  %4d %-4s %7.3f %7.3f %6.3f %8.2f %8.3f %9.2e %9.2e %7.2f %7.1f ", r->seed, site, rms,
         b, rms / b, mx, dm, md, fr, lock, num(rm, "time_locked_pct"));
  if (v == 0) {
    w->ratio = fmax(w->ratio, rms / b);
    w->rms = fmax(w->rms, rms);
    w->dm = fmax(w->dm, dm);
    w->mdev = fmax(w->mdev, md);
    w->f = fmax(w->f, fr);
  }
  if (v == 3)
    w->step = fmax(w->step, mx);
  if (variants[v].site || variants[v].within > 0) {
    if (concerned(v, site)) {
      /* Never under 50 for good (NAN) counts as forever. */
      double after = isfinite(lock) ? fmax(0, lock - EVENT_H) : INFINITY;
      w->after[v] = fmax(w->after[v], after);
      w->max_x[v] = fmax(w->max_x[v], mx);
      w->delay_events[v] += delay_events(r->j, site);
      w->locked_min[v] = fmin(w->locked_min[v], num(rm, "time_locked_pct"));
      printf(" after the event: %.2f h to under 50 ns for good", after);
    }
  }
  holdovers(rm, v, w);
  printf("\n");
}

static void report(const struct run *runs, int n, struct worst *w)
{
  for (int v = 0; v < NV; v++) {
    printf("\n%s\n", variants[v].name);
    printf("  %4s %-4s %7s %7s %6s %8s %8s %9s %9s %7s %7s  %s\n", "seed", "site", "rms_ns",
           "bound", "ratio", "max_ns", "dmean_ns", "mdev_1d", "freq_1d", "lock_h", "locked%",
           "holdover: max_ns pred_ns sigma_ns true_ns z");
    for (int k = 0; k < n; k++) {
      const struct run *r = &runs[k];
      if (r->v != v || !r->j)
        continue;
      double sp = num(r->j, "sim_seconds_per_second");
      if (v == 0 && sp < w->speed_min)
        w->speed_min = sp;
      size_t i;
      json_t *rm;
      json_array_foreach(json_object_get(r->j, "remotes"), i, rm)
        one_remote(r, rm, w);
    }
  }
}

static int variant_ran(const struct run *runs, int n, int v)
{
  for (int k = 0; k < n; k++)
    if (runs[k].v == v && runs[k].j)
      return 1;
  return 0;
}

static void goals_quiet(const struct worst *w, double days, int *all)
{
  char t[200];
  snprintf(t, sizeof t, "default: rms_x_ns under 2 in every seed (worst %.3f)", w->rms);
  goal(t, w->rms < 2, all);
  snprintf(t, sizeof t, "default: rms_x_ns at most 1.25 x bound (worst ratio %.3f)", w->ratio);
  goal(t, w->ratio <= 1.25, all);
  snprintf(t, sizeof t, "default: max_abs_daily_mean_ns under 1 (worst %.3f)", w->dm);
  goal(t, w->dm < 1, all);
  snprintf(t, sizeof t, "default: freq_1d_rms under 1e-14 (worst %.2e) and mdev_1d under 1e-14 "
                        "(worst %.2e)", w->f, w->mdev);
  goal(t, w->f < 1e-14 && w->mdev < 1e-14, all);
  double secs = days * 86400 / w->speed_min;
  snprintf(t, sizeof t, "speed: %.0f simulated seconds per second at worst (%g days of 3 remotes "
                        "in %.1f s; 30 days in %.1f s)", w->speed_min, days, secs,
           30 * 86400 / w->speed_min);
  goal(t, 30 * 86400 / w->speed_min < 30, all);
}

static void goals_events(const struct worst *w, int *all)
{
  char t[300];
  snprintf(t, sizeof t, "9.3 h ref outage: max |x| in the window under 50 ns (worst %.2f)", w->ref);
  goal(t, w->ref < 50, all);
  snprintf(t, sizeof t, "24 h all outage: max |x| in the window under 100 ns (worst %.2f)", w->all);
  goal(t, w->all < 100, all);
  double zrms = w->nz ? sqrt(w->zss / w->nz) : NAN;
  snprintf(t, sizeof t, "holdover predictions honest: rms of %d z-scores in [0.7, 1.4] (%.3f)",
           w->nz, zrms);
  goal(t, zrms >= 0.7 && zrms <= 1.4, all);
  snprintf(t, sizeof t, "30 ns reference delay step: max_abs_x_ns under 10 (worst %.2f)", w->step);
  goal(t, w->step < 10, all);
}

static void goals_hosts(const struct run *runs, int n, const struct worst *w, int *all)
{
  char t[300];
  for (int v = 4; v < NV; v++) {
    if (!variant_ran(runs, n, v))
      continue;
    if (variants[v].within <= 0) {
      snprintf(t, sizeof t, "%s: |x| under 50 ns throughout (worst %.2f), LOCKED at least 97 %% "
                            "(worst %.1f %%), no event calling it a delay step (%d)",
               variants[v].name, w->max_x[v], w->locked_min[v], w->delay_events[v]);
      goal(t, w->max_x[v] < 50 && w->locked_min[v] >= 97 && w->delay_events[v] == 0, all);
    } else {
      snprintf(t, sizeof t, "%s: under 50 ns for good within %.0f h of the event (worst %.2f h; "
                            "max |x| %.1f ns)",
               variants[v].name, variants[v].within, w->after[v], w->max_x[v]);
      goal(t, w->after[v] <= variants[v].within, all);
    }
  }
}

static int parse_args(int argc, char **argv, char *cvd, size_t n, double *days, int *seeds,
                      int *jobs, const char **only)
{
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--cvd") && i + 1 < argc)
      snprintf(cvd, n, "%s", argv[++i]);
    else if (!strcmp(argv[i], "--days") && i + 1 < argc)
      *days = atof(argv[++i]);
    else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
      *seeds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--jobs") && i + 1 < argc)
      *jobs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc)
      *only = argv[++i];
    else {
      fprintf(stderr, "usage: bench_steering [--cvd PATH] [--days D] [--seeds N] [--jobs J] "
                      "[--only SUBSTRING]\n");
      return -1;
    }
  }
  if (*days < 12 || *seeds < 1 || *jobs < 1) {
    fprintf(stderr, "bench_steering: want --days >= 12 (the events are at hour 240), "
                    "--seeds >= 1, --jobs >= 1\n");
    return -1;
  }
  return 0;
}

/* Runs them all, jobs at a time; returns how many failed. */
static int run_all(const char *cvd, struct run *runs, int n, double days, int jobs)
{
  int next = 0, running = 0, failed = 0;
  while (next < n || running > 0) {
    while (running < jobs && next < n) {
      runs[next].pid = start(cvd, &runs[next], days);
      next++;
      running++;
    }
    int st;
    pid_t p = wait(&st);
    if (p < 0)
      break;
    running--;
    for (int k = 0; k < n; k++)
      if (runs[k].pid == p) {
        runs[k].j = last_json(runs[k].out);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !runs[k].j) {
          fprintf(stderr, "bench_steering: %s seed %d failed\n", runs[k].variant, runs[k].seed);
          failed++;
        }
      }
  }
  return failed;
}

int main(int argc, char **argv)
{
  char cvd[1024];
  snprintf(cvd, sizeof cvd, "%s", argv[0]);
  char *slash = strrchr(cvd, '/');
  snprintf(slash ? slash + 1 : cvd, sizeof cvd - (size_t)(slash ? slash + 1 - cvd : 0),
           "../cvd/cvd");
  double days = 30;
  int seeds = 10, jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
  const char *only = NULL;
  if (parse_args(argc, argv, cvd, sizeof cvd, &days, &seeds, &jobs, &only) != 0)
    return 2;
  char dir[] = "/tmp/cvd-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  struct run *runs = calloc((size_t)(NV * seeds), sizeof *runs);
  int n = 0;
  for (int v = 0; v < NV; v++) {
    if (only && !strstr(variants[v].name, only))
      continue;
    for (int s = 1; s <= seeds; s++) {
      struct run *r = &runs[n++];
      r->variant = variants[v].name;
      r->v = v;
      r->seed = s;
      snprintf(r->scen, sizeof r->scen, "%s/v%d-s%d.conf", dir, v, s);
      snprintf(r->out, sizeof r->out, "%s/v%d-s%d.json", dir, v, s);
      FILE *f = fopen(r->scen, "w");
      fprintf(f, "seed %d\n%s", s, variants[v].extra);
      fclose(f);
    }
  }
  printf("bench_steering: %s, %g days (the host and clock events 14), seeds 1..%d, %d at a "
         "time\n", cvd, days, seeds, jobs);
  fflush(stdout);
  int failed = run_all(cvd, runs, n, days, jobs);
  struct worst w = {.speed_min = INFINITY};
  for (int v = 0; v < NV; v++)
    w.locked_min[v] = INFINITY;
  report(runs, n, &w);
  int all = 1;
  printf("\nGoals\n");
  if (variant_ran(runs, n, 0))
    goals_quiet(&w, days, &all);
  if (variant_ran(runs, n, 1) || variant_ran(runs, n, 2) || variant_ran(runs, n, 3))
    goals_events(&w, &all);
  goals_hosts(runs, n, &w, &all);
  printf("\n%s%s\n", all && !failed ? "all goals met" : "some goals not met",
         failed ? " (some runs failed)" : "");
  for (int k = 0; k < n; k++) {
    json_decref(runs[k].j);
    remove(runs[k].scen);
    remove(runs[k].out);
  }
  rmdir(dir);
  free(runs);
  return all && !failed ? 0 : 1;
}
