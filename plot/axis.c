/* Tick generation for the three kinds of axis (see plot.h): linear steps of 1, 2 or 5 times
 * a power of ten ("nice numbers", P. S. Heckbert, Graphics Gems I, 1990), log decades, and
 * UTC times on calendar steps. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plot/plot.h"

/* "1.5e-06" -> "1.5e-6", "2e+12" -> "2e12". */
static void tidy_exponent(char *s)
{
  char *e = strchr(s, 'e');
  if (!e)
    return;
  char *p = e + 1, *q = e + 1;
  if (*p == '+')
    p++;
  else if (*p == '-')
    *q++ = *p++;
  while (*p == '0' && p[1])
    p++;
  memmove(q, p, strlen(p) + 1);
}

static void linear_label(double v, double step, double maxabs, char *out, size_t n)
{
  if (v == 0) {
    snprintf(out, n, "0");
    return;
  }
  int sdec = (int)floor(log10(step) + 1e-9);
  if (maxabs >= 1e6 || maxabs < 1e-3) {
    int digits = (int)floor(log10(fabs(v)) + 1e-9) - sdec;
    snprintf(out, n, "%.*e", digits > 0 ? digits : 0, v);
    tidy_exponent(out);
  } else {
    snprintf(out, n, "%.*f", sdec < 0 ? -sdec : 0, v);
  }
}

static int ticks_linear(double lo, double hi, int maxticks, struct plot_ticks *t)
{
  static const double mant[3] = {1, 2, 5};
  double mag = pow(10, floor(log10((hi - lo) / maxticks)) - 1);
  double step = 0, k0 = 0, k1 = 0;
  for (int i = 0; i < 60 && step == 0; i++) {
    double s = mant[i % 3] * mag * pow(10, i / 3);
    k0 = floor(lo / s + 1e-9);
    k1 = ceil(hi / s - 1e-9);
    if (k1 - k0 + 1 <= maxticks)
      step = s;
  }
  if (step == 0 || k1 - k0 + 1 > PLOT_MAX_TICKS)
    return -1;
  t->step = step;
  t->lo = k0 * step;
  t->hi = k1 * step;
  double maxabs = fmax(fabs(t->lo), fabs(t->hi));
  for (double k = k0; k <= k1; k++) {
    double v = k * step;
    if (fabs(v) < step * 1e-9)
      v = 0;
    t->v[t->n] = v;
    linear_label(v, step, maxabs, t->label[t->n], sizeof t->label[0]);
    t->n++;
  }
  /* Minor ticks: fifths of a step of 1 or 5, halves... quarters of a step of 2. */
  double m = step / 5;
  if (fabs(step / pow(10, floor(log10(step) + 1e-9)) - 2) < 1e-6)
    m = step / 4;
  for (double k = ceil(t->lo / m - 1e-9); k * m <= t->hi + m * 1e-9; k++)
    if (t->nminor < PLOT_MAX_MINOR)
      t->minor[t->nminor++] = k * m;
  return 0;
}

/* Decades inside [lo, hi]; when there is none, the range widens to whole decades. */
static int ticks_log(double lo, double hi, int maxticks, struct plot_ticks *t)
{
  int d0 = (int)ceil(log10(lo) - 1e-9), d1 = (int)floor(log10(hi) + 1e-9);
  if (d1 < d0) {
    d0 = (int)floor(log10(lo) + 1e-9);
    d1 = (int)ceil(log10(hi) - 1e-9);
    if (d1 <= d0)
      d1 = d0 + 1;
    lo = pow(10, d0);
    hi = pow(10, d1);
  }
  static const int steps[] = {1, 2, 3, 5, 10, 20, 50, 100};
  int s = 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0] && !s; i++) {
    int a = (int)ceil((double)d0 / steps[i]), b = (int)floor((double)d1 / steps[i]);
    if (b - a + 1 <= maxticks && b - a + 1 <= PLOT_MAX_TICKS)
      s = steps[i];
  }
  if (!s)
    return -1;
  t->lo = lo;
  t->hi = hi;
  t->step = s;
  for (int d = d0 - 1; d <= d1; d++) {
    double v = pow(10, d);
    if (d >= d0 && d % s == 0) {
      t->v[t->n] = v;
      snprintf(t->label[t->n], sizeof t->label[0], "1e%d", d);
      t->n++;
    } else if (v >= lo && t->nminor < PLOT_MAX_MINOR) {
      t->minor[t->nminor++] = v;
    }
    for (int m = 2; s == 1 && m <= 9; m++)
      if (m * v >= lo * (1 - 1e-9) && m * v <= hi * (1 + 1e-9) && t->nminor < PLOT_MAX_MINOR)
        t->minor[t->nminor++] = m * v;
  }
  /* Less than two decades: 2 and 5 times each decade labelled too ("2e-13"). */
  if (t->n < 3 && maxticks >= 6) {
    t->n = 0;
    for (int d = d0 - 1; d <= d1; d++)
      for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) {
        double v = m * pow(10, d);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && t->n < PLOT_MAX_TICKS) {
          t->v[t->n] = v;
          snprintf(t->label[t->n], sizeof t->label[0], "%de%d", m, d);
          t->n++;
        }
      }
  }
  return 0;
}

/* Unix seconds of the first day of month m (months since 1970-01). */
static double month_start(long m)
{
  struct tm tm = {.tm_year = (int)(70 + m / 12), .tm_mon = (int)(m % 12), .tm_mday = 1};
  return (double)timegm(&tm);
}

static void time_label(double v, double step, int first, char *out, size_t n)
{
  time_t tt = (time_t)llround(v);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char date[16];
  strftime(date, sizeof date, "%Y-%m-%d", &tm);
  if (step >= 365 * 86400.0)
    strftime(out, n, "%Y", &tm);
  else if (step >= 28 * 86400.0)
    strftime(out, n, "%Y-%m", &tm);
  else if (step >= 86400)
    snprintf(out, n, "%s", date);
  else {
    char hm[16];
    strftime(hm, sizeof hm, step < 60 ? "%H:%M:%S" : "%H:%M", &tm);
    if (first || (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0))
      snprintf(out, n, "%s\n%s", hm, date);
    else
      snprintf(out, n, "%s", hm);
  }
}

/* Calendar ticks: months (1, 2, 3, 6) and years (1, 2, 5, 10...), when days are too fine. */
static int ticks_calendar(double lo, double hi, int maxticks, struct plot_ticks *t)
{
  static const int msteps[] = {1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200};
  time_t tl = (time_t)floor(lo);
  struct tm tm;
  gmtime_r(&tl, &tm);
  long m0 = (tm.tm_year - 70) * 12L + tm.tm_mon;
  for (size_t i = 0; i < sizeof msteps / sizeof msteps[0]; i++) {
    long ms = msteps[i];
    size_t n = 0;
    for (long m = (m0 / ms) * ms; month_start(m) <= hi; m += ms)
      n += month_start(m) >= lo;
    if ((int)n > maxticks || n > PLOT_MAX_TICKS)
      continue;
    t->step = ms * 30.44 * 86400;
    for (long m = (m0 / ms) * ms; month_start(m) <= hi; m += ms)
      if (month_start(m) >= lo) {
        t->v[t->n] = month_start(m);
        time_label(t->v[t->n], ms >= 12 ? 365 * 86400.0 : 28 * 86400.0, 0, t->label[t->n],
                   sizeof t->label[0]);
        t->n++;
      }
    return 0;
  }
  return -1;
}

static int ticks_time(double lo, double hi, int maxticks, struct plot_ticks *t)
{
  static const double steps[] = {1,     2,     5,     10,     15,     30,     60,
                                 120,   300,   600,   900,    1800,   3600,   7200,
                                 10800, 21600, 43200, 86400,  172800, 604800,
                                 1209600};
  size_t ns = sizeof steps / sizeof steps[0];
  t->lo = lo;
  t->hi = hi;
  for (size_t i = 0; i < ns; i++) {
    /* Weeks start on Mondays (1970-01-05 was one), everything else at multiples of the
     * step since the epoch: UTC has no daylight saving. */
    double off = steps[i] == 604800 || steps[i] == 1209600 ? 4 * 86400.0 : 0;
    double k0 = ceil((lo - off) / steps[i] - 1e-9), k1 = floor((hi - off) / steps[i] + 1e-9);
    if (k1 - k0 + 1 > maxticks || k1 - k0 + 1 > PLOT_MAX_TICKS)
      continue;
    t->step = steps[i];
    for (double k = k0; k <= k1; k++) {
      t->v[t->n] = off + k * steps[i];
      time_label(t->v[t->n], steps[i], t->n == 0, t->label[t->n], sizeof t->label[0]);
      t->n++;
    }
    if (i > 0) {
      double m = steps[i - 1];
      if (fmod(steps[i], m) != 0 && i > 1)
        m = steps[i - 2];
      for (double k = ceil((lo - off) / m - 1e-9); off + k * m <= hi; k++)
        if (t->nminor < PLOT_MAX_MINOR)
          t->minor[t->nminor++] = off + k * m;
    }
    return 0;
  }
  return ticks_calendar(lo, hi, maxticks, t);
}

int plot_ticks(enum plot_axis_kind kind, double lo, double hi, int maxticks,
               struct plot_ticks *t)
{
  memset(t, 0, sizeof *t);
  if (!isfinite(lo) || !isfinite(hi) || lo > hi || (kind == PLOT_AXIS_LOG && lo <= 0) ||
      !isfinite(hi - lo))
    return -1;
  /* Dates from the year 1 to 9999 only (gmtime and ISO 8601's four digits). */
  if (kind == PLOT_AXIS_TIME && (lo < -62135596800.0 || hi > 253402300799.0))
    return -1;
  if (maxticks < 2)
    maxticks = 2;
  if (maxticks > PLOT_MAX_TICKS)
    maxticks = PLOT_MAX_TICKS;
  if (kind == PLOT_AXIS_LOG)
    return ticks_log(lo, hi, maxticks, t);
  if (hi - lo <= fmax(fabs(lo), fabs(hi)) * 1e-12) { /* one value, or as good as one */
    double d = kind == PLOT_AXIS_TIME ? 3600 : lo == 0 ? 1 : fabs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  if (kind == PLOT_AXIS_TIME)
    return ticks_time(lo, hi, maxticks, t);
  return ticks_linear(lo, hi, maxticks, t);
}
