#include "config.h"
#include "sim/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/timeutil.h"

void scenario_defaults(struct scenario *sc)
{
  char err[200];
  memset(sc, 0, sizeof *sc);
  if (conf_defaults(scenario_items, sc, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
  sc->start_given = 0;
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
  if (s[0] != 'r' || *end || k < 1 || k > SIM_REMOTES_LIMIT) {
    snprintf(err, n, "bad site '%s' (want %s%sr1..r%d)", s, allow_all ? "all, " : "",
             allow_ref ? "ref, " : "", SIM_REMOTES_LIMIT);
    return -1;
  }
  *out = (int)k;
  return 0;
}

#define SC ((struct scenario *)u)

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

static int w_start(FILE *f, const char *name, const void *u)
{
  char t[40];
  fprintf(f, "%s %s\n", name, tu_format(((const struct scenario *)u)->start, t, sizeof t, 0));
  return 0;
}

static int h_ideal(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  int site;
  if (parse_remote(v[0], 0, 0, &site, e, n))
    return -1;
  if (site > SIM_IDEAL_MAX) {
    snprintf(e, n, "common_clock names r1..r%d only", SIM_IDEAL_MAX);
    return -1;
  }
  SC->ideal |= 1ULL << (site - 1);
  return 0;
}

static int w_ideal(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  for (int k = 1; k <= SIM_IDEAL_MAX; k++)
    if (scenario_ideal(sc, k))
      fprintf(f, "%s r%d\n", name, k);
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

static int w_freq_step(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  for (int i = 0; i < sc->n_freq_steps; i++) {
    const struct sim_freq_step *s = &sc->freq_steps[i];
    fprintf(f, "%s %.17g %.17g", name, s->hour, s->size);
    if (s->site != SIM_ALL)
      fprintf(f, " r%d", s->site);
    fputc('\n', f);
  }
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

static int w_outage(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  char site[16];
  for (int i = 0; i < sc->n_outages; i++) {
    const struct sim_outage *o = &sc->outages[i];
    fprintf(f, "%s %.17g %.17g %s\n", name, o->start_h, o->dur_h,
            o->site == SIM_ALL ? "all" : scenario_site_name(o->site, site, sizeof site));
  }
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

static int w_ref_delay(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  for (int i = 0; i < sc->n_delay_steps; i++)
    if (sc->delay_steps[i].site == SIM_REF)
      fprintf(f, "%s %.17g %.17g\n", name, sc->delay_steps[i].hour, sc->delay_steps[i].ns);
  return 0;
}

static int h_remote_delay(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  int site;
  if (parse_remote(v[2], 0, 0, &site, e, n))
    return -1;
  return add_delay_step(SC, v[0], v[1], site, e, n);
}

static int w_remote_delay(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  for (int i = 0; i < sc->n_delay_steps; i++)
    if (sc->delay_steps[i].site != SIM_REF)
      fprintf(f, "%s %.17g %.17g r%d\n", name, sc->delay_steps[i].hour, sc->delay_steps[i].ns,
              sc->delay_steps[i].site);
  return 0;
}

static int add_host_event(struct sim_host_event *ev, int *n, double start, double dur, int site,
                          char *e, size_t en)
{
  if (*n == SIM_MAX_EVENTS) {
    snprintf(e, en, "more than %d of these", SIM_MAX_EVENTS);
    return -1;
  }
  ev[(*n)++] = (struct sim_host_event){start, dur, site};
  return 0;
}

static int h_freeze(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  double a, d;
  int site;
  if (conf_double("start", v[0], 0, 1e6, &a, e, n) ||
      conf_double("duration", v[1], 0, 1e6, &d, e, n) || parse_remote(v[2], 0, 1, &site, e, n))
    return -1;
  return add_host_event(SC->freezes, &SC->n_freezes, a, d, site, e, n);
}

static int w_freeze(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  char site[16];
  for (int i = 0; i < sc->n_freezes; i++)
    fprintf(f, "%s %.17g %.17g %s\n", name, sc->freezes[i].start_h, sc->freezes[i].dur_h,
            scenario_site_name(sc->freezes[i].site, site, sizeof site));
  return 0;
}

static int h_site_restart(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  double h;
  int site;
  if (conf_double("hour", v[0], 0, 1e6, &h, e, n) || parse_remote(v[1], 0, 1, &site, e, n))
    return -1;
  return add_host_event(SC->restarts, &SC->n_restarts, h, 0, site, e, n);
}

static int w_site_restart(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  char site[16];
  for (int i = 0; i < sc->n_restarts; i++)
    if (sc->restarts[i].site != SIM_SERVER)
      fprintf(f, "%s %.17g %s\n", name, sc->restarts[i].start_h,
              scenario_site_name(sc->restarts[i].site, site, sizeof site));
  return 0;
}

static int h_server_restart(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  double h;
  if (conf_double("hour", v[0], 0, 1e6, &h, e, n))
    return -1;
  return add_host_event(SC->restarts, &SC->n_restarts, h, 0, SIM_SERVER, e, n);
}

static int w_server_restart(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  for (int i = 0; i < sc->n_restarts; i++)
    if (sc->restarts[i].site == SIM_SERVER)
      fprintf(f, "%s %.17g\n", name, sc->restarts[i].start_h);
  return 0;
}

static int h_clock_step(void *u, int c, char **v, char *e, size_t n)
{
  (void)c;
  if (SC->n_clock_steps == SIM_MAX_EVENTS) {
    snprintf(e, n, "more than %d host clock steps", SIM_MAX_EVENTS);
    return -1;
  }
  struct sim_clock_step *s = &SC->clock_steps[SC->n_clock_steps];
  /* A year either way: beyond it a host's clock is not off, it is unset. */
  if (conf_double("start", v[0], 0, 1e6, &s->start_h, e, n) ||
      conf_double("duration", v[1], 0, 1e6, &s->dur_h, e, n) ||
      conf_double("seconds", v[2], -3.2e7, 3.2e7, &s->seconds, e, n) ||
      parse_remote(v[3], 0, 1, &s->site, e, n))
    return -1;
  SC->n_clock_steps++;
  return 0;
}

static int w_clock_step(FILE *f, const char *name, const void *u)
{
  const struct scenario *sc = u;
  char site[16];
  for (int i = 0; i < sc->n_clock_steps; i++) {
    const struct sim_clock_step *s = &sc->clock_steps[i];
    fprintf(f, "%s %.17g %.17g %.17g %s\n", name, s->start_h, s->dur_h, s->seconds,
            scenario_site_name(s->site, site, sizeof site));
  }
  return 0;
}

#define SCN_DBL(NAME, ARGS, FIELD, LO, HI, DEF, HELP) \
  CONF_DBL(NAME, ARGS, struct scenario, FIELD, LO, HI, DEF, HELP)
#define SCN_EVENT(NAME, ARGS, LO, HI, PARSE, WRITE, HELP)                                  \
  {.type = CONF_CUSTOM, .name = NAME, .args = ARGS, .help = HELP, .flags = CONF_REPEAT,     \
   .min_args = LO, .max_args = HI, .parse = PARSE, .write = WRITE}

const struct conf_item scenario_items[] = {
    {.type = CONF_CUSTOM, .name = "start", .args = "YYYY-MM-DDTHH:MM:SSZ",
     .def = "2025-01-01T00:00:00Z", .help = "the UTC time of hour 0", .min_args = 1,
     .max_args = 1, .parse = h_start, .write = w_start},
    SCN_DBL("days", "D", days, 1.0 / 144, 3650, "30", "simulated days"),
    {.type = CONF_INT, .name = "seed", .args = "S", .def = "1", .help = "the random seed",
     .off = offsetof(struct scenario, seed), .lo = 0, .hi = 9.2e18, .size = 8},
    CONF_INTV("remotes", "N", struct scenario, remotes, 1, SIM_REMOTES_LIMIT, "3",
              "remote sites r1..rN"),
    SCN_DBL("rb_adev_1s", "A", rb_adev_1s, 0, 1e-6, "1e-11",
            "white FM of the remote rubidiums, as ADEV at 1 s"),
    SCN_DBL("rb_flicker_floor", "F", rb_flicker_floor, 0, 1e-6, "2e-13",
            "their flicker FM, as its ADEV floor"),
    SCN_DBL("rb_rwfm_adev_1d", "R", rb_rwfm_adev_1d, 0, 1e-6, "0",
            "their random-walk FM, as ADEV at 1 day"),
    SCN_DBL("rb_drift_per_day", "D", rb_drift_per_day, -1e-6, 1e-6, "1e-12",
            "their linear frequency drift, per day"),
    SCN_EVENT("rb_freq_step", "HOUR SIZE [REMOTE]", 2, 3, h_freq_step, w_freq_step,
              "a step of the fractional frequency of REMOTE's rubidium (every remote's without "
              "it)"),
    SCN_DBL("init_time_ns", "X", init_time_ns, -5e8, 5e8, "3000", "x at the start, ns"),
    SCN_DBL("init_freq", "Y", init_freq, -1e-6, 1e-6, "1e-10",
            "y at the start; positive makes x grow"),
    CONF_YESNO("osc_phase_step", struct scenario, has_phase_step, "yes",
               "the oscillators take phase steps, as a PRS10 does"),
    SCN_EVENT("common_clock", "REMOTE", 1, 1, h_ideal, w_ideal,
              "that remote runs on the reference's clock with its own receiver: a "
              "common-clock calibration run (cvd-calibrate(1))"),
    SCN_DBL("cv_noise_ns", "N", cv_noise_ns, 0, 1e6, "2",
            "white PM of one 10-minute common-view difference, half its variance at each end"),
    SCN_DBL("cv_diurnal_ns", "A", cv_diurnal_ns, 0, 1e6, "0",
            "amplitude of a 24 h delay variation at each remote, ns"),
    SCN_DBL("gps_common_ns", "G", gps_common_ns, 0, 1e6, "5",
            "rms of the GPS error common to all sites, ns"),
    SCN_DBL("rx_white_ns", "W", rx_white_ns, 0, 1e6, "3",
            "white noise of each receiver's 1PPS at 1 s, ns"),
    SCN_DBL("rx_sawtooth_ns", "S", rx_sawtooth_ns, 0, 1e3, "8",
            "peak-to-peak sawtooth of the 1PPS, reported as qErr, ns"),
    SCN_DBL("tic_resolution_ns", "R", tic_resolution_ns, 0, 1e3, "0.06",
            "the TIC's resolution, ns"),
    SCN_EVENT("outage", "START DURATION all|ref|REMOTE", 3, 3, h_outage, w_outage,
              "every slot overlapping the window (hours) is lost from those sites; all also "
              "means that no command reaches any site"),
    SCN_EVENT("ref_delay_step", "HOUR NS", 2, 2, h_ref_delay, w_ref_delay,
              "the reference receiver's delay grows by NS"),
    SCN_EVENT("remote_delay_step", "HOUR NS REMOTE", 3, 3, h_remote_delay, w_remote_delay,
              "that remote receiver's delay grows by NS"),
    SCN_EVENT("site_freeze", "START DURATION REMOTE", 3, 3, h_freeze, w_freeze,
              "the site's daemon is stopped (SIGSTOP) for DURATION hours: no readings, tracks, "
              "uploads or commands applied, the oscillator keeping what its hardware was last "
              "set to; then it goes on as after SIGCONT"),
    SCN_EVENT("site_restart", "HOUR REMOTE", 2, 2, h_site_restart, w_site_restart,
              "the site's daemon is killed and started again, its spool kept and its "
              "oscillator keeping its hardware setting"),
    SCN_EVENT("host_clock_step", "START DURATION SECONDS ref|REMOTE", 4, 4, h_clock_step,
              w_clock_step,
              "the site's host clock reads SECONDS off UTC for DURATION hours from START (a "
              "wrong NTP step and its correction): its TIC readings are labelled by it, while "
              "its receiver keeps the true time"),
    SCN_EVENT("server_restart", "HOUR", 1, 1, h_server_restart, w_server_restart,
              "the server is killed and started again from its store"),
    {.type = CONF_END},
};

int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen)
{
  if (conf_parse_file(path, scenario_items, sc, err, errlen) != 0)
    return -1;
  char e[256];
  if (scenario_check(sc, e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", path, e);
    return -1;
  }
  return 0;
}

int scenario_ideal(const struct scenario *sc, int k)
{
  return k == 0 || (k >= 1 && k <= SIM_IDEAL_MAX && (sc->ideal >> (k - 1)) & 1);
}

int scenario_check(const struct scenario *sc, char *err, size_t errlen)
{
  if (sc->remotes < SIM_IDEAL_MAX && sc->ideal >> sc->remotes) {
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
  for (int i = 0; i < sc->n_freezes; i++)
    if (sc->freezes[i].site > sc->remotes) {
      snprintf(err, errlen, "site_freeze names r%d, but there are %d remotes",
               sc->freezes[i].site, sc->remotes);
      return -1;
    }
  for (int i = 0; i < sc->n_clock_steps; i++)
    if (sc->clock_steps[i].site > sc->remotes) {
      snprintf(err, errlen, "host_clock_step names r%d, but there are %d remotes",
               sc->clock_steps[i].site, sc->remotes);
      return -1;
    }
  for (int i = 0; i < sc->n_restarts; i++)
    if (sc->restarts[i].site > sc->remotes) {
      snprintf(err, errlen, "site_restart names r%d, but there are %d remotes",
               sc->restarts[i].site, sc->remotes);
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
  fprintf(f, "# written by cvd\n");
  int rc = conf_write(f, scenario_items, sc);
  return fclose(f) != 0 || rc != 0 ? -1 : 0;
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

int64_t scenario_time(const struct scenario *sc, double h)
{
  return sc->start + (int64_t)llround(h * 3600.0) * NS_PER_S;
}

int64_t scenario_host_offset(const struct scenario *sc, int site, int64_t t)
{
  int64_t off = 0;
  for (int i = 0; i < sc->n_clock_steps; i++) {
    const struct sim_clock_step *s = &sc->clock_steps[i];
    if (s->site == site && t >= scenario_time(sc, s->start_h) &&
        t < scenario_time(sc, s->start_h + s->dur_h))
      off += (int64_t)llround(s->seconds * 1e9);
  }
  return off;
}

int scenario_frozen(const struct scenario *sc, int site, int64_t t)
{
  for (int i = 0; i < sc->n_freezes; i++) {
    const struct sim_host_event *f = &sc->freezes[i];
    if (f->site == site && t >= scenario_time(sc, f->start_h) &&
        t < scenario_time(sc, f->start_h + f->dur_h))
      return 1;
  }
  return 0;
}

int scenario_restart_at(const struct scenario *sc, int site, int64_t t)
{
  for (int i = 0; i < sc->n_restarts; i++)
    if (sc->restarts[i].site == site && t == scenario_time(sc, sc->restarts[i].start_h))
      return 1;
  return 0;
}

int scenario_link_cut(const struct scenario *sc, int site, int64_t t)
{
  for (int i = 0; i < sc->n_outages; i++) {
    const struct sim_outage *o = &sc->outages[i];
    if ((o->site == SIM_ALL || o->site == site) && t >= scenario_time(sc, o->start_h) &&
        t < scenario_time(sc, o->start_h + o->dur_h))
      return 1;
  }
  return 0;
}

static void earliest(int64_t *best, int64_t t, int64_t after)
{
  if (t > after && t < *best)
    *best = t;
}

int64_t scenario_next_event(const struct scenario *sc, int64_t after)
{
  int64_t best = INT64_MAX;
  for (int i = 0; i < sc->n_outages; i++) {
    earliest(&best, scenario_time(sc, sc->outages[i].start_h), after);
    earliest(&best, scenario_time(sc, sc->outages[i].start_h + sc->outages[i].dur_h), after);
  }
  for (int i = 0; i < sc->n_freezes; i++) {
    earliest(&best, scenario_time(sc, sc->freezes[i].start_h), after);
    earliest(&best, scenario_time(sc, sc->freezes[i].start_h + sc->freezes[i].dur_h), after);
  }
  for (int i = 0; i < sc->n_restarts; i++)
    earliest(&best, scenario_time(sc, sc->restarts[i].start_h), after);
  return best;
}

int scenario_restart_in(const struct scenario *sc, int site, int64_t after, int64_t upto)
{
  for (int i = 0; i < sc->n_restarts; i++) {
    int64_t t = scenario_time(sc, sc->restarts[i].start_h);
    if (sc->restarts[i].site == site && t > after && t <= upto)
      return 1;
  }
  return 0;
}
