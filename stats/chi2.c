/* The chi-squared distribution for confidence intervals: the regularized incomplete gamma
 * function and its inverse.  The degrees of freedom run from below 1 (a deviation from a
 * handful of terms) to about N / 2 for 1e7 points, so both ends must be right. */
#include "config.h"
#include "stats/stats.h"

#include <float.h>
#include <math.h>

/* exp(-x + a ln x - lnGamma(a)), the factor both expansions share.  For large a its
 * exponent is a difference of numbers near a ln a, which would cost log10(a ln a) digits;
 * with Stirling's series for lnGamma it becomes -a (u - ln(1 + u)) + ln(a / 2 pi) / 2 -
 * 1/(12 a) + 1/(360 a^3), u = x/a - 1, whose parts are all small near the quantiles. */
static double gamma_prefactor(double a, double x)
{
  int sign; /* lgamma_r, not lgamma, which writes the global signgam: runs share threads */
  if (a < 100.0)
    return exp(-x + a * log(x) - lgamma_r(a, &sign));
  double u = (x - a) / a;
  double corr = 1.0 / (12.0 * a) - 1.0 / (360.0 * a * a * a);
  return exp(-a * (u - log1p(u)) + 0.5 * log(a / (2.0 * M_PI)) - corr);
}

/* The series P(a, x) = prefactor * sum_n x^n / (a (a+1) ... (a+n)), for x < a + 1.  Its terms
 * fall off like exp(-n^2 / 2a) near x = a, so it takes some sqrt(a) terms. */
static double gamma_p_series(double a, double x)
{
  double del = 1.0 / a, sum = del;
  double limit = 20.0 * sqrt(a) + 200.0;
  for (double k = 1.0; k < limit; k++) {
    del *= x / (a + k);
    sum += del;
    if (fabs(del) < fabs(sum) * DBL_EPSILON)
      break;
  }
  return sum * gamma_prefactor(a, x);
}

/* Q(a, x) = 1 - P(a, x) by its continued fraction (modified Lentz), for x >= a + 1. */
static double gamma_q_cf(double a, double x)
{
  const double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, dd = 1.0 / b, h = dd;
  double limit = 20.0 * sqrt(a) + 200.0;
  for (double i = 1.0; i < limit; i++) {
    double an = -i * (i - a);
    b += 2.0;
    dd = an * dd + b;
    if (fabs(dd) < tiny)
      dd = tiny;
    c = b + an / c;
    if (fabs(c) < tiny)
      c = tiny;
    dd = 1.0 / dd;
    double del = dd * c;
    h *= del;
    if (fabs(del - 1.0) < DBL_EPSILON)
      break;
  }
  return gamma_prefactor(a, x) * h;
}

double st_gamma_p(double a, double x)
{
  if (!(a > 0.0) || isnan(x))
    return NAN;
  if (x <= 0.0)
    return 0.0;
  if (isinf(x))
    return 1.0;
  return x < a + 1.0 ? gamma_p_series(a, x) : 1.0 - gamma_q_cf(a, x);
}

/* The standard normal quantile by Acklam's rational approximation (relative error about
 * 1e-9): only a starting point, which Newton's method then refines. */
static double normal_quantile(double p)
{
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  if (p < 0.02425 || p > 1.0 - 0.02425) {
    double q = sqrt(-2.0 * log(p < 0.5 ? p : 1.0 - p));
    double z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    return p < 0.5 ? z : -z;
  }
  double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

/* The chi-squared quantile: Wilson and Hilferty's cube-root normal approximation to start,
 * then Newton's method on P(nu/2, x/2) = p inside a bracket that bisection keeps honest
 * where Newton would leave it (small nu, whose density is infinite at 0). */
double st_chi2_quantile(double p, double nu)
{
  if (!(p > 0.0 && p < 1.0) || !(nu > 0.0) || !isfinite(nu))
    return NAN;
  double a = nu / 2.0;
  double h = 2.0 / (9.0 * nu), z = normal_quantile(p);
  double x = nu * pow(fmax(1.0 - h + z * sqrt(h), 0.01), 3.0);
  double lo = 0.0, hi = x;
  while (st_gamma_p(a, hi / 2.0) < p)
    hi *= 2.0;
  if (x >= hi)
    x = hi / 2.0;
  for (int it = 0; it < 200; it++) {
    double f = st_gamma_p(a, x / 2.0) - p;
    if (f < 0.0)
      lo = x;
    else
      hi = x;
    double dens = gamma_prefactor(a, x / 2.0) / x; /* the density: x^(a-1) e^(-x/2) / (2^a Gamma(a)) */
    double nx = dens > 0.0 && isfinite(dens) ? x - f / dens : NAN;
    if (!(nx > lo && nx < hi))
      nx = 0.5 * (lo + hi);
    if (fabs(nx - x) <= 4.0 * DBL_EPSILON * x || hi - lo <= 4.0 * DBL_EPSILON * hi)
      return nx;
    x = nx;
  }
  return x;
}

/* Stable32's one-sigma intervals, which it labels 0.683: computed with 0.6827 (its printed
 * bounds fit that to the last digit; 0.683 and 0.682689 do not), and above 100 degrees of
 * freedom with Wilson and Hilferty's cube-root approximation at the 16 % and 84 % points
 * (there the exact quantile, 0.5 % of the half-width away at 800 degrees of freedom, does
 * not fit).  Other confidences are Stable32's to choose; they get exact quantiles. */
static double stable32_quantile(double p, double nu)
{
  if (nu <= 100.0)
    return st_chi2_quantile(p, nu);
  double h = 2.0 / (9.0 * nu), z = normal_quantile(p < 0.5 ? 0.16 : 0.84);
  double c = 1.0 - h + z * sqrt(h);
  return nu * c * c * c;
}

/* SP 1065 sec. 5.3: sigma^2 edf / chi^2(1 - (1-conf)/2) <= sigma^2 <= sigma^2 edf /
 * chi^2((1-conf)/2). */
int st_ci(double dev, double edf, double conf, int exact, double *lo, double *hi)
{
  *lo = *hi = NAN;
  if (!(edf > 0.0) || !isfinite(edf) || !(conf > 0.0 && conf < 1.0) || !isfinite(dev))
    return -1;
  int stable32 = !exact && fabs(conf - 0.683) < 5e-4;
  double pl = (1.0 - (stable32 ? 0.6827 : conf)) / 2.0;
  double (*q)(double, double) = stable32 ? stable32_quantile : st_chi2_quantile;
  *lo = dev * sqrt(edf / q(1.0 - pl, edf));
  *hi = dev * sqrt(edf / q(pl, edf));
  return 0;
}
