/* Power-law noise by the Kasdin-Walter method (N. J. Kasdin and T. Walter, "Discrete
 * simulation of power law noise", Proc. IEEE FCS 1992; NIST SP 1065 section 8.2):
 * white noise of variance Q through the filter
 *   h_0 = 1,  h_k = h_{k-1} (k - 1 + alpha/2) / k
 * has the one-sided spectral density S(f) = 2 Q tau0 / (2 sin(pi f tau0))^alpha,
 * i.e. S(f) ~ h_alpha f^-alpha at low f with h = 2 Q tau0 (2 pi tau0)^-alpha.
 *
 * This file holds the filter and a streaming generator (a truncated FIR, for the clock
 * models that run for as long as the service does). */
#ifndef CVD_SIM_NOISE_H
#define CVD_SIM_NOISE_H

#include <stdint.h>

#include "sim/rng.h"

void noise_kw_coeffs(double alpha, double *h, int n);

struct kw_stream {
  int len;     /* filter length: the memory of the process, in samples */
  double *h;   /* len coefficients */
  double *w;   /* 2*len white inputs, newest at w[pos] (mirrored at w[pos+len]) */
  int pos;
  double sigma; /* sqrt(Q) */
  struct rng rng;
};

int kw_stream_init(struct kw_stream *s, double alpha, int len, double sigma, uint64_t seed,
                   uint64_t stream);
double kw_stream_next(struct kw_stream *s);
void kw_stream_free(struct kw_stream *s);

#endif
