/* Simulated GPS timing errors, in ns of lateness of a receiver's 1PPS (a late pulse makes
 * the TIC, started by the local 1PPS and stopped by the receiver's, read more).
 *
 * The part common to all sites (satellite clocks and orbits, ionosphere) is a pure
 * function of (seed, time), so that separate site processes agree without talking and
 * common view removes it exactly.  Each site adds its own: white noise at 1 s that a
 * track's averaging removes; a part constant over each 10-minute slot that averaging
 * does not remove (cv_noise_ns / sqrt 2 rms, so that one common-view difference has
 * cv_noise_ns); a 24 h variation at remotes; delay steps; and the sawtooth that the
 * receiver reports as qErr. */
#ifndef CVD_SIM_GPSERR_H
#define CVD_SIM_GPSERR_H

#include <stdint.h>

#include "sim/scenario.h"

double sim_gps_common_ns(const struct scenario *sc, int64_t t);

/* The site's own error at second t, without the sawtooth and the common part. */
double sim_rx_error_ns(const struct scenario *sc, int site, int64_t t);
/* The sawtooth of the pulse at second t (ns, within +-rx_sawtooth_ns/2). */
double sim_rx_sawtooth_ns(const struct scenario *sc, int site, int64_t t);

#endif
