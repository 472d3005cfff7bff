#include "config.h"
#include "cvd/site_conf.h"

#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/track.h"
#include "upload/client.h"

const char site_conf_help[] =
"  name SITE                      this site's name, as the server knows it (required)\n"
"  server URL                     the central server, e.g. http://lab.example:8080 (required)\n"
"  secret SECRET                  the HMAC secret shared with the server (required)\n"
"  spool FILE                     SQLite spool [cvd-spool-SITE.db]\n"
"  tic DRIVER [DEVICE] [KEY=VALUE ...]        time interval counter [sim]\n"
"  receiver DRIVER [DEVICE] [KEY=VALUE ...]   GPS receiver [sim]\n"
"  oscillator DRIVER [DEVICE] [KEY=VALUE ...] steered oscillator; none at the reference [none]\n"
"  simulation FILE                scenario for the sim drivers (cvd help simulate)\n"
"  intdly NS, cabdly NS, ppsdly NS, refdly NS\n"
"                                 calibrated delays, ns [0]: LOCAL - GPS =\n"
"                                 TIC - (INTDLY + CABDLY + PPSDLY) + REFDLY\n"
"  min_samples N                  good 1 Hz samples for a full track [300]\n"
"  reject_sigma K                 outlier limit in robust sigmas [5]\n"
"  upload_timeout SECONDS         wall-clock limit of one upload [10]\n"
"  upload_batch N                 tracks per upload [144]\n"
"  retry SECONDS_MIN SECONDS_MAX  backoff between failed uploads, doubling [10 600]\n"
"  keep_days N                    days acknowledged tracks stay in the spool [30]\n"
"  max_freq F                     largest frequency setpoint accepted [1e-8]\n"
"  max_freq_step_acquire F        largest change per command before the first lock [1e-9]\n"
"  max_freq_step_locked F         largest change of frequency steering per command after\n"
"                                 it [1e-12]\n"
"  max_slew_locked F              largest time-steering slew after it [1e-11]\n"
"  max_slew_phase_ns NS           largest time one command's slew may move the clock after\n"
"                                 it [100]\n"
"  max_phase_step_ns NS           largest phase step accepted [1000000]\n"
"  max_drift_per_day D            largest drift rate accepted [1e-10]\n"
"  truth yes|no                   record the simulated truth each minute [yes]\n"
"  log_level LEVEL                error, warn, info or debug [info]\n"
"  syslog yes|no                  log to syslog instead of stderr [no]\n"
"  clock real | simulated START SPEED [ANCHOR]   the clock source [real]\n";

void site_conf_default(struct site_conf *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->tic.driver, sizeof c->tic.driver, "sim");
  snprintf(c->receiver.driver, sizeof c->receiver.driver, "sim");
  snprintf(c->osc.driver, sizeof c->osc.driver, "none");
  tb_params_default(&c->tb, "");
  c->upload_timeout_ms = 10000;
  c->upload_batch = 144;
  c->retry_min_s = 10;
  c->retry_max_s = 600;
  c->keep_days = 30;
  c->truth = 1;
  proc_conf_default(&c->proc);
  scenario_defaults(&c->sc);
}

#define SC ((struct site_conf *)u)

static int h_name(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (!site_name_ok(argv[0])) {
    snprintf(e, n, "'%s' is not a site name (1 to 31 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  snprintf(SC->name, sizeof SC->name, "%s", argv[0]);
  return 0;
}

static int h_server(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (!upl_url_ok(argv[0])) {
    snprintf(e, n, "'%s' is not an http:// or https:// URL", argv[0]);
    return -1;
  }
  return conf_string("server", argv[0], SC->server, sizeof SC->server, e, n);
}

static int h_secret(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (strlen(argv[0]) < 16) {
    snprintf(e, n, "the secret must be at least 16 characters");
    return -1;
  }
  return conf_string("secret", argv[0], SC->secret, sizeof SC->secret, e, n);
}

static int h_spool(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return conf_string("spool", argv[0], SC->spool, sizeof SC->spool, e, n);
}

static int h_tic(void *u, int argc, char **argv, char *e, size_t n)
{
  return drvconf_parse(argc, argv, &SC->tic, e, n);
}

static int h_receiver(void *u, int argc, char **argv, char *e, size_t n)
{
  return drvconf_parse(argc, argv, &SC->receiver, e, n);
}

static int h_osc(void *u, int argc, char **argv, char *e, size_t n)
{
  return drvconf_parse(argc, argv, &SC->osc, e, n);
}

static int h_sim(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (conf_string("simulation", argv[0], SC->sim_path, sizeof SC->sim_path, e, n))
    return -1;
  /* Parsed at once, so its errors name its own file and line. */
  if (scenario_parse_file(argv[0], &SC->sc, e, n) != 0)
    return -1;
  SC->has_sim = 1;
  return 0;
}

#define DBL(fn, what, field, lo, hi)                                                        \
  static int fn(void *u, int argc, char **argv, char *e, size_t n)                          \
  {                                                                                         \
    (void)argc;                                                                             \
    return conf_double(what, argv[0], lo, hi, &SC->field, e, n);                            \
  }
DBL(h_intdly, "intdly", tb.delays.intdly, -1e6, 1e6)
DBL(h_cabdly, "cabdly", tb.delays.cabdly, -1e6, 1e6)
DBL(h_ppsdly, "ppsdly", tb.delays.ppsdly, -1e6, 1e6)
DBL(h_refdly, "refdly", tb.delays.refdly, -1e6, 1e6)
DBL(h_reject, "reject_sigma", tb.reject_k, 2, 100)

static int get_int(const char *what, const char *s, long long lo, long long hi, int *out,
                   char *e, size_t n)
{
  long long v;
  if (conf_int(what, s, lo, hi, &v, e, n))
    return -1;
  *out = (int)v;
  return 0;
}

static int h_min_samples(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return get_int("min_samples", argv[0], 1, 600, &SC->tb.min_samples, e, n);
}

static int h_timeout(void *u, int argc, char **argv, char *e, size_t n)
{
  double s;
  (void)argc;
  if (conf_double("upload_timeout", argv[0], 0.1, 600, &s, e, n))
    return -1;
  SC->upload_timeout_ms = (long)(s * 1000);
  return 0;
}

static int h_batch(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return get_int("upload_batch", argv[0], 1, 1008, &SC->upload_batch, e, n);
}

static int h_retry(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (get_int("minimum", argv[0], 1, 86400, &SC->retry_min_s, e, n) ||
      get_int("maximum", argv[1], 1, 86400, &SC->retry_max_s, e, n))
    return -1;
  if (SC->retry_max_s < SC->retry_min_s) {
    snprintf(e, n, "the maximum is below the minimum");
    return -1;
  }
  return 0;
}

static int h_keep(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return get_int("keep_days", argv[0], 1, 36500, &SC->keep_days, e, n);
}

static int h_truth(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return conf_bool("truth", argv[0], &SC->truth, e, n);
}

static const struct conf_directive site_tab[] = {
    {"name", 1, 1, h_name},
    {"server", 1, 1, h_server},
    {"secret", 1, 1, h_secret},
    {"spool", 1, 1, h_spool},
    {"tic", 1, 1 + DRVCONF_MAX_OPTS, h_tic},
    {"receiver", 1, 1 + DRVCONF_MAX_OPTS, h_receiver},
    {"oscillator", 1, 1 + DRVCONF_MAX_OPTS, h_osc},
    {"simulation", 1, 1, h_sim},
    {"intdly", 1, 1, h_intdly},
    {"cabdly", 1, 1, h_cabdly},
    {"ppsdly", 1, 1, h_ppsdly},
    {"refdly", 1, 1, h_refdly},
    {"min_samples", 1, 1, h_min_samples},
    {"reject_sigma", 1, 1, h_reject},
    {"upload_timeout", 1, 1, h_timeout},
    {"upload_batch", 1, 1, h_batch},
    {"retry", 2, 2, h_retry},
    {"keep_days", 1, 1, h_keep},
    {"truth", 1, 1, h_truth},
    PROC_CONF_DIRECTIVES,
    {NULL, 0, 0, NULL},
};

int site_conf_load(const char *path, struct site_conf *c, char *err, size_t errlen)
{
  if (conf_parse_file(path, site_tab, c, err, errlen) != 0)
    return -1;
  const char *missing = !c->name[0] ? "name" : !c->server[0] ? "server" : !c->secret[0] ? "secret" : NULL;
  if (missing) {
    snprintf(err, errlen, "%s: no '%s' directive (required)", path, missing);
    return -1;
  }
  snprintf(c->tb.site, sizeof c->tb.site, "%s", c->name);
  if (!c->spool[0])
    snprintf(c->spool, sizeof c->spool, "cvd-spool-%s.db", c->name);
  return 0;
}
