/* The averaging factors of a run: Stable32's octave and decade sequences, every factor, or
 * the user's list of tau. */
#include "config.h"
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_size(const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static size_t sort_unique(size_t *v, size_t n)
{
  qsort(v, n, sizeof *v, cmp_size);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || v[i] != v[k - 1])
      v[k++] = v[i];
  return k;
}

/* The next factor of a sequence: octave doubles; decade goes 1, 2, 4, 10, 20, 40, 100 ... */
static size_t next_af(const char *kind, size_t m)
{
  if (strcmp(kind, "octave") == 0)
    return 2 * m;
  if (strcmp(kind, "decade") == 0) {
    size_t p = 1;
    while (m >= 10 * p)
      p *= 10;
    return m / p == 4 ? 10 * p : 2 * m;
  }
  return m + 1;
}

static int keyword_taus(const char *kind, size_t n, unsigned mask, size_t **afs, size_t *naf,
                        char *err, size_t errlen)
{
  size_t limit = 0;
  for (int s = 0; s < ST_NSTATS; s++)
    if (mask & (1u << s) && st_max_af((enum st_stat)s, n) > limit)
      limit = st_max_af((enum st_stat)s, n);
  size_t cap = 64, k = 0;
  size_t *v = malloc(sizeof *v * cap);
  for (size_t m = 1; v && m <= limit; m = next_af(kind, m)) {
    if (k == cap) {
      size_t *nv = realloc(v, sizeof *v * (cap *= 2));
      if (!nv)
        free(v);
      v = nv;
      if (!v)
        break;
    }
    v[k++] = m;
  }
  if (!v) {
    snprintf(err, errlen, "out of memory for the averaging factors");
    return -1;
  }
  if (k == 0) {
    free(v);
    snprintf(err, errlen, "%zu points are too few for any averaging time", n);
    return -1;
  }
  *afs = v;
  *naf = k;
  return 0;
}

static int list_taus(const char *spec, size_t n, double tau0, size_t **afs, size_t *naf,
                     char *err, size_t errlen)
{
  size_t cap = 1;
  for (const char *p = spec; *p; p++)
    cap += *p == ',';
  size_t *v = malloc(sizeof *v * cap), k = 0;
  if (!v) {
    snprintf(err, errlen, "out of memory for the averaging factors");
    return -1;
  }
  const char *p = spec;
  for (;;) {
    char *end;
    errno = 0;
    double tau = strtod(p, &end);
    while (*end == ' ')
      end++;
    if (end == p || (*end != ',' && *end != '\0') || errno || !isfinite(tau) || tau <= 0.0) {
      snprintf(err, errlen,
               "bad tau list '%s': expected octave, decade, all or positive tau in seconds "
               "separated by commas",
               spec);
      free(v);
      return -1;
    }
    double m = nearbyint(tau / tau0);
    if (m < 1.0 || fabs(m * tau0 - tau) > 1e-9 * tau) {
      snprintf(err, errlen, "tau %g s is not a whole multiple of tau0 (%g s)", tau, tau0);
      free(v);
      return -1;
    }
    if (m > (double)(n - 1)) {
      snprintf(err, errlen, "tau %g s is longer than the data (%zu points of %g s)", tau, n,
               tau0);
      free(v);
      return -1;
    }
    v[k++] = (size_t)m;
    if (*end == '\0')
      break;
    p = end + 1;
  }
  *naf = sort_unique(v, k);
  *afs = v;
  return 0;
}

int st_taus(const char *spec, size_t n, double tau0, unsigned mask, size_t **afs, size_t *naf,
            int *limited, char *err, size_t errlen)
{
  *afs = NULL;
  *naf = 0;
  if (n < 2) {
    snprintf(err, errlen, "%zu points are too few for any averaging time", n);
    return -1;
  }
  *limited = strcmp(spec, "octave") == 0 || strcmp(spec, "decade") == 0 ||
             strcmp(spec, "all") == 0;
  if (*limited)
    return keyword_taus(spec, n, mask, afs, naf, err, errlen);
  return list_taus(spec, n, tau0, afs, naf, err, errlen);
}
