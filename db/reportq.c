#include "config.h"
#include "db/reportq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"

int reportq_site_known(sqlite3 *db, const char *site)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM tracks WHERE site = ? LIMIT 1");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int reportq_reference(sqlite3 *db, const char *site, char *ref, size_t reflen)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT o FROM (SELECT b AS o FROM cv_latest WHERE a = ?1 "
                                    "UNION SELECT a FROM cv_latest WHERE b = ?1) WHERE o NOT IN "
                                    "(SELECT site FROM clocks) ORDER BY o");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  int n = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (n++ == 0)
      snprintf(ref, reflen, "%s", db_text(st, 0));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? n : -1;
}

/* Grows a pair of arrays to hold at least n + 1 elements. */
static int grow(void **a, void **b, size_t size_a, size_t size_b, int n, int *cap)
{
  if (n < *cap)
    return 0;
  int c = *cap ? 2 * *cap : 256;
  void *na = realloc(*a, (size_t)c * size_a);
  if (na)
    *a = na;
  void *nb = b ? realloc(*b, (size_t)c * size_b) : NULL;
  if (nb)
    *b = nb;
  if (!na || (b && !nb))
    return -1;
  *cap = c;
  return 0;
}

/* Steps st into two malloc'ed columns: an integer, and an integer (b_int) or a double
 * times sign.  Finalizes st.  The count, or -1 with both freed. */
static int read_pairs(sqlite3_stmt *st, int64_t **a, void **b, int b_int, double sign)
{
  int n = 0, cap = 0, rc;
  size_t bsize = b_int ? sizeof(int64_t) : sizeof(double);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (grow((void **)a, b, sizeof **a, bsize, n, &cap) != 0) {
      rc = SQLITE_NOMEM;
      break;
    }
    (*a)[n] = sqlite3_column_int64(st, 0);
    if (b_int)
      ((int64_t *)*b)[n] = sqlite3_column_int64(st, 1);
    else
      ((double *)*b)[n] = sign * sqlite3_column_double(st, 1);
    n++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    free(*a);
    free(*b);
    *a = NULL;
    *b = NULL;
    return -1;
  }
  return n;
}

int reportq_x(sqlite3 *db, const char *site, const char *ref, int64_t from, int64_t to,
              int64_t **slots, double **x)
{
  /* A pair is stored once with a < b (store.c): x = site - ref is the value or its negative. */
  double sign = strcmp(site, ref) <= 0 ? 1 : -1;
  sqlite3_stmt *st = db_prepare(db, "SELECT slot, value_ns FROM cv WHERE a = ? AND b = ? AND "
                                    "slot >= ? AND slot < ? ORDER BY slot");
  *slots = NULL;
  *x = NULL;
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, sign > 0 ? site : ref, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, sign > 0 ? ref : site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, from);
  sqlite3_bind_int64(st, 4, to);
  return read_pairs(st, slots, (void **)x, 0, sign);
}

int reportq_states(sqlite3 *db, const char *site, int64_t from, int64_t to,
                   struct reportq_state **out)
{
  sqlite3_stmt *st = db_prepare(
      db, "SELECT t, state, reason, phase_step_ns, cmd_id FROM steering WHERE site = ?1 AND "
          "t >= coalesce((SELECT max(t) FROM steering WHERE site = ?1 AND t < ?2), ?2) AND "
          "t < ?3 ORDER BY t, id");
  *out = NULL;
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int n = 0, cap = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (grow((void **)out, NULL, sizeof **out, 0, n, &cap) != 0) {
      rc = SQLITE_NOMEM;
      break;
    }
    struct reportq_state *r = &(*out)[n++];
    r->t = sqlite3_column_int64(st, 0);
    snprintf(r->state, sizeof r->state, "%s", db_text(st, 1));
    snprintf(r->reason, sizeof r->reason, "%s", db_text(st, 2));
    r->phase_step_ns = db_double(st, 3);
    r->cmd_id = sqlite3_column_int64(st, 4);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    free(*out);
    *out = NULL;
    return -1;
  }
  return n;
}

int reportq_commands(sqlite3 *db, const char *site, int64_t from, int64_t to, int64_t **ids,
                     int64_t **issued)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT id, issued FROM commands WHERE site = ? AND "
                                    "issued >= ? AND issued < ? ORDER BY issued, id");
  *ids = NULL;
  *issued = NULL;
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  return read_pairs(st, ids, (void **)issued, 1, 1);
}

int reportq_predicted_max(sqlite3 *db, const char *site, int64_t from, int64_t to,
                          double *max_abs_x, double *max_bound95)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT max(abs(x_ns)), max(abs(x_ns) + 1.96 * sigma_ns) "
                                    "FROM predictions WHERE site = ? AND slot >= ? AND slot < ?");
  *max_abs_x = *max_bound95 = NAN;
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *max_abs_x = db_double(st, 0);
    *max_bound95 = db_double(st, 1);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int reportq_events(sqlite3 *db, const char *site, int64_t from, int64_t to, reportq_event_fn fn,
                   void *ctx)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT t, kind, message FROM events WHERE site = ? AND "
                                    "t >= ? AND t < ? ORDER BY t, id");
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    fn(ctx, sqlite3_column_int64(st, 0), db_text(st, 1), db_text(st, 2));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int reportq_tracks(sqlite3 *db, const char *site, int64_t from, int64_t to,
                   struct track **out)
{
  sqlite3_stmt *st = db_prepare(db, "SELECT json FROM tracks WHERE site = ? AND slot >= ? AND "
                                    "slot < ? ORDER BY slot");
  *out = NULL;
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  return db_read_tracks(st, out);
}
