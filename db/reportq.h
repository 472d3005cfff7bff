/* The reads the monthly and traceability reports make of the server's store (report/):
 * a remote's common-view x = REMOTE - REF per slot, which site is its reference, and its
 * steering log's states.  Times are UTC ns (slot starts, decision times); values in ns.
 * Every function returns a count, 0/1, or -1 on a failed read (logged); on either engine
 * (db/dbc.h). */
#ifndef CVD_REPORTQ_H
#define CVD_REPORTQ_H

#include <stddef.h>
#include <stdint.h>

#include "db/dbc.h"

/* 1 if site has any track in the store, 0 if none, -1 on error. */
int reportq_site_known(struct dbc *db, const char *site);

/* The reference of remote site: the one site it has common-view differences with that
 * keeps no controller state (the server steers every site but its reference).  Returns
 * the number of such sites (the name is set when it is 1), or -1 on error. */
int reportq_reference(struct dbc *db, const char *site, char *ref, size_t reflen);

/* x = site - ref per slot with from <= slot < to, oldest first: *slots and *x malloc'ed
 * (NULL when none).  Returns the count or -1. */
int reportq_x(struct dbc *db, const char *site, const char *ref, int64_t from, int64_t to,
              int64_t **slots, double **x);

/* One row of a clock's steering log as a report reads it. */
struct reportq_state {
  int64_t t;              /* decision time, UTC ns */
  char state[16];         /* ACQUIRING, LOCKED, UNLOCKED, HOLDOVER, ALARM */
  char reason[256];
  double phase_step_ns;   /* NAN when none */
  int64_t cmd_id;         /* the command issued, 0 for none */
};
/* The steering log of site from the last row before `from` (the state the period begins
 * in) up to t < to, oldest first; *out malloc'ed.  Returns the count or -1. */
int reportq_states(struct dbc *db, const char *site, int64_t from, int64_t to,
                   struct reportq_state **out);

/* The commands issued to site with from <= issued < to, oldest first: ids and issue
 * times malloc'ed.  Returns the count or -1. */
int reportq_commands(struct dbc *db, const char *site, int64_t from, int64_t to, int64_t **ids,
                     int64_t **issued);

/* The largest predicted |x| and |x| + 1.96 sigma of site's holdover predictions with
 * from <= slot < to (NAN when none).  0 or -1. */
int reportq_predicted_max(struct dbc *db, const char *site, int64_t from, int64_t to,
                          double *max_abs_x, double *max_bound95);

/* Site's events with from <= t < to, oldest first, each given to fn.  0 or -1. */
typedef void (*reportq_event_fn)(void *ctx, int64_t t, const char *kind, const char *msg);
int reportq_events(struct dbc *db, const char *site, int64_t from, int64_t to, reportq_event_fn fn,
                   void *ctx);

/* Site's tracks with from <= slot < to, oldest first (malloc'ed).  The count or -1. */
struct track;
int reportq_tracks(struct dbc *db, const char *site, int64_t from, int64_t to,
                   struct track **out);

#endif
