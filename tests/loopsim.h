/* A noise-free clock in a closed loop with a controller, for servo tests: the free clock
 * x_free(t) = x0 + y (t - t0) (+ steps), the steering integrated exactly from the commands,
 * one measurement per 10-minute slot delivered `latency` after the slot's end. */
#ifndef CVD_LOOPSIM_H
#define CVD_LOOPSIM_H

#include <stdint.h>

#include "steer/ctl.h"

struct loopsim {
  struct ctl *ctl;
  int64_t t0, latency;
  double x0, y;            /* free clock at t0, ns and fractional */
  int64_t tstep_at;        /* time step of the clock, 0 for none */
  double tstep_ns;
  int64_t fstep_at;        /* frequency step of the clock, 0 for none */
  double fstep;
  double meas_noise_ns;    /* deterministic alternating noise added, ns */
  int can_step;
  /* steering state */
  int have_cmd;
  struct steer_cmd cmd;
  int64_t applied_step;
  double steer_ns;
  int64_t steer_t;
  double max_change;       /* largest frequency change between commands seen */
  int k;                   /* slots run */
};

void loopsim_init(struct loopsim *l, struct ctl *c, int64_t t0, double x0, double y);
double loopsim_free(const struct loopsim *l, int64_t t);
/* Steered x at t (advances the steering integration to t, which must not go back). */
double loopsim_x(struct loopsim *l, int64_t t);
/* Runs one slot: measurement, controller, command applied `latency` after the slot's end.
 * Returns x at the slot's end. */
double loopsim_slot(struct loopsim *l);

#endif
