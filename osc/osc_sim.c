/* The simulated rubidium of the scenario: continuous frequency setting and phase steps,
 * as a PRS10 takes them. */
#include "config.h"

#include <stdio.h>

#include "osc/osc.h"
#include "sim/site.h"

static int sim_open(struct osc *o, char *err, size_t errlen)
{
  static const char *const keys[] = {NULL};
  const struct sim_site *sim = o->conf.ctx;
  if (!sim || sim->ideal) {
    snprintf(err, errlen, "the sim oscillator needs a 'simulation' scenario and a remote site "
                          "(the reference's clock is 'none')");
    return -1;
  }
  return drvconf_check_keys(&o->conf, keys, err, errlen);
}

static int sim_set_freq(struct osc *o, double correction, double *applied, char *err,
                        size_t errlen)
{
  (void)err;
  (void)errlen;
  sim_site_set_freq(o->conf.ctx, correction);
  *applied = correction;
  return 0;
}

static int sim_phase_step(struct osc *o, double ns, char *err, size_t errlen)
{
  if (sim_site_phase_step(o->conf.ctx, ns) != 0) {
    snprintf(err, errlen, "this simulated oscillator takes no phase steps");
    return -1;
  }
  return 0;
}

static void sim_status(struct osc *o, char *buf, size_t n)
{
  (void)o;
  snprintf(buf, n, "sim rb");
}

const struct osc_driver osc_sim_driver = {
    .name = "sim",
    .summary = "simulated rubidium of the scenario",
    .open = sim_open,
    .set_freq = sim_set_freq,
    .phase_step = sim_phase_step,
    .status = sim_status,
    .close = NULL,
    .resolution = 0,
    .steerable = 1,
};
