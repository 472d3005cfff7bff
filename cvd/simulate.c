/* cvd simulate: the whole network in one process, in simulated time, as fast as the
 * machine allows, through the same code the site and the server run: the simulated TIC,
 * receiver and oscillator drivers, the track builder and spool (in memory), the upload
 * request and response, the server's engine (common view, servo, holdover).  Only the
 * processes and HTTP are left out.  Scored against the simulation's truth. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "cvd/sig.h"
#include "cvd/simnet.h"
#include "server/server.h"
#include "sim/score.h"

void cvd_simulate_help(FILE *out)
{
  fprintf(out,
"Usage: cvd simulate [OPTIONS]\n"
"\n"
"Runs a whole common-view network in one process in simulated time, as fast as the machine\n"
"allows, through the code the real site daemon and server run (simulated TIC, receiver and\n"
"oscillator drivers, track builder, spool, common view, steering servo, holdover); only the\n"
"processes and HTTP are left out.  Scores the steering against the simulation's truth.\n"
"A line per simulated day goes to stderr.\n"
"\n"
"Options (they override the scenario file):\n"
"      --days D          simulated days\n"
"      --seed S          random seed\n"
"      --remotes N       remote sites r1..rN\n"
"      --servo NAME      steering servo: %s\n"
"      --scenario FILE   scenario file (directives below)\n"
"      --json            print one JSON object on one line, last on stdout:\n"
"                        {\"days\", \"seed\", \"servo\", \"remotes\": [{\"site\", \"lock_time_h\",\n"
"                        \"rms_x_ns\", \"max_abs_x_ns\", \"max_abs_daily_mean_ns\", \"mdev_1d\",\n"
"                        \"freq_1d_rms\", \"bound_rms_x_ns\", \"time_locked_pct\", \"holdover\":\n"
"                        [{\"start_h\", \"duration_h\", \"max_abs_x_ns\", \"predicted_x_ns\",\n"
"                        \"predicted_sigma_ns\", \"true_x_ns\"}]}], \"events\": [{\"hour\",\n"
"                        \"site\", \"kind\", \"message\"}], \"sim_seconds_per_second\"}\n"
"                        (events: the steps in measurements and the faults the server\n"
"                        flagged)\n"
"      --series FILE     write every remote's true x per slot midpoint as CSV\n"
"                        (slot start, hours, site, x_ns, state)\n"
"      --store FILE      write the server's store to FILE (a new SQLite file) as cvd\n"
"                        server writes it: the tracks received, the common-view\n"
"                        differences, the steering log and commands, the clocks' states,\n"
"                        the events (state changes and outliers too) and the holdover\n"
"                        predictions (cvd report reads it as a real server's)\n"
"      --log-level L     error, warn, info or debug [warn]\n"
"  -h, --help            this text\n"
"\n"
"Figures: x is the true REMOTE - REF at every slot midpoint.  rms_x_ns, max_abs_x_ns, the\n"
"daily means, mdev_1d (MDEV at 1 day) and freq_1d_rms (rms of the change of the daily mean\n"
"x per day, as a fractional frequency) use the samples after the first day outside the\n"
"outage windows that cut the remote off (mdev_1d bridges those windows by straight lines).\n"
"lock_time_h: the hour after which |x| stays under 50 ns; time_locked_pct: the share of\n"
"those samples in which the server's state was LOCKED; bound_rms_x_ns: sqrt(P) of the\n"
"steady-state one-slot-ahead prediction error of a two-state Kalman filter with T = 600 s,\n"
"q1 = rb_adev_1s^2 x 1 s, q2 = 3 (rb_flicker_floor^2 / 1e4 s + rb_rwfm_adev_1d^2 / 86400 s),\n"
"R = cv_noise_ns^2, plus (cv_diurnal_ns / sqrt 2)^2.  holdover: per outage window that cut\n"
"the remote off, the largest |x| inside it, the server's prediction of x and its 1-sigma\n"
"for the window's end, and the true x there.\n"
"\n"
"Scenario directives (config syntax; times in hours from the start; REMOTE is r1..rN and a\n"
"directive without it applies to every remote) and their defaults:\n",
          servo_names());
  conf_help(out, scenario_items);
  fprintf(out,
"\n"
"Exit status: 0 on success, 1 on a runtime failure, 2 on bad usage or scenario.\n");
}

static int write_series(const struct simnet *n, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f, "slot,hours,site,x_ns,locked\n");
  char iso[40];
  for (int i = 0; i < n->nslots; i++) {
    int64_t slot = n->sc.start + (int64_t)i * SLOT_NS;
    for (int k = 0; k < n->sc.remotes; k++)
      fprintf(f, "%s,%.4f,%s,%.4f,%d\n", tu_format(slot, iso, sizeof iso, 0),
              (double)i * SLOT_S / 3600.0, n->ser[k].site, n->ser[k].x[i], n->ser[k].locked[i]);
  }
  return fclose(f);
}

/* The store must be a new file: a simulation does not mix its rows with a real server's. */
static int store_path_ok(const char *path, char *err, size_t errlen)
{
  if (!*path) {
    snprintf(err, errlen, "wants a file name");
    return -1;
  }
  if (access(path, F_OK) == 0) {
    snprintf(err, errlen, "%s: already exists (a simulation writes a new store)", path);
    return -1;
  }
  return 0;
}

/* With a store the server records state changes and outliers as events, as cvd server
 * does; --json's events stay the faults alone, as without one. */
static void only_faults(json_t *ev)
{
  for (size_t i = json_array_size(ev); i-- > 0;) {
    const char *k = json_string_value(json_object_get(json_array_get(ev, i), "kind"));
    if (k && (strcmp(k, "state") == 0 || strcmp(k, "outlier") == 0))
      json_array_remove(ev, i);
  }
}

static void progress(struct simnet *n, int64_t t, double wall0)
{
  char line[1024], iso[40];
  int off = snprintf(line, sizeof line, "%s day %.0f (%.1f s):", tu_format(t, iso, sizeof iso, 0),
                     (double)(t - n->sc.start) / 86400e9,
                     (double)(tu_mono_ns() - (int64_t)wall0) / 1e9);
  for (int k = 1; k < n->nsites && off < (int)sizeof line - 64; k++) {
    enum clock_state st = CS_ACQUIRING;
    server_clock_state(&n->srv, n->srv.sites[k].name, &st);
    off += snprintf(line + off, sizeof line - (size_t)off, "  %s %s x %+.2f ns",
                    n->srv.sites[k].name, cs_name(st), simnet_true_x(n, k, t));
  }
  fprintf(stderr, "%s\n", line);
}

int cvd_simulate_main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"days", required_argument, NULL, 'd'},     {"seed", required_argument, NULL, 's'},
      {"remotes", required_argument, NULL, 'n'},  {"servo", required_argument, NULL, 'v'},
      {"scenario", required_argument, NULL, 'f'}, {"json", no_argument, NULL, 'j'},
      {"log-level", required_argument, NULL, 'l'}, {"series", required_argument, NULL, 'S'},
      {"store", required_argument, NULL, 'D'}, {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  double days = -1;
  long long seed = -1, remotes = -1;
  const char *servo = NULL, *scen = NULL, *level = "warn", *series = NULL,
             *store = NULL;
  int json_out = 0, c;
  char err[1024];
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    int bad = 0;
    switch (c) {
    case 'd': bad = conf_double("--days", optarg, 1.0 / 24, 3650, &days, err, sizeof err); break;
    case 's': bad = conf_int("--seed", optarg, 0, INT64_MAX, &seed, err, sizeof err); break;
    case 'n': bad = conf_int("--remotes", optarg, 1, SIM_REMOTES_LIMIT, &remotes, err, sizeof err); break;
    case 'v': servo = optarg; break;
    case 'f': scen = optarg; break;
    case 'j': json_out = 1; break;
    case 'l': level = optarg; break;
    case 'S': series = optarg; break;
    case 'D': store = optarg; break;
    case 'h': cvd_simulate_help(stdout); return 0;
    default: fprintf(stderr, "cvd simulate: see cvd simulate --help\n"); return EXIT_USAGE;
    }
    if (bad) {
      fprintf(stderr, "cvd simulate: %s\n", err);
      return EXIT_USAGE;
    }
  }
  if (optind != argc) {
    fprintf(stderr, "cvd simulate: unexpected argument '%s'\n", argv[optind]);
    return EXIT_USAGE;
  }
  int lv = log_parse_level(level);
  if (lv < 0) {
    fprintf(stderr, "cvd simulate: --log-level %s: want error, warn, info or debug\n", level);
    return EXIT_USAGE;
  }
  log_open("simulate", 0);
  log_set_level((enum log_sev)lv);
  static struct simnet net;
  struct simnet *n = &net;
  scenario_defaults(&n->sc);
  if (scen && scenario_parse_file(scen, &n->sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd simulate: %s\n", err);
    return EXIT_USAGE;
  }
  if (days > 0)
    n->sc.days = days;
  if (seed >= 0)
    n->sc.seed = (uint64_t)seed;
  if (remotes > 0)
    n->sc.remotes = (int)remotes;
  if (scenario_check(&n->sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd simulate: %s\n", err);
    return EXIT_USAGE;
  }
  if (store && store_path_ok(store, err, sizeof err) != 0) {
    fprintf(stderr, "cvd simulate: --store %s\n", err);
    return EXIT_USAGE;
  }
  struct servo_params sp;
  servo_params_default(&sp);
  if (servo) {
    struct servo *probe = servo_create(servo, &sp, err, sizeof err);
    if (!probe) {
      fprintf(stderr, "cvd simulate: --servo: %s\n", err);
      return EXIT_USAGE;
    }
    servo_destroy(probe);
  }
  cvd_catch_signals();
  struct clk_conf cc = {.kind = CLK_MANUAL, .start = n->sc.start - 1};
  clk_configure(&cc);
  if (simnet_open(n, servo, store, err, sizeof err) != 0) {
    fprintf(stderr, "cvd simulate: %s\n", err);
    simnet_close(n);
    return EXIT_RUNTIME;
  }
  double wall0 = (double)tu_mono_ns();
  int64_t end = n->sc.start + (int64_t)n->nslots * SLOT_NS;
  for (int64_t t = n->sc.start; t < end && !cvd_stop; t += NS_PER_S) {
    simnet_step(n, t);
    if ((t - n->sc.start) % NS_PER_DAY == 0 && t > n->sc.start)
      progress(n, t, wall0);
  }
  double wall = ((double)tu_mono_ns() - wall0) / 1e9;
  if (cvd_stop) {
    simnet_close(n);
    return EXIT_RUNTIME;
  }
  double per_rd = wall * 1e3 / (n->sc.days * n->sc.remotes);
  fprintf(stderr, "cvd simulate: %.1f days of %d remotes in %.1f s (%.0f simulated seconds per "
          "second, %.1f ms per remote-day)\n", n->sc.days, n->sc.remotes, wall,
          n->sc.days * 86400 / (wall > 0 ? wall : 1e-9), per_rd);
  if (series && write_series(n, series) != 0) {
    fprintf(stderr, "cvd simulate: cannot write %s\n", series);
    simnet_close(n);
    return EXIT_RUNTIME;
  }
  json_t *rs = json_array();
  for (int k = 0; k < n->sc.remotes; k++) {
    struct sim_score s;
    simscore_compute(&n->sc, &n->ser[k], &s);
    json_array_append_new(rs, simscore_json(&n->ser[k], &s));
    if (!json_out)
      printf("%-4s lock %6.2f h  rms %7.3f ns (bound %.3f)  max %8.2f ns  daily mean max %7.3f ns  "
             "mdev(1d) %.2e  freq(1d) rms %.2e  locked %5.1f %%\n",
             n->ser[k].site, s.lock_time_h, s.rms_x_ns, s.bound_rms_x_ns, s.max_abs_x_ns,
             s.max_abs_daily_mean_ns, s.mdev_1d, s.freq_1d_rms, s.time_locked_pct);
  }
  if (json_out) {
    json_t *ev = server_events(&n->srv, n->sc.start, end + 1);
    if (!ev) {
      fprintf(stderr, "cvd simulate: the events cannot be read from the store\n");
      json_decref(rs);
      simnet_close(n);
      return 1;
    }
    size_t i;
    json_t *e;
    if (store)
      only_faults(ev);
    json_array_foreach(ev, i, e)
    {
      double h = (double)(json_integer_value(json_object_get(e, "t")) - n->sc.start) / 3600e9;
      json_object_del(e, "t");
      json_object_set_new(e, "hour", json_real(h));
    }
    json_t *j = json_pack("{s:f,s:I,s:s,s:o,s:o,s:f}", "days", n->sc.days, "seed",
                          (json_int_t)n->sc.seed, "servo", n->srv.conf.servo, "remotes", rs,
                          "events", ev, "sim_seconds_per_second",
                          n->sc.days * 86400 / (wall > 0 ? wall : 1e-9));
    json_object_set_new(j, "ms_per_remote_day", json_real(per_rd));
    char *text = jx_dump(j);
    printf("%s\n", text);
    free(text);
    json_decref(j);
  } else
    json_decref(rs);
  simnet_close(n);
  return 0;
}
