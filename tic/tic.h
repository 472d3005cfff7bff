/* Time interval counters: one driver per instrument behind a table of function pointers
 * (chrony's refclock shape).  A TIC is started by the local 1PPS and stopped by the GPS
 * receiver's 1PPS, so it reads LOCAL - GPS (DESIGN.md section 3).
 *
 * The generic layer (tic.c) turns what a driver read into one reading per UTC second: it
 * unwraps intervals near 0 or 1 s into (-0.5, 0.5] s, and counts and drops duplicated
 * seconds and readings out of order (but TIC_BACK_RUN in a row it takes as the host
 * clock gone back, and goes on from them); missing seconds are counted by the track
 * builder.  Nothing it refuses is ever averaged in. */
#ifndef CVD_TIC_H
#define CVD_TIC_H

#include <stddef.h>
#include <stdint.h>

#include "core/drvconf.h"

struct tic_reading {
  int64_t t;       /* the UTC second the pulses belong to, ns (a whole second) */
  double raw_s;    /* the interval as the instrument gave it, s */
  double ns;       /* LOCAL - GPS before delays and sawtooth, ns, in (-0.5e9, 0.5e9] */
};

/* The raw values a counter of 1PPS gives (a start/stop counter near 1 s, a signed one
 * down to -1 s): tic_read counts any other as garbage. */
#define TIC_RAW_MIN_S (-1.0)
#define TIC_RAW_MAX_S 2.0

struct tic_counts {
  long readings, wrapped, duplicates, out_of_order, garbage, errors;
  long late; /* readings that came too late to name their second: refused */
};

struct tic;

struct tic_driver {
  const char *name;
  const char *summary;
  int (*open)(struct tic *t, char *err, size_t errlen);
  /* Waits until the next reading or until service time `deadline`.  Returns 1 with r->t
   * and r->raw_s set, 0 at the deadline, -1 on an error (err says what; the caller
   * reopens).  A driver counts the garbage it skips in t->counts.garbage. */
  int (*read)(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
              size_t errlen);
  void (*close)(struct tic *t);
};

struct tic {
  const struct tic_driver *drv;
  struct drvconf conf;   /* conf.ctx: the simulated site, for the sim driver */
  void *priv;
  struct tic_counts counts;
  int64_t last_t;       /* second of the last reading handed out (counts.readings > 0) */
  int back_run;         /* readings in a row labelled before last_t */
};

/* Readings in a row labelled before the last one after which tic_read takes them: the
 * host clock that labels them went back (tic_read). */
#define TIC_BACK_RUN 5

/* The driver table. */
const struct tic_driver *tic_find(const char *name);
/* Comma-separated names, for help texts. */
const char *tic_driver_names(void);

int tic_open(struct tic *t, const struct drvconf *c, char *err, size_t errlen);
/* As the driver's read, after the generic checks above. */
int tic_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err, size_t errlen);
void tic_close(struct tic *t);

/* Unwraps an interval in seconds into ns within (-0.5e9, 0.5e9]. */
double tic_unwrap_ns(double raw_s);

#endif
