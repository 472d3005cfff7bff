#include "config.h"
#include "sim/powerlaw.h"

#include <math.h>
#include <stdlib.h>

#include "sim/noise.h"

/* The Kasdin-Walter exponent of the phase filter for frequency noise alpha. */
static double kw_exponent(int alpha) { return 2.0 - alpha; }

/* sum_k g_k^2 for g = h convolved with the second difference at stride m (taps 1, -2, 1 at
 * 0, m, 2m), h the filter h_0 = 1, h_j = h_{j-1} (j - 1 + a/2) / j.  The three copies of h
 * are run by their own recurrences, so nothing is stored.  For the white, random-walk and
 * doubly integrated filters g ends at 2m; for the flicker ones g_k falls like k^(a/2 - 3)
 * and the tail past K is summed in closed form from g_K. */
double pl_avar_unit(int alpha, size_t m)
{
  if (alpha > 2 || alpha < -2 || m == 0)
    return NAN;
  double a = kw_exponent(alpha);
  int flicker = alpha == PL_FPM || alpha == PL_FFM;
  size_t K = flicker ? 2 * m + 64 * m + 4096 : 2 * m;
  double h0 = 1.0, h1 = 0.0, h2 = 0.0, s = 0.0, g = 0.0;
  for (size_t k = 0; k <= K; k++) {
    if (k > 0)
      h0 *= ((double)k - 1.0 + a / 2.0) / (double)k;
    if (k == m)
      h1 = 1.0;
    else if (k > m)
      h1 *= ((double)(k - m) - 1.0 + a / 2.0) / (double)(k - m);
    if (k == 2 * m)
      h2 = 1.0;
    else if (k > 2 * m)
      h2 *= ((double)(k - 2 * m) - 1.0 + a / 2.0) / (double)(k - 2 * m);
    g = h0 - 2.0 * h1 + h2;
    s += g * g;
  }
  if (flicker)
    s += g * g * (double)K / (5.0 - a); /* sum_{k>K} k^(a-6) ~ K^(a-5) / (5 - a) */
  return s / (2.0 * (double)m * (double)m);
}

/* An in-place radix-2 complex FFT of length L (a power of two); inverse without the 1/L.
 * tw holds cos and sin of 2 pi k / L for k < L/2, each straight from libm (a recurrence
 * would drift over 2^20 steps); the butterflies run block by block so that memory is
 * walked in order. */
static void fft(double *re, double *im, size_t L, const double *tw, int inverse)
{
  for (size_t i = 1, j = 0; i < L; i++) {
    size_t bit = L >> 1;
    for (; j & bit; bit >>= 1)
      j ^= bit;
    j |= bit;
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const double *tc = tw, *ts = tw + L / 2;
  double sign = inverse ? 1.0 : -1.0;
  for (size_t len = 2; len <= L; len <<= 1) {
    size_t half = len / 2, step = L / len;
    for (size_t i = 0; i < L; i += len)
      for (size_t k = 0; k < half; k++) {
        double wr = tc[k * step], wi = sign * ts[k * step];
        size_t p = i + k, q = p + half;
        double tr = re[q] * wr - im[q] * wi, ti = re[q] * wi + im[q] * wr;
        re[q] = re[p] - tr;
        im[q] = im[p] - ti;
        re[p] += tr;
        im[p] += ti;
      }
  }
}

/* The filters of even exponent are exactly the identity (a = 0: h = 1, 0, 0, ...), a
 * running sum (a = 2: h_k = 1) and a double running sum (a = 4: h_k = k + 1): applied as
 * such, in O(n) and without the FFT's rounding, which for the doubly integrated walk (h up
 * to 1e6 for 2^20 points) would add white PM of a few 1e-3 of the noise. */
static void kw_even(double *x, size_t n, double a, double sigma, struct rng *r)
{
  double s1 = 0.0, s2 = 0.0;
  for (size_t i = 0; i < n; i++) {
    double w = rng_normal(r);
    s1 += w;
    s2 += s1;
    x[i] += sigma * (a == 0.0 ? w : a == 2.0 ? s1 : s2);
  }
}

/* x += sqrt(Q) (h * w)[0 .. n-1], the Kasdin-Walter series: the filter h and the white
 * noise w packed as one complex sequence h + i w, one forward FFT gives both spectra, and
 * one inverse FFT their product's linear convolution (zero padding to L >= 2n). */
static int kw_series(double *x, size_t n, double a, double sigma, struct rng *r)
{
  if (a == 0.0 || a == 2.0 || a == 4.0) {
    kw_even(x, n, a, sigma, r);
    return 0;
  }
  size_t L = 2;
  while (L < 2 * n)
    L <<= 1;
  double *re = calloc(L, sizeof(double)), *im = calloc(L, sizeof(double));
  double *tw = malloc(sizeof(double) * L);
  if (!re || !im || !tw) {
    free(re);
    free(im);
    free(tw);
    return -1;
  }
  for (size_t k = 0; k < L / 2; k++) {
    tw[k] = cos(2.0 * M_PI * (double)k / (double)L);
    tw[L / 2 + k] = sin(2.0 * M_PI * (double)k / (double)L);
  }
  noise_kw_coeffs(a, re, (int)n);
  for (size_t i = 0; i < n; i++)
    im[i] = rng_normal(r);
  fft(re, im, L, tw, 0);
  /* H_k = (Z_k + conj Z_{L-k}) / 2, W_k = (Z_k - conj Z_{L-k}) / 2i; P_k = H_k W_k. */
  for (size_t k = 0; k <= L / 2; k++) {
    size_t j = (L - k) & (L - 1);
    double hr = 0.5 * (re[k] + re[j]), hi = 0.5 * (im[k] - im[j]);
    double wr = 0.5 * (im[k] + im[j]), wi = -0.5 * (re[k] - re[j]);
    double pr = hr * wr - hi * wi, pi = hr * wi + hi * wr;
    re[k] = pr;
    im[k] = pi;
    re[j] = pr;
    im[j] = -pi;
  }
  fft(re, im, L, tw, 1);
  for (size_t i = 0; i < n; i++)
    x[i] += sigma * re[i] / (double)L;
  free(re);
  free(im);
  free(tw);
  return 0;
}

int pl_add_noise(double *x, size_t n, double tau0, int alpha, double adev, double tau,
                 struct rng *r)
{
  if (alpha > 2 || alpha < -2 || !(tau0 > 0.0) || !(adev >= 0.0) || !(tau > 0.0) ||
      n > (size_t)INT32_MAX)
    return -1;
  if (adev == 0.0 || n == 0)
    return 0;
  double m = fmax(1.0, nearbyint(tau / tau0));
  /* AVAR(tau) = Q avar_unit(m) / tau0^2 for white noise of variance Q. */
  double q = adev * adev * tau0 * tau0 / pl_avar_unit(alpha, (size_t)m);
  return kw_series(x, n, kw_exponent(alpha), sqrt(q), r);
}

void pl_add_drift(double *x, size_t n, double tau0, double adev, double tau)
{
  double D = M_SQRT2 * adev / tau;
  for (size_t i = 0; i < n; i++) {
    double t = (double)i * tau0;
    x[i] += 0.5 * D * t * t;
  }
}

void pl_add_step(double *x, size_t n, double tau0, double t, double dy)
{
  for (size_t i = 0; i < n; i++) {
    double ti = (double)i * tau0;
    if (ti > t)
      x[i] += dy * (ti - t);
  }
}

/* SP 1065's domain conversions: sigma_y^2(tau) = (this factor) h_alpha for each noise. */
static double sp1065_factor(int alpha, double tau, double tau0)
{
  double fh = 1.0 / (2.0 * tau0);
  switch (alpha) {
  case PL_WPM:
    return 3.0 * fh / (4.0 * M_PI * M_PI * tau * tau);
  case PL_FPM:
    return (1.038 + 3.0 * log(2.0 * M_PI * fh * tau)) / (4.0 * M_PI * M_PI * tau * tau);
  case PL_WFM:
    return 1.0 / (2.0 * tau);
  case PL_FFM:
    return 2.0 * log(2.0);
  case PL_RWFM:
    return 2.0 * M_PI * M_PI * tau / 3.0;
  default:
    return NAN;
  }
}

double pl_adev_sp1065(int alpha, double h, double tau, double tau0)
{
  return sqrt(h * sp1065_factor(alpha, tau, tau0));
}

double pl_h_sp1065(int alpha, double adev, double tau, double tau0)
{
  return adev * adev / sp1065_factor(alpha, tau, tau0);
}
