/* cvd server: the central server's main loop. */
#include "config.h"

#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "cvd/sig.h"
#include "server/conf.h"
#include "server/server.h"
#include "web/web.h"

void cvd_server_help(FILE *out)
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
"      --check-config    read the configuration (and the secret files it names), say\n"
"                        what is wrong or that it is good, and exit: 0 if good, 2 if not\n"
"  -h, --help            this text\n"
"\n"
"Configuration directives (one per line, '#' comments) and their defaults:\n");
  conf_help(out, server_items);
  fprintf(out,
"\n"
"HTTP: POST /api/v1/tracks (signed uploads), POST /api/v1/cggtts (signed CGGTTS files of a\n"
"site declared cggtts); GET /api/v1/grid, /api/v1/series?a=&b=&from=&to=,\n"
"/api/v1/steering?site=&from=&to=&limit=&kind=, /api/v1/events?site=&kind=&from=&to=&limit=\n"
"(each with format=csv), /metrics; the pages / (the grid), /pair?a=&b=&view=, /clock?site=,\n"
"/events and /report?site=&month=YYYY-MM (the signed monthly report).  cvd-server(8) says\n"
"more of each.\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 on a runtime failure, 2 on bad usage or\n"
"configuration.\n");
}

/* The grid at 100 clocks is a JSON response of about 1 MB built and freed on each request,
 * on one of several HTTP threads: freed memory is kept for the next request (up to 32 MB)
 * instead of being given back to the kernel and faulted in again.  bench/bench_web: the
 * grid's median from 200 ms to 20 ms on a loaded machine. */
static void keep_freed_memory(void)
{
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
}

int cvd_server_main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'}, {"listen", required_argument, NULL, 'L'},
      {"port", required_argument, NULL, 'p'},   {"database", required_argument, NULL, 'd'},
      {"no-web", no_argument, NULL, 'W'},       {"log-level", required_argument, NULL, 'l'},
      {"check-config", no_argument, NULL, 'K'}, {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *conf_path = NULL, *listen = NULL, *db = NULL, *level = NULL;
  long port = -1;
  int no_web = 0, check_only = 0, c;
  char err[1024];
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf_path = optarg; break;
    case 'L': listen = optarg; break;
    case 'd': db = optarg; break;
    case 'W': no_web = 1; break;
    case 'K': check_only = 1; break;
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
    case 'h': cvd_server_help(stdout); return 0;
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
    server_app_conf_free(&sc.app);
    return EXIT_USAGE;
  }
  if (listen)
    snprintf(sc.web.address, sizeof sc.web.address, "%s", listen);
  if (port > 0)
    sc.web.port = (int)port;
  if (db)
    snprintf(sc.app.db_path, sizeof sc.app.db_path, "%s", db);
  if (no_web)
    sc.web.html = 0;
  if (proc_log_option(&sc.proc, level) != 0) {
    fprintf(stderr, "cvd server: --log-level %s: want error, warn, info or debug\n", level);
    server_app_conf_free(&sc.app);
    return EXIT_USAGE;
  }
  if (check_only) {
    printf("%s: good\n", conf_path);
    server_app_conf_free(&sc.app);
    return 0;
  }
  if (proc_start(&sc.proc, "server", err, sizeof err) != 0) {
    fprintf(stderr, "cvd server: %s\n", err);
    server_app_conf_free(&sc.app);
    return EXIT_USAGE;
  }
  cvd_catch_signals();
  keep_freed_memory();

  struct server srv;
  int opened = server_open(&srv, &sc.app, err, sizeof err);
  server_app_conf_free(&sc.app); /* the server keeps its own copy */
  if (opened != 0) {
    LOGE("server", "%s", err);
    return EXIT_RUNTIME;
  }
  struct alerter *alerts = alert_start(&sc.alerts, err, sizeof err);
  if (!alerts) {
    LOGE("server", "%s", err);
    server_close(&srv);
    return EXIT_RUNTIME;
  }
  server_set_notify(&srv, alert_notify, alerts);
  server_note_start(&srv, clk_now());
  struct web w;
  if (web_start(&w, &srv, &sc.web, err, sizeof err) != 0) {
    LOGE("server", "%s", err);
    server_set_notify(&srv, NULL, NULL);
    alert_stop(alerts);
    server_close(&srv);
    return EXIT_RUNTIME;
  }
  char t[40];
  LOGI("server", "listening on %s://%s:%d/ (%d sites, reference %s, servo %s%s); time %s",
       sc.web.plain_http ? "http" : "https", sc.web.address, sc.web.port, srv.n_sites, sc.app.reference, sc.app.servo,
       sc.web.html ? "" : ", no pages", tu_format(clk_now(), t, sizeof t, 0));
  int64_t tick = (int64_t)sc.tick_s * NS_PER_S;
  while (!cvd_stop) {
    int64_t next = (clk_now() / tick + 1) * tick;
    if (clk_sleep_until(next, &cvd_stop))
      break;
    server_tick(&srv, clk_now(), tu_wall_ns());
  }
  LOGI("server", "stopping");
  web_stop(&w);
  server_set_notify(&srv, NULL, NULL);
  alert_stop(alerts);
  server_close(&srv);
  return 0;
}
