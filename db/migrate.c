/* Numbered schema migrations.  A database's PRAGMA user_version is the number of
 * migrations applied; new ones are appended, never edited once released. */
#include "config.h"

#include <stdio.h>

#include "db/db.h"

static const char *const spool_migrations[] = {
    /* 1: tracks waiting for the server's acknowledgement, the oscillator's state across
     * restarts, and the simulation's truth for scoring. */
    "CREATE TABLE tracks ("
    "  slot INTEGER PRIMARY KEY,"      /* slot start, UTC ns */
    "  json TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"      /* service time the track was stored */
    "  acked INTEGER"                  /* wall time of the server's acknowledgement */
    ");"
    "CREATE INDEX tracks_unacked ON tracks(slot) WHERE acked IS NULL;"
    "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE truth (t INTEGER PRIMARY KEY, x_ns REAL NOT NULL);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  message TEXT NOT NULL);",
};

static const char *const server_migrations[] = {
    /* 1: tracks, common-view differences, steering, clock states, replay protection. */
    "CREATE TABLE tracks ("
    "  site TEXT NOT NULL,"
    "  slot INTEGER NOT NULL,"          /* slot start, UTC ns */
    "  value_ns REAL,"
    "  sigma_ns REAL,"
    "  n_used INTEGER NOT NULL,"
    "  low_count INTEGER NOT NULL,"
    "  json TEXT NOT NULL,"
    "  received INTEGER NOT NULL,"      /* wall time */
    "  PRIMARY KEY (site, slot)"
    ") WITHOUT ROWID;"
    "CREATE INDEX tracks_slot ON tracks(slot);"
    /* a - b = (a - GPS) - (b - GPS) in the same slot; stored once per pair with a < b. */
    "CREATE TABLE cv ("
    "  slot INTEGER NOT NULL,"
    "  a TEXT NOT NULL,"
    "  b TEXT NOT NULL,"
    "  value_ns REAL NOT NULL,"
    "  sigma_ns REAL,"
    "  PRIMARY KEY (a, b, slot)"
    ") WITHOUT ROWID;"
    "CREATE TABLE steering ("
    "  id INTEGER PRIMARY KEY,"
    "  site TEXT NOT NULL,"
    "  t INTEGER NOT NULL,"             /* service time of the decision */
    "  slot INTEGER,"                   /* slot of the measurement it used */
    "  measured_x_ns REAL,"
    "  x_est_ns REAL,"
    "  x_sigma_ns REAL,"
    "  y_est REAL,"
    "  innovation_ns REAL,"
    "  freq REAL,"
    "  drift_per_day REAL,"
    "  slew_freq REAL,"
    "  phase_step_ns REAL,"
    "  cmd_id INTEGER,"
    "  state TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  json TEXT"
    ");"
    "CREATE INDEX steering_site_t ON steering(site, t);"
    "CREATE TABLE commands ("
    "  site TEXT NOT NULL,"
    "  id INTEGER NOT NULL,"
    "  issued INTEGER NOT NULL,"
    "  json TEXT NOT NULL,"
    "  PRIMARY KEY (site, id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE clocks ("
    "  site TEXT PRIMARY KEY,"
    "  state TEXT NOT NULL,"
    "  json TEXT NOT NULL,"             /* the controller's state, servo included */
    "  updated INTEGER NOT NULL"
    ");"
    "CREATE TABLE seen_signatures (sig TEXT PRIMARY KEY, ts INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  t INTEGER NOT NULL,"
    "  site TEXT,"
    "  kind TEXT NOT NULL,"
    "  message TEXT NOT NULL"
    ");",
    /* 2: staff's requests to the server (cvd operator), done at its next tick. */
    "CREATE TABLE operator_requests ("
    "  id INTEGER PRIMARY KEY,"
    "  t INTEGER NOT NULL,"             /* wall time it was asked */
    "  site TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"             /* step_was_clock, step_was_delay */
    "  done INTEGER,"                   /* service time it was done, NULL while pending */
    "  result TEXT"
    ");",
    /* 3: the events read newest first, of a site or all (GET /api/v1/events), the
     * steering log of every clock by time, and each pair's latest difference kept apart,
     * so that the grid is one read of a small table, not a search per cell (issue 11). */
    "CREATE INDEX events_t ON events(t);"
    "CREATE INDEX events_site_t ON events(site, t);"
    "CREATE INDEX steering_t ON steering(t);"
    "CREATE TABLE cv_latest ("
    "  a TEXT NOT NULL,"
    "  b TEXT NOT NULL,"
    "  slot INTEGER NOT NULL,"
    "  value_ns REAL NOT NULL,"
    "  PRIMARY KEY (a, b)"
    ") WITHOUT ROWID;"
    "INSERT INTO cv_latest (a, b, slot, value_ns) SELECT a, b, max(slot), value_ns FROM cv "
    "  GROUP BY a, b;",
    /* 4: a clock's holdover prediction at the start of each slot it spent in holdover, so
     * that a holdover's band can be drawn against what was measured after it. */
    "CREATE TABLE predictions ("
    "  site TEXT NOT NULL,"
    "  slot INTEGER NOT NULL,"          /* slot start, UTC ns */
    "  x_ns REAL NOT NULL,"             /* predicted REMOTE - REF */
    "  sigma_ns REAL NOT NULL,"         /* its 1-sigma */
    "  PRIMARY KEY (site, slot)"
    ") WITHOUT ROWID;",
};

static int schema_version(sqlite3 *db)
{
  sqlite3_stmt *st = db_prepare(db, "PRAGMA user_version");
  int v = -1;
  if (st && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

int db_migrate(sqlite3 *db, enum db_kind kind, char *err, size_t errlen)
{
  const char *const *m = kind == DB_SPOOL ? spool_migrations : server_migrations;
  int n = kind == DB_SPOOL ? (int)(sizeof spool_migrations / sizeof *m)
                           : (int)(sizeof server_migrations / sizeof *m);
  int have = schema_version(db);
  if (have < 0) {
    snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(db));
    return -1;
  }
  if (have > n) {
    snprintf(err, errlen, "database schema %d is newer than this cvd knows (%d)", have, n);
    return -1;
  }
  for (int i = have; i < n; i++) {
    char sql[64];
    if (db_begin(db) != 0 || db_exec(db, m[i], err, errlen) != 0) {
      db_rollback(db);
      return -1;
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", i + 1);
    if (db_exec(db, sql, err, errlen) != 0 || db_commit(db) != 0) {
      db_rollback(db);
      return -1;
    }
  }
  return 0;
}
