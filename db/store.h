/* The central server's store: tracks as received, common-view differences, steering
 * commands and the steering log, each clock's controller state, replay protection and
 * events.  All times are UTC ns; `received` and signature times are wall time. */
#ifndef CVD_STORE_H
#define CVD_STORE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "core/command.h"
#include "core/track.h"

/* Replay protection: 1 if sig was seen already, 0 if new (now recorded), -1 on error. */
int store_sig_seen(sqlite3 *db, const char *sig, int64_t wall_ts);
int store_sig_prune(sqlite3 *db, int64_t wall_before);

/* 1 if stored, 0 if this site's track of that slot was there already, -1 on error. */
int store_track_insert(sqlite3 *db, const struct track *t, int64_t wall_received);
/* Every track of the slot (malloc'ed array); returns the count or -1. */
int store_slot_tracks(sqlite3 *db, int64_t slot, struct track **out);
/* A site's tracks with from <= slot < to, oldest first (malloc'ed); the count or -1. */
int store_site_tracks(sqlite3 *db, const char *site, int64_t from, int64_t to,
                      struct track **out);
/* The latest slot with a track from site, or 0. */
int64_t store_last_slot(sqlite3 *db, const char *site);

/* a - b for a slot; the pair is stored with a < b (strcmp), the sign flipped if needed. */
int store_cv_put(sqlite3 *db, int64_t slot, const char *a, const char *b, double value_ns,
                 double sigma_ns);
/* The latest a - b: 1 with *slot and *value_ns, 0 if none, -1 on error. */
int store_cv_latest(sqlite3 *db, const char *a, const char *b, int64_t *slot, double *value_ns);
/* Every pair's latest, as stored (a < b), each given to fn; 0 or -1 on error. */
typedef void (*store_cv_latest_fn)(void *ctx, const char *a, const char *b, int64_t slot,
                                   double value_ns);
int store_cv_latest_all(sqlite3 *db, store_cv_latest_fn fn, void *ctx);
/* a - b with from <= slot < to as a JSON array of [slot_ns, value_ns, sigma_ns]. */
json_t *store_cv_series(sqlite3 *db, const char *a, const char *b, int64_t from, int64_t to);

/* A clock's holdover prediction for the start of a slot (replacing one already there). */
int store_prediction_put(sqlite3 *db, const char *site, int64_t slot, double x_ns,
                         double sigma_ns);
/* Its predictions with from <= slot < to as a JSON array of [slot_ns, x_ns, sigma_ns],
 * oldest first. */
json_t *store_predictions(sqlite3 *db, const char *site, int64_t from, int64_t to);

int store_command_put(sqlite3 *db, const char *site, const struct steer_cmd *c);
/* 1 with *c, 0 if none, -1 on error. */
int store_command_latest(sqlite3 *db, const char *site, struct steer_cmd *c);
int store_command_get(sqlite3 *db, const char *site, int64_t id, struct steer_cmd *c);

/* One row of the steering log: every decision with its inputs, outputs, state, reason. */
struct steer_log_row {
  char site[SITE_NAME_MAX];
  int64_t t, slot;
  double measured_x_ns, x_est_ns, x_sigma_ns, y_est, innovation_ns;
  double freq, drift_per_day, slew_freq, phase_step_ns;
  int64_t cmd_id;
  char state[16];
  char reason[256];
  const char *json;      /* extra detail, or NULL */
};
int store_steer_log(sqlite3 *db, const struct steer_log_row *r);
/* The log of site (all sites if NULL) with from <= t < to, newest first (the newest limit
 * rows), as a JSON array of objects, each with its time also as "time" (ISO 8601 UTC). */
json_t *store_steer_query(sqlite3 *db, const char *site, int64_t from, int64_t to, int limit);

/* The controller state of a clock (JSON text); get returns a malloc'ed string or NULL. */
int store_clock_put(sqlite3 *db, const char *site, const char *state, const char *json,
                    int64_t t);
char *store_clock_get(sqlite3 *db, const char *site);

int store_event(sqlite3 *db, int64_t t, const char *site, const char *kind, const char *msg);
/* Events with from <= t < to, oldest first, as a JSON array of {t, site, kind, message}. */
json_t *store_events(sqlite3 *db, int64_t from, int64_t to);

/* What GET /api/v1/events asks: from <= t < to, of one site and one kind when not NULL. */
struct store_event_filter {
  const char *site, *kind;
  int64_t from, to;
  int limit;
};
/* The newest f->limit events that match, newest first, as a JSON array of {"t_ns", "time"
 * (ISO 8601 UTC), "site" ("" for the server's own), "kind", "message"}; NULL on error. */
json_t *store_events_query(sqlite3 *db, const struct store_event_filter *f);

#endif
