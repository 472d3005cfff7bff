#include "config.h"
#include "sim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/timeutil.h"

void scenario_defaults(struct scenario *sc)
{
  memset(sc, 0, sizeof *sc);
  tu_parse("2025-01-01T00:00:00Z", &sc->start);
  sc->days = 30;
  sc->seed = 1;
  sc->remotes = 3;
  sc->rb_adev_1s = 1e-11;
  sc->rb_flicker_floor = 2e-13;
  sc->rb_rwfm_adev_1d = 0;
  sc->rb_drift_per_day = 1e-12;
  sc->init_time_ns = 3000;
  sc->init_freq = 1e-10;
  sc->has_phase_step = 1;
  sc->cv_noise_ns = 2;
  sc->cv_diurnal_ns = 0;
  sc->gps_common_ns = 5;
  sc->rx_white_ns = 3;
  sc->rx_sawtooth_ns = 8;
  sc->tic_resolution_ns = 0.06;
}

int scenario_site_index(const struct scenario *sc, const char *name)
{
  if (strcmp(name, "ref") == 0)
    return 0;
  if (name[0] != 'r' || name[1] < '1' || name[1] > '9')
    return -1;
  char *end;
  long k = strtol(name + 1, &end, 10);
  if (*end || k < 1 || k > sc->remotes)
    return -1;
  return (int)k;
}

const char *scenario_site_name(int k, char *buf, size_t n)
{
  if (k == 0)
    snprintf(buf, n, "ref");
  else
    snprintf(buf, n, "r%d", k);
  return buf;
}

/* Remote names are checked in scenario_check, once `remotes` is known whatever the order
 * of the directives. */
static int parse_remote(const char *s, int allow_all, int allow_ref, int *out, char *err,
                        size_t n)
{
  if (allow_all && strcmp(s, "all") == 0) {
    *out = SIM_ALL;
    return 0;
  }
  if (allow_ref && strcmp(s, "ref") == 0) {
    *out = SIM_REF;
    return 0;
  }
  char *end;
  long k = s[0] == 'r' ? strtol(s + 1, &end, 10) : 0;
  if (s[0] != 'r' || *end || k < 1 || k > SIM_MAX_REMOTES) {
    snprintf(err, n, "bad site '%s' (want %s%sr1..r%d)", s, allow_all ? "all, " : "",
             allow_ref ? "ref, " : "", SIM_MAX_REMOTES);
    return -1;
  }
  *out = (int)k;
  return 0;
}

#define SC ((struct scenario *)u)

static int h_days(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  return conf_double("days", v[0], 1.0 / 144, 3650, &SC->days, e, n);
}
static int h_seed(void *u, int c, char **v, char *e, size_t n)
{
  long long s;
  (void)c;
  if (conf_int("seed", v[0], 0, INT64_MAX, &s, e, n))
    return -1;
  SC->seed = (uint64_t)s;
  return 0;
}
static int h_remotes(void *u, int c, char **v, char *e, size_t n)
{
  long long r;
  (void)c;
  if (conf_int("remotes", v[0], 1, SIM_MAX_REMOTES, &r, e, n))
    return -1;
  SC->remotes = (int)r;
  return 0;
}
static int h_start(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  if (tu_parse(v[0], &SC->start) != 0) {
    snprintf(e, n, "bad time '%s' (want YYYY-MM-DDTHH:MM:SSZ)", v[0]);
    return -1;
  }
  SC->start_given = 1;
  return 0;
}

#define DOUBLE_DIRECTIVE(fn, field, lo, hi)                                                \
  static int fn(void *u, int c, char **v, char *e, size_t n)                               \
  {                                                                                        \
    (void)c;                                                                               \
    return conf_double(#field, v[0], lo, hi, &SC->field, e, n);                            \
  }
DOUBLE_DIRECTIVE(h_adev, rb_adev_1s, 0, 1e-6)
DOUBLE_DIRECTIVE(h_flicker, rb_flicker_floor, 0, 1e-6)
DOUBLE_DIRECTIVE(h_rwfm, rb_rwfm_adev_1d, 0, 1e-6)
DOUBLE_DIRECTIVE(h_drift, rb_drift_per_day, -1e-6, 1e-6)
DOUBLE_DIRECTIVE(h_init_time, init_time_ns, -5e8, 5e8)
DOUBLE_DIRECTIVE(h_init_freq, init_freq, -1e-6, 1e-6)
DOUBLE_DIRECTIVE(h_cv_noise, cv_noise_ns, 0, 1e6)
DOUBLE_DIRECTIVE(h_diurnal, cv_diurnal_ns, 0, 1e6)
DOUBLE_DIRECTIVE(h_gps_common, gps_common_ns, 0, 1e6)
DOUBLE_DIRECTIVE(h_rx_white, rx_white_ns, 0, 1e6)
DOUBLE_DIRECTIVE(h_sawtooth, rx_sawtooth_ns, 0, 1e3)
DOUBLE_DIRECTIVE(h_tic_res, tic_resolution_ns, 0, 1e3)

static int h_phase_step(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  return conf_bool("osc_phase_step", v[0], &SC->has_phase_step, e, n);
}

static int h_ideal(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  int site;
  if (parse_remote(v[0], 0, 0, &site, e, n))
    return -1;
  SC->ideal |= 1ULL << site;
  return 0;
}

static int h_freq_step(void *u, int c, char **v, char *e, size_t n)
{
  if (SC->n_freq_steps == SIM_MAX_EVENTS) {
    snprintf(e, n, "more than %d frequency steps", SIM_MAX_EVENTS);
    return -1;
  }
  struct sim_freq_step *s = &SC->freq_steps[SC->n_freq_steps];
  s->site = SIM_ALL;
  if (conf_double("hour", v[0], 0, 1e6, &s->hour, e, n) ||
      conf_double("size", v[1], -1e-6, 1e-6, &s->size, e, n) ||
      (c == 3 && parse_remote(v[2], 0, 0, &s->site, e, n)))
    return -1;
  SC->n_freq_steps++;
  return 0;
}

static int h_outage(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  if (SC->n_outages == SIM_MAX_EVENTS) {
    snprintf(e, n, "more than %d outages", SIM_MAX_EVENTS);
    return -1;
  }
  struct sim_outage *o = &SC->outages[SC->n_outages];
  if (conf_double("start", v[0], 0, 1e6, &o->start_h, e, n) ||
      conf_double("duration", v[1], 0, 1e6, &o->dur_h, e, n) ||
      parse_remote(v[2], 1, 1, &o->site, e, n))
    return -1;
  SC->n_outages++;
  return 0;
}

static int add_delay_step(struct scenario *sc, const char *hour, const char *ns, int site,
                          char *e, size_t n)
{
  if (sc->n_delay_steps == SIM_MAX_EVENTS) {
    snprintf(e, n, "more than %d delay steps", SIM_MAX_EVENTS);
    return -1;
  }
  struct sim_delay_step *d = &sc->delay_steps[sc->n_delay_steps];
  d->site = site;
  if (conf_double("hour", hour, 0, 1e6, &d->hour, e, n) ||
      conf_double("step", ns, -1e6, 1e6, &d->ns, e, n))
    return -1;
  sc->n_delay_steps++;
  return 0;
}

static int h_ref_delay(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  return add_delay_step(SC, v[0], v[1], SIM_REF, e, n);
}

static int h_remote_delay(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  int site;
  if (parse_remote(v[2], 0, 0, &site, e, n))
    return -1;
  return add_delay_step(SC, v[0], v[1], site, e, n);
}

static const struct conf_directive sc_tab[] = {
    {"start", 1, 1, h_start},
    {"days", 1, 1, h_days},
    {"seed", 1, 1, h_seed},
    {"remotes", 1, 1, h_remotes},
    {"rb_adev_1s", 1, 1, h_adev},
    {"rb_flicker_floor", 1, 1, h_flicker},
    {"rb_rwfm_adev_1d", 1, 1, h_rwfm},
    {"rb_drift_per_day", 1, 1, h_drift},
    {"rb_freq_step", 2, 3, h_freq_step},
    {"init_time_ns", 1, 1, h_init_time},
    {"init_freq", 1, 1, h_init_freq},
    {"osc_phase_step", 1, 1, h_phase_step},
    {"common_clock", 1, 1, h_ideal},
    {"cv_noise_ns", 1, 1, h_cv_noise},
    {"cv_diurnal_ns", 1, 1, h_diurnal},
    {"gps_common_ns", 1, 1, h_gps_common},
    {"rx_white_ns", 1, 1, h_rx_white},
    {"rx_sawtooth_ns", 1, 1, h_sawtooth},
    {"tic_resolution_ns", 1, 1, h_tic_res},
    {"outage", 3, 3, h_outage},
    {"ref_delay_step", 2, 2, h_ref_delay},
    {"remote_delay_step", 3, 3, h_remote_delay},
    {NULL, 0, 0, NULL},
};

int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen)
{
  if (conf_parse_file(path, sc_tab, sc, err, errlen) != 0)
    return -1;
  char e[256];
  if (scenario_check(sc, e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", path, e);
    return -1;
  }
  return 0;
}

int scenario_parse_text(const char *name, const char *text, struct scenario *sc, char *err,
                        size_t errlen)
{
  if (conf_parse_text(name, text, sc_tab, sc, err, errlen) != 0)
    return -1;
  char e[256];
  if (scenario_check(sc, e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", name, e);
    return -1;
  }
  return 0;
}

int scenario_check(const struct scenario *sc, char *err, size_t errlen)
{
  if (sc->ideal >> (sc->remotes + 1)) {
    snprintf(err, errlen, "common_clock names a remote beyond the %d remotes", sc->remotes);
    return -1;
  }
  for (int i = 0; i < sc->n_freq_steps; i++)
    if (sc->freq_steps[i].site > sc->remotes) {
      snprintf(err, errlen, "rb_freq_step names r%d, but there are %d remotes",
               sc->freq_steps[i].site, sc->remotes);
      return -1;
    }
  for (int i = 0; i < sc->n_outages; i++)
    if (sc->outages[i].site > sc->remotes) {
      snprintf(err, errlen, "outage names r%d, but there are %d remotes", sc->outages[i].site,
               sc->remotes);
      return -1;
    }
  for (int i = 0; i < sc->n_delay_steps; i++)
    if (sc->delay_steps[i].site > sc->remotes) {
      snprintf(err, errlen, "remote_delay_step names r%d, but there are %d remotes",
               sc->delay_steps[i].site, sc->remotes);
      return -1;
    }
  return 0;
}

int scenario_write(const struct scenario *sc, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  char t[40], name[16];
  fprintf(f, "# written by cvd\nstart %s\ndays %.17g\nseed %llu\nremotes %d\n",
          tu_format(sc->start, t, sizeof t, 0), sc->days, (unsigned long long)sc->seed,
          sc->remotes);
  fprintf(f, "rb_adev_1s %.17g\nrb_flicker_floor %.17g\nrb_rwfm_adev_1d %.17g\n",
          sc->rb_adev_1s, sc->rb_flicker_floor, sc->rb_rwfm_adev_1d);
  fprintf(f, "rb_drift_per_day %.17g\ninit_time_ns %.17g\ninit_freq %.17g\n",
          sc->rb_drift_per_day, sc->init_time_ns, sc->init_freq);
  fprintf(f, "osc_phase_step %s\ncv_noise_ns %.17g\ncv_diurnal_ns %.17g\n",
          sc->has_phase_step ? "yes" : "no", sc->cv_noise_ns, sc->cv_diurnal_ns);
  fprintf(f, "gps_common_ns %.17g\nrx_white_ns %.17g\nrx_sawtooth_ns %.17g\n",
          sc->gps_common_ns, sc->rx_white_ns, sc->rx_sawtooth_ns);
  fprintf(f, "tic_resolution_ns %.17g\n", sc->tic_resolution_ns);
  for (int k = 1; k <= sc->remotes; k++)
    if (sc->ideal & (1ULL << k))
      fprintf(f, "common_clock %s\n", scenario_site_name(k, name, sizeof name));
  for (int i = 0; i < sc->n_freq_steps; i++) {
    const struct sim_freq_step *s = &sc->freq_steps[i];
    fprintf(f, "rb_freq_step %.17g %.17g", s->hour, s->size);
    if (s->site != SIM_ALL)
      fprintf(f, " %s", scenario_site_name(s->site, name, sizeof name));
    fputc('\n', f);
  }
  for (int i = 0; i < sc->n_outages; i++) {
    const struct sim_outage *o = &sc->outages[i];
    fprintf(f, "outage %.17g %.17g %s\n", o->start_h, o->dur_h,
            o->site == SIM_ALL ? "all" : scenario_site_name(o->site, name, sizeof name));
  }
  for (int i = 0; i < sc->n_delay_steps; i++) {
    const struct sim_delay_step *d = &sc->delay_steps[i];
    if (d->site == SIM_REF)
      fprintf(f, "ref_delay_step %.17g %.17g\n", d->hour, d->ns);
    else
      fprintf(f, "remote_delay_step %.17g %.17g %s\n", d->hour, d->ns,
              scenario_site_name(d->site, name, sizeof name));
  }
  return fclose(f);
}

static int64_t hour_ns(const struct scenario *sc, double h)
{
  return sc->start + (int64_t)(h * 3600.0 * 1e9);
}

int scenario_slot_lost(const struct scenario *sc, int site, int64_t slot_start)
{
  for (int i = 0; i < sc->n_outages; i++) {
    const struct sim_outage *o = &sc->outages[i];
    if (o->site != SIM_ALL && o->site != site)
      continue;
    int64_t a = hour_ns(sc, o->start_h), b = hour_ns(sc, o->start_h + o->dur_h);
    if (slot_start < b && slot_start + SLOT_NS > a)
      return 1;
  }
  return 0;
}

int scenario_commands_cut(const struct scenario *sc, int64_t t)
{
  for (int i = 0; i < sc->n_outages; i++) {
    const struct sim_outage *o = &sc->outages[i];
    if (o->site == SIM_ALL && t >= hour_ns(sc, o->start_h) &&
        t < hour_ns(sc, o->start_h + o->dur_h))
      return 1;
  }
  return 0;
}
