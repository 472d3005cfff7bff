#include "config.h"
#include "osc/osc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"

extern const struct osc_driver osc_sim_driver;
extern const struct osc_driver osc_none_driver;
extern const struct osc_driver osc_prs10_driver;
extern const struct osc_driver osc_sa45s_driver;

static const struct osc_driver *const drivers[] = {
    &osc_sim_driver,
    &osc_none_driver,
    &osc_prs10_driver,
    &osc_sa45s_driver,
    NULL,
};

const struct osc_driver *osc_find(const char *name)
{
  return drvtab_find((const void *const *)drivers, name);
}

const char *osc_driver_names(void)
{
  static char buf[256];
  return drvtab_names((const void *const *)drivers, buf, sizeof buf);
}

int osc_open(struct osc *o, const struct drvconf *c, const struct steer_limits *limits,
             char *err, size_t errlen)
{
  memset(o, 0, sizeof *o);
  o->drv = osc_find(c->driver);
  if (!o->drv) {
    snprintf(err, errlen, "unknown oscillator driver '%s' (known: %s)", c->driver,
             osc_driver_names());
    return -1;
  }
  o->conf = *c;
  o->limits = *limits;
  o->takes_steps = o->drv->phase_step != NULL;
  return o->drv->open(o, err, errlen);
}

void osc_close(struct osc *o)
{
  if (o->drv && o->drv->close)
    o->drv->close(o);
  o->drv = NULL;
}

#define CARRY_TAU_NS 60e9
#define OSC_SLEW_STEP_NS 0.1            /* smallest phase step that pays a slew */
#define OSC_SLEW_GAP (5 * NS_PER_S)     /* a longer gap between ticks: the daemon was away */

/* Time steering by phase steps: the oscillator takes them. */
static int steps_slew(const struct osc *o) { return o->takes_steps; }

/* The slew phase owed for [t0, t1), a gap of more than OSC_SLEW_GAP counting only that. */
static double slew_owed(const struct osc *o, int64_t t0, int64_t t1)
{
  if (!o->h.has_cmd || t1 <= t0)
    return 0;
  if (t1 - t0 > OSC_SLEW_GAP)
    t1 = t0 + OSC_SLEW_GAP;
  int64_t e = o->h.cmd.slew_until < t1 ? o->h.cmd.slew_until : t1;
  return e > t0 ? o->h.cmd.slew_freq * (double)(e - t0) : 0;
}

/* Pays the owed slew phase in whole steps of the device's resolution. */
static void pay_slew(struct osc *o)
{
  double q = o->drv->step_resolution > OSC_SLEW_STEP_NS ? o->drv->step_resolution
                                                          : OSC_SLEW_STEP_NS;
  if (fabs(o->h.slew_owed_ns) < q)
    return;
  double step = q * trunc(o->h.slew_owed_ns / q);
  char err[256];
  if (o->drv->phase_step(o, step, err, sizeof err) != 0) {
    int64_t wall = tu_wall_ns();
    if (wall >= o->warn_next) {
      LOGW("osc", "slew step of %+.2f ns failed: %s; the slew's phase is dropped", step, err);
      o->warn_next = wall + 60 * NS_PER_S;
    }
    o->h.slew_owed_ns = 0;
    return;
  }
  o->h.steer_ns += step;
  o->h.slew_owed_ns -= step;
}

/* Integrates the steering applied since t_last, and the phase a quantised actuator owes
 * for holding freq_applied where want_last was asked for. */
static void integrate(struct osc *o, int64_t now)
{
  if (o->h.t_last == 0) {
    o->h.t_last = now;
    return;
  }
  if (now > o->h.t_last) {
    double dt = (double)(now - o->h.t_last);
    o->h.steer_ns += o->h.freq_applied * dt;
    if (steps_slew(o))
      o->h.slew_owed_ns += slew_owed(o, o->h.t_last, now);
    if (o->drv->resolution > 0) {
      /* Owed phase beyond two steps over the payback time is not rounding but a device
       * that cannot follow (at the end of its range, or failing): it is not owed. */
      double lim = 2 * o->drv->resolution * CARRY_TAU_NS;
      o->h.carry_ns += (o->h.want_last - o->h.freq_applied) * dt;
      o->h.carry_ns = o->h.carry_ns > lim ? lim : o->h.carry_ns < -lim ? -lim : o->h.carry_ns;
    }
    o->h.t_last = now;
  }
}

/* A device that takes frequencies only in steps of `resolution` gets the setting nearest to
 * what is asked plus the owed phase paid back over CARRY_TAU: a first-order noise shaper,
 * so that the average frequency is the one asked for. */

static void set_device(struct osc *o, double want)
{
  double target = want, res = o->drv->resolution;
  if (res > 0)
    target = res * round((want + o->h.carry_ns / CARRY_TAU_NS) / res);
  o->h.want_last = want;
  if (target == o->h.freq_applied)
    return;
  double applied = target;
  char err[256];
  if (o->drv->set_freq(o, target, &applied, err, sizeof err) != 0) {
    /* Tried again every second: said once a minute. */
    int64_t wall = tu_wall_ns();
    o->set_failures++;
    if (wall >= o->warn_next) {
      LOGW("osc", "setting frequency %.4e failed (%ld times so far): %s", target,
           o->set_failures, err);
      o->warn_next = wall + 60 * NS_PER_S;
    }
    return;
  }
  if (o->set_failures) {
    LOGI("osc", "frequency set again after %ld failures", o->set_failures);
    o->set_failures = 0;
    o->warn_next = 0;
  }
  o->h.freq_applied = applied;
}

void osc_tick(struct osc *o, int64_t now)
{
  if (!o->drv->steerable)
    return;
  if (now < o->h.t_last)
    now = o->h.t_last;
  integrate(o, now);
  double want = !o->h.has_cmd ? 0.0 : steps_slew(o) ? cmd_hold_freq_at(&o->h.cmd, now)
                                                    : cmd_freq_at(&o->h.cmd, now);
  set_device(o, want);
  if (steps_slew(o))
    pay_slew(o);
  int hold = o->h.has_cmd && now > o->h.cmd.valid_until;
  if (hold != o->holdover) {
    char t[40];
    if (hold) {
      char v[40];
      LOGW("osc", "holdover from %s: command %lld expired (at %s); keeping %.4e with drift "
                  "%.3e/day",
           tu_format(now, t, sizeof t, 0), (long long)o->h.cmd.id,
           tu_format(o->h.cmd.valid_until, v, sizeof v, 0), cmd_hold_freq_at(&o->h.cmd, now),
           o->h.cmd.drift_per_day);
    } else
      LOGI("osc", "holdover ended at %s with command %lld", tu_format(now, t, sizeof t, 0),
           (long long)o->h.cmd.id);
    o->holdover = hold;
  }
}

/* A command's phase step, recorded as made and kept before the device makes it (at most
 * once, issue 10); undone in steer_ns if the device refuses it. */
static void phase_step_once(struct osc *o, const struct steer_cmd *c)
{
  char e[256] = "not supported";
  int made = 0;
  if (o->takes_steps) {
    o->h.steer_ns += c->phase_step_ns;
    if (o->keep && o->keep(o->keep_arg) != 0)
      snprintf(e, sizeof e, "it could not be recorded first");
    else
      made = o->drv->phase_step(o, c->phase_step_ns, e, sizeof e) == 0;
    if (!made)
      o->h.steer_ns -= c->phase_step_ns;
  }
  if (made)
    LOGI("osc", "phase step %lld of %+.3f ns applied", (long long)c->phase_step_id,
         c->phase_step_ns);
  else
    LOGW("osc", "phase step %lld of %+.3f ns not applied: %s", (long long)c->phase_step_id,
         c->phase_step_ns, e);
}

int osc_accept(struct osc *o, const struct steer_cmd *c, int64_t now, char *err, size_t errlen)
{
  if (!o->drv->steerable) {
    snprintf(err, errlen, "oscillator '%s' takes no steering", o->drv->name);
    return -1;
  }
  if (o->h.has_cmd && c->id < o->h.cmd.id) {
    /* Said every time: a server whose store was lost or restored issues old ids, and its
     * clock would be in holdover without anyone knowing. */
    LOGE("osc", "IGNORED command %lld: older than command %lld, which this site holds (was "
                "the server's store lost or restored?)",
         (long long)c->id, (long long)o->h.cmd.id);
    return 0;
  }
  if (o->h.has_cmd && c->id == o->h.cmd.id)
    return 0;
  if (cmd_check(c, o->h.has_cmd ? &o->h.cmd : NULL, now, o->h.locked_seen, o->h.applied_step_id,
                &o->limits, err, errlen) != 0) {
    LOGW("osc", "refused command %lld: %s", (long long)c->id, err);
    return -1;
  }
  integrate(o, now);
  if (c->phase_step_id > o->h.applied_step_id) {
    /* Marked done either way, and before it is made: a step is tried once per id, and
     * steer_ns tells the server what was done. */
    o->h.applied_step_id = c->phase_step_id;
    if (c->phase_step_ns != 0)
      phase_step_once(o, c);
  }
  o->h.cmd = *c;
  o->h.has_cmd = 1;
  /* Each command sets the time steering afresh: what the last one's slew still owed (less
   * than a step) is dropped; steer_ns tells the server what was done. */
  o->h.slew_owed_ns = 0;
  if (c->locked && !o->h.locked_seen) {
    o->h.locked_seen = 1;
    LOGI("osc", "clock reported locked: locked limits apply from now on");
  }
  LOGD("osc", "command %lld: freq %.4e drift %.3e/day slew %.3e", (long long)c->id, c->freq,
       c->drift_per_day, c->slew_freq);
  osc_tick(o, now);
  return 1;
}

void osc_restore(struct osc *o, const struct osc_hold *h, int64_t now)
{
  o->h = *h;
  /* The device kept its setting while the daemon was down (a real one does). */
  integrate(o, now);
  double applied = o->h.freq_applied;
  char err[256];
  if (o->drv->steerable && o->drv->set_freq(o, o->h.freq_applied, &applied, err, sizeof err) != 0)
    LOGW("osc", "restoring frequency %.4e failed: %s", o->h.freq_applied, err);
  o->h.freq_applied = applied;
}

double osc_steer_ns_at(const struct osc *o, int64_t t)
{
  return o->h.steer_ns + o->h.freq_applied * (double)(t - o->h.t_last);
}

void osc_report(const struct osc *o, struct track_osc *out)
{
  out->cmd_id = o->h.has_cmd ? o->h.cmd.id : 0;
  out->phase_step_id = o->h.applied_step_id;
  out->freq = o->h.freq_applied;
  out->steer_ns = o->h.steer_ns;
  out->holdover = o->holdover;
  out->can_step = o->takes_steps;
  if (o->drv->status)
    o->drv->status((struct osc *)o, out->status, sizeof out->status);
  else
    snprintf(out->status, sizeof out->status, "%s", o->drv->name);
}

json_t *osc_hold_to_json(const struct osc_hold *h)
{
  json_t *j = json_pack("{s:I,s:b,s:o,s:o,s:o,s:o,s:I}", "applied_step_id",
                        (json_int_t)h->applied_step_id, "locked_seen", h->locked_seen,
                        "steer_ns", jx_real(h->steer_ns), "freq_applied",
                        jx_real(h->freq_applied), "want_last", jx_real(h->want_last),
                        "carry_ns", jx_real(h->carry_ns), "t_last", (json_int_t)h->t_last);
  json_object_set_new(j, "slew_owed_ns", jx_real(h->slew_owed_ns));
  if (h->has_cmd)
    json_object_set_new(j, "cmd", cmd_to_json(&h->cmd));
  return j;
}

int osc_hold_from_json(const json_t *j, struct osc_hold *h, char *err, size_t errlen)
{
  long long v;
  memset(h, 0, sizeof *h);
  if (jx_int(j, "applied_step_id", JX_REQUIRED, 0, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  h->applied_step_id = v;
  if (jx_bool(j, "locked_seen", JX_REQUIRED, &h->locked_seen, err, errlen) < 0 ||
      jx_double(j, "steer_ns", JX_REQUIRED, -1e15, 1e15, &h->steer_ns, err, errlen) < 0 ||
      jx_double(j, "freq_applied", JX_REQUIRED, -1e-6, 1e-6, &h->freq_applied, err, errlen) < 0 ||
      jx_double(j, "want_last", JX_OPTIONAL, -1e-6, 1e-6, &h->want_last, err, errlen) < 0 ||
      jx_double(j, "carry_ns", JX_OPTIONAL, -1e9, 1e9, &h->carry_ns, err, errlen) < 0 ||
      jx_double(j, "slew_owed_ns", JX_OPTIONAL, -1e9, 1e9, &h->slew_owed_ns, err, errlen) < 0 ||
      jx_int(j, "t_last", JX_REQUIRED, 0, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  h->t_last = v;
  const json_t *c = json_object_get(j, "cmd");
  if (c && !json_is_null(c)) {
    if (cmd_from_json(c, &h->cmd, err, errlen) < 0)
      return -1;
    h->has_cmd = 1;
  }
  return 0;
}
