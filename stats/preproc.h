/* Preprocessing before a stability run, each step reporting what it removed:
 * - outliers by robust sigma, as Stable32's Check does: the median absolute deviation of
 *   the frequency data, MAD = median(|y - median(y)|) / 0.6745 (the standard deviation of
 *   normal data), and every y with |y - median(y)| > K MAD an outlier (SP 1065's section on
 *   gaps, jumps and outliers; Stable32's Check function).  Frequency data: each outlier becomes
 *   a gap.  Phase data: the frequency is the first difference of the phase, so a bad phase
 *   point makes two outliers of opposite sign, and that point becomes a gap; a lone
 *   outlier is a phase step, counted and left in (removing it would need a new phase after
 *   it, which is not an outlier's removal).
 * - frequency drift, fitted by least squares over the points present and removed, the mean
 *   frequency kept: linear (a frequency drift constant in time: y = a + b t; on phase data
 *   x = c0 + c1 t + c2 t^2, drift 2 c2), quadratic (y = a + b t + c t^2; on phase data a
 *   cubic), log (y = a ln(b t + 1) + c, the log model of SP 1065's frequency drift analysis
 *   and Stable32's Drift function; frequency data only).
 * Gaps (NaN) are skipped by both.  Times t are i tau0 from the first point. */
#ifndef CVD_STATS_PREPROC_H
#define CVD_STATS_PREPROC_H

#include <stddef.h>

struct st_outliers {
  double k;      /* the threshold, in MADs */
  double median; /* of the frequency data (dimensionless) */
  double mad;    /* the robust sigma, MAD / 0.6745 */
  size_t removed; /* values (frequency) or points (phase) made gaps */
  size_t steps;   /* phase data: lone frequency outliers, phase steps left in */
};

/* Removes the outliers of v (n values, frequency or phase) in place.  Returns 0, or -1 with
 * a message in err (fewer than 3 values, no memory). */
int st_remove_outliers(double *v, size_t n, int freq, double tau0, double k,
                       struct st_outliers *out, char *err, size_t errlen);

enum st_drift { ST_DRIFT_NONE, ST_DRIFT_LINEAR, ST_DRIFT_QUADRATIC, ST_DRIFT_LOG };

struct st_driftfit {
  enum st_drift model;
  /* Frequency drift removed: linear, b (per second); quadratic, b and c (per s, per s^2);
   * log, a and b (y = a ln(b t + 1)); rate_per_day the drift over the record's last day
   * (dimensionless per day). */
  double coef[3];
  double rate_per_day;
};

/* "linear", "quadratic" or "log": the model, or -1. */
int st_drift_parse(const char *s);
const char *st_drift_name(enum st_drift m);
/* Fits and removes the drift of v in place.  Returns 0, or -1 with a message in err (too
 * few points, log on phase data, a singular fit). */
int st_remove_drift(double *v, size_t n, int freq, double tau0, enum st_drift model,
                    struct st_driftfit *out, char *err, size_t errlen);

#endif
