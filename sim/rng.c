#include "config.h"
#include "sim/rng.h"

#include <math.h>

uint64_t rng_mix(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t rng_hash3(uint64_t a, uint64_t b, uint64_t c)
{
  return rng_mix(rng_mix(rng_mix(a) ^ b) ^ c);
}

double rng_u01(uint64_t bits) { return ((double)(bits >> 11) + 0.5) * 0x1.0p-53; }

double rng_normal_at(uint64_t seed, uint64_t stream, uint64_t index)
{
  uint64_t h = rng_hash3(seed, stream, index);
  double u1 = rng_u01(h), u2 = rng_u01(rng_mix(h));
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
  uint64_t x = rng_hash3(seed, stream, 0x5eed);
  for (int i = 0; i < 4; i++) {
    x = rng_mix(x);
    r->s[i] = x;
  }
  r->has_spare = 0;
}

uint64_t rng_next(struct rng *r)
{
  uint64_t *s = r->s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double rng_uniform(struct rng *r) { return rng_u01(rng_next(r)); }

double rng_normal(struct rng *r)
{
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  double u, v, s;
  do {
    u = 2.0 * rng_uniform(r) - 1.0;
    v = 2.0 * rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double m = sqrt(-2.0 * log(s) / s);
  r->spare = v * m;
  r->has_spare = 1;
  return u * m;
}
