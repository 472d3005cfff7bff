/* bench/bench_steering: the steering and holdover figures of issue 4, measured with
 * `cvd simulate` against the simulation's truth.
 *
 * Runs the default scenario for seeds 1..N, and three variants of it: a 9.3 h `ref`
 * outage (NIST's 2015 loss of reference data lasted 9 h 18 min), a 24 h `all` outage, and
 * a 30 ns reference delay step; prints every remote's figures, the ratio rms_x_ns /
 * bound_rms_x_ns, the holdover z-scores ((true_x - predicted_x) / predicted_sigma), the
 * simulation speed, and each goal with PASS or FAIL.
 *
 * Usage: bench_steering [--cvd PATH] [--days D] [--seeds N] [--jobs J] */
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
  const char *extra;      /* scenario lines added to the default */
  int seed;
  char scen[256], out[256];
  pid_t pid;
  json_t *j;
};

static const struct {
  const char *name, *extra;
} variants[] = {
    {"default", ""},
    {"ref outage 9.3 h", "outage 240 9.3 ref\n"},
    {"all outage 24 h", "outage 240 24 all\n"},
    {"ref delay step 30 ns", "ref_delay_step 240 30\n"},
};
#define NV (int)(sizeof variants / sizeof *variants)

static pid_t start(const char *cvd, struct run *r, double days)
{
  char d[32];
  snprintf(d, sizeof d, "%g", days);
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

int main(int argc, char **argv)
{
  char cvd[1024];
  snprintf(cvd, sizeof cvd, "%s", argv[0]);
  char *slash = strrchr(cvd, '/');
  snprintf(slash ? slash + 1 : cvd, sizeof cvd - (size_t)(slash ? slash + 1 - cvd : 0),
           "../cvd/cvd");
  double days = 30;
  int seeds = 10, jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--cvd") && i + 1 < argc)
      snprintf(cvd, sizeof cvd, "%s", argv[++i]);
    else if (!strcmp(argv[i], "--days") && i + 1 < argc)
      days = atof(argv[++i]);
    else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
      seeds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--jobs") && i + 1 < argc)
      jobs = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_steering [--cvd PATH] [--days D] [--seeds N] [--jobs J]\n");
      return 2;
    }
  }
  if (days < 12 || seeds < 1 || jobs < 1) {
    fprintf(stderr, "bench_steering: want --days >= 12 (the events are at hour 240), "
                    "--seeds >= 1, --jobs >= 1\n");
    return 2;
  }
  char dir[] = "/tmp/cvd-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  int n = NV * seeds;
  struct run *runs = calloc((size_t)n, sizeof *runs);
  for (int v = 0, k = 0; v < NV; v++)
    for (int s = 1; s <= seeds; s++, k++) {
      struct run *r = &runs[k];
      r->variant = variants[v].name;
      r->seed = s;
      snprintf(r->scen, sizeof r->scen, "%s/v%d-s%d.conf", dir, v, s);
      snprintf(r->out, sizeof r->out, "%s/v%d-s%d.json", dir, v, s);
      FILE *f = fopen(r->scen, "w");
      fprintf(f, "seed %d\n%s", s, variants[v].extra);
      fclose(f);
    }
  printf("bench_steering: %s, %g days, seeds 1..%d, %d at a time\n", cvd, days, seeds, jobs);
  fflush(stdout);
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

  int all = 1;
  double worst_ratio = 0, worst_rms = 0, worst_dm = 0, worst_mdev = 0, worst_f = 0;
  double worst_ref = 0, worst_all = 0, worst_step = 0, zss = 0, speed_min = INFINITY;
  int nz = 0;
  for (int v = 0; v < NV; v++) {
    printf("\n%s\n", variants[v].name);
    printf("  %4s %-4s %7s %7s %6s %8s %8s %9s %9s %7s %7s  %s\n", "seed", "site", "rms_ns",
           "bound", "ratio", "max_ns", "dmean_ns", "mdev_1d", "freq_1d", "lock_h", "locked%",
           "holdover: max_ns pred_ns sigma_ns true_ns z");
    for (int k = 0; k < n; k++) {
      struct run *r = &runs[k];
      if (r->variant != variants[v].name || !r->j)
        continue;
      double sp = num(r->j, "sim_seconds_per_second");
      if (v == 0 && sp < speed_min)
        speed_min = sp;
      size_t i;
      json_t *rm;
      json_array_foreach(json_object_get(r->j, "remotes"), i, rm)
      {
        double rms = num(rm, "rms_x_ns"), b = num(rm, "bound_rms_x_ns"), mx = num(rm, "max_abs_x_ns");
        double dm = num(rm, "max_abs_daily_mean_ns"), md = num(rm, "mdev_1d");
        double fr = num(rm, "freq_1d_rms");
        printf("  %4d %-4s %7.3f %7.3f %6.3f %8.2f %8.3f %9.2e %9.2e %7.2f %7.1f ", r->seed,
               json_string_value(json_object_get(rm, "site")), rms, b, rms / b, mx, dm, md, fr,
               num(rm, "lock_time_h"), num(rm, "time_locked_pct"));
        if (v == 0) {
          worst_ratio = fmax(worst_ratio, rms / b);
          worst_rms = fmax(worst_rms, rms);
          worst_dm = fmax(worst_dm, dm);
          worst_mdev = fmax(worst_mdev, md);
          worst_f = fmax(worst_f, fr);
        }
        if (v == 3)
          worst_step = fmax(worst_step, mx);
        size_t h;
        json_t *ho;
        json_array_foreach(json_object_get(rm, "holdover"), h, ho)
        {
          double hm = num(ho, "max_abs_x_ns"), px = num(ho, "predicted_x_ns");
          double ps = num(ho, "predicted_sigma_ns"), tx = num(ho, "true_x_ns");
          double z = (tx - px) / ps;
          printf(" %6.2f %6.2f %6.2f %6.2f %+5.2f", hm, px, ps, tx, z);
          if (isfinite(z)) {
            zss += z * z;
            nz++;
          }
          if (v == 1)
            worst_ref = fmax(worst_ref, hm);
          if (v == 2)
            worst_all = fmax(worst_all, hm);
        }
        printf("\n");
      }
    }
  }
  double zrms = nz ? sqrt(zss / nz) : NAN;
  printf("\nGoals\n");
  char t[200];
  snprintf(t, sizeof t, "default: rms_x_ns under 2 in every seed (worst %.3f)", worst_rms);
  goal(t, worst_rms < 2, &all);
  snprintf(t, sizeof t, "default: rms_x_ns at most 1.25 x bound (worst ratio %.3f)", worst_ratio);
  goal(t, worst_ratio <= 1.25, &all);
  snprintf(t, sizeof t, "default: max_abs_daily_mean_ns under 1 (worst %.3f)", worst_dm);
  goal(t, worst_dm < 1, &all);
  snprintf(t, sizeof t, "default: freq_1d_rms under 1e-14 (worst %.2e) and mdev_1d under 1e-14 "
                        "(worst %.2e)", worst_f, worst_mdev);
  goal(t, worst_f < 1e-14 && worst_mdev < 1e-14, &all);
  snprintf(t, sizeof t, "9.3 h ref outage: max |x| in the window under 50 ns (worst %.2f)", worst_ref);
  goal(t, worst_ref < 50, &all);
  snprintf(t, sizeof t, "24 h all outage: max |x| in the window under 100 ns (worst %.2f)", worst_all);
  goal(t, worst_all < 100, &all);
  snprintf(t, sizeof t, "holdover predictions honest: rms of %d z-scores in [0.7, 1.4] (%.3f)", nz,
           zrms);
  goal(t, zrms >= 0.7 && zrms <= 1.4, &all);
  snprintf(t, sizeof t, "30 ns reference delay step: max_abs_x_ns under 10 (worst %.2f)", worst_step);
  goal(t, worst_step < 10, &all);
  double secs = days * 86400 / speed_min;
  snprintf(t, sizeof t, "speed: %.0f simulated seconds per second at worst (%g days of 3 remotes "
                        "in %.1f s; 30 days in %.1f s)", speed_min, days, secs, 30 * 86400 / speed_min);
  goal(t, 30 * 86400 / speed_min < 30, &all);
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
