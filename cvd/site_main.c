/* cvd site: options and wiring of the site daemon: the site core (site/core.h) measures
 * in the main thread (site/daemon.h), the sender (upload/sender.h) uploads in its own. */
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
#include "cvd/sig.h"
#include "osc/osc.h"
#include "receiver/receiver.h"
#include "site/core.h"
#include "site/daemon.h"
#include "site/probe.h"
#include "tic/tic.h"
#include "upload/client.h"
#include "upload/sender.h"

void cvd_site_help(FILE *out)
{
  fprintf(out,
"Usage: cvd site -c FILE [OPTIONS]\n"
"\n"
"Runs a site daemon, on a remote node or at the lab's reference: reads the time interval\n"
"counter once a second (LOCAL 1PPS - GPS 1PPS), takes the receiver's state and sawtooth\n"
"correction, applies the site's calibrated delays, builds 10-minute tracks aligned to UTC\n"
"(robust mean at the slot midpoint, samples used and rejected, deviation and slope of a\n"
"linear fit, satellites), writes each to the SQLite spool before anything else, and uploads\n"
"the spool to the server with retries; a track leaves the queue only when the server has\n"
"acknowledged it.  The steering command in each response is applied to the oscillator;\n"
"without fresh commands it keeps the last frequency and drift (holdover).\n"
"\n"
"The spool runs in WAL mode with synchronous=FULL: a track logged as stored survives a\n"
"crash or a power cut.  If the spool fails (disk full) the daemon says so loudly on every\n"
"track it cannot store, and keeps what is stored.\n"
"\n"
"Options (they override the file):\n"
"  -c, --config FILE   configuration file (required)\n"
"      --probe         talk to each configured instrument for a few seconds, print what was\n"
"                      found (TIC readings and their spread, receiver model, fix and\n"
"                      satellites, oscillator status, the spool), and exit: status 0 only\n"
"                      if all are usable\n"
"      --probe-seconds N   how long each instrument is read: N readings from the TIC,\n"
"                      waiting up to 30 s more for one that starts slowly [5]\n"
"      --check-config  read the configuration (and the secret and CA files it names),\n"
"                      say what is wrong or that it is good, and exit: 0 if good, 2 if not\n"
"      --server URL    the central server\n"
"      --spool FILE    the SQLite spool\n"
"      --log-level L   error, warn, info or debug\n"
"  -h, --help          this text\n"
"\n"
"Configuration directives (one per line, '#' comments) and their defaults:\n");
  conf_help(out, site_items);
  fprintf(out,
"\n"
"Drivers: tic: %s; receiver: %s; oscillator: %s; their devices and options are in\n"
"cvd-tic(5), cvd-receiver(5) and cvd-osc(5).\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 on a runtime failure, 2 on bad usage or\n"
"configuration.\n",
          tic_driver_names(), rx_driver_names(), osc_driver_names());
}

int cvd_site_main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'}, {"server", required_argument, NULL, 's'},
      {"spool", required_argument, NULL, 'S'},  {"log-level", required_argument, NULL, 'l'},
      {"probe", no_argument, NULL, 'P'},        {"probe-seconds", required_argument, NULL, 'N'},
      {"check-config", no_argument, NULL, 'K'}, {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *conf_path = NULL, *server = NULL, *spool = NULL, *level = NULL;
  int c, probe = 0, check_only = 0;
  long probe_s = 5;
  char err[1024];
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf_path = optarg; break;
    case 's': server = optarg; break;
    case 'S': spool = optarg; break;
    case 'l': level = optarg; break;
    case 'P': probe = 1; break;
    case 'K': check_only = 1; break;
    case 'N': {
      char *end;
      probe_s = strtol(optarg, &end, 10);
      if (*end || probe_s < 1 || probe_s > 3600) {
        fprintf(stderr, "cvd site: --probe-seconds %s: want 1 to 3600\n", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'h': cvd_site_help(stdout); return 0;
    default: fprintf(stderr, "cvd site: see cvd site --help\n"); return EXIT_USAGE;
    }
  }
  if (!conf_path || optind != argc) {
    fprintf(stderr, "cvd site: %s (see cvd site --help)\n",
            conf_path ? "unexpected argument" : "-c FILE is required");
    return EXIT_USAGE;
  }
  struct site_conf sc;
  site_conf_default(&sc);
  if (site_conf_load(conf_path, &sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd site: %s\n", err);
    return EXIT_USAGE;
  }
  if (server) {
    if (!upl_url_ok(server)) {
      fprintf(stderr, "cvd site: --server %s: not an http:// or https:// URL\n", server);
      return EXIT_USAGE;
    }
    snprintf(sc.up.server, sizeof sc.up.server, "%s", server);
  }
  if (spool)
    snprintf(sc.spool, sizeof sc.spool, "%s", spool);
  if (proc_log_option(&sc.proc, level) != 0) {
    fprintf(stderr, "cvd site: --log-level %s: want error, warn, info or debug\n", level);
    return EXIT_USAGE;
  }
  if (check_only) {
    printf("%s: good\n", conf_path);
    return 0;
  }
  if (proc_start(&sc.proc, sc.name, err, sizeof err) != 0) {
    fprintf(stderr, "cvd site: %s\n", err);
    return EXIT_USAGE;
  }
  if (probe)
    return site_probe(&sc, (int)probe_s);
  cvd_catch_signals();

  struct site_core core;
  if (site_core_open(&core, &sc, err, sizeof err) != 0) {
    LOGE("site", "%s", err);
    return EXIT_RUNTIME;
  }
  struct osc_report rep;
  struct upl_sender snd;
  site_core_report(&core, clk_now(), &rep);
  if (upl_sender_start(&snd, &sc.up, sc.spool, &rep, err, sizeof err) != 0) {
    LOGE("site", "%s", err);
    site_core_close(&core);
    return EXIT_RUNTIME;
  }
  site_run(&core, &snd, &cvd_stop);
  upl_sender_stop(&snd);
  site_core_close(&core);
  return 0;
}
