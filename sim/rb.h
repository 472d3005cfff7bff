/* A simulated rubidium oscillator: the true time error x = LOCAL - REF of a remote site's
 * clock, integrated second by second from its fractional frequency
 *   y(t) = init_freq + drift (t - start) + white FM + flicker FM + random-walk FM
 *          + frequency steps + the steering correction applied to it,
 * with phase steps applied as they come (a PRS10 accepts them).  The noise is set by the
 * scenario as ADEV levels (NIST SP 1065 table 5 relations):
 *   white FM    sigma_y(tau) = a / sqrt(tau), i.i.d. y per second of std a;
 *   flicker FM  sigma_y = floor = sqrt(2 ln 2 h_-1), Kasdin-Walter alpha = 1 every
 *               SIM_RB_FLICKER_DT s, interpolated;
 *   random-walk sigma_y(1 d) = b: increments of variance 3 b^2 dt / 86400 s. */
#ifndef CVD_SIM_RB_H
#define CVD_SIM_RB_H

#include <stdint.h>

#include "sim/noise.h"
#include "sim/rng.h"
#include "sim/scenario.h"

#define SIM_RB_FLICKER_DT 60   /* s between flicker FM samples */
#define SIM_RB_FLICKER_LEN 16384 /* filter length: about 11 days of memory */

struct sim_rb {
  const struct scenario *sc;
  int site;
  int64_t t;       /* time of x, UTC ns, whole seconds */
  int started;     /* advanced at least once */
  double x_ns;     /* true LOCAL - REF */
  double steer;    /* steering correction applied now */
  double steer_ns; /* the phase the steering has added to x_ns: corrections and steps */
  double y_last;   /* total fractional frequency over the last second */
  struct rng white;
  struct rng rw_rng;
  struct kw_stream flicker;
  double fl_a, fl_b; /* flicker samples at fl_t and fl_t + DT */
  int64_t fl_t;
  double rw;         /* random-walk FM state */
};

int sim_rb_init(struct sim_rb *rb, const struct scenario *sc, int site);
void sim_rb_free(struct sim_rb *rb);
/* Integrates to time t (never backwards; t is rounded down to a whole second). */
void sim_rb_advance(struct sim_rb *rb, int64_t t);
void sim_rb_set_freq(struct sim_rb *rb, double correction);
void sim_rb_phase_step(struct sim_rb *rb, double ns);

/* What the hardware holds of its steering, which outlives the daemon that set it: the
 * correction it applies and the phase steering has added by time t. */
struct sim_rb_hw {
  int64_t t;
  double steer_ns, steer;
};
void sim_rb_hw_get(const struct sim_rb *rb, struct sim_rb_hw *hw);
/* A clock made afresh (nothing integrated yet) takes up the steering hw says it held:
 * free-running until hw->t, then with hw's phase and correction. */
void sim_rb_hw_set(struct sim_rb *rb, const struct sim_rb_hw *hw);
/* x at time t >= rb->t, interpolated within the current second without advancing (and
 * before the scenario's start, at the initial frequency). */
double sim_rb_x_at(const struct sim_rb *rb, int64_t t);

#endif
