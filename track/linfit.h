/* A robust straight line through 1 Hz samples: least squares after rejecting outliers
 * by the median absolute deviation of the residuals (MAD scaled by 1.4826 estimates a
 * Gaussian sigma), repeated until no sample changes side. */
#ifndef CVD_LINFIT_H
#define CVD_LINFIT_H

#include <stdint.h>

struct linfit {
  double a;      /* value at x = 0 */
  double b;      /* slope */
  double sigma;  /* standard deviation of the used samples about the line (n - 2 dof) */
  int n_used;
};

/* Ordinary least squares over the samples with used[i] != 0.  Returns 0, or -1 with fewer
 * than one sample.  With one sample, b = 0 and sigma = NAN; with two, sigma = NAN. */
int linfit_ls(const double *x, const double *y, const uint8_t *used, int n, struct linfit *f);

/* Robust fit: rejects samples further than k * max(1.4826 MAD, floor) from the line.
 * used[] is set; returns the number rejected, or -1 when no sample is left. */
int linfit_robust(const double *x, const double *y, uint8_t *used, int n, double k,
                  double floor, struct linfit *f);

#endif
