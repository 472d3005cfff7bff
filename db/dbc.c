/* The store's connection: what both engines share (the statement cache, reading tracks)
 * and SQLite's side; PostgreSQL's is dbc_pg.c. */
#include "config.h"
#include "db/dbcint.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/checkpoint.h"
#include "core/track.h"

#define DBC_READ_BUSY_MS 2000

int dbc_target_is_pg(const char *target)
{
  return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

struct dbc *dbc_wrap_sqlite(sqlite3 *db)
{
  struct dbc *c = calloc(1, sizeof *c);
  if (c)
    c->lite = db;
  return c;
}

struct dbc *dbc_open(const char *target, int reader, char *err, size_t errlen)
{
  struct dbc *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (dbc_target_is_pg(target)) {
    c->pg = dbc_pg_connect(target, err, errlen);
    if (!c->pg) {
      free(c);
      return NULL;
    }
  } else {
    c->lite = reader ? db_open_reader(target, DBC_READ_BUSY_MS, err, errlen)
                     : db_open(target, DB_SERVER, err, errlen);
    c->own_lite = 1;
    if (!c->lite) {
      free(c);
      return NULL;
    }
  }
  char e[400];
  if (!reader && dbc_migrate(c, DB_SERVER, e, sizeof e) != 0) {
    snprintf(err, errlen, "%s: %s", dbc_is_pg(c) ? "the PostgreSQL store" : target, e);
    dbc_close(c);
    return NULL;
  }
  return c;
}

void dbc_close(struct dbc *c)
{
  if (!c)
    return;
  for (int i = 0; i < c->n_cache; i++) {
    c->cache[i]->temp = 1;
    dbc_free(c->cache[i]);
  }
  if (c->pg)
    PQfinish(c->pg);
  db_ckpt_stop(c->ckpt);
  if (c->own_lite)
    db_close(c->lite);
  free(c);
}

int dbc_background_checkpoints(struct dbc *c, char *err, size_t errlen)
{
  const char *path = c->lite ? sqlite3_db_filename(c->lite, "main") : NULL;
  if (!path || !path[0] || c->ckpt)
    return 0;
  c->ckpt = db_ckpt_start(c->lite, path, err, errlen);
  return c->ckpt ? 0 : -1;
}

int dbc_is_pg(const struct dbc *c) { return c->pg != NULL; }
int dbc_serial(const struct dbc *c) { return c->pg == NULL; }
sqlite3 *dbc_sqlite(struct dbc *c) { return c->lite; }

const char *dbc_errmsg(struct dbc *c)
{
  if (c->pg)
    return c->err[0] ? c->err : PQerrorMessage(c->pg);
  return c->err[0] ? c->err : sqlite3_errmsg(c->lite); /* c->err: dbc_commit's refusal */
}

void dbc_busy_budget(struct dbc *c, struct db_busy *b, int ms)
{
  if (c->lite) {
    db_busy_budget(c->lite, b, ms);
    return;
  }
  char sql[64], e[256];
  c->lock_ms = ms;
  snprintf(sql, sizeof sql, "SET lock_timeout = %d", ms);
  if (dbc_pg_exec(c, sql, e, sizeof e) != 0)
    LOGW("db", "%s", e);
}

/* SQLite: a statement failed; inside a transaction, the transaction is marked so. */
static void lite_failed(struct dbc *c)
{
  c->err[0] = '\0'; /* the error is SQLite's own now */
  if (!sqlite3_get_autocommit(c->lite))
    c->lite_failed = 1;
}

int dbc_exec(struct dbc *c, const char *sql, char *err, size_t errlen)
{
  if (c->pg)
    return dbc_pg_exec(c, sql, err, errlen);
  if (db_exec(c->lite, sql, err, errlen) == 0)
    return 0;
  lite_failed(c);
  return -1;
}

static int exec_logged(struct dbc *c, const char *sql)
{
  char e[256];
  if (dbc_exec(c, sql, e, sizeof e) != 0) {
    LOGE("db", "%s: %s", sql, e);
    return -1;
  }
  return 0;
}

int dbc_begin(struct dbc *c)
{
  if (c->pg)
    return dbc_pg_begin(c);
  c->lite_failed = 0;
  c->err[0] = '\0';
  return exec_logged(c, "BEGIN IMMEDIATE");
}

/* A transaction is whole or not at all, on both engines: on SQLite a statement that
 * failed leaves the transaction open with the others' writes (a command without its
 * steering log row, tracks without their common view), so its COMMIT is a ROLLBACK, as
 * PostgreSQL makes it. */
int dbc_commit(struct dbc *c)
{
  if (c->pg)
    return dbc_pg_commit(c);
  if (c->lite_failed) {
    dbc_rollback(c);
    snprintf(c->err, sizeof c->err, "a statement of the transaction had failed: rolled back");
    LOGE("db", "COMMIT: %s", c->err);
    return -1;
  }
  return exec_logged(c, "COMMIT");
}

void dbc_rollback(struct dbc *c)
{
  if (c->pg) {
    dbc_pg_rollback(c);
    return;
  }
  c->lite_failed = 0;
  if (!sqlite3_get_autocommit(c->lite))
    exec_logged(c, "ROLLBACK");
}

static struct dbc_st *prepare(struct dbc *c, const char *sql, int temp)
{
  struct dbc_st *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->c = c;
  s->key = sql;
  s->temp = temp;
  int rc;
  if (c->pg)
    rc = dbc_pg_prepare(s, sql);
  else
    rc = sqlite3_prepare_v3(c->lite, sql, -1, temp ? 0 : SQLITE_PREPARE_PERSISTENT, &s->lite,
                            NULL) == SQLITE_OK
             ? 0
             : -1;
  if (rc != 0) {
    if (c->lite)
      lite_failed(c);
    LOGE("db", "prepare failed: %s (%s)", dbc_errmsg(c), sql);
    s->temp = 1;
    dbc_free(s);
    return NULL;
  }
  return s;
}

struct dbc_st *dbc_prep(struct dbc *c, const char *sql)
{
  for (int i = 0; i < c->n_cache; i++)
    if (c->cache[i]->key == sql)
      return c->cache[i];
  struct dbc_st *s = prepare(c, sql, c->n_cache == DBC_CACHE);
  if (s && !s->temp)
    c->cache[c->n_cache++] = s;
  else if (s)
    LOGW("db", "statement cache full: prepared for this use only (%s)", sql);
  return s;
}

struct dbc_st *dbc_prep_temp(struct dbc *c, const char *sql) { return prepare(c, sql, 1); }

void dbc_free(struct dbc_st *s)
{
  if (!s || !s->temp)
    return;
  if (s->lite)
    sqlite3_finalize(s->lite);
  dbc_pg_free(s);
  free(s);
}

void dbc_bind_int64(struct dbc_st *s, int i, int64_t v)
{
  if (s->lite) {
    sqlite3_bind_int64(s->lite, i, v);
    return;
  }
  if (i < 1 || i > DBC_MAX_PARAMS)
    return;
  free(s->vals[i - 1]);
  s->vals[i - 1] = malloc(24);
  if (s->vals[i - 1])
    snprintf(s->vals[i - 1], 24, "%lld", (long long)v);
}

void dbc_bind_double(struct dbc_st *s, int i, double v)
{
  if (s->lite) {
    if (isfinite(v))
      sqlite3_bind_double(s->lite, i, v);
    else
      sqlite3_bind_null(s->lite, i);
    return;
  }
  if (i < 1 || i > DBC_MAX_PARAMS)
    return;
  free(s->vals[i - 1]);
  s->vals[i - 1] = NULL;
  if (isfinite(v) && (s->vals[i - 1] = malloc(32)))
    snprintf(s->vals[i - 1], 32, "%.17g", v);
}

void dbc_bind_text(struct dbc_st *s, int i, const char *v)
{
  if (s->lite) {
    if (v)
      sqlite3_bind_text(s->lite, i, v, -1, SQLITE_TRANSIENT);
    else
      sqlite3_bind_null(s->lite, i);
    return;
  }
  if (i < 1 || i > DBC_MAX_PARAMS)
    return;
  free(s->vals[i - 1]);
  s->vals[i - 1] = v ? strdup(v) : NULL;
}

int dbc_step(struct dbc_st *s)
{
  if (!s->lite)
    return dbc_pg_step(s);
  int rc = sqlite3_step(s->lite);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE) {
    s->changes = sqlite3_changes(s->c->lite);
    return 0;
  }
  LOGE("db", "%s", sqlite3_errmsg(s->c->lite));
  lite_failed(s->c);
  return -1;
}

int dbc_run(struct dbc_st *s)
{
  int rc;
  while ((rc = dbc_step(s)) == 1)
    ;
  dbc_reset(s);
  return rc;
}

int dbc_put(struct dbc_st *s)
{
  if (!s->c->pipe) /* SQLite, or PostgreSQL outside a transaction */
    return dbc_run(s);
  int rc = dbc_pg_put(s);
  dbc_reset(s);
  return rc;
}

long dbc_changes(const struct dbc_st *s) { return s->changes; }

int dbc_isnull(struct dbc_st *s, int col)
{
  if (s->lite)
    return sqlite3_column_type(s->lite, col) == SQLITE_NULL;
  return !s->res || PQgetisnull(s->res, s->row, col);
}

int64_t dbc_int64(struct dbc_st *s, int col)
{
  if (s->lite)
    return sqlite3_column_int64(s->lite, col);
  return dbc_isnull(s, col) ? 0 : strtoll(PQgetvalue(s->res, s->row, col), NULL, 10);
}

double dbc_double(struct dbc_st *s, int col)
{
  if (dbc_isnull(s, col))
    return NAN;
  if (s->lite)
    return sqlite3_column_double(s->lite, col);
  return strtod(PQgetvalue(s->res, s->row, col), NULL);
}

const char *dbc_text(struct dbc_st *s, int col)
{
  if (s->lite) {
    const unsigned char *t = sqlite3_column_text(s->lite, col);
    return t ? (const char *)t : "";
  }
  return dbc_isnull(s, col) ? "" : PQgetvalue(s->res, s->row, col);
}

void dbc_reset(struct dbc_st *s)
{
  if (!s)
    return;
  if (s->lite) {
    sqlite3_reset(s->lite);
    sqlite3_clear_bindings(s->lite);
  } else {
    dbc_pg_reset(s);
  }
}

int dbc_read_tracks(struct dbc_st *s, struct track **out)
{
  int n = 0, cap = 64, rc = 0;
  struct track *v = malloc(sizeof *v * (size_t)cap);
  while (v && (rc = dbc_step(s)) == 1) {
    if (n == cap) {
      struct track *w = realloc(v, sizeof *v * (size_t)(cap *= 2));
      if (!w) {
        free(v);
        v = NULL;
        break;
      }
      v = w;
    }
    json_error_t je;
    char err[256];
    json_t *j = json_loads(dbc_text(s, 0), 0, &je);
    if (j && track_from_json(j, &v[n], err, sizeof err) == 0)
      n++;
    else
      LOGE("db", "stored track unreadable, skipped: %s", j ? err : je.text);
    json_decref(j);
  }
  dbc_reset(s);
  if (v && rc < 0) {
    free(v); /* some rows, not all: none rather than a slot or a range with holes */
    v = NULL;
  }
  if (!v)
    return -1;
  *out = v;
  return n;
}
