#include "config.h"
#include "db/db.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "core/log.h"
#include "db/dbcint.h"
#include "db/walbuf.h"

#include <stdlib.h>
#include <time.h>

#define DB_SPOOL_BUSY_MS 2000

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* SQLite's memory statistics (sqlite3_memory_used, the soft heap limit) take one mutex that
 * every connection shares at each allocation and free, 1.5 % of the server's CPU at ingest
 * (issue 13); cvd reads none of them.  SQLite refuses this once it is initialised (another
 * caller opened a database first): the statistics then stay on, which costs only time. */
static void lib_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

sqlite3 *db_open(const char *path, enum db_kind kind, char *err, size_t errlen)
{
  sqlite3 *db = NULL;
  pthread_once(&lib_once, lib_setup);
  /* A writer's commit is one write of its WAL frames, not two a page (walbuf.h). */
  if (db_walbuf_register(err, errlen) != 0)
    return NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                          SQLITE_OPEN_FULLMUTEX, DB_WALBUF_VFS);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return NULL;
  }
  /* Another process's lock is waited for at most this: the site's loop reads its counter
   * meanwhile only from the instrument's buffer, and a track not stored is held. */
  sqlite3_busy_timeout(db, kind == DB_SPOOL ? DB_SPOOL_BUSY_MS : 10000);
  sqlite3_extended_result_codes(db, 1);
  char e[256];
  const char *sync = kind == DB_SPOOL ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (db_exec(db, "PRAGMA journal_mode=WAL", e, sizeof e) != 0 ||
      db_exec(db, sync, e, sizeof e) != 0 || db_exec(db, "PRAGMA foreign_keys=ON", e, sizeof e) != 0 ||
      (kind == DB_SPOOL && db_migrate(db, kind, e, sizeof e) != 0)) {
    snprintf(err, errlen, "%s: %s", path, e);
    sqlite3_close(db);
    return NULL;
  }
  return db;
}

sqlite3 *db_open_reader(const char *path, int busy_ms, char *err, size_t errlen)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open for reading: %s", path,
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db, busy_ms);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

static int64_t mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sqlite3_busy_handler: nonzero to try again, 0 to fail with SQLITE_BUSY. */
static int busy_wait(void *arg, int count)
{
  struct db_busy *b = arg;
  int64_t now = mono_ms();
  if (count == 0) {
    if (now - b->gave_up_ms < DB_BUSY_QUIET_MS)
      return 0;
    b->wait_start_ms = now;
  }
  if (now - b->wait_start_ms >= b->ms) {
    b->gave_up_ms = now;
    return 0;
  }
  sqlite3_sleep(count < 3 ? 5 << count : 50);
  return 1;
}

void db_busy_budget(sqlite3 *db, struct db_busy *b, int ms)
{
  b->ms = ms;
  b->wait_start_ms = 0;
  b->gave_up_ms = INT64_MIN / 2;
  sqlite3_busy_handler(db, busy_wait, b);
}

void db_close(sqlite3 *db) { sqlite3_close_v2(db); }

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

static int exec_logged(sqlite3 *db, const char *sql)
{
  char e[256];
  if (db_exec(db, sql, e, sizeof e) != 0) {
    LOGE("db", "%s: %s", sql, e);
    return -1;
  }
  return 0;
}

int db_begin(sqlite3 *db) { return exec_logged(db, "BEGIN IMMEDIATE"); }
int db_commit(sqlite3 *db) { return exec_logged(db, "COMMIT"); }

void db_rollback(sqlite3 *db)
{
  if (!sqlite3_get_autocommit(db))
    exec_logged(db, "ROLLBACK");
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    LOGE("db", "prepare failed: %s (%s)", sqlite3_errmsg(db), sql);
    return NULL;
  }
  return st;
}

int db_step_done(sqlite3 *db, sqlite3_stmt *st)
{
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) {
    LOGE("db", "%s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

const char *db_text(sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

double db_double(sqlite3_stmt *st, int i)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

int db_bind_double(sqlite3_stmt *st, int i, double v)
{
  return isfinite(v) ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
}

int db_read_tracks(sqlite3_stmt *st, struct track **out)
{
  /* The store's reader, over this statement of the spool's. */
  struct dbc *c = dbc_wrap_sqlite(sqlite3_db_handle(st));
  struct dbc_st s = {.c = c, .lite = st};
  int n = c ? dbc_read_tracks(&s, out) : -1;
  sqlite3_finalize(st);
  dbc_close(c);
  return n;
}
