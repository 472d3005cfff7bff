/* The central server's store: tracks as received, common-view differences, steering
 * commands and the steering log, each clock's controller state, replay protection and
 * events, the steering lease.  All times are UTC ns; `received` and signature times are
 * wall time.  Each function runs on either engine (db/dbc.h): one connection, used under
 * its caller's lock. */
#ifndef CVD_STORE_H
#define CVD_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "core/command.h"
#include "core/track.h"
#include "db/dbc.h"

/* Replay protection: 1 if sig was seen already, 0 if new (now recorded), -1 on error. */
int store_sig_seen(struct dbc *db, const char *sig, int64_t wall_ts);
int store_sig_prune(struct dbc *db, int64_t wall_before);

/* 1 if stored, 0 if this site's track of that slot was there already, -1 on error. */
int store_track_insert(struct dbc *db, const struct track *t, int64_t wall_received);
/* Every track of the slot (malloc'ed array); returns the count or -1. */
int store_slot_tracks(struct dbc *db, int64_t slot, struct track **out);
/* How many tracks the slot has, or -1. */
int store_slot_count(struct dbc *db, int64_t slot);
/* A site's tracks with from <= slot < to, oldest first (malloc'ed); the count or -1. */
int store_site_tracks(struct dbc *db, const char *site, int64_t from, int64_t to,
                      struct track **out);
/* The latest slot with a track from site, 0 if it has none, -1 if the store cannot say. */
int64_t store_last_slot(struct dbc *db, const char *site);

/* a - b for a slot; the pair is stored with a < b (strcmp), the sign flipped if needed. */
int store_cv_put(struct dbc *db, int64_t slot, const char *a, const char *b, double value_ns,
                 double sigma_ns);
/* The latest a - b: 1 with *slot and *value_ns, 0 if none, -1 on error. */
int store_cv_latest(struct dbc *db, const char *a, const char *b, int64_t *slot, double *value_ns);
/* Every pair's latest, as stored (a < b), each given to fn; 0 or -1 on error. */
typedef void (*store_cv_latest_fn)(void *ctx, const char *a, const char *b, int64_t slot,
                                   double value_ns);
int store_cv_latest_all(struct dbc *db, store_cv_latest_fn fn, void *ctx);
/* a - b with from <= slot < to as a JSON array of [slot_ns, value_ns, sigma_ns]; NULL on
 * error (never some of the rows). */
json_t *store_cv_series(struct dbc *db, const char *a, const char *b, int64_t from, int64_t to);

/* A clock's holdover prediction for the start of a slot (replacing one already there). */
int store_prediction_put(struct dbc *db, const char *site, int64_t slot, double x_ns,
                         double sigma_ns);
/* Its predictions with from <= slot < to as a JSON array of [slot_ns, x_ns, sigma_ns],
 * oldest first; NULL on error. */
json_t *store_predictions(struct dbc *db, const char *site, int64_t from, int64_t to);

int store_command_put(struct dbc *db, const char *site, const struct steer_cmd *c);
/* 1 with *c, 0 if none, -1 on error. */
int store_command_latest(struct dbc *db, const char *site, struct steer_cmd *c);
int store_command_get(struct dbc *db, const char *site, int64_t id, struct steer_cmd *c);

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
int store_steer_log(struct dbc *db, const struct steer_log_row *r);
/* The log of site (all sites if NULL) with from <= t < to, newest first (the newest limit
 * rows), as a JSON array of objects, each with its time also as "time" (ISO 8601 UTC);
 * NULL on error. */
json_t *store_steer_query(struct dbc *db, const char *site, int64_t from, int64_t to, int limit);

/* The controller state of a clock (JSON text).  get: 1 with *json malloc'ed, 0 if none
 * was saved, -1 if the store cannot say (*json NULL then): a server must not take "none"
 * for "cannot say", or it steers on with a controller the store has moved past. */
int store_clock_put(struct dbc *db, const char *site, const char *state, const char *json,
                    int64_t t);
int store_clock_get(struct dbc *db, const char *site, char **json);

int store_event(struct dbc *db, int64_t t, const char *site, const char *kind, const char *msg);
/* Events with from <= t < to, oldest first, as a JSON array of {t, site, kind, message};
 * NULL on error. */
json_t *store_events(struct dbc *db, int64_t from, int64_t to);

/* What GET /api/v1/events asks: from <= t < to, of one site and one kind when not NULL. */
struct store_event_filter {
  const char *site, *kind;
  int64_t from, to;
  int limit;
};
/* The newest f->limit events that match, newest first, as a JSON array of {"t_ns", "time"
 * (ISO 8601 UTC), "site" ("" for the server's own), "kind", "message"}; NULL on error. */
json_t *store_events_query(struct dbc *db, const struct store_event_filter *f);

/* A site's newest oscillator report (JSON, core/msg.h) at its time t: an older one does
 * not replace it.  get returns it as a malloc'ed string if it is newer than after (the
 * time of the report the caller has already), else NULL. */
int store_report_put(struct dbc *db, const char *site, int64_t t, const char *json);
char *store_report_get(struct dbc *db, const char *site, int64_t after);

/* The steering lease (issue 13): one server at a time computes and signs commands.
 * Takes or renews it for holder until deadline (service time): 1 if holder has it now, 0 if
 * another holds it past now, -1 on an error.  The deadline is checked in the same statement,
 * so of two servers asking at once, one gets it. */
int store_lease_take(struct dbc *db, const char *holder, int64_t now, int64_t deadline);
/* Renews it to deadline only if holder has it and it has not lapsed at now: 1, 0 if not
 * (lapsed: another server may have held it since), -1 on an error. */
int store_lease_renew(struct dbc *db, const char *holder, int64_t now, int64_t deadline);
/* Gives it up at once (a clean stop), if holder has it. */
int store_lease_release(struct dbc *db, const char *holder);
/* Who has it and until when: 1, or 0 if no lease row, -1 on error. */
int store_lease_holder(struct dbc *db, char *holder, size_t n, int64_t *deadline);

#endif
