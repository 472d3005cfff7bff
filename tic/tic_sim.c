/* The simulated TIC: reads the simulated site's clock against its receiver's 1PPS, one
 * reading per second of the clock source, as an instrument would deliver them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "sim/site.h"
#include "tic/tic.h"

#define SIM_TIC_BUFFER (60 * NS_PER_S) /* about what a counter's serial line buffers */

struct tic_sim {
  int64_t next; /* next second to read */
};

static int sim_open(struct tic *t, char *err, size_t errlen)
{
  static const char *const keys[] = {NULL};
  if (!t->conf.ctx) {
    snprintf(err, errlen, "the sim TIC needs a 'simulation' scenario in the configuration");
    return -1;
  }
  if (drvconf_check_keys(&t->conf, keys, err, errlen))
    return -1;
  struct tic_sim *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  /* Readings start with the next whole second of the clock source. */
  s->next = (clk_now() / NS_PER_S + 1) * NS_PER_S;
  t->priv = s;
  return 0;
}

static int sim_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                    size_t errlen)
{
  (void)err;
  (void)errlen;
  struct tic_sim *s = t->priv;
  /* A daemon that was stopped (or starved) for longer than an instrument buffers its
   * readings finds only the last of them: the seconds before are lost, as they would be
   * from a counter's serial line. */
  int64_t oldest = (clk_now() - SIM_TIC_BUFFER) / NS_PER_S * NS_PER_S;
  if (s->next < oldest)
    s->next = oldest;
  if (s->next > deadline) {
    clk_sleep_until(deadline, NULL);
    return 0;
  }
  if (clk_sleep_until(s->next, NULL))
    return 0; /* the process is stopping: no reading from a second not yet come */
  int64_t q;
  /* The host labels the reading by its own clock (scenario host_clock_step). */
  const struct sim_site *sim = t->conf.ctx;
  r->t = s->next + scenario_host_offset(&sim->sc, sim->index, s->next);
  r->raw_s = sim_site_tic(t->conf.ctx, s->next, &q);
  s->next += NS_PER_S;
  return 1;
}

static void sim_close(struct tic *t)
{
  free(t->priv);
  t->priv = NULL;
}

const struct tic_driver tic_sim_driver = {
    .name = "sim",
    .summary = "simulated counter on the scenario's clock and receiver",
    .open = sim_open,
    .read = sim_read,
    .close = sim_close,
};
