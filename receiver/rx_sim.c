/* The simulated receiver: always in time mode, satellites from the scenario, and the qErr
 * of each pulse exactly as the simulated 1PPS carries it. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "core/clock.h"
#include "receiver/receiver.h"
#include "sim/gpserr.h"
#include "sim/site.h"

static int sim_open(struct receiver *rx, char *err, size_t errlen)
{
  static const char *const keys[] = {NULL};
  if (!rx->conf.ctx) {
    snprintf(err, errlen, "the sim receiver needs a 'simulation' scenario in the configuration");
    return -1;
  }
  if (drvconf_check_keys(&rx->conf, keys, err, errlen))
    return -1;
  snprintf(rx->state.model, sizeof rx->state.model, "simulated timing receiver");
  rx->state.leap_seconds = 18;
  return 0;
}

static int sim_poll(struct receiver *rx, int64_t now, char *err, size_t errlen)
{
  (void)err;
  (void)errlen;
  rx->state.updated = now;
  rx->state.fix = RX_FIX_TIME;
  const struct sim_site *sim = rx->conf.ctx;
  sim_site_sats(sim, now, &rx->state.sats_visible, &rx->state.sats_used);
  /* The clock source is UTC here; the host's clock is what the scenario makes of it. */
  rx->state.have_offset = 1;
  rx->state.host_offset_ns = scenario_host_offset(&sim->sc, sim->index, clk_now());
  return 0;
}

static int sim_qerr(struct receiver *rx, int64_t second, int64_t *ps)
{
  const struct sim_site *sim = rx->conf.ctx;
  *ps = llround(sim_rx_sawtooth_ns(&sim->sc, sim->index, second) * 1000.0);
  return 1;
}

const struct receiver_driver rx_sim_driver = {
    .name = "sim",
    .summary = "simulated timing receiver of the scenario",
    .open = sim_open,
    .poll = sim_poll,
    .qerr = sim_qerr,
    .close = NULL,
};
