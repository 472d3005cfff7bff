/* Outlier and drift removal before a stability run (see preproc.h). */
#include "config.h"
#include "stats/preproc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The k-th smallest of a[0 .. n-1] (Hoare's selection; a is reordered). */
static double select_k(double *a, size_t n, size_t k)
{
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double piv = a[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < piv)
        i++;
      while (a[j] > piv)
        j--;
      if (i <= j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        if (j == 0)
          break;
        j--;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return a[k];
  }
  return a[k];
}

static double median_of(double *a, size_t n)
{
  double m = select_k(a, n, n / 2);
  if (n % 2 == 0) { /* the mean of the two middle values */
    double below = a[0];
    for (size_t i = 1; i < n / 2; i++)
      if (a[i] > below)
        below = a[i];
    m = 0.5 * (m + below);
  }
  return m;
}

/* The frequency at i: v[i] itself, or the phase's first difference over tau0. */
static double freq_at(const double *v, size_t i, int freq, double tau0)
{
  return freq ? v[i] : (v[i + 1] - v[i]) / tau0;
}

int st_remove_outliers(double *v, size_t n, int freq, double tau0, double k,
                       struct st_outliers *out, char *err, size_t errlen)
{
  *out = (struct st_outliers){.k = k};
  size_t ny = freq ? n : n - 1, m = 0;
  double *a = n >= 3 ? malloc(sizeof *a * ny) : NULL;
  if (!a) {
    snprintf(err, errlen, n < 3 ? "--outliers needs at least 3 values" : "out of memory");
    return -1;
  }
  for (size_t i = 0; i < ny; i++) {
    double y = freq_at(v, i, freq, tau0);
    if (!isnan(y))
      a[m++] = y;
  }
  if (m < 3) {
    free(a);
    snprintf(err, errlen, "--outliers needs at least 3 frequency values without gaps");
    return -1;
  }
  out->median = median_of(a, m);
  for (size_t i = 0; i < m; i++)
    a[i] = fabs(a[i] - out->median);
  out->mad = median_of(a, m) / 0.6745;
  free(a);
  double lim = k * out->mad;
  if (freq) {
    for (size_t i = 0; i < n; i++)
      if (fabs(v[i] - out->median) > lim) { /* NaN compares false: a gap stays a gap */
        v[i] = NAN;
        out->removed++;
      }
    return 0;
  }
  /* Phase: a spike (two neighbouring outliers of opposite sign) loses its point; any
   * other outlier is a step of the phase, counted. */
  for (size_t i = 0; i + 1 < n; i++) {
    double dy = (v[i + 1] - v[i]) / tau0 - out->median;
    if (!(fabs(dy) > lim))
      continue;
    double dn = i + 2 < n ? (v[i + 2] - v[i + 1]) / tau0 - out->median : NAN;
    if (fabs(dn) > lim && (dn > 0) != (dy > 0)) {
      v[i + 1] = NAN;
      out->removed++;
      i++; /* both differences through the point are gone */
    } else {
      out->steps++;
    }
  }
  return 0;
}
