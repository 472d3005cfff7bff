/* The store's connection on PostgreSQL (libpq): statements prepared once per session with
 * their ? parameters as $N, run with text values; the migrations' SQLite types turned into
 * PostgreSQL's.  A session lost (the server restarted) is reset at the next statement and
 * its statements prepared again. */
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

int dbc_pg_exec(struct dbc *c, const char *sql, char *err, size_t errlen)
{
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
  if (do_prepare(s) == 0)
    return 0;
  check_session(s->c);
  return -1;
}

static int run(struct dbc_st *s)
{
  struct dbc *c = s->c;
  s->ran = 1;
  if (!s->prepared && do_prepare(s) != 0) {
    check_session(c);
    return -1;
  }
  c->err[0] = '\0';
  s->res = PQexecPrepared(c->pg, s->name, s->n_params, (const char *const *)s->vals, NULL,
                          NULL, 0);
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
