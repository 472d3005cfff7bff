/* The catalogue of statistics: names, which have confidence intervals, Stable32's stop
 * ratios, and dispatch by kind. */
#include "config.h"
#include "stats/stats.h"

#include <string.h>

static const struct {
  const char *name;
  double (*fn)(const struct st_data *, size_t, size_t *);
  int has_ci;
  /* Stable32's stop ratio: an octave, decade or all-tau run of this statistic stops before
   * the factor that leaves fewer than this many tau in the record. */
  size_t stop;
} stats[ST_NSTATS] = {
    [ST_ADEV] = {"adev", st_adev, 1, 5},
    [ST_OADEV] = {"oadev", st_oadev, 1, 4},
    [ST_MDEV] = {"mdev", st_mdev, 1, 4},
    [ST_TDEV] = {"tdev", st_tdev, 1, 4},
    [ST_HDEV] = {"hdev", st_hdev, 1, 5},
    [ST_OHDEV] = {"ohdev", st_ohdev, 1, 4},
    [ST_TOTDEV] = {"totdev", st_totdev, 1, 2},
    [ST_TIERMS] = {"tierms", st_tierms, 0, 4},
    [ST_MTIE] = {"mtie", st_mtie, 0, 2},
    [ST_GRADEV] = {"gradev", st_gradev, 1, 4},
};

const char *st_stat_name(enum st_stat s) { return stats[s].name; }

int st_stat_parse(const char *s)
{
  for (int i = 0; i < ST_NSTATS; i++)
    if (strcmp(s, stats[i].name) == 0)
      return i;
  return -1;
}

int st_stat_has_ci(enum st_stat s) { return stats[s].has_ci; }

double st_dev(enum st_stat s, const struct st_data *d, size_t m, size_t *count)
{
  return stats[s].fn(d, m, count);
}

size_t st_count(enum st_stat s, size_t n, size_t m)
{
  if (m == 0 || n < 2)
    return 0;
  size_t k = (n - 1) / m; /* frequency averages at tau */
  switch (s) {
  case ST_ADEV:
    return k >= 2 ? k - 1 : 0;
  case ST_HDEV:
    return k >= 3 ? k - 2 : 0;
  case ST_OADEV:
  case ST_GRADEV:
    return n > 2 * m ? n - 2 * m : 0;
  case ST_OHDEV:
    return n > 3 * m ? n - 3 * m : 0;
  case ST_MDEV:
  case ST_TDEV:
    return n >= 3 * m ? n - 3 * m + 1 : 0;
  case ST_TOTDEV:
    return n >= 3 && m <= n - 1 ? n - 2 : 0;
  default: /* TIE rms and MTIE: every interval, every window */
    return n > m ? n - m : 0;
  }
}

size_t st_stop_ratio(enum st_stat s) { return stats[s].stop; }

size_t st_max_af(enum st_stat s, size_t n)
{
  if (n < 2)
    return 0;
  size_t span = n - 1; /* the record is (n - 1) tau0 long */
  return (span - 1) / stats[s].stop; /* the largest m with m * stop < span */
}
