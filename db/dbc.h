/* One connection to the server's store, on either engine (DESIGN.md section 4, Stores):
 * SQLite (a file path, the embedded default) or PostgreSQL (a postgresql:// or postgres://
 * URI, through libpq).  Callers write SQL once, in the dialect both engines take (upserts
 * with ON CONFLICT, RETURNING, parameters as ? or ?N); the differences are handled here
 * alone: parameters become $N for PostgreSQL, the migrations' types are translated
 * (dbc_pg.c), the schema version is PRAGMA user_version or a table.
 *
 * Statements are prepared once per connection: dbc_prep keys its cache on the address of
 * the SQL text, which must therefore be a string constant.  A connection is used by one
 * thread at a time (the caller's lock); a statement from dbc_prep is in use from its first
 * bind to dbc_reset. */
#ifndef CVD_DBC_H
#define CVD_DBC_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct dbc;
struct dbc_st;

/* 1 if target names a PostgreSQL server (postgresql:// or postgres://). */
int dbc_target_is_pg(const char *target);

/* Opens the server's store (creating and migrating it; several processes may do so at
 * once).  A reader (reader nonzero) neither creates nor migrates: it reads beside the
 * writer (SQLite: its own read-only connection in WAL mode).  NULL with err. */
struct dbc *dbc_open(const char *target, int reader, char *err, size_t errlen);
void dbc_close(struct dbc *c);
int dbc_is_pg(const struct dbc *c);
/* 1 if write transactions on this store run one at a time (SQLite: BEGIN IMMEDIATE takes
 * the file's one write lock, whichever process asks), so that what a write transaction
 * reads holds every other writer's committed work and none of theirs in flight; 0 where
 * writers run side by side (PostgreSQL, read committed). */
int dbc_serial(const struct dbc *c);
/* SQLite: the WAL's checkpoints taken off this writer's commits, to a thread of its own
 * (db/checkpoint.h) until dbc_close; 0, or -1 with err (the commits keep them).
 * PostgreSQL, or an SQLite database in memory: nothing to do, 0. */
int dbc_background_checkpoints(struct dbc *c, char *err, size_t errlen);
/* The SQLite handle, or NULL on PostgreSQL. */
sqlite3 *dbc_sqlite(struct dbc *c);
/* The last error on this connection. */
const char *dbc_errmsg(struct dbc *c);
/* SQLite: how long a statement waits for another process's lock (db_busy_budget); b is
 * the caller's and must outlive c.  PostgreSQL: the lock_timeout, in ms. */
void dbc_busy_budget(struct dbc *c, struct db_busy *b, int ms);

/* Runs one or more statements without parameters (migrations, tests). */
int dbc_exec(struct dbc *c, const char *sql, char *err, size_t errlen);
int dbc_begin(struct dbc *c);        /* SQLite: BEGIN IMMEDIATE */
/* 0, or -1 when the commit failed or a statement of the transaction had (its writes then
 * rolled back, on both engines: a transaction is stored whole or not at all). */
int dbc_commit(struct dbc *c);
void dbc_rollback(struct dbc *c);    /* only when in a transaction */

/* The statement for sql (a string constant), prepared on first use; NULL, logged, if it
 * cannot be. */
struct dbc_st *dbc_prep(struct dbc *c, const char *sql);
/* A statement for SQL that is not a constant: freed by dbc_free, not cached. */
struct dbc_st *dbc_prep_temp(struct dbc *c, const char *sql);
void dbc_free(struct dbc_st *s);

/* Parameters count from 1.  Text is copied; NULL text binds NULL; a double that is not
 * finite binds NULL. */
void dbc_bind_int64(struct dbc_st *s, int i, int64_t v);
void dbc_bind_double(struct dbc_st *s, int i, double v);
void dbc_bind_text(struct dbc_st *s, int i, const char *v);

/* 1 with a row, 0 when done, -1 on an error (logged). */
int dbc_step(struct dbc_st *s);
/* Steps a statement that returns no rows (or whose rows are not wanted) and resets it:
 * 0 or -1 (logged). */
int dbc_run(struct dbc_st *s);
/* dbc_run for a write whose only outcome wanted is success: on PostgreSQL inside a
 * transaction it is sent without waiting for its result, which is read with the next
 * statement that returns rows or changes, or with the commit (dbc_pg.c).  Its failure
 * is then logged there and fails the commit; its changes are not known (0).  0 or -1. */
int dbc_put(struct dbc_st *s);
/* Rows changed by the statement's last run (dbc_run keeps it across its reset). */
long dbc_changes(const struct dbc_st *s);
int dbc_isnull(struct dbc_st *s, int col);       /* columns count from 0 */
int64_t dbc_int64(struct dbc_st *s, int col);    /* 0 for NULL */
double dbc_double(struct dbc_st *s, int col);    /* NAN for NULL */
const char *dbc_text(struct dbc_st *s, int col); /* "" for NULL; valid until the next step */
/* Ends this use of the statement: its bindings and rows are dropped. */
void dbc_reset(struct dbc_st *s);

/* Steps s, whose first column is a track's JSON, into a malloc'ed array (unreadable rows
 * logged and skipped), and resets it.  The count, or -1 (a step that failed part way
 * included: never some of the rows). */
struct track;
int dbc_read_tracks(struct dbc_st *s, struct track **out);

/* The migrations (migrate.c) run on c, in one transaction that holds off any other
 * process migrating the same store. */
int dbc_migrate(struct dbc *c, enum db_kind kind, char *err, size_t errlen);
/* A connection over an open SQLite handle that stays the caller's (the spool's
 * migrations); freed with dbc_close, which leaves db open. */
struct dbc *dbc_wrap_sqlite(sqlite3 *db);

#endif
