#include "config.h"
#include "tests/loopsim.h"

#include <math.h>
#include <string.h>

#include "core/timeutil.h"

void loopsim_init(struct loopsim *l, struct ctl *c, int64_t t0, double x0, double y)
{
  memset(l, 0, sizeof *l);
  l->ctl = c;
  l->t0 = t0;
  l->x0 = x0;
  l->y = y;
  l->latency = 10 * NS_PER_S;
  l->steer_t = t0;
  l->can_step = 1;
}

double loopsim_free(const struct loopsim *l, int64_t t)
{
  double x = l->x0 + l->y * (double)(t - l->t0);
  if (l->tstep_at && t >= l->tstep_at)
    x += l->tstep_ns;
  if (l->fstep_at && t >= l->fstep_at)
    x += l->fstep * (double)(t - l->fstep_at);
  return x;
}

static void advance(struct loopsim *l, int64_t t)
{
  if (t <= l->steer_t)
    return;
  if (l->have_cmd)
    l->steer_ns += cmd_phase_ns(&l->cmd, l->steer_t, t);
  l->steer_t = t;
}

double loopsim_x(struct loopsim *l, int64_t t)
{
  advance(l, t);
  return loopsim_free(l, t) + l->steer_ns;
}

double loopsim_slot(struct loopsim *l)
{
  int64_t slot = l->t0 + (int64_t)l->k * SLOT_NS, mid = tu_slot_mid(slot);
  int64_t now = slot + SLOT_NS + l->latency;
  double x = loopsim_x(l, mid) + (l->k % 2 ? l->meas_noise_ns : -l->meas_noise_ns);
  struct track tr;
  track_init(&tr, l->ctl->site, slot);
  tr.osc.steer_ns = l->steer_ns;
  tr.osc.can_step = l->can_step;
  double x_end = loopsim_x(l, slot + SLOT_NS);
  advance(l, now);
  struct osc_report rep = {.t = now};
  rep.osc.cmd_id = l->have_cmd ? l->cmd.id : 0;
  rep.osc.phase_step_id = l->applied_step;
  rep.osc.freq = l->have_cmd ? cmd_freq_at(&l->cmd, now) : 0;
  rep.osc.steer_ns = l->steer_ns;
  rep.osc.can_step = l->can_step;
  ctl_report(l->ctl, &rep, l->have_cmd ? &l->cmd : NULL);
  struct ctl_decision d;
  if (ctl_measure(l->ctl, slot, x, 0.1, &tr, now, &d) == 1 && d.has_cmd) {
    double before = l->have_cmd ? cmd_freq_at(&l->cmd, now) : 0;
    double change = fabs(cmd_freq_at(&d.cmd, now) - before);
    if (change > l->max_change)
      l->max_change = change;
    if (d.cmd.phase_step_id > l->applied_step) {
      l->steer_ns += d.cmd.phase_step_ns;
      l->applied_step = d.cmd.phase_step_id;
    }
    l->cmd = d.cmd;
    l->have_cmd = 1;
  }
  l->k++;
  return x_end;
}
