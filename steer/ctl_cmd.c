/* The controller's commands: what the site holds and will hold (from its reports and the
 * commands issued), and the absolute, bounded commands made from the servo's proposals.
 * Bounding keeps a command within the site's limits with margins; then the site's own
 * check (cmd_check, core/command.h) is run on it, as the site will run it, at once and a
 * command's validity later: a command the site would refuse is never sent. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "steer/ctlint.h"

int ctl_step_pending(const struct ctl *c)
{
  return c->have_last && c->last.phase_step_id &&
         (!c->have_report || c->rep.osc.phase_step_id < c->last.phase_step_id);
}

double ctl_steer_at(const struct ctl *c, int64_t t)
{
  if (!c->have_report)
    return 0;
  double s = c->rep.osc.steer_ns;
  if (c->have_held)
    s += cmd_phase_ns(&c->held, c->rep.t, t);
  else
    s += c->rep.osc.freq * (double)(t - c->rep.t);
  return s;
}

/* The step on its way, and what the newest command's slew adds after t (the frequency
 * steering goes on and is the servo's to account for). */
double ctl_committed_after(const struct ctl *c, int64_t t)
{
  if (!c->have_last)
    return 0;
  double p = ctl_step_pending(c) ? c->last.phase_step_ns : 0;
  if (c->last.slew_until > t)
    p += c->last.slew_freq * (double)(c->last.slew_until - t);
  return p;
}

double ctl_hold_at(const struct ctl *c, int64_t t)
{
  if (c->have_held)
    return cmd_hold_freq_at(&c->held, t);
  return c->have_report ? c->rep.osc.freq : 0;
}

static double total_at(const struct ctl *c, int64_t t)
{
  if (c->have_held)
    return cmd_freq_at(&c->held, t);
  return c->have_report ? c->rep.osc.freq : 0;
}

int ctl_site_locked(const struct ctl *c) { return c->have_report && c->rep.locked; }

enum ctl_mode ctl_mode(const struct ctl *c, int servo_reacquires)
{
  if (!c->locked_once)
    return ctl_site_locked(c) ? CTL_REACQUIRE : CTL_ACQUIRE;
  return servo_reacquires ? CTL_REACQUIRE : CTL_LOCKED;
}

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Frequency and time steering of a clock locked before: each within its own limits. */
static void bound_locked(const struct ctl *c, struct steer_cmd *cmd, int64_t now, double k,
                         double max_step, double max_slew, double *phase)
{
  const struct steer_limits *l = &c->p.limits;
  double prev = ctl_hold_at(c, now), maxf = k * l->max_freq;
  cmd->freq = clamp(cmd->freq, prev - k * max_step, prev + k * max_step);
  cmd->freq = clamp(cmd->freq, -maxf, maxf);
  *phase = clamp(*phase, -k * l->max_slew_phase_ns, k * l->max_slew_phase_ns);
  double slew = clamp(cmd->slew_freq, -k * max_slew, k * max_slew);
  cmd->slew_freq = *phase == 0 ? 0 : slew;
}

/* Before any lock: the whole applied frequency (slew included) moves by the acquisition's
 * limit at most. */
static void bound_acquire(const struct ctl *c, struct steer_cmd *cmd, int64_t now, double k,
                          double phase)
{
  const struct steer_limits *l = &c->p.limits;
  double prev_hold = ctl_hold_at(c, now), prev_total = total_at(c, now);
  double max = k * l->max_step_acquire, maxf = k * l->max_freq;
  cmd->freq = clamp(cmd->freq, prev_hold - max, prev_hold + max);
  cmd->freq = clamp(cmd->freq, -maxf, maxf);
  double total = clamp(cmd->freq + cmd->slew_freq, prev_total - max, prev_total + max);
  total = clamp(total, -maxf, maxf);
  double slew = total - cmd->freq;
  cmd->slew_freq = (slew > 0) == (phase > 0) ? slew : 0;
}

/* Bounds a proposal within the limits of mode, with margins for rounding and for the time
 * between now and the site's receipt (over which a change of drift moves the frequency
 * steering on: the drift changes by at most 5 % of the step limit per command).  A slew
 * cut down in rate runs longer, so it still moves the clock as far.  1 if anything was
 * bounded. */
static int bound(const struct ctl *c, struct steer_cmd *cmd, enum ctl_mode mode, int64_t now)
{
  const struct steer_limits *l = &c->p.limits;
  const double k = 0.9;
  struct steer_cmd want = *cmd;
  double max_step = mode == CTL_ACQUIRE ? l->max_step_acquire
                    : mode == CTL_REACQUIRE ? l->max_step_reacquire : l->max_step_locked;
  double max_dd = 0.05 * max_step;
  double prev_drift = c->have_held ? c->held.drift_per_day : 0;
  cmd->drift_per_day = clamp(cmd->drift_per_day, prev_drift - max_dd, prev_drift + max_dd);
  cmd->drift_per_day = clamp(cmd->drift_per_day, -k * l->max_drift_per_day,
                             k * l->max_drift_per_day);
  double phase = cmd->slew_until > now ? cmd->slew_freq * (double)(cmd->slew_until - now) : 0;
  if (mode == CTL_ACQUIRE)
    bound_acquire(c, cmd, now, k, phase);
  else
    bound_locked(c, cmd, now, k, max_step,
                 mode == CTL_REACQUIRE ? l->max_slew_reacquire : l->max_slew_locked, &phase);
  if (cmd->slew_freq == 0 || phase == 0) {
    cmd->slew_freq = 0;
    cmd->slew_until = 0;
  } else
    cmd->slew_until = now + (int64_t)(phase / cmd->slew_freq);
  if (cmd->phase_step_ns != 0 && fabs(cmd->phase_step_ns) > l->max_phase_step_ns)
    cmd->phase_step_ns = copysign(l->max_phase_step_ns, cmd->phase_step_ns);
  return fabs(want.freq - cmd->freq) > 1e-20 || fabs(want.slew_freq - cmd->slew_freq) > 1e-20 ||
         want.drift_per_day != cmd->drift_per_day || want.phase_step_ns != cmd->phase_step_ns ||
         llabs(want.slew_until - cmd->slew_until) > NS_PER_S;
}

/* The site's own check, as the site will run it on receipt: now, and as late as the
 * command stays valid.  0, or -1 with why. */
static int site_check(const struct ctl *c, const struct steer_cmd *cmd, int64_t now, char *err,
                      size_t errlen)
{
  const struct steer_cmd *held = c->have_held ? &c->held : NULL;
  /* A command the site holds that this server does not know (its store was lost): what
   * the site reported holding stands for it. */
  struct steer_cmd reported;
  if (!held && c->have_report && c->rep.osc.cmd_id > 0) {
    memset(&reported, 0, sizeof reported);
    reported.id = c->rep.osc.cmd_id;
    reported.t_ref = c->rep.t;
    reported.freq = c->rep.osc.freq;
    reported.locked = c->rep.locked;
    held = &reported;
  }
  int64_t applied = c->have_report ? c->rep.osc.phase_step_id : 0;
  int locked_before = ctl_site_locked(c);
  int64_t at[] = {now, now + c->p.validity};
  for (int i = 0; i < 2; i++)
    if (cmd_check(cmd, held, at[i], locked_before, applied, &c->p.limits, err, errlen) != 0)
      return -1;
  return 0;
}

static void append(struct ctl_decision *d, const char *fmt, const char *a)
{
  size_t n = strlen(d->reason);
  snprintf(d->reason + n, sizeof d->reason - n, fmt, a);
}

int ctl_make_command(struct ctl *c, const struct servo_out *out, int can_step, enum ctl_mode mode,
                     int64_t now, struct steer_cmd *cmd, struct ctl_decision *d)
{
  static const char *const names[] = {"acquisition", "locked", "re-acquisition"};
  memset(cmd, 0, sizeof *cmd);
  cmd->id = c->next_id;
  cmd->issued = cmd->t_ref = now;
  cmd->freq = out->freq;
  cmd->drift_per_day = out->drift_per_day;
  cmd->slew_freq = out->slew_freq;
  cmd->slew_until = out->slew_s > 0 ? now + (int64_t)(out->slew_s * 1e9) : 0;
  if (out->slew_s <= 0 && c->have_last && c->last.slew_until > now) {
    /* A slew under way goes on as it was commanded. */
    cmd->slew_freq = c->last.slew_freq;
    cmd->slew_until = c->last.slew_until;
  }
  int new_step = out->phase_step_ns != 0 && can_step;
  if (new_step) {
    cmd->phase_step_id = c->next_step_id;
    cmd->phase_step_ns = out->phase_step_ns;
  } else if (ctl_step_pending(c)) {
    cmd->phase_step_id = c->last.phase_step_id;
    cmd->phase_step_ns = c->last.phase_step_ns;
  }
  if (bound(c, cmd, mode, now))
    append(d, "; command bounded by the %s limits", names[mode]);
  cmd->valid_until = now + c->p.validity;
  cmd->locked = c->locked_once || ctl_site_locked(c);
  cmd->reacquire = mode == CTL_REACQUIRE;
  snprintf(cmd->state, sizeof cmd->state, "%s", cs_name(c->state));
  char why[200];
  if (site_check(c, cmd, now, why, sizeof why) != 0) {
    append(d, "; NO COMMAND SENT: the site would refuse it (%s)", why);
    return 0;
  }
  c->next_id++;
  if (new_step)
    c->next_step_id++;
  return 1;
}
