/* The simulated rubidium of the scenario: continuous frequency setting and phase steps,
 * as a PRS10 takes them.  A real oscillator keeps its setting when the daemon that set it
 * stops or dies; the simulated one lives in the daemon's process, so with `state=FILE` it
 * keeps its setting in FILE instead (written on every phase step and change of setting,
 * at least once a minute) and takes it up again when a new daemon opens it. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "osc/osc.h"
#include "sim/site.h"

struct osc_sim {
  char state[256];      /* "" without state= */
  struct sim_rb_hw saved;
  int64_t saved_at;     /* service time of the last save */
};

static int load_state(struct osc_sim *p, struct sim_site *sim, char *err, size_t errlen)
{
  FILE *f = fopen(p->state, "r");
  if (!f)
    return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", p->state, strerror(errno)), -1);
  struct sim_rb_hw hw;
  int n = fscanf(f, "%" SCNd64 " %lf %lf", &hw.t, &hw.steer_ns, &hw.steer);
  fclose(f);
  if (n != 3 || !isfinite(hw.steer_ns) || !isfinite(hw.steer) || fabs(hw.steer) > 1e-6) {
    snprintf(err, errlen, "%s: not a simulated oscillator's state", p->state);
    return -1;
  }
  sim_site_hw_set(sim, &hw);
  p->saved = hw;
  LOGI("osc", "sim: the oscillator kept its setting: %.4e, %.3f ns of steering by %lld",
       hw.steer, hw.steer_ns, (long long)hw.t);
  return 0;
}

/* Writes the hardware's setting when it changed by more than a drift changes it in an
 * hour, or a minute after the last save: what a kill loses is then well under 0.01 ns. */
static void save_state(struct osc *o, int force)
{
  struct osc_sim *p = o->priv;
  struct sim_rb_hw hw;
  if (!p->state[0] || sim_site_hw_get(o->conf.ctx, &hw) != 0)
    return;
  int64_t now = clk_now();
  if (!force && fabs(hw.steer - p->saved.steer) < 1e-15 && now - p->saved_at < 60 * NS_PER_S)
    return;
  char tmp[300];
  snprintf(tmp, sizeof tmp, "%s.new", p->state);
  FILE *f = fopen(tmp, "w");
  if (!f || fprintf(f, "%" PRId64 " %.17g %.17g\n", hw.t, hw.steer_ns, hw.steer) < 0 ||
      fclose(f) != 0 || rename(tmp, p->state) != 0) {
    LOGW("osc", "sim: saving the oscillator's state to %s failed: %s", p->state, strerror(errno));
    return;
  }
  p->saved = hw;
  p->saved_at = now;
}

static int sim_open(struct osc *o, char *err, size_t errlen)
{
  static const char *const keys[] = {"state", NULL};
  const struct sim_site *sim = o->conf.ctx;
  if (!sim || sim->ideal) {
    snprintf(err, errlen, "the sim oscillator needs a 'simulation' scenario and a remote site "
                          "(the reference's clock is 'none')");
    return -1;
  }
  if (drvconf_check_keys(&o->conf, keys, err, errlen))
    return -1;
  struct osc_sim *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  const char *state = drvconf_get(&o->conf, "state");
  snprintf(p->state, sizeof p->state, "%s", state ? state : "");
  if (p->state[0] && load_state(p, o->conf.ctx, err, errlen) != 0) {
    free(p);
    return -1;
  }
  o->priv = p;
  o->takes_steps = sim->sc.has_phase_step;
  return 0;
}

static int sim_set_freq(struct osc *o, double correction, double *applied, char *err,
                        size_t errlen)
{
  (void)err;
  (void)errlen;
  sim_site_set_freq(o->conf.ctx, correction);
  *applied = correction;
  save_state(o, 0);
  return 0;
}

static int sim_phase_step(struct osc *o, double ns, char *err, size_t errlen)
{
  if (sim_site_phase_step(o->conf.ctx, ns) != 0) {
    snprintf(err, errlen, "this simulated oscillator takes no phase steps");
    return -1;
  }
  save_state(o, 1);
  return 0;
}

static void sim_status(struct osc *o, char *buf, size_t n)
{
  (void)o;
  snprintf(buf, n, "sim rb");
}

static void sim_close(struct osc *o)
{
  if (o->priv)
    save_state(o, 1);
  free(o->priv);
  o->priv = NULL;
}

const struct osc_driver osc_sim_driver = {
    .name = "sim",
    .summary = "simulated rubidium of the scenario (state=FILE keeps its setting across restarts)",
    .open = sim_open,
    .set_freq = sim_set_freq,
    .phase_step = sim_phase_step,
    .status = sim_status,
    .close = sim_close,
    .resolution = 0,
    .steerable = 1,
};
