#include "config.h"
#include "track/linfit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int linfit_ls(const double *x, const double *y, const uint8_t *used, int n, struct linfit *f)
{
  /* Centre x and y first: 1 Hz times across a slot and nanosecond values far from zero
   * would otherwise lose digits in the sums. */
  double sx = 0, sy = 0;
  int m = 0;
  for (int i = 0; i < n; i++)
    if (used[i]) {
      sx += x[i];
      sy += y[i];
      m++;
    }
  memset(f, 0, sizeof *f);
  f->sigma = NAN;
  if (m == 0)
    return -1;
  double mx = sx / m, my = sy / m, sxx = 0, sxy = 0;
  for (int i = 0; i < n; i++)
    if (used[i]) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
  f->n_used = m;
  f->b = sxx > 0 ? sxy / sxx : 0.0;
  f->a = my - f->b * mx;
  if (m > 2) {
    double ss = 0;
    for (int i = 0; i < n; i++)
      if (used[i]) {
        double r = y[i] - (f->a + f->b * x[i]);
        ss += r * r;
      }
    f->sigma = sqrt(ss / (m - 2));
  }
  return 0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int linfit_robust(const double *x, const double *y, uint8_t *used, int n, double k,
                  double floor, struct linfit *f)
{
  double *r = malloc(sizeof(double) * (size_t)(n ? n : 1));
  double *tmp = malloc(sizeof(double) * (size_t)(n ? n : 1));
  int rejected = -1;
  if (!r || !tmp)
    goto out;
  for (int i = 0; i < n; i++)
    used[i] = 1;
  if (linfit_ls(x, y, used, n, f) != 0)
    goto out;
  /* Start from the line through the medians of the two halves (x is in time order), so
   * that a burst of outliers cannot tilt the first fit; then iterate least squares on the
   * samples kept. */
  if (n >= 6) {
    int h = n / 2;
    memcpy(tmp, y, sizeof(double) * (size_t)h);
    double y1 = median(tmp, h);
    memcpy(tmp, y + n - h, sizeof(double) * (size_t)h);
    double y2 = median(tmp, h);
    memcpy(tmp, x, sizeof(double) * (size_t)h);
    double x1 = median(tmp, h);
    memcpy(tmp, x + n - h, sizeof(double) * (size_t)h);
    double x2 = median(tmp, h);
    if (x2 > x1) {
      f->b = (y2 - y1) / (x2 - x1);
      f->a = 0.5 * (y1 + y2) - f->b * 0.5 * (x1 + x2);
    }
  }
  for (int iter = 0; iter < 10; iter++) {
    for (int i = 0; i < n; i++)
      r[i] = tmp[i] = y[i] - (f->a + f->b * x[i]);
    double med = median(tmp, n);
    for (int i = 0; i < n; i++)
      tmp[i] = fabs(r[i] - med);
    double mad = 1.4826 * median(tmp, n);
    double lim = k * (mad > floor ? mad : floor);
    int changed = 0;
    for (int i = 0; i < n; i++) {
      uint8_t keep = fabs(r[i] - med) <= lim;
      if (keep != used[i]) {
        used[i] = keep;
        changed = 1;
      }
    }
    if (linfit_ls(x, y, used, n, f) != 0)
      goto out;
    if (!changed)
      break;
  }
  rejected = n - f->n_used;
out:
  free(r);
  free(tmp);
  return rejected;
}
