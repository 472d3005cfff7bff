#include "config.h"
#include "sim/noise.h"

#include <stdlib.h>
#include <string.h>

void noise_kw_coeffs(double alpha, double *h, int n)
{
  if (n <= 0)
    return;
  h[0] = 1.0;
  for (int k = 1; k < n; k++)
    h[k] = h[k - 1] * ((double)k - 1.0 + alpha / 2.0) / (double)k;
}

int kw_stream_init(struct kw_stream *s, double alpha, int len, double sigma, uint64_t seed,
                   uint64_t stream)
{
  memset(s, 0, sizeof *s);
  s->h = malloc(sizeof(double) * (size_t)len);
  s->w = calloc(2 * (size_t)len, sizeof(double));
  if (!s->h || !s->w) {
    kw_stream_free(s);
    return -1;
  }
  s->len = len;
  s->sigma = sigma;
  noise_kw_coeffs(alpha, s->h, len);
  rng_seed(&s->rng, seed, stream);
  return 0;
}

double kw_stream_next(struct kw_stream *s)
{
  s->pos = s->pos == 0 ? s->len - 1 : s->pos - 1;
  double w = s->sigma * rng_normal(&s->rng);
  s->w[s->pos] = s->w[s->pos + s->len] = w;
  const double *h = s->h, *x = s->w + s->pos;
  double acc = 0.0;
  for (int k = 0; k < s->len; k++)
    acc += h[k] * x[k];
  return acc;
}

void kw_stream_free(struct kw_stream *s)
{
  free(s->h);
  free(s->w);
  s->h = s->w = NULL;
}
