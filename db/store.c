#include "config.h"
#include "db/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/dbc.h"

int store_sig_seen(struct dbc *db, const char *sig, int64_t wall_ts)
{
  struct dbc_st *st = dbc_prep(db, "INSERT INTO seen_signatures (sig, ts) VALUES (?, ?) "
                                   "ON CONFLICT DO NOTHING");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, sig);
  dbc_bind_int64(st, 2, wall_ts);
  int rc = dbc_run(st);
  dbc_reset(st);
  if (rc != 0)
    return -1;
  return dbc_changes(st) == 0 ? 1 : 0;
}

int store_sig_prune(struct dbc *db, int64_t wall_before)
{
  struct dbc_st *st = dbc_prep(db, "DELETE FROM seen_signatures WHERE ts < ?");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, wall_before);
  int rc = dbc_run(st);
  dbc_reset(st);
  return rc;
}

int store_track_insert(struct dbc *db, const struct track *t, int64_t wall_received)
{
  json_t *j = track_to_json(t);
  char *text = jx_dump(j);
  json_decref(j);
  struct dbc_st *st = dbc_prep(db, "INSERT INTO tracks (site, slot, value_ns, "
                                    "sigma_ns, n_used, low_count, json, received) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  int rc = -1;
  if (st && text) {
    dbc_bind_text(st, 1, t->site);
    dbc_bind_int64(st, 2, t->slot);
    dbc_bind_double(st, 3, t->value_ns);
    dbc_bind_double(st, 4, t->sigma_ns);
    dbc_bind_int64(st, 5, t->n_used);
    dbc_bind_int64(st, 6, t->low_count);
    dbc_bind_text(st, 7, text);
    dbc_bind_int64(st, 8, wall_received);
    if (dbc_run(st) == 0)
      rc = dbc_changes(st) > 0 ? 1 : 0;
  }
  dbc_reset(st);
  free(text);
  return rc;
}

int store_slot_tracks(struct dbc *db, int64_t slot, struct track **out)
{
  struct dbc_st *st = dbc_prep(db, "SELECT json FROM tracks WHERE slot = ? ORDER BY site");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, slot);
  return dbc_read_tracks(st, out);
}

int store_slot_count(struct dbc *db, int64_t slot)
{
  struct dbc_st *st = dbc_prep(db, "SELECT count(*) FROM tracks WHERE slot = ?");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, slot);
  int n = dbc_step(st) == 1 ? (int)dbc_int64(st, 0) : -1;
  dbc_reset(st);
  return n;
}

int store_site_tracks(struct dbc *db, const char *site, int64_t from, int64_t to,
                      struct track **out)
{
  struct dbc_st *st = dbc_prep(db, "SELECT json FROM tracks WHERE site = ? AND slot >= ? AND "
                                    "slot < ? ORDER BY slot");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, from);
  dbc_bind_int64(st, 3, to);
  return dbc_read_tracks(st, out);
}

int64_t store_last_slot(struct dbc *db, const char *site)
{
  struct dbc_st *st = dbc_prep(db, "SELECT max(slot) FROM tracks WHERE site = ?");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  int64_t s = dbc_step(st) == 1 ? (dbc_isnull(st, 0) ? 0 : dbc_int64(st, 0)) : -1;
  dbc_reset(st);
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

int store_cv_put(struct dbc *db, int64_t slot, const char *a, const char *b, double value_ns,
                 double sigma_ns)
{
  value_ns *= pair_order(&a, &b);
  struct dbc_st *st = dbc_prep(db, "INSERT INTO cv (slot, a, b, value_ns, sigma_ns) VALUES (?, ?, ?, ?, ?) "
                               "ON CONFLICT (a, b, slot) DO UPDATE SET value_ns = "
                               "excluded.value_ns, sigma_ns = excluded.sigma_ns");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, slot);
  dbc_bind_text(st, 2, a);
  dbc_bind_text(st, 3, b);
  dbc_bind_double(st, 4, value_ns);
  dbc_bind_double(st, 5, sigma_ns);
  int rc = dbc_put(st);
  dbc_reset(st);
  if (rc != 0)
    return rc;
  /* The pair's latest, for the grid: an older slot stored late does not replace it. */
  st = dbc_prep(db, "INSERT INTO cv_latest (a, b, slot, value_ns) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT (a, b) DO UPDATE SET slot = excluded.slot, value_ns = "
                      "excluded.value_ns WHERE excluded.slot >= cv_latest.slot");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, a);
  dbc_bind_text(st, 2, b);
  dbc_bind_int64(st, 3, slot);
  dbc_bind_double(st, 4, value_ns);
  rc = dbc_put(st);
  dbc_reset(st);
  return rc;
}

int store_cv_latest(struct dbc *db, const char *a, const char *b, int64_t *slot, double *value_ns)
{
  double sign = pair_order(&a, &b);
  struct dbc_st *st = dbc_prep(db, "SELECT slot, value_ns FROM cv_latest WHERE a = ? AND b = ?");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, a);
  dbc_bind_text(st, 2, b);
  int found = dbc_step(st);
  if (found == 1) {
    *slot = dbc_int64(st, 0);
    *value_ns = sign * dbc_double(st, 1);
  }
  dbc_reset(st);
  return found;
}

int store_cv_latest_all(struct dbc *db, store_cv_latest_fn fn, void *ctx)
{
  struct dbc_st *st = dbc_prep(db, "SELECT a, b, slot, value_ns FROM cv_latest");
  if (!st)
    return -1;
  int rc;
  while ((rc = dbc_step(st)) == 1)
    fn(ctx, dbc_text(st, 0), dbc_text(st, 1), dbc_int64(st, 2),
       dbc_double(st, 3));
  dbc_reset(st);
  return rc == 0 ? 0 : -1;
}

/* The end of a read into arr: st reset, and arr, or NULL (arr freed, the error logged)
 * when the last step rc was an error rather than the end of the rows (0).  A partial
 * array would show a graph, a log or a page with rows missing and no word of it. */
static json_t *rows_done(struct dbc *db, struct dbc_st *st, json_t *arr, int rc,
                         const char *what)
{
  dbc_reset(st);
  if (rc == 0)
    return arr;
  LOGE("store", "reading %s failed: %s", what, dbc_errmsg(db));
  json_decref(arr);
  return NULL;
}

json_t *store_cv_series(struct dbc *db, const char *a, const char *b, int64_t from, int64_t to)
{
  double sign = pair_order(&a, &b);
  struct dbc_st *st = dbc_prep(db, "SELECT slot, value_ns, sigma_ns FROM cv WHERE a = ? AND "
                                    "b = ? AND slot >= ? AND slot < ? ORDER BY slot");
  if (!st)
    return NULL;
  dbc_bind_text(st, 1, a);
  dbc_bind_text(st, 2, b);
  dbc_bind_int64(st, 3, from);
  dbc_bind_int64(st, 4, to);
  json_t *arr = json_array();
  int rc;
  while ((rc = dbc_step(st)) == 1)
    json_array_append_new(arr, json_pack("[I,o,o]", (json_int_t)dbc_int64(st, 0),
                                         jx_real(sign * dbc_double(st, 1)),
                                         jx_real(dbc_double(st, 2))));
  return rows_done(db, st, arr, rc, "the common view");
}

int store_prediction_put(struct dbc *db, const char *site, int64_t slot, double x_ns,
                         double sigma_ns)
{
  struct dbc_st *st = dbc_prep(db, "INSERT INTO predictions (site, slot, x_ns, sigma_ns) VALUES "
                               "(?, ?, ?, ?) ON CONFLICT (site, slot) DO UPDATE SET "
                               "x_ns = excluded.x_ns, sigma_ns = excluded.sigma_ns");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, slot);
  dbc_bind_double(st, 3, x_ns);
  dbc_bind_double(st, 4, sigma_ns);
  int rc = dbc_put(st);
  dbc_reset(st);
  return rc;
}

json_t *store_predictions(struct dbc *db, const char *site, int64_t from, int64_t to)
{
  struct dbc_st *st = dbc_prep(db, "SELECT slot, x_ns, sigma_ns FROM predictions WHERE "
                                    "site = ? AND slot >= ? AND slot < ? ORDER BY slot");
  if (!st)
    return NULL;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, from);
  dbc_bind_int64(st, 3, to);
  json_t *arr = json_array();
  int rc;
  while ((rc = dbc_step(st)) == 1)
    json_array_append_new(arr, json_pack("[I,f,f]", (json_int_t)dbc_int64(st, 0),
                                         dbc_double(st, 1),
                                         dbc_double(st, 2)));
  return rows_done(db, st, arr, rc, "the predictions");
}

int store_command_put(struct dbc *db, const char *site, const struct steer_cmd *c)
{
  json_t *j = cmd_to_json(c);
  char *text = jx_dump(j);
  json_decref(j);
  struct dbc_st *st = dbc_prep(db, "INSERT INTO commands (site, id, issued, json) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT (site, id) DO UPDATE SET issued = "
                               "excluded.issued, json = excluded.json");
  int rc = -1;
  if (st && text) {
    dbc_bind_text(st, 1, site);
    dbc_bind_int64(st, 2, c->id);
    dbc_bind_int64(st, 3, c->issued);
    dbc_bind_text(st, 4, text);
    rc = dbc_put(st);
  }
  dbc_reset(st);
  free(text);
  return rc;
}

static int command_query(struct dbc *db, const char *sql, const char *site, int64_t id,
                         struct steer_cmd *c)
{
  struct dbc_st *st = dbc_prep(db, sql);
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  if (id)
    dbc_bind_int64(st, 2, id);
  int rc = dbc_step(st);
  if (rc == 1) {
    json_error_t je;
    char err[256];
    json_t *j = json_loads(dbc_text(st, 0), 0, &je);
    rc = j && cmd_from_json(j, c, err, sizeof err) == 0 ? 1 : -1;
    json_decref(j);
  }
  dbc_reset(st);
  return rc;
}

int store_command_latest(struct dbc *db, const char *site, struct steer_cmd *c)
{
  return command_query(db, "SELECT json FROM commands WHERE site = ? ORDER BY id DESC LIMIT 1",
                       site, 0, c);
}

int store_command_get(struct dbc *db, const char *site, int64_t id, struct steer_cmd *c)
{
  return command_query(db, "SELECT json FROM commands WHERE site = ? AND id = ?", site, id, c);
}

int store_steer_log(struct dbc *db, const struct steer_log_row *r)
{
  struct dbc_st *st = dbc_prep(
      db, "INSERT INTO steering (site, t, slot, measured_x_ns, x_est_ns, x_sigma_ns, y_est, "
          "innovation_ns, freq, drift_per_day, slew_freq, phase_step_ns, cmd_id, state, reason, "
          "json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, r->site);
  dbc_bind_int64(st, 2, r->t);
  if (r->slot)
    dbc_bind_int64(st, 3, r->slot);
  dbc_bind_double(st, 4, r->measured_x_ns);
  dbc_bind_double(st, 5, r->x_est_ns);
  dbc_bind_double(st, 6, r->x_sigma_ns);
  dbc_bind_double(st, 7, r->y_est);
  dbc_bind_double(st, 8, r->innovation_ns);
  dbc_bind_double(st, 9, r->freq);
  dbc_bind_double(st, 10, r->drift_per_day);
  dbc_bind_double(st, 11, r->slew_freq);
  dbc_bind_double(st, 12, r->phase_step_ns);
  if (r->cmd_id)
    dbc_bind_int64(st, 13, r->cmd_id);
  dbc_bind_text(st, 14, r->state);
  dbc_bind_text(st, 15, r->reason);
  if (r->json)
    dbc_bind_text(st, 16, r->json);
  int rc = dbc_put(st);
  dbc_reset(st);
  return rc;
}

json_t *store_steer_query(struct dbc *db, const char *site, int64_t from, int64_t to, int limit)
{
  /* One statement with the site and one without: "?1 IS NULL OR site = ?1" would keep
   * SQLite from the (site, t) index and read every clock's rows of the range. */
#define STEER_COLS                                                                             \
  "SELECT site, t, slot, measured_x_ns, x_est_ns, x_sigma_ns, y_est, innovation_ns, freq, "     \
  "drift_per_day, slew_freq, phase_step_ns, cmd_id, state, reason, json FROM steering WHERE "
  struct dbc_st *st = dbc_prep(
      db, site ? STEER_COLS "site = ?1 AND t >= ?2 AND t < ?3 ORDER BY t DESC, id DESC LIMIT ?4"
               : STEER_COLS "t >= ?1 AND t < ?2 ORDER BY t DESC, id DESC LIMIT ?3");
#undef STEER_COLS
  if (!st)
    return NULL;
  int p0 = site ? 1 : 0; /* the parameters' numbers after the site's */
  if (site)
    dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, p0 + 1, from);
  dbc_bind_int64(st, p0 + 2, to);
  dbc_bind_int64(st, p0 + 3, limit);
  json_t *arr = json_array();
  static const char *const num_keys[] = {"measured_x_ns", "x_est_ns", "x_sigma_ns", "y_est",
                                         "innovation_ns", "freq", "drift_per_day", "slew_freq",
                                         "phase_step_ns"};
  int rc;
  while ((rc = dbc_step(st)) == 1) {
    char iso[40];
    json_t *o = json_pack("{s:s,s:I,s:s}", "site", dbc_text(st, 0), "t",
                          (json_int_t)dbc_int64(st, 1), "time",
                          tu_format(dbc_int64(st, 1), iso, sizeof iso, 0));
    json_object_set_new(o, "slot", dbc_isnull(st, 2)
                                       ? json_null()
                                       : json_integer(dbc_int64(st, 2)));
    for (int k = 0; k < 9; k++)
      json_object_set_new(o, num_keys[k], jx_real(dbc_double(st, 3 + k)));
    json_object_set_new(o, "cmd_id", dbc_isnull(st, 12)
                                         ? json_null()
                                         : json_integer(dbc_int64(st, 12)));
    json_object_set_new(o, "state", json_string(dbc_text(st, 13)));
    json_object_set_new(o, "reason", json_string(dbc_text(st, 14)));
    if (!dbc_isnull(st, 15)) {
      json_t *d = json_loads(dbc_text(st, 15), 0, NULL);
      if (d)
        json_object_set_new(o, "detail", d);
    }
    json_array_append_new(arr, o);
  }
  return rows_done(db, st, arr, rc, "the steering log");
}

int store_clock_put(struct dbc *db, const char *site, const char *state, const char *json,
                    int64_t t)
{
  struct dbc_st *st = dbc_prep(db, "INSERT INTO clocks (site, state, json, updated) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT (site) DO UPDATE SET state = excluded.state, "
                               "json = excluded.json, updated = excluded.updated");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_text(st, 2, state);
  dbc_bind_text(st, 3, json);
  dbc_bind_int64(st, 4, t);
  int rc = dbc_put(st);
  dbc_reset(st);
  return rc;
}

int store_clock_get(struct dbc *db, const char *site, char **json)
{
  *json = NULL;
  struct dbc_st *st = dbc_prep(db, "SELECT json FROM clocks WHERE site = ?");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  int rc = dbc_step(st);
  if (rc == 1 && !(*json = strdup(dbc_text(st, 0))))
    rc = -1;
  dbc_reset(st);
  return rc;
}

int store_event(struct dbc *db, int64_t t, const char *site, const char *kind, const char *msg)
{
  struct dbc_st *st = dbc_prep(db, "INSERT INTO events (t, site, kind, message) VALUES (?, ?, ?, ?)");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, t);
  if (site)
    dbc_bind_text(st, 2, site);
  dbc_bind_text(st, 3, kind);
  dbc_bind_text(st, 4, msg);
  int rc = dbc_put(st);
  dbc_reset(st);
  return rc;
}

json_t *store_events(struct dbc *db, int64_t from, int64_t to)
{
  struct dbc_st *st = dbc_prep(db, "SELECT t, site, kind, message FROM events WHERE t >= ? AND "
                                    "t < ? ORDER BY t, id");
  if (!st)
    return NULL;
  dbc_bind_int64(st, 1, from);
  dbc_bind_int64(st, 2, to);
  json_t *arr = json_array();
  int rc;
  while ((rc = dbc_step(st)) == 1)
    json_array_append_new(arr, json_pack("{s:I,s:o,s:s,s:s}", "t",
                                         (json_int_t)dbc_int64(st, 0), "site",
                                         dbc_isnull(st, 1)
                                             ? json_null()
                                             : json_string(dbc_text(st, 1)),
                                         "kind", dbc_text(st, 2), "message", dbc_text(st, 3)));
  return rows_done(db, st, arr, rc, "the events");
}

json_t *store_events_query(struct dbc *db, const struct store_event_filter *f)
{
  /* With a site, its own statement, so that the (site, t) index serves it. */
  struct dbc_st *st = dbc_prep(
      /* kind = ?3 first: PostgreSQL types a parameter where it first meets it. */
      db, f->site ? "SELECT t, site, kind, message FROM events WHERE site = ?5 AND t >= ?1 AND "
                    "t < ?2 AND (kind = ?3 OR ?3 IS NULL) ORDER BY t DESC, id DESC LIMIT ?4"
                  : "SELECT t, site, kind, message FROM events WHERE t >= ?1 AND t < ?2 AND "
                    "(kind = ?3 OR ?3 IS NULL) ORDER BY t DESC, id DESC LIMIT ?4");
  if (!st)
    return NULL;
  dbc_bind_int64(st, 1, f->from);
  dbc_bind_int64(st, 2, f->to);
  dbc_bind_text(st, 3, f->kind);
  dbc_bind_int64(st, 4, f->limit);
  if (f->site)
    dbc_bind_text(st, 5, f->site);
  json_t *arr = json_array();
  int rc;
  while ((rc = dbc_step(st)) == 1) {
    char iso[40];
    int64_t t = dbc_int64(st, 0);
    json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s}", "t_ns", (json_int_t)t, "time",
                                         tu_format(t, iso, sizeof iso, 0), "site",
                                         dbc_text(st, 1), "kind", dbc_text(st, 2), "message",
                                         dbc_text(st, 3)));
  }
  return rows_done(db, st, arr, rc, "the events");
}

/* The lease row updated by sql (?1 holder, ?2 deadline, ?3 now): 1 if it was, 0 if not,
 * -1 on an error. */
static int lease_update(struct dbc *db, const char *sql, const char *holder, int64_t now,
                        int64_t deadline)
{
  struct dbc_st *st = dbc_prep(db, sql);
  if (!st)
    return -1;
  dbc_bind_text(st, 1, holder);
  dbc_bind_int64(st, 2, deadline);
  dbc_bind_int64(st, 3, now);
  if (dbc_run(st) != 0)
    return -1;
  return dbc_changes(st) == 1;
}

int store_lease_take(struct dbc *db, const char *holder, int64_t now, int64_t deadline)
{
  return lease_update(db, "UPDATE lease SET holder = ?1, deadline = ?2 WHERE name = "
                          "'steering' AND (holder = ?1 OR deadline < ?3)",
                      holder, now, deadline);
}

int store_lease_renew(struct dbc *db, const char *holder, int64_t now, int64_t deadline)
{
  return lease_update(db, "UPDATE lease SET deadline = ?2 WHERE name = 'steering' AND "
                          "holder = ?1 AND deadline >= ?3",
                      holder, now, deadline);
}

int store_lease_release(struct dbc *db, const char *holder)
{
  struct dbc_st *st = dbc_prep(db, "UPDATE lease SET deadline = 0 WHERE name = 'steering' AND "
                                   "holder = ?");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, holder);
  return dbc_run(st);
}

int store_lease_holder(struct dbc *db, char *holder, size_t n, int64_t *deadline)
{
  struct dbc_st *st = dbc_prep(db, "SELECT holder, deadline FROM lease WHERE name = 'steering'");
  if (!st)
    return -1;
  int rc = dbc_step(st);
  if (rc == 1) {
    snprintf(holder, n, "%s", dbc_text(st, 0));
    *deadline = dbc_int64(st, 1);
  }
  dbc_reset(st);
  return rc;
}

int store_report_put(struct dbc *db, const char *site, int64_t t, const char *json)
{
  struct dbc_st *st = dbc_prep(db, "INSERT INTO reports (site, t, json) VALUES (?, ?, ?) ON "
                                   "CONFLICT (site) DO UPDATE SET t = excluded.t, json = "
                                   "excluded.json WHERE excluded.t >= reports.t");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, t);
  dbc_bind_text(st, 3, json);
  return dbc_put(st);
}

char *store_report_get(struct dbc *db, const char *site, int64_t after)
{
  struct dbc_st *st = dbc_prep(db, "SELECT json FROM reports WHERE site = ? AND t > ?");
  if (!st)
    return NULL;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, after);
  char *v = dbc_step(st) == 1 ? strdup(dbc_text(st, 0)) : NULL;
  dbc_reset(st);
  return v;
}
