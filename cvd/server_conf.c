#include "config.h"
#include "cvd/server_conf.h"

#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/timeutil.h"
#include "core/track.h"

void server_conf_default(struct server_conf *c)
{
  memset(c, 0, sizeof *c);
  engine_conf_default(&c->engine);
  web_conf_default(&c->web);
  proc_conf_default(&c->proc);
  c->tick_s = 60;
}

#define SC ((struct server_conf *)u)

static int h_listen(void *u, int argc, char **argv, char *e, size_t n)
{
  long long port;
  (void)argc;
  if (conf_string("address", argv[0], SC->web.address, sizeof SC->web.address, e, n) ||
      conf_int("port", argv[1], 1, 65535, &port, e, n))
    return -1;
  SC->web.port = (int)port;
  return 0;
}

static int h_database(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return conf_string("database", argv[0], SC->engine.db_path, sizeof SC->engine.db_path, e, n);
}

static int h_reference(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (!site_name_ok(argv[0])) {
    snprintf(e, n, "'%s' is not a site name (1 to 31 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  snprintf(SC->engine.reference, sizeof SC->engine.reference, "%s", argv[0]);
  return 0;
}

static int h_site(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct engine_conf *ec = &SC->engine;
  if (!site_name_ok(argv[0])) {
    snprintf(e, n, "'%s' is not a site name (1 to 31 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  for (int i = 0; i < ec->n_sites; i++)
    if (strcmp(ec->sites[i].name, argv[0]) == 0) {
      snprintf(e, n, "site '%s' given twice", argv[0]);
      return -1;
    }
  if (ec->n_sites == ENGINE_MAX_SITES) {
    snprintf(e, n, "more than %d sites", ENGINE_MAX_SITES);
    return -1;
  }
  if (strlen(argv[1]) < 16 || strlen(argv[1]) >= ENGINE_SECRET_MAX) {
    snprintf(e, n, "the secret of '%s' must be 16 to %d characters", argv[0],
             ENGINE_SECRET_MAX - 1);
    return -1;
  }
  snprintf(ec->sites[ec->n_sites].name, SITE_NAME_MAX, "%s", argv[0]);
  snprintf(ec->sites[ec->n_sites].secret, ENGINE_SECRET_MAX, "%s", argv[1]);
  ec->n_sites++;
  return 0;
}

static int h_servo(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return conf_string("servo", argv[0], SC->engine.servo, sizeof SC->engine.servo, e, n);
}

#define DBL(fn, what, field, lo, hi)                                                        \
  static int fn(void *u, int argc, char **argv, char *e, size_t n)                          \
  {                                                                                         \
    (void)argc;                                                                             \
    return conf_double(what, argv[0], lo, hi, &SC->field, e, n);                            \
  }
DBL(h_tau, "servo_tau", engine.sp.tau_s, 600, 1e7)
DBL(h_meas_noise, "meas_noise_ns", engine.sp.meas_noise_ns, 0.01, 1e6)
DBL(h_adev, "clock_adev_1s", engine.sp.clk.adev_1s, 0, 1e-6)
DBL(h_floor, "clock_flicker_floor", engine.sp.clk.flicker_floor, 0, 1e-6)
DBL(h_rwfm, "clock_rwfm_adev_1d", engine.sp.clk.rwfm_adev_1d, 0, 1e-6)
DBL(h_lock, "lock_threshold_ns", engine.cp.lock_ns, 1, 1e6)
DBL(h_alarm, "alarm_threshold_ns", engine.cp.alarm_ns, 1, 1e9)

static int h_int(const char *what, const char *s, long long lo, long long hi, int *out, char *e,
                 size_t n)
{
  long long v;
  if (conf_int(what, s, lo, hi, &v, e, n))
    return -1;
  *out = (int)v;
  return 0;
}

static int h_acquire(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return h_int("acquire_slots", argv[0], 2, 64, &SC->engine.sp.acquire_slots, e, n);
}

static int h_holdover(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return h_int("holdover_slots", argv[0], 1, 1000, &SC->engine.cp.holdover_slots, e, n);
}

static int h_validity(void *u, int argc, char **argv, char *e, size_t n)
{
  long long v;
  (void)argc;
  if (conf_int("command_validity", argv[0], 60, 86400 * 30, &v, e, n))
    return -1;
  SC->engine.cp.validity = v * NS_PER_S;
  return 0;
}

static int h_web(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return conf_bool("web", argv[0], &SC->web.html, e, n);
}

static int h_max_body(void *u, int argc, char **argv, char *e, size_t n)
{
  long long v;
  (void)argc;
  if (conf_int("max_body", argv[0], 1024, 1LL << 30, &v, e, n))
    return -1;
  SC->web.max_body = (size_t)v;
  return 0;
}

static int h_threads(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return h_int("threads", argv[0], 1, 64, &SC->web.threads, e, n);
}

static const struct conf_directive server_tab[] = {
    {"listen", 2, 2, h_listen},
    {"database", 1, 1, h_database},
    {"reference", 1, 1, h_reference},
    {"site", 2, 2, h_site},
    {"servo", 1, 1, h_servo},
    {"servo_tau", 1, 1, h_tau},
    {"acquire_slots", 1, 1, h_acquire},
    {"meas_noise_ns", 1, 1, h_meas_noise},
    {"clock_adev_1s", 1, 1, h_adev},
    {"clock_flicker_floor", 1, 1, h_floor},
    {"clock_rwfm_adev_1d", 1, 1, h_rwfm},
    {"lock_threshold_ns", 1, 1, h_lock},
    {"alarm_threshold_ns", 1, 1, h_alarm},
    {"holdover_slots", 1, 1, h_holdover},
    {"command_validity", 1, 1, h_validity},
    {"web", 1, 1, h_web},
    {"max_body", 1, 1, h_max_body},
    {"threads", 1, 1, h_threads},
    PROC_CONF_DIRECTIVES,
    {NULL, 0, 0, NULL},
};

int server_conf_load(const char *path, struct server_conf *c, char *err, size_t errlen)
{
  if (conf_parse_file(path, server_tab, c, err, errlen) != 0)
    return -1;
  c->engine.cp.limits = c->proc.limits;
  if (!c->engine.reference[0]) {
    snprintf(err, errlen, "%s: no 'reference' directive: which site is the lab's reference?", path);
    return -1;
  }
  for (int i = 0; i < c->engine.n_sites; i++)
    if (strcmp(c->engine.sites[i].name, c->engine.reference) == 0)
      return 0;
  snprintf(err, errlen, "%s: the reference '%s' has no 'site' line", path, c->engine.reference);
  return -1;
}
