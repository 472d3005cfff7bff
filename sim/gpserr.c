#include "config.h"
#include "sim/gpserr.h"

#include <math.h>

#include "core/timeutil.h"
#include "sim/rng.h"

enum { STREAM_COMMON = 0x1000, STREAM_SINE = 0x1100, STREAM_WHITE = 0x2000,
       STREAM_SLOT = 0x3000, STREAM_DIURNAL = 0x4000, STREAM_SAW = 0x5000 };

#define COMMON_NODE_S 300 /* s between the nodes of the common random process */
#define COMMON_SINES 4

/* Half the variance in sines of 2 to 12 h periods (orbits, ionosphere), half in a random
 * process interpolated between nodes 5 minutes apart (satellite clocks, changes of the
 * constellation).  Linear interpolation between i.i.d. nodes of variance s^2 has mean
 * variance 2/3 s^2. */
double sim_gps_common_ns(const struct scenario *sc, int64_t t)
{
  const double g = sc->gps_common_ns;
  if (g == 0)
    return 0;
  double ts = (double)(t - sc->start) / 1e9;
  double e = 0;
  for (int k = 0; k < COMMON_SINES; k++) {
    uint64_t h = rng_hash3(sc->seed, STREAM_SINE, (uint64_t)k);
    double period = 7200.0 + 36000.0 * rng_u01(h);
    double phase = 2 * M_PI * rng_u01(rng_mix(h));
    e += (g / 2) * sin(2 * M_PI * ts / period + phase);
  }
  int64_t node = tu_floor_div(t - sc->start, (int64_t)COMMON_NODE_S * NS_PER_S);
  double f = (ts - (double)node * COMMON_NODE_S) / COMMON_NODE_S;
  double a = rng_normal_at(sc->seed, STREAM_COMMON, (uint64_t)node);
  double b = rng_normal_at(sc->seed, STREAM_COMMON, (uint64_t)(node + 1));
  e += g * sqrt(0.75) * (a + f * (b - a));
  return e;
}

static double slot_error_ns(const struct scenario *sc, int site, int64_t t)
{
  if (sc->cv_noise_ns == 0)
    return 0;
  uint64_t slot = (uint64_t)tu_floor_div(t, SLOT_NS);
  return sc->cv_noise_ns / M_SQRT2 * rng_normal_at(sc->seed, STREAM_SLOT + (uint64_t)site, slot);
}

double sim_rx_error_ns(const struct scenario *sc, int site, int64_t t)
{
  uint64_t sec = (uint64_t)tu_floor_div(t, NS_PER_S);
  double e = sc->rx_white_ns * rng_normal_at(sc->seed, STREAM_WHITE + (uint64_t)site, sec);
  e += slot_error_ns(sc, site, t);
  if (site > 0 && sc->cv_diurnal_ns > 0) {
    double phase = 2 * M_PI * rng_u01(rng_hash3(sc->seed, STREAM_DIURNAL, (uint64_t)site));
    e += sc->cv_diurnal_ns * sin(2 * M_PI * (double)tu_sod(t) / 86400.0 + phase);
  }
  for (int i = 0; i < sc->n_delay_steps; i++) {
    const struct sim_delay_step *d = &sc->delay_steps[i];
    if (d->site == site && t >= sc->start + (int64_t)(d->hour * 3600e9))
      e += d->ns;
  }
  return e;
}

double sim_rx_sawtooth_ns(const struct scenario *sc, int site, int64_t t)
{
  if (sc->rx_sawtooth_ns == 0)
    return 0;
  uint64_t sec = (uint64_t)tu_floor_div(t, NS_PER_S);
  return sc->rx_sawtooth_ns * (rng_u01(rng_hash3(sc->seed, STREAM_SAW + (uint64_t)site, sec)) - 0.5);
}
