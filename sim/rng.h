/* Deterministic random numbers for the simulation.
 *
 * Two kinds: a counter-based hash (rng_hash*, rng_normal_at), so that a value is a pure
 * function of (seed, stream, index) and separate processes agree without talking
 * (DESIGN.md section 3); and a fast sequential generator (xoshiro256**) for long
 * streams owned by one object. */
#ifndef CVD_SIM_RNG_H
#define CVD_SIM_RNG_H

#include <stdint.h>

uint64_t rng_mix(uint64_t x); /* splitmix64's finaliser */
uint64_t rng_hash3(uint64_t a, uint64_t b, uint64_t c);
/* Uniform in (0, 1) from 64 random bits. */
double rng_u01(uint64_t bits);
/* Standard normal as a pure function of (seed, stream, index). */
double rng_normal_at(uint64_t seed, uint64_t stream, uint64_t index);

struct rng {
  uint64_t s[4];
  int has_spare;
  double spare;
};

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
double rng_uniform(struct rng *r); /* (0, 1) */
double rng_normal(struct rng *r);  /* standard normal (Marsaglia's polar method) */

#endif
