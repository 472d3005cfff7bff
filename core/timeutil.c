#include "config.h"
#include "core/timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t tu_floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

int64_t tu_slot_start(int64_t t) { return tu_floor_div(t, SLOT_NS) * SLOT_NS; }

int tu_mjd(int64_t t) { return (int)(tu_floor_div(t, NS_PER_DAY) + MJD_UNIX_EPOCH); }

int tu_sod(int64_t t)
{
  int64_t day = tu_floor_div(t, NS_PER_DAY);
  return (int)((t - day * NS_PER_DAY) / NS_PER_S);
}

int64_t tu_from_mjd_sod(int mjd, int sod)
{
  return ((int64_t)mjd - MJD_UNIX_EPOCH) * NS_PER_DAY + (int64_t)sod * NS_PER_S;
}

/* Days from civil date, proleptic Gregorian (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

char *tu_format(int64_t t, char *buf, size_t len, int with_frac)
{
  int64_t day = tu_floor_div(t, NS_PER_DAY);
  int64_t rem = t - day * NS_PER_DAY;
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  int sod = (int)(rem / NS_PER_S);
  long frac = (long)(rem % NS_PER_S);
  if (with_frac)
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", y, m, d, sod / 3600,
             sod / 60 % 60, sod % 60, frac);
  else
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, sod / 3600, sod / 60 % 60,
             sod % 60);
  return buf;
}

static int take_int(const char **p, int digits, int *out)
{
  int v = 0;
  for (int i = 0; i < digits; i++) {
    if (!isdigit((unsigned char)**p))
      return -1;
    v = v * 10 + (**p - '0');
    (*p)++;
  }
  *out = v;
  return 0;
}

int tu_parse(const char *s, int64_t *t)
{
  if (s[0] == '@') {
    char *end;
    errno = 0;
    double v = strtod(s + 1, &end);
    if (errno || end == s + 1 || *end || !isfinite(v) || v > TU_MAX_S || v < -TU_MAX_S)
      return -1;
    *t = (int64_t)(v * 1e9 + (v >= 0 ? 0.5 : -0.5));
    return 0;
  }
  const char *p = s;
  int y, mo, d, h, mi, sec;
  if (take_int(&p, 4, &y) || *p++ != '-' || take_int(&p, 2, &mo) || *p++ != '-' ||
      take_int(&p, 2, &d) || (*p != 'T' && *p != ' ') || (p++, take_int(&p, 2, &h)) ||
      *p++ != ':' || take_int(&p, 2, &mi) || *p++ != ':' || take_int(&p, 2, &sec))
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 ||
      y < TU_MIN_YEAR || y > TU_MAX_YEAR)
    return -1;
  int64_t frac = 0;
  if (*p == '.') {
    p++;
    int64_t scale = 100000000;
    if (!isdigit((unsigned char)*p))
      return -1;
    while (isdigit((unsigned char)*p)) {
      frac += (*p - '0') * scale;
      scale /= 10;
      p++;
    }
  }
  if (*p == 'Z')
    p++;
  if (*p)
    return -1;
  int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
  int cy, cm, cd;
  civil_from_days(days, &cy, &cm, &cd);
  if (cd != d) /* 31 April and the like */
    return -1;
  *t = days * NS_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * NS_PER_S + frac;
  return 0;
}

static int64_t now_of(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t tu_wall_ns(void) { return now_of(CLOCK_REALTIME); }
int64_t tu_mono_ns(void) { return now_of(CLOCK_MONOTONIC); }
