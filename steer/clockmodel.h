/* The noise model of a clock in the (phase, frequency, drift) state space, for the Kalman
 * filter and for holdover predictions.  Process noise after the common clock models
 * (e.g. Galleani & Tavella, "Kalman filtering for the clock", and NIST SP 1065 table 5):
 *   q1 phase diffusion from white FM:     q1 = adev_1s^2 * 1 s           [s^2/s]
 *   q2 frequency random walk (flicker FM approximated, plus random-walk FM):
 *      q2 = 3 (floor^2 / 1e4 s + rwfm_1d^2 / 86400 s)                    [1/s]
 *   q3 drift random walk [1/s^3], usually 0.
 * State units here: x ns, y ns/s (= fractional * 1e9), d ns/s^2. */
#ifndef CVD_CLOCKMODEL_H
#define CVD_CLOCKMODEL_H

struct clock_model {
  double adev_1s;          /* white FM [1e-11] */
  double flicker_floor;    /* flicker FM floor [2e-13] */
  double rwfm_adev_1d;     /* random-walk FM at 1 day [0] */
  double drift_rw;         /* drift random walk, (1/day)/sqrt(day) [0] */
};

void cm_default(struct clock_model *m);

/* P <- F P F' + Q for dt seconds. */
void cm_propagate(const struct clock_model *m, double dt, double P[3][3]);

#endif
