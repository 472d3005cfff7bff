/* The reader's state and its time handling, shared by stats/load.c (lines and fields) and
 * stats/loadtime.c (time columns, the time grid, TAPR TICC logs); private to stats/. */
#ifndef CVD_STATS_LOADTIME_H
#define CVD_STATS_LOADTIME_H

#include <stddef.h>
#include <stdint.h>

#include "stats/stats.h"

#define ST_PEND 64 /* times buffered to find tau0 */

struct st_loader {
  const char *name;
  const struct st_load_opts *o;
  struct st_series *s;
  size_t cap, lineno;
  size_t fsize; /* the file's size in bytes when it is a plain regular file, else 0 */
  char *err;
  size_t errlen;
  int marker_is_num;
  double marker;
  int ticc;      /* -1 unknown, 0 plain, 1 interval, 2 timestamp, 3 timelab */
  double pend_a, pend_b; /* TICC edges waiting for their partner (NaN: none) */
  /* The time grid. */
  double scale;          /* seconds per unit of a numeric time (1, or 86400 for MJD) */
  int iso, have_iso0, placed;
  int64_t iso0;          /* the first ISO time, ns */
  double pt[ST_PEND], pv[ST_PEND];
  size_t pline[ST_PEND], npend;
  double tprev;          /* the last placed time, seconds */
  size_t ndup, dup_line;
};

/* "FILE:LINE: what: 'field'"; returns -1. */
int st_load_fail(struct st_loader *L, const char *what, const char *fs, const char *fe);
/* Appends v (NaN: a gap); 0 or -1. */
int st_load_push(struct st_loader *L, double v);

/* The time in [fs, fe) in the loader's units (seconds, or raw numbers until the unit is
 * known); 0 or -1. */
int st_parse_time(struct st_loader *L, const char *fs, const char *fe, double *t);
/* Places v at time t on the grid; 0 or -1. */
int st_load_timed(struct st_loader *L, double t, double v);
/* Places what is still buffered (at the end); 0 or -1. */
int st_load_flush(struct st_loader *L);

/* The TICC mode of a first data line [p, end): 0 (not a TICC line), 1 interval, 2
 * timestamp, 3 TimeLab. */
int st_ticc_detect(const char *p, const char *end);
/* One TICC line; 0 or -1. */
int st_ticc_line(struct st_loader *L, const char *p, const char *end);

#endif
