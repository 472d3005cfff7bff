/* Whole-series clock noise for tests and simulations: power-law phase and frequency noise by
 * the Kasdin-Walter method (N. J. Kasdin and T. Walter, "Discrete simulation of power law
 * noise", Proc. IEEE FCS 1992; NIST SP 1065 sec. 8.2), plus linear frequency drift and
 * frequency steps, each set by the Allan deviation it gives at a stated tau.
 *
 * The series is phase x in seconds at interval tau0.  A noise of type alpha (the exponent of
 * its fractional-frequency spectrum, S_y(f) = h_alpha f^alpha) is white noise through the
 * Kasdin-Walter filter of exponent 2 - alpha, applied to the whole series at once: by FFT
 * convolution for the flicker noises (2^20 points in about half a second), as the exact
 * running sums it is for the others.  Its level is set exactly: the
 * expected Allan variance of the discrete filtered process at the stated tau is computed
 * from the filter itself, so the generated series has that ADEV there, and at other tau
 * the slope SP 1065's conversion formulas (pl_adev_sp1065) predict. */
#ifndef CVD_SIM_POWERLAW_H
#define CVD_SIM_POWERLAW_H

#include <stddef.h>

#include "sim/rng.h"

enum pl_noise {
  PL_WPM = 2,  /* white phase */
  PL_FPM = 1,  /* flicker phase */
  PL_WFM = 0,  /* white frequency */
  PL_FFM = -1, /* flicker frequency */
  PL_RWFM = -2 /* random-walk frequency */
};

/* The expected Allan variance at averaging factor m of the unit process (the filter driven
 * by white noise of variance 1, tau0 = 1): E[(x[t+2m] - 2 x[t+m] + x[t])^2] / (2 m^2) in
 * the steady state.  NaN for an alpha outside 2 .. -2. */
double pl_avar_unit(int alpha, size_t m);

/* Adds to x[0 .. n-1] noise of type alpha whose Allan deviation at tau (rounded to a whole
 * multiple of tau0) is adev.  Returns 0, or -1 for a bad argument or no memory. */
int pl_add_noise(double *x, size_t n, double tau0, int alpha, double adev, double tau,
                 struct rng *r);

/* Adds a linear frequency drift: x += D t^2 / 2 with D = sqrt(2) adev / tau, the drift
 * whose Allan deviation at tau is adev (SP 1065 sec. 5.2.2: sigma_y(tau) = D tau / sqrt(2)).
 * A negative adev gives a negative drift. */
void pl_add_drift(double *x, size_t n, double tau0, double adev, double tau);

/* Adds a fractional frequency step dy at time t (seconds from the first point). */
void pl_add_step(double *x, size_t n, double tau0, double t, double dy);

/* SP 1065's conversions between h_alpha and the Allan deviation at tau, with the
 * measurement bandwidth f_h = 1 / (2 tau0) for the PM noises:
 *   white PM    sigma^2 = 3 f_h h_2 / (4 pi^2 tau^2)
 *   flicker PM  sigma^2 = (1.038 + 3 ln(2 pi f_h tau)) h_1 / (4 pi^2 tau^2)
 *   white FM    sigma^2 = h_0 / (2 tau)
 *   flicker FM  sigma^2 = 2 ln 2 h_-1
 *   RW FM       sigma^2 = (2 pi^2 / 3) tau h_-2 */
double pl_adev_sp1065(int alpha, double h, double tau, double tau0);
double pl_h_sp1065(int alpha, double adev, double tau, double tau0);

#endif
