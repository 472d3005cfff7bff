#include "config.h"
#include "sim/site.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "sim/gpserr.h"
#include "sim/rng.h"

int sim_site_init(struct sim_site *s, const struct scenario *sc, const char *name)
{
  memset(s, 0, sizeof *s);
  s->sc = *sc;
  s->index = scenario_site_index(sc, name);
  if (s->index < 0)
    return -1;
  snprintf(s->name, sizeof s->name, "%s", name);
  s->ideal = scenario_ideal(sc, s->index);
  if (!s->ideal && sim_rb_init(&s->rb, &s->sc, s->index) != 0)
    return -1;
  return 0;
}

void sim_site_free(struct sim_site *s)
{
  if (!s->ideal)
    sim_rb_free(&s->rb);
}

double sim_site_tic(struct sim_site *s, int64_t t, int64_t *qerr_ps)
{
  const struct scenario *sc = &s->sc;
  double x = 0;
  if (!s->ideal) {
    sim_rb_advance(&s->rb, t);
    x = sim_rb_x_at(&s->rb, t);
  }
  double saw = sim_rx_sawtooth_ns(sc, s->index, t);
  double ns = x + sim_gps_common_ns(sc, t) + sim_rx_error_ns(sc, s->index, t) + saw;
  if (sc->tic_resolution_ns > 0)
    ns = round(ns / sc->tic_resolution_ns) * sc->tic_resolution_ns;
  if (qerr_ps)
    *qerr_ps = llround(saw * 1000.0);
  /* A counter reads the interval to the next stop edge: within [0, 1) s. */
  double sec = fmod(ns * 1e-9, 1.0);
  return sec < 0 ? sec + 1.0 : sec;
}

double sim_site_true_x(const struct sim_site *s, int64_t t)
{
  return s->ideal ? 0.0 : sim_rb_x_at(&s->rb, t);
}

void sim_site_set_freq(struct sim_site *s, double correction)
{
  if (!s->ideal)
    sim_rb_set_freq(&s->rb, correction);
}

int sim_site_phase_step(struct sim_site *s, double ns)
{
  if (s->ideal || !s->sc.has_phase_step)
    return -1;
  sim_rb_phase_step(&s->rb, ns);
  return 0;
}

void sim_site_run(struct sim_site *s, int64_t t)
{
  if (!s->ideal)
    sim_rb_advance(&s->rb, t);
}

int sim_site_hw_get(const struct sim_site *s, struct sim_rb_hw *hw)
{
  if (s->ideal)
    return -1;
  sim_rb_hw_get(&s->rb, hw);
  return 0;
}

int sim_site_hw_set(struct sim_site *s, const struct sim_rb_hw *hw)
{
  if (s->ideal)
    return -1;
  sim_rb_hw_set(&s->rb, hw);
  return 0;
}

void sim_site_sats(const struct sim_site *s, int64_t t, int *visible, int *used)
{
  /* The constellation changes slowly: a new count every 10 minutes. */
  uint64_t h = rng_hash3(s->sc.seed, 0x6000 + (uint64_t)s->index,
                         (uint64_t)tu_floor_div(t, SLOT_NS));
  *visible = 9 + (int)(h % 4);
  *used = *visible - (int)((h >> 8) % 3);
}
