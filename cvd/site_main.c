/* cvd site: the site daemon.  The main thread measures (site_core_step) and applies
 * commands; an upload thread sends what the spool holds and brings commands back, so a
 * slow or absent server never delays a measurement. */
#include "config.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "cvd/probe.h"
#include "cvd/sig.h"
#include "cvd/sitecore.h"
#include "db/db.h"
#include "osc/osc.h"
#include "receiver/receiver.h"
#include "tic/tic.h"
#include "upload/client.h"

void help_site(FILE *out)
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
"      --server URL    the central server\n"
"      --spool FILE    the SQLite spool\n"
"      --log-level L   error, warn, info or debug\n"
"  -h, --help          this text\n"
"\n"
"Configuration directives (one per line, '#' comments) and their defaults:\n%s"
"\n"
"Drivers: tic: %s; receiver: %s; oscillator: %s; their devices and options are in\n"
"cvd-tic(5), cvd-receiver(5) and cvd-osc(5).\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 on a runtime failure, 2 on bad usage or\n"
"configuration.\n",
          site_conf_help, tic_driver_names(), rx_driver_names(), osc_driver_names());
}

/* What the two threads share. */
struct mailbox {
  pthread_mutex_t mtx;
  pthread_cond_t cond;
  int kick;                /* a new track is in the spool */
  int have_cmd;
  struct steer_cmd cmd;    /* newest command received, to apply */
  struct osc_report report;/* the oscillator as last published */
  int have_report;
};

struct uploader {
  struct mailbox *mb;
  const struct site_conf *conf;
  sqlite3 *spool;          /* its own connection */
  struct upl_client cl;
  int failures;
};

static void wait_wall(struct mailbox *mb, int64_t wall_until)
{
  struct timespec ts;
  int64_t until = wall_until;
  int64_t now = tu_wall_ns();
  if (until - now > 200000000)
    until = now + 200000000; /* look at the stop flag now and then */
  ts.tv_sec = until / NS_PER_S;
  ts.tv_nsec = until % NS_PER_S;
  pthread_mutex_lock(&mb->mtx);
  if (!mb->kick && !cvd_stop)
    pthread_cond_timedwait(&mb->cond, &mb->mtx, &ts);
  pthread_mutex_unlock(&mb->mtx);
}

/* One exchange with the server.  Returns 1 if the server asked to poll again soon, 0 on
 * success, -1 on failure. */
static int upload_once(struct uploader *u, struct track *buf)
{
  struct osc_report rep;
  pthread_mutex_lock(&u->mb->mtx);
  u->mb->kick = 0;
  rep = u->mb->report;
  int have_rep = u->mb->have_report;
  pthread_mutex_unlock(&u->mb->mtx);
  int n;
  json_t *body = site_upload_request(u->spool, u->conf->name, have_rep ? &rep : NULL, buf,
                                     u->conf->upload_batch, &n);
  json_t *resp = NULL;
  char err[512];
  enum upl_result r = upl_post(&u->cl, MSG_PATH_TRACKS, body, &resp, err, sizeof err);
  json_decref(body);
  if (r != UPL_OK) {
    u->failures++;
    if (r == UPL_REFUSED || u->failures == 1 || u->failures % 10 == 0)
      LOGW("upload", "%d tracks not sent (attempt %d): %s", n, u->failures, err);
    return -1;
  }
  struct upload_resp ur;
  int rc = site_upload_response(u->spool, resp, buf, n, &ur, err, sizeof err);
  json_decref(resp);
  if (rc != 0) {
    u->failures++;
    LOGW("upload", "response not usable: %s", err);
    return -1;
  }
  if (u->failures)
    LOGI("upload", "server reachable again after %d failed attempts", u->failures);
  u->failures = 0;
  if (n)
    LOGD("upload", "%d tracks sent, %d acknowledged (%d new)", n, ur.n_acked, ur.stored);
  pthread_mutex_lock(&u->mb->mtx);
  if (ur.has_command && (!u->mb->have_cmd || ur.command.id > u->mb->cmd.id)) {
    u->mb->cmd = ur.command;
    u->mb->have_cmd = 1;
  }
  pthread_mutex_unlock(&u->mb->mtx);
  int pending = ur.pending;
  msg_response_free(&ur);
  return pending ? 1 : 0;
}

static void *upload_thread(void *arg)
{
  struct uploader *u = arg;
  struct track *buf = calloc((size_t)u->conf->upload_batch, sizeof *buf);
  int64_t next = 0; /* wall time of the next attempt */
  int polls = 0;
  if (!buf)
    return NULL;
  while (!cvd_stop) {
    int kicked;
    pthread_mutex_lock(&u->mb->mtx);
    kicked = u->mb->kick;
    pthread_mutex_unlock(&u->mb->mtx);
    int64_t now = tu_wall_ns();
    if (!kicked && (next == 0 || now < next)) {
      wait_wall(u->mb, next ? next : now + NS_PER_S);
      continue;
    }
    int unacked = spool_count_unacked(u->spool);
    if (unacked == 0 && !(next && polls > 0)) {
      next = 0;
      pthread_mutex_lock(&u->mb->mtx);
      u->mb->kick = 0;
      pthread_mutex_unlock(&u->mb->mtx);
      continue;
    }
    int rc = upload_once(u, buf);
    int64_t backoff_s;
    if (rc < 0) {
      backoff_s = (int64_t)u->conf->retry_min_s << (u->failures < 16 ? u->failures - 1 : 15);
      if (backoff_s > u->conf->retry_max_s)
        backoff_s = u->conf->retry_max_s;
      polls = 0;
    } else if (rc == 1 && polls < 3) {
      backoff_s = 20; /* the reference's track of the slot may be in by then */
      polls++;
    } else {
      backoff_s = spool_count_unacked(u->spool) > 0 ? 0 : -1;
      polls = 0;
    }
    if (backoff_s < 0)
      next = 0;
    else {
      int64_t wall = clk_wall_interval(backoff_s * NS_PER_S);
      next = tu_wall_ns() + (wall < 200000000 && backoff_s > 0 ? 200000000 : wall);
    }
  }
  free(buf);
  return NULL;
}

int cmd_site(int argc, char **argv)
{
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'}, {"server", required_argument, NULL, 's'},
      {"spool", required_argument, NULL, 'S'},  {"log-level", required_argument, NULL, 'l'},
      {"probe", no_argument, NULL, 'P'},        {"probe-seconds", required_argument, NULL, 'N'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  const char *conf_path = NULL, *server = NULL, *spool = NULL, *level = NULL;
  int c, probe = 0;
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
    case 'N': {
      char *end;
      probe_s = strtol(optarg, &end, 10);
      if (*end || probe_s < 1 || probe_s > 3600) {
        fprintf(stderr, "cvd site: --probe-seconds %s: want 1 to 3600\n", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'h': help_site(stdout); return 0;
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
    snprintf(sc.server, sizeof sc.server, "%s", server);
  }
  if (spool)
    snprintf(sc.spool, sizeof sc.spool, "%s", spool);
  if (proc_log_option(&sc.proc, level) != 0) {
    fprintf(stderr, "cvd site: --log-level %s: want error, warn, info or debug\n", level);
    return EXIT_USAGE;
  }
  proc_start(&sc.proc, sc.name);
  if (probe)
    return site_probe(&sc, (int)probe_s);
  cvd_catch_signals();

  struct site_core core;
  if (site_core_open(&core, &sc, err, sizeof err) != 0) {
    LOGE("site", "%s", err);
    return EXIT_RUNTIME;
  }
  struct mailbox mb = {.mtx = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
  struct uploader up = {.mb = &mb, .conf = &sc};
  up.spool = db_open(sc.spool, DB_SPOOL, err, sizeof err);
  if (!up.spool ||
      upl_client_init(&up.cl, sc.server, sc.name, sc.secret, sc.upload_timeout_ms, err, sizeof err)) {
    LOGE("site", "%s", err);
    site_core_close(&core);
    return EXIT_RUNTIME;
  }
  site_core_report(&core, clk_now(), &mb.report);
  mb.have_report = 1;
  mb.kick = spool_count_unacked(core.spool) > 0;
  pthread_t th;
  pthread_create(&th, NULL, upload_thread, &up);
  char t[40];
  LOGI("site", "%s started: tic %s, receiver %s, oscillator %s, server %s, spool %s "
               "(%d tracks waiting); time %s",
       sc.name, sc.tic.driver, sc.receiver.driver, sc.osc.driver, sc.server, sc.spool,
       spool_count_unacked(core.spool), tu_format(clk_now(), t, sizeof t, 0));

  int64_t last_prune = 0;
  while (!cvd_stop) {
    int stored = site_core_step(&core, clk_now() + NS_PER_S);
    int64_t now = clk_now();
    pthread_mutex_lock(&mb.mtx);
    struct steer_cmd cmd;
    int have = mb.have_cmd;
    if (have) {
      cmd = mb.cmd;
      mb.have_cmd = 0;
    }
    pthread_mutex_unlock(&mb.mtx);
    if (have)
      site_core_command(&core, &cmd, now);
    struct osc_report rep;
    site_core_report(&core, now, &rep);
    pthread_mutex_lock(&mb.mtx);
    mb.report = rep;
    if (stored > 0) {
      mb.kick = 1;
      pthread_cond_signal(&mb.cond);
    }
    pthread_mutex_unlock(&mb.mtx);
    if (now - last_prune > NS_PER_DAY) {
      spool_prune(core.spool, now - (int64_t)sc.keep_days * NS_PER_DAY);
      last_prune = now;
    }
  }
  LOGI("site", "stopping (%d tracks waiting in the spool)", spool_count_unacked(core.spool));
  pthread_mutex_lock(&mb.mtx);
  pthread_cond_signal(&mb.cond);
  pthread_mutex_unlock(&mb.mtx);
  pthread_join(th, NULL);
  upl_client_free(&up.cl);
  db_close(up.spool);
  site_core_close(&core);
  return 0;
}
