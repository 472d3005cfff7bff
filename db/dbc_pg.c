/* The store's connection on PostgreSQL (libpq): statements prepared once per session with
 * their ? parameters as $N, run with text values; the migrations' SQLite types turned into
 * PostgreSQL's.  A session lost (the server restarted) is reset at the next statement and
 * its statements prepared again.
 *
 * A transaction runs in libpq's pipeline mode: BEGIN and the writes given to dbc_put are
 * sent without waiting for their results, which are read, in order, with the next
 * statement whose rows or changes are wanted, or with COMMIT (one round trip for all of
 * them, instead of one each).  A write that failed is logged when its result is read; the
 * transaction is then aborted on the server, every later statement of it fails, and
 * dbc_pg_commit rolls it back and returns -1. */
#include "config.h"
#include "db/dbcint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static void quiet(void *arg, const char *msg)
{
  (void)arg;
  (void)msg; /* NOTICEs (an IF NOT EXISTS that found it) are not news */
}

PGconn *dbc_pg_connect(const char *target, char *err, size_t errlen)
{
  PGconn *pg = PQconnectdb(target);
  if (!pg || PQstatus(pg) != CONNECTION_OK) {
    const char *m = pg ? PQerrorMessage(pg) : "out of memory";
    size_t n = strcspn(m, "\n");
    snprintf(err, errlen, "cannot connect to the PostgreSQL store: %.*s", (int)n, m);
    PQfinish(pg);
    return NULL;
  }
  PQsetNoticeProcessor(pg, quiet, NULL);
  return pg;
}

/* After an error: a session that was lost is reset (its prepared statements with it). */
static void check_session(struct dbc *c)
{
  if (PQstatus(c->pg) == CONNECTION_OK)
    return;
  LOGW("db", "the PostgreSQL session was lost; connecting again");
  c->pipe = c->n_q = 0;
  PQreset(c->pg);
  for (int i = 0; i < c->n_cache; i++)
    c->cache[i]->prepared = 0;
  if (c->lock_ms && PQstatus(c->pg) == CONNECTION_OK) {
    char sql[64];
    snprintf(sql, sizeof sql, "SET lock_timeout = %d", c->lock_ms);
    PQclear(PQexec(c->pg, sql));
  }
}

static void set_err(struct dbc *c, const PGresult *r)
{
  const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
  if (!m || !*m)
    m = PQerrorMessage(c->pg);
  size_t n = strcspn(m, "\n");
  snprintf(c->err, sizeof c->err, "%.*s", (int)n, m);
}

/* ---- pipeline mode ---- */

static int pipe_sync(struct dbc *c, struct dbc_st *want);

/* Notes a command just sent (sent: libpq's return) in the pipeline's queue. */
static int pipe_sent(struct dbc *c, int sent, enum dbc_pq_kind kind, struct dbc_st *st)
{
  if (!sent) {
    set_err(c, NULL);
    LOGE("db", "%s", c->err);
    c->failed = 1;
    return -1;
  }
  c->q[c->n_q++] = (struct dbc_pq){.kind = kind, .st = st};
  return 0;
}

/* Sends s (prepared first if this session has not) in the pipeline. */
static int pipe_send(struct dbc_st *s, enum dbc_pq_kind kind)
{
  struct dbc *c = s->c;
  if (c->n_q + 2 > DBC_PIPE_MAX && pipe_sync(c, NULL) != 0)
    return -1;
  if (!s->prepared &&
      pipe_sent(c, PQsendPrepare(c->pg, s->name, s->sql, 0, NULL), PQ_PREPARE, s) != 0)
    return -1;
  s->prepared = 1; /* taken back if the prepare's result is an error */
  return pipe_sent(c, PQsendQueryPrepared(c->pg, s->name, s->n_params,
                                          (const char *const *)s->vals, NULL, NULL, 0),
                   kind, s);
}

/* The result of one command sent in the pipeline (and the NULL that ends it). */
static void pipe_result(struct dbc *c, const struct dbc_pq *q, struct dbc_st *want)
{
  PGresult *r = PQgetResult(c->pg);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (q->kind == PQ_PREPARE && !ok)
    q->st->prepared = 0;
  if (!ok && st != PGRES_PIPELINE_ABORTED && !c->failed) {
    set_err(c, r);
    LOGE("db", "%s", c->err);
  }
  if (!ok)
    c->failed = 1;
  if (!r)
    return;
  if (ok && q->kind == PQ_WANT && q->st == want)
    want->res = r;
  else
    PQclear(r);
  PQclear(PQgetResult(c->pg)); /* the NULL after each command's result */
}

/* A sync: every command sent is read, in order; want's rows kept in want->res.  0, or -1
 * if a command of the transaction failed (now or before). */
static int pipe_sync(struct dbc *c, struct dbc_st *want)
{
  if (!PQpipelineSync(c->pg)) {
    set_err(c, NULL);
    c->failed = 1;
  } else {
    for (int i = 0; i < c->n_q; i++)
      pipe_result(c, &c->q[i], want);
    PGresult *r = PQgetResult(c->pg);
    if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
      c->failed = 1;
    PQclear(r);
  }
  c->n_q = 0;
  if (PQstatus(c->pg) != CONNECTION_OK)
    check_session(c);
  return c->failed ? -1 : 0;
}

/* Out of pipeline mode (the transaction, if any, goes on); 0 or -1 as pipe_sync. */
static int pipe_end(struct dbc *c)
{
  if (!c->pipe)
    return 0;
  int rc = pipe_sync(c, NULL);
  if (c->pipe && !PQexitPipelineMode(c->pg))
    rc = -1;
  c->pipe = 0;
  return rc;
}

int dbc_pg_begin(struct dbc *c)
{
  pipe_end(c);
  c->failed = 0;
  if (!PQenterPipelineMode(c->pg)) {
    char e[256];
    if (dbc_pg_exec(c, "BEGIN", e, sizeof e) == 0)
      return 0;
    LOGE("db", "BEGIN: %s", e);
    return -1;
  }
  c->pipe = 1;
  if (pipe_sent(c, PQsendQueryParams(c->pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0), PQ_CMD,
                NULL) == 0)
    return 0;
  pipe_end(c);
  check_session(c);
  return -1;
}

int dbc_pg_commit(struct dbc *c)
{
  int rc;
  if (c->pipe) {
    if (pipe_sent(c, PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0),
                  PQ_CMD, NULL) != 0)
      c->failed = 1;
    rc = pipe_end(c);
  } else {
    PGresult *r = PQexec(c->pg, "COMMIT");
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0)
      set_err(c, r);
    else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) { /* the transaction had failed */
      snprintf(c->err, sizeof c->err, "a statement of the transaction had failed: rolled back");
      rc = -1;
    }
    PQclear(r);
    rc = rc || c->failed ? -1 : 0;
  }
  /* A transaction with a failed command is not committed: COMMIT ends it as ROLLBACK. */
  if (rc != 0) {
    if (!c->err[0])
      snprintf(c->err, sizeof c->err, "a statement of the transaction failed");
    LOGE("db", "COMMIT: %s", c->err);
    if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
      PQclear(PQexec(c->pg, "ROLLBACK"));
    check_session(c);
  }
  c->failed = 0;
  return rc;
}

void dbc_pg_rollback(struct dbc *c)
{
  pipe_end(c);
  c->failed = 0;
  if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
    PGresult *r = PQexec(c->pg, "ROLLBACK");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      set_err(c, r);
      LOGE("db", "ROLLBACK: %s", c->err);
    }
    PQclear(r);
  }
  check_session(c);
}

int dbc_pg_exec(struct dbc *c, const char *sql, char *err, size_t errlen)
{
  pipe_end(c);
  PGresult *r = PQexec(c->pg, sql);
  ExecStatusType st = PQresultStatus(r);
  int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok) {
    set_err(c, r);
    snprintf(err, errlen, "%s", c->err);
  }
  PQclear(r);
  if (!ok)
    check_session(c);
  return ok ? 0 : -1;
}

/* ? and ?N as $N (outside quotes); the number of parameters in *n. */
static char *dollars(const char *sql, int *n)
{
  size_t len = strlen(sql);
  char *out = malloc(len * 3 + 1), *o = out;
  int next = 0, quoted = 0;
  *n = 0;
  if (!out)
    return NULL;
  for (const char *p = sql; *p; p++) {
    if (*p == '\'')
      quoted = !quoted;
    if (quoted || *p != '?') {
      *o++ = *p;
      continue;
    }
    int k;
    if (isdigit((unsigned char)p[1])) {
      k = (int)strtol(p + 1, (char **)&p, 10);
      p--;
    } else {
      k = ++next;
    }
    if (k > *n)
      *n = k;
    o += sprintf(o, "$%d", k);
  }
  *o = '\0';
  return out;
}

static int do_prepare(struct dbc_st *s)
{
  PGresult *r = PQprepare(s->c->pg, s->name, s->sql, 0, NULL);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    set_err(s->c, r);
  PQclear(r);
  s->prepared = ok;
  return ok ? 0 : -1;
}

int dbc_pg_prepare(struct dbc_st *s, const char *sql)
{
  s->sql = dollars(sql, &s->n_params);
  if (!s->sql || s->n_params > DBC_MAX_PARAMS) {
    snprintf(s->c->err, sizeof s->c->err, "too many parameters (at most %d)", DBC_MAX_PARAMS);
    return -1;
  }
  snprintf(s->name, sizeof s->name, "cvd%u", s->c->next_name++);
  if (s->c->pipe) /* prepared in the pipeline, before its first run */
    return 0;
  if (do_prepare(s) == 0)
    return 0;
  check_session(s->c);
  return -1;
}

static int run(struct dbc_st *s)
{
  struct dbc *c = s->c;
  s->ran = 1;
  if (c->pipe) {
    /* With the writes sent before it, in one round trip. */
    if (pipe_send(s, PQ_WANT) != 0 || pipe_sync(c, s) != 0 || !s->res) {
      PQclear(s->res);
      s->res = NULL;
      return -1;
    }
  } else {
    if (!s->prepared && do_prepare(s) != 0) {
      check_session(c);
      return -1;
    }
    c->err[0] = '\0';
    s->res = PQexecPrepared(c->pg, s->name, s->n_params, (const char *const *)s->vals, NULL,
                            NULL, 0);
  }
  ExecStatusType st = PQresultStatus(s->res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    set_err(c, s->res);
    LOGE("db", "%s", c->err);
    PQclear(s->res);
    s->res = NULL;
    check_session(c);
    return -1;
  }
  s->n_rows = PQntuples(s->res);
  s->row = -1;
  s->changes = strtol(PQcmdTuples(s->res), NULL, 10);
  return 0;
}

int dbc_pg_step(struct dbc_st *s)
{
  if (!s->ran && run(s) != 0)
    return -1;
  if (!s->res)
    return -1;
  if (s->row + 1 < s->n_rows) {
    s->row++;
    return 1;
  }
  return 0;
}

int dbc_pg_put(struct dbc_st *s)
{
  s->changes = 0;
  if (s->c->failed)
    return -1;
  return pipe_send(s, PQ_PUT);
}

void dbc_pg_reset(struct dbc_st *s)
{
  PQclear(s->res);
  s->res = NULL;
  s->ran = 0;
  s->row = -1;
  s->n_rows = 0;
  for (int i = 0; i < DBC_MAX_PARAMS; i++) {
    free(s->vals[i]);
    s->vals[i] = NULL;
  }
}

void dbc_pg_free(struct dbc_st *s)
{
  if (!s->sql)
    return;
  dbc_pg_reset(s);
  pipe_end(s->c);
  if (s->prepared && s->c->pg && PQstatus(s->c->pg) == CONNECTION_OK) {
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
    PQclear(PQexec(s->c->pg, sql));
  }
  free(s->sql);
  s->sql = NULL;
}

/* Replaces every whole-word `from` in *text by `to`. */
static int replace_word(char **text, const char *from, const char *to)
{
  size_t fl = strlen(from), tl = strlen(to), n = 0;
  for (char *p = strstr(*text, from); p; p = strstr(p + fl, from))
    n++;
  char *out = malloc(strlen(*text) + n * (tl > fl ? tl - fl : 0) + 1), *o = out;
  if (!out)
    return -1;
  const char *p = *text, *q;
  while ((q = strstr(p, from))) {
    int word = (q == *text || !isalnum((unsigned char)q[-1])) && !isalnum((unsigned char)q[fl]) &&
               q[fl] != '_';
    memcpy(o, p, (size_t)(q - p));
    o += q - p;
    memcpy(o, word ? to : from, word ? tl : fl);
    o += word ? tl : fl;
    p = q + fl;
  }
  strcpy(o, p);
  free(*text);
  *text = out;
  return 0;
}

char *dbc_pg_ddl(const char *sql)
{
  static const char *const map[][2] = {
      {"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
      {"INTEGER", "BIGINT"},
      {"REAL", "DOUBLE PRECISION"},
      {" WITHOUT ROWID", ""},
  };
  char *t = strdup(sql);
  for (size_t i = 0; t && i < sizeof map / sizeof *map; i++)
    if (replace_word(&t, map[i][0], map[i][1]) != 0) {
      free(t);
      return NULL;
    }
  return t;
}
