#include "config.h"
#include "sim/rb.h"

#include <math.h>
#include <string.h>

#include "core/timeutil.h"

int sim_rb_init(struct sim_rb *rb, const struct scenario *sc, int site)
{
  memset(rb, 0, sizeof *rb);
  rb->sc = sc;
  rb->site = site;
  rb->t = sc->start;
  rb->x_ns = sc->init_time_ns;
  rb->y_last = sc->init_freq; /* and before the start, the clock ran at that frequency */
  rng_seed(&rb->white, sc->seed, 0x100 + (uint64_t)site);
  rng_seed(&rb->rw_rng, sc->seed, 0x200 + (uint64_t)site);
  /* Q = pi sigma^2 / (2 ln 2) gives the flicker floor sigma (see noise.h and SP 1065
   * table 5: sigma_y^2 = 2 ln 2 h_-1 with h_-1 = Q / pi for alpha = 1). */
  double q = M_PI * sc->rb_flicker_floor * sc->rb_flicker_floor / (2.0 * M_LN2);
  if (kw_stream_init(&rb->flicker, 1.0, SIM_RB_FLICKER_LEN, sqrt(q), sc->seed,
                     0x300 + (uint64_t)site) != 0)
    return -1;
  rb->fl_t = sc->start;
  rb->fl_a = kw_stream_next(&rb->flicker);
  rb->fl_b = kw_stream_next(&rb->flicker);
  return 0;
}

void sim_rb_free(struct sim_rb *rb) { kw_stream_free(&rb->flicker); }

static double steps_at(const struct sim_rb *rb, int64_t t)
{
  const struct scenario *sc = rb->sc;
  double y = 0;
  for (int i = 0; i < sc->n_freq_steps; i++) {
    const struct sim_freq_step *s = &sc->freq_steps[i];
    if ((s->site == SIM_ALL || s->site == rb->site) &&
        t >= sc->start + (int64_t)(s->hour * 3600e9))
      y += s->size;
  }
  return y;
}

static void flicker_roll(struct sim_rb *rb)
{
  const struct scenario *sc = rb->sc;
  rb->fl_t += SIM_RB_FLICKER_DT * NS_PER_S;
  rb->fl_a = rb->fl_b;
  rb->fl_b = kw_stream_next(&rb->flicker);
  if (sc->rb_rwfm_adev_1d > 0)
    rb->rw += sc->rb_rwfm_adev_1d * sqrt(3.0 * SIM_RB_FLICKER_DT / 86400.0) *
              rng_normal(&rb->rw_rng);
}

/* A clock asked about before the scenario's start (a process whose shared clock began
 * early) starts there: where its initial frequency would have put it. */
static void start_early(struct sim_rb *rb, int64_t t)
{
  int64_t t0 = (t / NS_PER_S) * NS_PER_S;
  if (t0 >= rb->t || rb->started)
    return;
  rb->x_ns += rb->sc->init_freq * (double)(t0 - rb->t);
  rb->t = t0;
  rb->fl_t = t0;
}

void sim_rb_advance(struct sim_rb *rb, int64_t t)
{
  const struct scenario *sc = rb->sc;
  start_early(rb, t);
  rb->started = 1;
  const double drift_per_s = sc->rb_drift_per_day / 86400.0;
  const double wfm = sc->rb_adev_1s;
  while (rb->t + NS_PER_S <= t) {
    while (rb->t >= rb->fl_t + SIM_RB_FLICKER_DT * NS_PER_S)
      flicker_roll(rb);
    double el = (double)(rb->t - sc->start) / 1e9;
    double f = (double)(rb->t - rb->fl_t) / (SIM_RB_FLICKER_DT * 1e9);
    double y = sc->init_freq + drift_per_s * el + wfm * rng_normal(&rb->white) +
               rb->fl_a + f * (rb->fl_b - rb->fl_a) + rb->rw + steps_at(rb, rb->t) + rb->steer;
    rb->y_last = y;
    rb->x_ns += y * 1e9;
    rb->steer_ns += rb->steer * 1e9;
    rb->t += NS_PER_S;
  }
}

void sim_rb_set_freq(struct sim_rb *rb, double correction) { rb->steer = correction; }


void sim_rb_phase_step(struct sim_rb *rb, double ns)
{
  rb->x_ns += ns;
  rb->steer_ns += ns;
}

void sim_rb_hw_get(const struct sim_rb *rb, struct sim_rb_hw *hw)
{
  hw->t = rb->t;
  hw->steer_ns = rb->steer_ns;
  hw->steer = rb->steer;
}

void sim_rb_hw_set(struct sim_rb *rb, const struct sim_rb_hw *hw)
{
  rb->steer = 0;
  sim_rb_advance(rb, hw->t);
  rb->x_ns += hw->steer_ns - rb->steer_ns;
  rb->steer_ns = hw->steer_ns;
  rb->steer = hw->steer;
}

double sim_rb_x_at(const struct sim_rb *rb, int64_t t)
{
  return rb->x_ns + rb->y_last * (double)(t - rb->t);
}
