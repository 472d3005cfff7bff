#include "config.h"
#include "tic/ticlabel.h"

#include <math.h>
#include <stdio.h>

#include "core/timeutil.h"
#include "tic/tic.h"

int ticlabel_latency_option(const struct drvconf *c, double *latency_s, char *err,
                            size_t errlen)
{
  *latency_s = TICLABEL_LATENCY_DEFAULT;
  return drvconf_double(c, "latency", TICLABEL_LATENCY_MIN, TICLABEL_LATENCY_MAX, latency_s,
                        err, errlen);
}

double ticlabel_completion_s(double raw_s)
{
  return (raw_s > 0 ? raw_s : 0.0) - tic_unwrap_ns(raw_s) / 1e9;
}

int ticlabel_by_arrival(int64_t arrival_ns, double raw_s, double latency_s, int64_t *t)
{
  /* A value no counter of 1PPS gives has no completion offset to take (its ns would not
   * fit an int64_t): labelled by arrival alone, for tic_read to refuse as garbage. */
  double done = raw_s >= TIC_RAW_MIN_S && raw_s <= TIC_RAW_MAX_S ? ticlabel_completion_s(raw_s)
                                                                  : 0.0;
  /* In integer ns: a double of UTC ns has no digits left for the fraction. */
  int64_t end = arrival_ns - llround(done * 1e9);
  int64_t early = llround(TICLABEL_EARLY_S * 1e9);
  int64_t sec = tu_floor_div(end + early, NS_PER_S) * NS_PER_S;
  if (end - sec > llround(latency_s * 1e9))
    return 0;
  *t = sec;
  return 1;
}

void ticlabel_lock_init(struct ticlabel_lock *l, int64_t unit)
{
  *l = (struct ticlabel_lock){.unit = unit, .last_stamp = INT64_MIN};
}

static int64_t predict(const struct ticlabel_lock *l, int64_t ref_stamp, int64_t ref_t,
                       int64_t stamp)
{
  return ref_t + tu_floor_div(stamp - ref_stamp + l->unit / 2, l->unit) * NS_PER_S;
}

int ticlabel_lock_label(struct ticlabel_lock *l, int64_t stamp, int arrival_ok,
                        int64_t arrival_t, int64_t *t)
{
  if (stamp <= l->last_stamp)
    l->locked = l->has_cand = 0;
  l->last_stamp = stamp;
  if (l->locked) {
    int64_t n = predict(l, l->ref_stamp, l->ref_t, stamp);
    if (!arrival_ok || n == arrival_t) {
      l->has_cand = 0;
      *t = n;
      return 1;
    }
  } else if (!arrival_ok)
    return 0;
  if (l->has_cand && predict(l, l->cand_stamp, l->cand_t, stamp) == arrival_t) {
    /* Two timely readings agree: lock on them, or move the lock to them. */
    l->relocks += l->locked;
    l->locked = 1;
    l->has_cand = 0;
    l->ref_stamp = stamp;
    l->ref_t = arrival_t;
    *t = arrival_t;
    return 1;
  }
  l->has_cand = 1;
  l->cand_stamp = stamp;
  l->cand_t = arrival_t;
  return 0;
}
