/* SQLite access (DESIGN.md section 4): WAL mode, schema changes only through the numbered
 * migrations in migrate.c, every statement prepared with bound parameters.
 *
 * Two databases: a site's spool (spool.h) and the server's store (store.h, on SQLite or
 * PostgreSQL through dbc.h). */
#ifndef CVD_DB_H
#define CVD_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

enum db_kind { DB_SPOOL, DB_SERVER };

/* Opens (creating if needed); the spool is migrated here, the server's store by dbc_open
 * (db/dbc.h), which takes PostgreSQL as well and opens SQLite through this.  The spool runs with synchronous=FULL: a track
 * reported stored survives power loss; the server with synchronous=NORMAL in WAL mode, whose
 * loss on power failure is bounded by the sites' spools, which resend what was not acked.
 * Returns NULL with the reason in err. */
sqlite3 *db_open(const char *path, enum db_kind kind, char *err, size_t errlen);
void db_close(sqlite3 *db);
/* A connection for reading alone, beside the one that writes (WAL: a reader neither waits
 * for a writer nor holds it up); waits for a lock at most busy_ms.  NULL with err. */
sqlite3 *db_open_reader(const char *path, int busy_ms, char *err, size_t errlen);

/* How long a connection waits for another process's lock: at most `ms` for one statement,
 * and once a wait has run out, not at all for the next DB_BUSY_QUIET_MS of wall time (the
 * statements fail at once with SQLITE_BUSY, which callers report as "try again later").
 * A database held for hours then costs one wait every few seconds, not one per statement,
 * so that the caller's own locks are not held through them.  The caller owns `b`; it
 * must outlive the connection. */
#define DB_BUSY_QUIET_MS 5000
struct db_busy {
  int ms;
  int64_t wait_start_ms, gave_up_ms; /* CLOCK_MONOTONIC */
};
void db_busy_budget(sqlite3 *db, struct db_busy *b, int ms);

/* Runs the migrations of `kind` above the database's user_version. */
int db_migrate(sqlite3 *db, enum db_kind kind, char *err, size_t errlen);

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
int db_begin(sqlite3 *db);    /* BEGIN IMMEDIATE */
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Prepares sql, or logs the error and returns NULL. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);
/* Steps a statement that returns no rows; SQLITE_DONE is success (0), else -1 (logged). */
int db_step_done(sqlite3 *db, sqlite3_stmt *st);
/* Text of column i as a C string ("" for NULL). */
const char *db_text(sqlite3_stmt *st, int i);
/* Column i as double, NAN for NULL. */
double db_double(sqlite3_stmt *st, int i);
/* Steps st, whose first column is a track's JSON, into a malloc'ed array of tracks
 * (unreadable rows are logged and skipped).  Returns the count or -1.  Finalizes st. */
struct track;
int db_read_tracks(sqlite3_stmt *st, struct track **out);
/* Binds a double, or NULL when it is not finite. */
int db_bind_double(sqlite3_stmt *st, int i, double v);

#endif
