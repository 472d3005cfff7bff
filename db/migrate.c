/* Numbered schema migrations.  A database's PRAGMA user_version is the number of
 * migrations applied; new ones are appended, never edited once released. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/dbcint.h"

/* A migration in SQLite's dialect, and PostgreSQL's when a translation of its types
 * (dbc_pg_ddl) is not enough. */
struct migration {
  const char *sql, *pg;
};

static const struct migration spool_migrations[] = {
    /* 1: tracks waiting for the server's acknowledgement, the oscillator's state across
     * restarts, and the simulation's truth for scoring. */
    {"CREATE TABLE tracks ("
    "  slot INTEGER PRIMARY KEY,"      /* slot start, UTC ns */
    "  json TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"      /* service time the track was stored */
    "  acked INTEGER"                  /* wall time of the server's acknowledgement */
    ");"
    "CREATE INDEX tracks_unacked ON tracks(slot) WHERE acked IS NULL;"
    "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE truth (t INTEGER PRIMARY KEY, x_ns REAL NOT NULL);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  message TEXT NOT NULL);", NULL},
};

static const struct migration server_migrations[] = {
    /* 1: tracks, common-view differences, steering, clock states, replay protection. */
    {"CREATE TABLE tracks ("
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
    ");", NULL},
    /* 2: staff's requests to the server (cvd operator), done at its next tick. */
    {"CREATE TABLE operator_requests ("
    "  id INTEGER PRIMARY KEY,"
    "  t INTEGER NOT NULL,"             /* wall time it was asked */
    "  site TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"             /* step_was_clock, step_was_delay */
    "  done INTEGER,"                   /* service time it was done, NULL while pending */
    "  result TEXT"
    ");", NULL},
    /* 3: the events read newest first, of a site or all (GET /api/v1/events), the
     * steering log of every clock by time, and each pair's latest difference kept apart,
     * so that the grid is one read of a small table, not a search per cell (issue 11). */
    {"CREATE INDEX events_t ON events(t);"
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
     /* PostgreSQL has no bare column beside max(): the latest row by DISTINCT ON. */
     "CREATE INDEX events_t ON events(t);"
     "CREATE INDEX events_site_t ON events(site, t);"
     "CREATE INDEX steering_t ON steering(t);"
     "CREATE TABLE cv_latest (a TEXT NOT NULL, b TEXT NOT NULL, slot BIGINT NOT NULL,"
     "  value_ns DOUBLE PRECISION NOT NULL, PRIMARY KEY (a, b));"
     "INSERT INTO cv_latest (a, b, slot, value_ns) SELECT DISTINCT ON (a, b) a, b, slot, "
     "  value_ns FROM cv ORDER BY a, b, slot DESC;"},
    /* 4: a clock's holdover prediction at the start of each slot it spent in holdover, so
     * that a holdover's band can be drawn against what was measured after it. */
    {"CREATE TABLE predictions ("
    "  site TEXT NOT NULL,"
    "  slot INTEGER NOT NULL,"          /* slot start, UTC ns */
    "  x_ns REAL NOT NULL,"             /* predicted REMOTE - REF */
    "  sigma_ns REAL NOT NULL,"         /* its 1-sigma */
    "  PRIMARY KEY (site, slot)"
    ") WITHOUT ROWID;", NULL},
    /* 5: which server steers (issue 13): one row, held by one server until its deadline
     * (service time), renewed while it lives; another takes it once the deadline passed. */
    {"CREATE TABLE lease ("
     "  name TEXT PRIMARY KEY,"
     "  holder TEXT NOT NULL,"
     "  deadline INTEGER NOT NULL"
     ");"
     "INSERT INTO lease (name, holder, deadline) VALUES ('steering', '', 0);", NULL},
    /* 6: each site's newest report of its oscillator, kept by whichever server took it,
     * for the steering server's controllers (issue 13). */
    {"CREATE TABLE reports ("
     "  site TEXT PRIMARY KEY,"
     "  t INTEGER NOT NULL,"            /* the report's time, the site's service time */
     "  json TEXT NOT NULL"
     ");", NULL},
};

/* The schema version: SQLite's user_version, or on PostgreSQL a row of its own table
 * (several kinds could share a server; only DB_SERVER does). */
static int schema_version(struct dbc *c, char *err, size_t errlen)
{
  struct dbc_st *s = dbc_prep_temp(c, dbc_is_pg(c) ? "SELECT max(version) FROM cvd_schema"
                                                   : "PRAGMA user_version");
  int v = -1;
  if (s && dbc_step(s) >= 0)
    v = (int)dbc_int64(s, 0);
  if (v < 0)
    snprintf(err, errlen, "cannot read the schema version: %s", dbc_errmsg(c));
  dbc_free(s);
  return v;
}

static int set_version(struct dbc *c, int v, char *err, size_t errlen)
{
  char sql[96];
  snprintf(sql, sizeof sql, dbc_is_pg(c) ? "UPDATE cvd_schema SET version = %d"
                                         : "PRAGMA user_version = %d", v);
  return dbc_exec(c, sql, err, errlen);
}

/* On PostgreSQL, the version's table, and a lock that holds off other servers migrating
 * at the same time until this transaction ends. */
static int pg_prologue(struct dbc *c, char *err, size_t errlen)
{
  if (!dbc_is_pg(c))
    return 0;
  return dbc_exec(c, "SELECT pg_advisory_xact_lock(7219013);"
                     "CREATE TABLE IF NOT EXISTS cvd_schema (version INTEGER NOT NULL);"
                     "INSERT INTO cvd_schema (version) SELECT 0 WHERE NOT EXISTS "
                     "(SELECT 1 FROM cvd_schema);",
                  err, errlen);
}

static int apply(struct dbc *c, const struct migration *m, char *err, size_t errlen)
{
  if (!dbc_is_pg(c))
    return dbc_exec(c, m->sql, err, errlen);
  char *pg = m->pg ? NULL : dbc_pg_ddl(m->sql);
  int rc = dbc_exec(c, m->pg ? m->pg : pg, err, errlen);
  free(pg);
  return rc;
}

int dbc_migrate(struct dbc *c, enum db_kind kind, char *err, size_t errlen)
{
  const struct migration *m = kind == DB_SPOOL ? spool_migrations : server_migrations;
  int n = kind == DB_SPOOL ? (int)(sizeof spool_migrations / sizeof *m)
                           : (int)(sizeof server_migrations / sizeof *m);
  if (dbc_begin(c) != 0) {
    snprintf(err, errlen, "cannot begin the migrations: %s", dbc_errmsg(c));
    return -1;
  }
  int have = pg_prologue(c, err, errlen) == 0 ? schema_version(c, err, errlen) : -1;
  if (have > n)
    snprintf(err, errlen, "database schema %d is newer than this cvd knows (%d)", have, n);
  if (have < 0 || have > n) {
    dbc_rollback(c);
    return -1;
  }
  for (int i = have; i < n; i++)
    if (apply(c, &m[i], err, errlen) != 0 || set_version(c, i + 1, err, errlen) != 0) {
      dbc_rollback(c);
      return -1;
    }
  if (dbc_commit(c) != 0) {
    snprintf(err, errlen, "cannot commit the migrations: %s", dbc_errmsg(c));
    dbc_rollback(c);
    return -1;
  }
  return 0;
}

int db_migrate(sqlite3 *db, enum db_kind kind, char *err, size_t errlen)
{
  struct dbc *c = dbc_wrap_sqlite(db);
  int rc = c ? dbc_migrate(c, kind, err, errlen) : -1;
  dbc_close(c);
  return rc;
}
