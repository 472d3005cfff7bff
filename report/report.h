/* report: the monthly uncertainty report of a remote clock, from the server's store.
 *
 * What it promises (cvd-report(1) says it to the reader):
 * - x = REMOTE - REF (DESIGN.md section 3), in ns, from the store's common-view
 *   differences of the remote with its reference (the lab's UTC(k)), one value a slot.
 * - Daily means over UTC days with their expanded uncertainty U = k u_c, k = 2, in the
 *   GUM's form (JCGM 100:2008, sections 4 and 5): Type A from the data, Type B from the
 *   calibration and the stated delay and reference uncertainties, combined in quadrature.
 *   The Type A of a daily mean is not sd / sqrt(n) alone: correlated noise is counted by
 *   TDEV at 1 day (ITU-T G.810, NIST SP 1065 section 5.2.6), whichever is larger.
 * - TDEV and MDEV from 10 min to 10 days with 68 % confidence intervals (stats/), the
 *   frequency uncertainty at 1 day, the share of time LOCKED, every holdover with its
 *   length and largest predicted |x|, re-acquisitions, faults, commands not taken up, and
 *   the delays applied and calibrations given (the calibration history).
 * Times are UTC ns; deviations in ns (TDEV) or dimensionless (MDEV). */
#ifndef CVD_REPORT_H
#define CVD_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/track.h"
#include "db/dbc.h"

#define REPORT_MAX_TAU 12
#define REPORT_MAX_CALS 8
#define REPORT_MAX_ITEMS 16

/* A calibration of the remote's delays against the reference (cvd calibrate --json). */
struct report_cal {
  char date[32];          /* the end of its run, ISO 8601 UTC */
  char source[256];       /* the file it was read from */
  double u_ns;            /* its standard uncertainty */
  double delay_ns;        /* REF - DUT it measured */
};

/* What the lab states beside the store (the Type B inputs). */
struct report_opts {
  const char *site;
  const char *ref;        /* NULL: the store's (reportq_reference) */
  int year, month;
  int64_t from, to;       /* whole UTC days instead of the month, when to > from */
  struct report_cal cals[REPORT_MAX_CALS]; /* oldest first; the last is in force */
  int ncals;
  double u_cal_ns;        /* without a calibration: the delays' uncertainty assumed [5] */
  double u_delays_ns;     /* site delays measured apart from the calibration [0] */
  double u_ref_ns;        /* the reference point: UTC(k) to the reference's TIC [0] */
};
void report_opts_default(struct report_opts *o);

struct report_day {
  char date[11];          /* YYYY-MM-DD */
  int64_t start;
  int n;                  /* tracks (common-view differences) */
  double mean_ns, sd_ns, white_ns; /* white_ns: one track's white noise, from differences */
  double u_a_ns, U_ns, max_abs_ns;
};

struct report_stat {      /* one averaging time of TDEV or MDEV */
  double tau, dev, lo, hi;
  const char *noise;      /* "W PM", "F PM", "W FM", "F FM", "RW FM" or "" */
};

struct report_item {      /* one line of the uncertainty budget */
  char name[64], source[256];
  char type;              /* 'A' or 'B' */
  double u_ns;
};

struct report_holdover {
  int64_t start, end;
  double hours, max_pred_abs_x_ns, max_bound95_ns;
};

struct report_event {
  int64_t t;
  char kind[24];
  char text[256];
};

struct report_delays {    /* the delays applied from `from` on (one row per change) */
  char site[SITE_NAME_MAX];
  int64_t from;
  double intdly, cabdly, ppsdly, refdly;
};

struct report_month {
  char site[SITE_NAME_MAX], ref[SITE_NAME_MAX], month[8];
  int64_t from, to;
  int nslots, ntracks, filled; /* slots of the month, tracks, gaps filled for the stats */
  int first_lock;         /* slot index from which the clock is no longer ACQUIRING */
  struct report_day *days;
  int ndays;
  double locked_pct, holdover_pct;
  struct report_item items[REPORT_MAX_ITEMS];
  int nitems;
  double u_a_ns, u_b_ns, u_c_ns, U_ns;
  struct report_stat tdev[REPORT_MAX_TAU], mdev[REPORT_MAX_TAU];
  int ntau;
  double tdev_1d_ns, mdev_1d, mdev_1d_hi; /* NAN when the month is too short */
  struct report_holdover *holds;
  int nholds;
  struct report_event *events;
  int nevents;
  int reacquisitions, faults, outliers, commands, commands_not_held;
  struct report_delays *delays;
  int ndelays;
  struct report_cal cals[REPORT_MAX_CALS];
  int ncals;
  double *slot_x;         /* x per slot of the month (NAN: none), for the figures */
};

/* Builds the report of o->site for o's month from the store db.  Returns 0, or -1 with
 * err naming what was wrong (unknown site, no reference, a month without data) and *bad
 * set to 1 when it is the input's fault (exit 2), 0 for a failed read (exit 1). */
int report_month_build(struct dbc *db, const struct report_opts *o, struct report_month *r,
                       int *bad, char *err, size_t errlen);
void report_month_free(struct report_month *r);

/* The report as one JSON object (cvd-report(1) lists its keys). */
json_t *report_month_json(const struct report_month *r);

/* Reads the last JSON line of `cvd calibrate --json` output into c.  0, or -1 with err. */
int report_cal_read(const char *path, struct report_cal *c, char *err, size_t errlen);

/* "2025-01" into year and month.  0, or -1 with err. */
int report_parse_month(const char *s, int *year, int *month, char *err, size_t errlen);

#endif
