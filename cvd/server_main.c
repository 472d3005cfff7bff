/* cvd server: the central server's main loop. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "cvd/server_conf.h"
#include "cvd/sig.h"
#include "steer/engine.h"
#include "web/web.h"

void help_server(FILE *out)
{
  fprintf(out,
"Usage: cvd server -c FILE [OPTIONS]\n"
"\n"
"Runs the central server: receives the sites' 10-minute tracks over HTTP into SQLite,\n"
"forms common-view differences for every pair of sites in each slot (A - B =\n"
"(A - GPS) - (B - GPS)), runs one steering servo per remote clock, answers each upload\n"
"with that site's steering command, tracks holdover and alarms, and serves the grid,\n"
"the read API and /metrics.\n"
"\n"
"Options (they override the file):\n"
"  -c, --config FILE     configuration file (required)\n"
"      --listen ADDRESS  IPv4 address to listen on\n"
"      --port PORT       TCP port\n"
"      --database FILE   SQLite store\n"
"      --no-web          serve no HTML pages (the API stays)\n"
"      --log-level L     error, warn, info or debug\n"
"  -h, --help            this text\n"
"\n"
"Configuration directives (one per line, '#' comments) and their defaults:\n"
"  listen ADDRESS PORT            [127.0.0.1 8080]\n"
"  database FILE                  SQLite store [cvd-server.db]\n"
"  reference SITE                 the lab's reference site (required)\n"
"  site NAME SECRET               a site and its HMAC secret, 16 to 128 characters\n"
"                                 (repeat for every site, the reference included)\n"
"  servo NAME                     steering servo: %s [kalman]\n"
"  servo_tau SECONDS              PI loop time constant [10800]\n"
"  acquire_slots N                slots fitted for the first frequency estimate [6]\n"
"  meas_noise_ns NS               noise of one common-view difference [2]\n"
"  clock_adev_1s A                remote clocks' white FM, as ADEV at 1 s [1e-11]\n"
"  clock_flicker_floor F          their flicker floor [2e-13]\n"
"  clock_rwfm_adev_1d R           their random-walk FM, as ADEV at 1 day [0]\n"
"  lock_threshold_ns NS           |x| under this is LOCKED, green [50]\n"
"  alarm_threshold_ns NS          |x| (or a holdover prediction's 95%% bound) at this\n"
"                                 or more is ALARM, red [1000]\n"
"  holdover_slots N               missing slots that make HOLDOVER [2]\n"
"  command_validity SECONDS       a command's validity [1800]\n"
"  max_freq F                     largest frequency setpoint [1e-8]\n"
"  max_freq_step_acquire F        largest change per command before the first lock [1e-9]\n"
"  max_freq_step_locked F         largest change of frequency steering per command after\n"
"                                 it [1e-12]\n"
"  max_slew_locked F              largest time-steering slew after it [1e-11]\n"
"  max_slew_phase_ns NS           largest time one command's slew may move the clock after\n"
"                                 it [100]\n"
"  max_phase_step_ns NS           largest phase step [1000000]\n"
"  max_drift_per_day D            largest drift rate commanded [1e-10]\n"
"  web yes|no                     serve the HTML pages [yes]\n"
"  max_body BYTES                 largest upload accepted [4194304]\n"
"  threads N                      HTTP threads [4]\n"
"  log_level LEVEL                [info]\n"
"  syslog yes|no                  log to syslog instead of stderr [no]\n"
"  clock real                     the system's UTC clock [the default]\n"
"  clock simulated START SPEED [ANCHOR]\n"
"                                 simulated time from START running SPEED times faster,\n"
"                                 anchored at CLOCK_MONOTONIC ANCHOR ns (shared by demo)\n"
"\n"
"HTTP: POST /api/v1/tracks (signed uploads), GET /api/v1/grid, /api/v1/series?a=&b=&from=&to=,\n"
"/api/v1/steering?site=&from=&to=&limit= (each with format=csv), /metrics, and / (the grid).\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 on a runtime failure, 2 on bad usage or\n"
"configuration.\n",
          servo_names());
}

int cmd_server(int argc, char **argv)
{
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'}, {"listen", required_argument, NULL, 'L'},
      {"port", required_argument, NULL, 'p'},   {"database", required_argument, NULL, 'd'},
      {"no-web", no_argument, NULL, 'W'},       {"log-level", required_argument, NULL, 'l'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  const char *conf_path = NULL, *listen = NULL, *db = NULL, *level = NULL;
  long port = -1;
  int no_web = 0, c;
  char err[1024];
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf_path = optarg; break;
    case 'L': listen = optarg; break;
    case 'd': db = optarg; break;
    case 'W': no_web = 1; break;
    case 'l': level = optarg; break;
    case 'p': {
      char *end;
      port = strtol(optarg, &end, 10);
      if (*end || port < 1 || port > 65535) {
        fprintf(stderr, "cvd server: --port %s: want 1 to 65535\n", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'h': help_server(stdout); return 0;
    default: fprintf(stderr, "cvd server: see cvd server --help\n"); return EXIT_USAGE;
    }
  }
  if (!conf_path || optind != argc) {
    fprintf(stderr, "cvd server: %s (see cvd server --help)\n",
            conf_path ? "unexpected argument" : "-c FILE is required");
    return EXIT_USAGE;
  }
  struct server_conf sc;
  server_conf_default(&sc);
  if (server_conf_load(conf_path, &sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd server: %s\n", err);
    return EXIT_USAGE;
  }
  if (listen)
    snprintf(sc.web.address, sizeof sc.web.address, "%s", listen);
  if (port > 0)
    sc.web.port = (int)port;
  if (db)
    snprintf(sc.engine.db_path, sizeof sc.engine.db_path, "%s", db);
  if (no_web)
    sc.web.html = 0;
  if (proc_log_option(&sc.proc, level) != 0) {
    fprintf(stderr, "cvd server: --log-level %s: want error, warn, info or debug\n", level);
    return EXIT_USAGE;
  }
  proc_start(&sc.proc, "server");
  cvd_catch_signals();

  struct engine e;
  if (engine_open(&e, &sc.engine, err, sizeof err) != 0) {
    LOGE("server", "%s", err);
    return EXIT_RUNTIME;
  }
  struct web w;
  if (web_start(&w, &e, &sc.web, err, sizeof err) != 0) {
    LOGE("server", "%s", err);
    engine_close(&e);
    return EXIT_RUNTIME;
  }
  char t[40];
  LOGI("server", "listening on http://%s:%d/ (%d sites, reference %s, servo %s%s); time %s",
       sc.web.address, sc.web.port, sc.engine.n_sites, sc.engine.reference, sc.engine.servo,
       sc.web.html ? "" : ", no pages", tu_format(clk_now(), t, sizeof t, 0));
  int64_t tick = (int64_t)sc.tick_s * NS_PER_S;
  while (!cvd_stop) {
    int64_t next = (clk_now() / tick + 1) * tick;
    if (clk_sleep_until(next, &cvd_stop))
      break;
    engine_tick(&e, clk_now(), tu_wall_ns());
  }
  LOGI("server", "stopping");
  web_stop(&w);
  engine_close(&e);
  return 0;
}
