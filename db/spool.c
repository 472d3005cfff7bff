#include "config.h"
#include "db/spool.h"

#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "db/db.h"

int spool_put(sqlite3 *db, const struct track *t, int64_t now, const struct truth_sample *truth,
              int n_truth)
{
  json_t *j = track_to_json(t);
  char *text = jx_dump(j);
  json_decref(j);
  sqlite3_stmt *st = NULL, *tr = NULL;
  int rc = -1;
  if (!text || db_begin(db) != 0)
    goto out;
  st = db_prepare(db, "INSERT OR IGNORE INTO tracks (slot, json, created) VALUES (?, ?, ?)");
  if (!st)
    goto fail;
  sqlite3_bind_int64(st, 1, t->slot);
  sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  if (db_step_done(db, st) != 0)
    goto fail;
  if (n_truth > 0) {
    tr = db_prepare(db, "INSERT OR REPLACE INTO truth (t, x_ns) VALUES (?, ?)");
    if (!tr)
      goto fail;
    for (int i = 0; i < n_truth; i++) {
      sqlite3_reset(tr);
      sqlite3_bind_int64(tr, 1, truth[i].t);
      sqlite3_bind_double(tr, 2, truth[i].x_ns);
      if (db_step_done(db, tr) != 0)
        goto fail;
    }
  }
  if (db_commit(db) == 0)
    rc = 0;
  else
    goto fail;
  goto out;
fail:
  db_rollback(db);
out:
  if (rc != 0)
    LOGE("spool", "STORING TRACK %d %05d FAILED: %s", t->mjd, t->sod, sqlite3_errmsg(db));
  sqlite3_finalize(st);
  sqlite3_finalize(tr);
  free(text);
  return rc;
}

int spool_unacked(sqlite3 *db, struct track *out, int max)
{
  sqlite3_stmt *st =
      db_prepare(db, "SELECT slot, json FROM tracks WHERE acked IS NULL ORDER BY slot LIMIT ?");
  if (!st)
    return -1;
  sqlite3_bind_int(st, 1, max);
  int n = 0, rc;
  while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    json_error_t je;
    char err[256];
    json_t *j = json_loads(db_text(st, 1), 0, &je);
    if (!j || track_from_json(j, &out[n], err, sizeof err) != 0) {
      LOGE("spool", "stored track of slot %lld is unreadable, left in place: %s",
           (long long)sqlite3_column_int64(st, 0), j ? err : je.text);
      json_decref(j);
      continue;
    }
    json_decref(j);
    n++;
  }
  sqlite3_finalize(st);
  return n;
}

int spool_tracks(sqlite3 *db, int64_t from, int64_t to, struct track **out)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT json FROM tracks WHERE slot >= ? AND slot < ? "
                                    "ORDER BY slot");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  return db_read_tracks(st, out);
}

int spool_count_unacked(sqlite3 *db)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM tracks WHERE acked IS NULL");
  int n = -1;
  if (st && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return n;
}

int spool_ack(sqlite3 *db, const struct track *t, int n, int64_t wall_now)
{
  if (n == 0)
    return 0;
  sqlite3_stmt *st = NULL;
  if (db_begin(db) != 0)
    return -1;
  st = db_prepare(db, "UPDATE tracks SET acked = ? WHERE slot = ? AND acked IS NULL");
  if (!st)
    goto fail;
  for (int i = 0; i < n; i++) {
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, wall_now);
    sqlite3_bind_int64(st, 2, t[i].slot);
    if (db_step_done(db, st) != 0)
      goto fail;
  }
  sqlite3_finalize(st);
  return db_commit(db);
fail:
  sqlite3_finalize(st);
  db_rollback(db);
  return -1;
}

int spool_prune(sqlite3 *db, int64_t before)
{
  sqlite3_stmt *a = db_prepare(db, "DELETE FROM tracks WHERE acked IS NOT NULL AND slot < ?");
  sqlite3_stmt *b = db_prepare(db, "DELETE FROM truth WHERE t < ?");
  int rc = -1;
  if (a && b) {
    sqlite3_bind_int64(a, 1, before);
    sqlite3_bind_int64(b, 1, before);
    rc = db_step_done(db, a) == 0 && db_step_done(db, b) == 0 ? 0 : -1;
  }
  sqlite3_finalize(a);
  sqlite3_finalize(b);
  return rc;
}

int spool_kv_put(sqlite3 *db, const char *key, const char *value)
{
  sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

int spool_kv_get(sqlite3 *db, const char *key, char **value)
{
  *value = NULL;
  sqlite3_stmt *st = db_prepare(db, "SELECT value FROM kv WHERE key = ?");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    rc = (*value = strdup(db_text(st, 0))) ? 1 : -1;
  else if (rc == SQLITE_DONE)
    rc = 0;
  else {
    LOGE("spool", "reading %s: %s", key, sqlite3_errmsg(db));
    rc = -1;
  }
  sqlite3_finalize(st);
  return rc;
}

int spool_event(sqlite3 *db, int64_t t, const char *kind, const char *message)
{
  sqlite3_stmt *st = db_prepare(db, "INSERT INTO events (t, kind, message) VALUES (?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, t);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}

int spool_truth(sqlite3 *db, int64_t from, int64_t to, struct truth_sample **out)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT t, x_ns FROM truth WHERE t >= ? AND t < ? ORDER BY t");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  int n = 0, cap = 256;
  struct truth_sample *v = malloc(sizeof *v * (size_t)cap);
  while (v && sqlite3_step(st) == SQLITE_ROW) {
    if (n == cap) {
      struct truth_sample *w = realloc(v, sizeof *v * (size_t)(cap *= 2));
      if (!w) {
        free(v);
        v = NULL;
        break;
      }
      v = w;
    }
    v[n].t = sqlite3_column_int64(st, 0);
    v[n].x_ns = sqlite3_column_double(st, 1);
    n++;
  }
  sqlite3_finalize(st);
  if (!v)
    return -1;
  *out = v;
  return n;
}
