/* Inside db/: a connection of either engine and its statements (dbc.h), what dbc.c (the
 * common part and SQLite) and dbc_pg.c (PostgreSQL) share. */
#ifndef CVD_DBCINT_H
#define CVD_DBCINT_H

#include <libpq-fe.h>

#include "db/dbc.h"

#define DBC_MAX_PARAMS 24
#define DBC_CACHE 96
#define DBC_PIPE_MAX 128 /* commands in flight before a sync (their results are small) */

/* PostgreSQL: what a command sent in pipeline mode was, to read its result in order. */
enum dbc_pq_kind { PQ_CMD, PQ_PREPARE, PQ_PUT, PQ_WANT };
struct dbc_pq {
  enum dbc_pq_kind kind;
  struct dbc_st *st; /* PQ_PREPARE, PQ_PUT, PQ_WANT */
};

struct dbc_st {
  struct dbc *c;
  const char *key;          /* the SQL's address (cached statements) */
  int temp;                 /* dbc_prep_temp's: freed by dbc_free */
  long changes;
  /* SQLite */
  sqlite3_stmt *lite;
  /* PostgreSQL: prepared as name, run at the first step with the bound values */
  char name[24];
  int prepared;             /* on this session (a reset connection loses them) */
  char *sql;                /* with $N parameters */
  int n_params;
  char *vals[DBC_MAX_PARAMS];
  PGresult *res;
  int row, n_rows, ran;
};

struct dbc {
  sqlite3 *lite;
  int own_lite;
  struct db_ckpt *ckpt;     /* SQLite: checkpoints in a thread of their own, or NULL */
  PGconn *pg;
  char err[512];
  int n_cache;
  struct dbc_st *cache[DBC_CACHE];
  unsigned next_name;
  int lock_ms;              /* PostgreSQL: lock_timeout, set again on a new session */
  /* SQLite: a statement of the open transaction failed (dbc_commit then rolls it back, as
   * PostgreSQL does with an aborted transaction) */
  int lite_failed;
  /* PostgreSQL, inside a transaction: pipeline mode (dbc_pg.c), its commands not read yet,
   * and whether one of the transaction's commands failed */
  int pipe, n_q, failed;
  struct dbc_pq q[DBC_PIPE_MAX];
};

/* dbc_pg.c */
PGconn *dbc_pg_connect(const char *target, char *err, size_t errlen);
int dbc_pg_prepare(struct dbc_st *s, const char *sql);
int dbc_pg_step(struct dbc_st *s);
void dbc_pg_reset(struct dbc_st *s);
void dbc_pg_free(struct dbc_st *s);
int dbc_pg_exec(struct dbc *c, const char *sql, char *err, size_t errlen);
int dbc_pg_begin(struct dbc *c);
int dbc_pg_commit(struct dbc *c);
void dbc_pg_rollback(struct dbc *c);
/* s sent in the transaction's pipeline (c->pipe), its result read at the next sync. */
int dbc_pg_put(struct dbc_st *s);
/* A migration written for SQLite in PostgreSQL's types (malloc'ed). */
char *dbc_pg_ddl(const char *sql);

#endif
