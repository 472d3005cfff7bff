#include "config.h"
#include "db/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"

int store_sig_seen(sqlite3 *db, const char *sig, int64_t wall_ts)
{
  sqlite3_stmt *st = db_prepare(db, "INSERT OR IGNORE INTO seen_signatures (sig, ts) VALUES (?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, sig, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, wall_ts);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  if (rc != 0)
    return -1;
  return sqlite3_changes(db) == 0 ? 1 : 0;
}

int store_sig_prune(sqlite3 *db, int64_t wall_before)
{
  sqlite3_stmt *st = db_prepare(db, "DELETE FROM seen_signatures WHERE ts < ?");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, wall_before);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

int store_track_insert(sqlite3 *db, const struct track *t, int64_t wall_received)
{
  json_t *j = track_to_json(t);
  char *text = jx_dump(j);
  json_decref(j);
  sqlite3_stmt *st = db_prepare(db, "INSERT OR IGNORE INTO tracks (site, slot, value_ns, "
                                    "sigma_ns, n_used, low_count, json, received) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  int rc = -1;
  if (st && text) {
    sqlite3_bind_text(st, 1, t->site, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, t->slot);
    db_bind_double(st, 3, t->value_ns);
    db_bind_double(st, 4, t->sigma_ns);
    sqlite3_bind_int(st, 5, t->n_used);
    sqlite3_bind_int(st, 6, t->low_count);
    sqlite3_bind_text(st, 7, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, wall_received);
    if (db_step_done(db, st) == 0)
      rc = sqlite3_changes(db) > 0 ? 1 : 0;
  }
  sqlite3_finalize(st);
  free(text);
  return rc;
}

int store_slot_tracks(sqlite3 *db, int64_t slot, struct track **out)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT json FROM tracks WHERE slot = ? ORDER BY site");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, slot);
  return db_read_tracks(st, out);
}

int store_site_tracks(sqlite3 *db, const char *site, int64_t from, int64_t to,
                      struct track **out)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT json FROM tracks WHERE site = ? AND slot >= ? AND "
                                    "slot < ? ORDER BY slot");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  return db_read_tracks(st, out);
}

int64_t store_last_slot(sqlite3 *db, const char *site)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT max(slot) FROM tracks WHERE site = ?");
  int64_t s = 0;
  if (!st)
    return 0;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    s = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return s;
}

/* A pair is stored once, with a < b: puts a and b in that order and returns the sign that
 * turns a value of the asked pair into the stored one and back. */
static double pair_order(const char **a, const char **b)
{
  if (strcmp(*a, *b) <= 0)
    return 1;
  const char *t = *a;
  *a = *b;
  *b = t;
  return -1;
}

int store_cv_put(sqlite3 *db, int64_t slot, const char *a, const char *b, double value_ns,
                 double sigma_ns)
{
  value_ns *= pair_order(&a, &b);
  sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO cv (slot, a, b, value_ns, sigma_ns) "
                                    "VALUES (?, ?, ?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, slot);
  sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 4, value_ns);
  db_bind_double(st, 5, sigma_ns);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  if (rc != 0)
    return rc;
  /* The pair's latest, for the grid: an older slot stored late does not replace it. */
  st = db_prepare(db, "INSERT INTO cv_latest (a, b, slot, value_ns) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT (a, b) DO UPDATE SET slot = excluded.slot, value_ns = "
                      "excluded.value_ns WHERE excluded.slot >= cv_latest.slot");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, slot);
  sqlite3_bind_double(st, 4, value_ns);
  rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

int store_cv_latest(sqlite3 *db, const char *a, const char *b, int64_t *slot, double *value_ns)
{
  double sign = pair_order(&a, &b);
  sqlite3_stmt *st = db_prepare(db, "SELECT slot, value_ns FROM cv_latest WHERE a = ? AND b = ?");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
  int found = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    *slot = sqlite3_column_int64(st, 0);
    *value_ns = sign * sqlite3_column_double(st, 1);
    found = 1;
  }
  sqlite3_finalize(st);
  return found;
}

int store_cv_latest_all(sqlite3 *db, store_cv_latest_fn fn, void *ctx)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT a, b, slot, value_ns FROM cv_latest");
  if (!st)
    return -1;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    fn(ctx, db_text(st, 0), db_text(st, 1), sqlite3_column_int64(st, 2),
       sqlite3_column_double(st, 3));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

json_t *store_cv_series(sqlite3 *db, const char *a, const char *b, int64_t from, int64_t to)
{
  double sign = pair_order(&a, &b);
  sqlite3_stmt *st = db_prepare(db, "SELECT slot, value_ns, sigma_ns FROM cv WHERE a = ? AND "
                                    "b = ? AND slot >= ? AND slot < ? ORDER BY slot");
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, from);
  sqlite3_bind_int64(st, 4, to);
  json_t *arr = json_array();
  while (sqlite3_step(st) == SQLITE_ROW)
    json_array_append_new(arr, json_pack("[I,o,o]", (json_int_t)sqlite3_column_int64(st, 0),
                                         jx_real(sign * sqlite3_column_double(st, 1)),
                                         jx_real(db_double(st, 2))));
  sqlite3_finalize(st);
  return arr;
}

int store_prediction_put(sqlite3 *db, const char *site, int64_t slot, double x_ns,
                         double sigma_ns)
{
  sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO predictions (site, slot, x_ns, "
                                    "sigma_ns) VALUES (?, ?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, slot);
  sqlite3_bind_double(st, 3, x_ns);
  sqlite3_bind_double(st, 4, sigma_ns);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

json_t *store_predictions(sqlite3 *db, const char *site, int64_t from, int64_t to)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT slot, x_ns, sigma_ns FROM predictions WHERE "
                                    "site = ? AND slot >= ? AND slot < ? ORDER BY slot");
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  json_t *arr = json_array();
  while (sqlite3_step(st) == SQLITE_ROW)
    json_array_append_new(arr, json_pack("[I,f,f]", (json_int_t)sqlite3_column_int64(st, 0),
                                         sqlite3_column_double(st, 1),
                                         sqlite3_column_double(st, 2)));
  sqlite3_finalize(st);
  return arr;
}

int store_command_put(sqlite3 *db, const char *site, const struct steer_cmd *c)
{
  json_t *j = cmd_to_json(c);
  char *text = jx_dump(j);
  json_decref(j);
  sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO commands (site, id, issued, json) "
                                    "VALUES (?, ?, ?, ?)");
  int rc = -1;
  if (st && text) {
    sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->id);
    sqlite3_bind_int64(st, 3, c->issued);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    rc = db_step_done(db, st);
  }
  sqlite3_finalize(st);
  free(text);
  return rc;
}

static int command_query(sqlite3 *db, const char *sql, const char *site, int64_t id,
                         struct steer_cmd *c)
{
  sqlite3_stmt *st = db_prepare(db, sql);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  if (id)
    sqlite3_bind_int64(st, 2, id);
  int rc = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    json_error_t je;
    char err[256];
    json_t *j = json_loads(db_text(st, 0), 0, &je);
    rc = j && cmd_from_json(j, c, err, sizeof err) == 0 ? 1 : -1;
    json_decref(j);
  }
  sqlite3_finalize(st);
  return rc;
}

int store_command_latest(sqlite3 *db, const char *site, struct steer_cmd *c)
{
  return command_query(db, "SELECT json FROM commands WHERE site = ? ORDER BY id DESC LIMIT 1",
                       site, 0, c);
}

int store_command_get(sqlite3 *db, const char *site, int64_t id, struct steer_cmd *c)
{
  return command_query(db, "SELECT json FROM commands WHERE site = ? AND id = ?", site, id, c);
}

int store_steer_log(sqlite3 *db, const struct steer_log_row *r)
{
  sqlite3_stmt *st = db_prepare(
      db, "INSERT INTO steering (site, t, slot, measured_x_ns, x_est_ns, x_sigma_ns, y_est, "
          "innovation_ns, freq, drift_per_day, slew_freq, phase_step_ns, cmd_id, state, reason, "
          "json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, r->site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, r->t);
  if (r->slot)
    sqlite3_bind_int64(st, 3, r->slot);
  db_bind_double(st, 4, r->measured_x_ns);
  db_bind_double(st, 5, r->x_est_ns);
  db_bind_double(st, 6, r->x_sigma_ns);
  db_bind_double(st, 7, r->y_est);
  db_bind_double(st, 8, r->innovation_ns);
  db_bind_double(st, 9, r->freq);
  db_bind_double(st, 10, r->drift_per_day);
  db_bind_double(st, 11, r->slew_freq);
  db_bind_double(st, 12, r->phase_step_ns);
  if (r->cmd_id)
    sqlite3_bind_int64(st, 13, r->cmd_id);
  sqlite3_bind_text(st, 14, r->state, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 15, r->reason, -1, SQLITE_STATIC);
  if (r->json)
    sqlite3_bind_text(st, 16, r->json, -1, SQLITE_STATIC);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

json_t *store_steer_query(sqlite3 *db, const char *site, int64_t from, int64_t to, int limit)
{
  /* One statement with the site and one without: "?1 IS NULL OR site = ?1" would keep
   * SQLite from the (site, t) index and read every clock's rows of the range. */
#define STEER_COLS                                                                             \
  "SELECT site, t, slot, measured_x_ns, x_est_ns, x_sigma_ns, y_est, innovation_ns, freq, "     \
  "drift_per_day, slew_freq, phase_step_ns, cmd_id, state, reason, json FROM steering WHERE "
  sqlite3_stmt *st = db_prepare(
      db, site ? STEER_COLS "site = ?1 AND t >= ?2 AND t < ?3 ORDER BY t DESC, id DESC LIMIT ?4"
               : STEER_COLS "t >= ?2 AND t < ?3 ORDER BY t DESC, id DESC LIMIT ?4");
#undef STEER_COLS
  if (!st)
    return NULL;
  if (site)
    sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  sqlite3_bind_int(st, 4, limit);
  json_t *arr = json_array();
  static const char *const num_keys[] = {"measured_x_ns", "x_est_ns", "x_sigma_ns", "y_est",
                                         "innovation_ns", "freq", "drift_per_day", "slew_freq",
                                         "phase_step_ns"};
  while (sqlite3_step(st) == SQLITE_ROW) {
    char iso[40];
    json_t *o = json_pack("{s:s,s:I,s:s}", "site", db_text(st, 0), "t",
                          (json_int_t)sqlite3_column_int64(st, 1), "time",
                          tu_format(sqlite3_column_int64(st, 1), iso, sizeof iso, 0));
    json_object_set_new(o, "slot", sqlite3_column_type(st, 2) == SQLITE_NULL
                                       ? json_null()
                                       : json_integer(sqlite3_column_int64(st, 2)));
    for (int k = 0; k < 9; k++)
      json_object_set_new(o, num_keys[k], jx_real(db_double(st, 3 + k)));
    json_object_set_new(o, "cmd_id", sqlite3_column_type(st, 12) == SQLITE_NULL
                                         ? json_null()
                                         : json_integer(sqlite3_column_int64(st, 12)));
    json_object_set_new(o, "state", json_string(db_text(st, 13)));
    json_object_set_new(o, "reason", json_string(db_text(st, 14)));
    if (sqlite3_column_type(st, 15) != SQLITE_NULL) {
      json_t *d = json_loads(db_text(st, 15), 0, NULL);
      if (d)
        json_object_set_new(o, "detail", d);
    }
    json_array_append_new(arr, o);
  }
  sqlite3_finalize(st);
  return arr;
}

int store_clock_put(sqlite3 *db, const char *site, const char *state, const char *json,
                    int64_t t)
{
  sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO clocks (site, state, json, updated) "
                                    "VALUES (?, ?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, t);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

char *store_clock_get(sqlite3 *db, const char *site)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT json FROM clocks WHERE site = ?");
  char *v = NULL;
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = strdup(db_text(st, 0));
  sqlite3_finalize(st);
  return v;
}

int store_event(sqlite3 *db, int64_t t, const char *site, const char *kind, const char *msg)
{
  sqlite3_stmt *st =
      db_prepare(db, "INSERT INTO events (t, site, kind, message) VALUES (?, ?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, t);
  if (site)
    sqlite3_bind_text(st, 2, site, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, msg, -1, SQLITE_STATIC);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

json_t *store_events(sqlite3 *db, int64_t from, int64_t to)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT t, site, kind, message FROM events WHERE t >= ? AND "
                                    "t < ? ORDER BY t, id");
  if (!st)
    return NULL;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  json_t *arr = json_array();
  while (sqlite3_step(st) == SQLITE_ROW)
    json_array_append_new(arr, json_pack("{s:I,s:o,s:s,s:s}", "t",
                                         (json_int_t)sqlite3_column_int64(st, 0), "site",
                                         sqlite3_column_type(st, 1) == SQLITE_NULL
                                             ? json_null()
                                             : json_string(db_text(st, 1)),
                                         "kind", db_text(st, 2), "message", db_text(st, 3)));
  sqlite3_finalize(st);
  return arr;
}

json_t *store_events_query(sqlite3 *db, const struct store_event_filter *f)
{
  /* With a site, its own statement, so that the (site, t) index serves it. */
  sqlite3_stmt *st = db_prepare(
      db, f->site ? "SELECT t, site, kind, message FROM events WHERE site = ?3 AND t >= ?1 AND "
                    "t < ?2 AND (?4 IS NULL OR kind = ?4) ORDER BY t DESC, id DESC LIMIT ?5"
                  : "SELECT t, site, kind, message FROM events WHERE t >= ?1 AND t < ?2 AND "
                    "(?4 IS NULL OR kind = ?4) ORDER BY t DESC, id DESC LIMIT ?5");
  if (!st)
    return NULL;
  sqlite3_bind_int64(st, 1, f->from);
  sqlite3_bind_int64(st, 2, f->to);
  if (f->site)
    sqlite3_bind_text(st, 3, f->site, -1, SQLITE_STATIC);
  if (f->kind)
    sqlite3_bind_text(st, 4, f->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, f->limit);
  json_t *arr = json_array();
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char iso[40];
    int64_t t = sqlite3_column_int64(st, 0);
    json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s}", "t_ns", (json_int_t)t, "time",
                                         tu_format(t, iso, sizeof iso, 0), "site",
                                         db_text(st, 1), "kind", db_text(st, 2), "message",
                                         db_text(st, 3)));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    LOGE("store", "reading the events failed: %s", sqlite3_errmsg(db));
    json_decref(arr);
    return NULL;
  }
  return arr;
}
