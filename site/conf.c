#include "config.h"
#include "site/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "core/track.h"

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

#define DRIVER_ARGS "DRIVER [DEVICE] [KEY=VALUE ...]"

const struct conf_item site_items[] = {
    {.type = CONF_CUSTOM, .name = "name", .args = "SITE", .flags = CONF_REQUIRED,
     .help = "this site's name, as the server knows it: 1 to 31 of A-Z a-z 0-9 _ . -",
     .min_args = 1, .max_args = 1, .parse = h_name},
    CONF_INCL(upl_items, struct site_conf, up),
    {.type = CONF_STRING, .name = "spool", .args = "FILE", .def = "cvd-spool-SITE.db",
     .flags = CONF_DERIVED, .help = "the SQLite spool",
     .off = offsetof(struct site_conf, spool), .size = sizeof(((struct site_conf *)0)->spool)},
    {.type = CONF_CUSTOM, .name = "tic", .args = DRIVER_ARGS, .def = "sim",
     .help = "the time interval counter and its options (cvd-tic(5))", .min_args = 1,
     .max_args = 1 + DRVCONF_MAX_OPTS, .parse = h_tic},
    {.type = CONF_CUSTOM, .name = "receiver", .args = DRIVER_ARGS, .def = "sim",
     .help = "the GPS receiver and its options (cvd-receiver(5))", .min_args = 1,
     .max_args = 1 + DRVCONF_MAX_OPTS, .parse = h_receiver},
    {.type = CONF_CUSTOM, .name = "oscillator", .args = DRIVER_ARGS, .def = "none",
     .help = "the steered oscillator and its options (cvd-osc(5)); none at the reference, "
             "whose clock is the lab's UTC(k)",
     .min_args = 1, .max_args = 1 + DRVCONF_MAX_OPTS, .parse = h_osc},
    {.type = CONF_CUSTOM, .name = "simulation", .args = "FILE",
     .help = "a scenario for the sim drivers (its directives in cvd-simulate(1)); on the real "
             "clock a scenario without a start begins when the daemon starts",
     .min_args = 1, .max_args = 1, .parse = h_sim},
    CONF_INCL(tb_param_items, struct site_conf, tb),
    CONF_INTV("keep_days", "N", struct site_conf, keep_days, 1, 36500, "30",
              "days acknowledged tracks stay in the spool"),
    CONF_YESNO("truth", struct site_conf, truth, "yes",
               "record the simulated truth each minute (with a simulation)"),
    CONF_INCL(proc_items, struct site_conf, proc),
    {.type = CONF_END},
};

void site_conf_default(struct site_conf *c)
{
  char err[200];
  memset(c, 0, sizeof *c);
  upl_conf_default(&c->up);
  tb_params_default(&c->tb, "");
  scenario_defaults(&c->sc);
  if (conf_defaults(site_items, c, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
}

int site_conf_load(const char *path, struct site_conf *c, char *err, size_t errlen)
{
  if (conf_parse_file(path, site_items, c, err, errlen) != 0)
    return -1;
  snprintf(c->tb.site, sizeof c->tb.site, "%s", c->name);
  snprintf(c->up.site, sizeof c->up.site, "%s", c->name);
  if (!c->spool[0])
    snprintf(c->spool, sizeof c->spool, "cvd-spool-%s.db", c->name);
  char e[400];
  if (upl_conf_check(&c->up, e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", path, e);
    return -1;
  }
  /* A secret written in the file makes it a secret file (issue 10). */
  if (c->up.secret_inline && secret_file_private(path, err, errlen) != 0)
    return -1;
  return 0;
}
