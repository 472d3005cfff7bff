#include "config.h"
#include "db/reportq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbc.h"
#include "db/store.h"

int reportq_site_known(struct dbc *db, const char *site)
{
  struct dbc_st *st = dbc_prep(db, "SELECT 1 FROM tracks WHERE site = ? LIMIT 1");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  int rc = dbc_step(st);
  dbc_reset(st);
  return rc;
}

int reportq_reference(struct dbc *db, const char *site, char *ref, size_t reflen)
{
  struct dbc_st *st = dbc_prep(db, "SELECT o FROM (SELECT b AS o FROM cv_latest WHERE a = ?1 "
                                    "UNION SELECT a FROM cv_latest WHERE b = ?1) AS others WHERE o NOT IN "
                                    "(SELECT site FROM clocks) ORDER BY o");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  int n = 0, rc;
  while ((rc = dbc_step(st)) == 1)
    if (n++ == 0)
      snprintf(ref, reflen, "%s", dbc_text(st, 0));
  dbc_reset(st);
  return rc == 0 ? n : -1;
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
 * times sign.  Resets st.  The count, or -1 with both freed. */
static int read_pairs(struct dbc_st *st, int64_t **a, void **b, int b_int, double sign)
{
  int n = 0, cap = 0, rc;
  size_t bsize = b_int ? sizeof(int64_t) : sizeof(double);
  while ((rc = dbc_step(st)) == 1) {
    if (grow((void **)a, b, sizeof **a, bsize, n, &cap) != 0) {
      rc = -1;
      break;
    }
    (*a)[n] = dbc_int64(st, 0);
    if (b_int)
      ((int64_t *)*b)[n] = dbc_int64(st, 1);
    else
      ((double *)*b)[n] = sign * dbc_double(st, 1);
    n++;
  }
  dbc_reset(st);
  if (rc != 0) {
    free(*a);
    free(*b);
    *a = NULL;
    *b = NULL;
    return -1;
  }
  return n;
}

int reportq_x(struct dbc *db, const char *site, const char *ref, int64_t from, int64_t to,
              int64_t **slots, double **x)
{
  /* A pair is stored once with a < b (store.c): x = site - ref is the value or its negative. */
  double sign = strcmp(site, ref) <= 0 ? 1 : -1;
  struct dbc_st *st = dbc_prep(db, "SELECT slot, value_ns FROM cv WHERE a = ? AND b = ? AND "
                                    "slot >= ? AND slot < ? ORDER BY slot");
  *slots = NULL;
  *x = NULL;
  if (!st)
    return -1;
  dbc_bind_text(st, 1, sign > 0 ? site : ref);
  dbc_bind_text(st, 2, sign > 0 ? ref : site);
  dbc_bind_int64(st, 3, from);
  dbc_bind_int64(st, 4, to);
  return read_pairs(st, slots, (void **)x, 0, sign);
}

int reportq_states(struct dbc *db, const char *site, int64_t from, int64_t to,
                   struct reportq_state **out)
{
  struct dbc_st *st = dbc_prep(
      db, "SELECT t, state, reason, phase_step_ns, cmd_id FROM steering WHERE site = ?1 AND "
          "t >= coalesce((SELECT max(t) FROM steering WHERE site = ?1 AND t < ?2), ?2) AND "
          "t < ?3 ORDER BY t, id");
  *out = NULL;
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, from);
  dbc_bind_int64(st, 3, to);
  int n = 0, cap = 0, rc;
  while ((rc = dbc_step(st)) == 1) {
    if (grow((void **)out, NULL, sizeof **out, 0, n, &cap) != 0) {
      rc = -1;
      break;
    }
    struct reportq_state *r = &(*out)[n++];
    r->t = dbc_int64(st, 0);
    snprintf(r->state, sizeof r->state, "%s", dbc_text(st, 1));
    snprintf(r->reason, sizeof r->reason, "%s", dbc_text(st, 2));
    r->phase_step_ns = dbc_double(st, 3);
    r->cmd_id = dbc_int64(st, 4);
  }
  dbc_reset(st);
  if (rc != 0) {
    free(*out);
    *out = NULL;
    return -1;
  }
  return n;
}

int reportq_commands(struct dbc *db, const char *site, int64_t from, int64_t to, int64_t **ids,
                     int64_t **issued)
{
  struct dbc_st *st = dbc_prep(db, "SELECT id, issued FROM commands WHERE site = ? AND "
                                    "issued >= ? AND issued < ? ORDER BY issued, id");
  *ids = NULL;
  *issued = NULL;
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, from);
  dbc_bind_int64(st, 3, to);
  return read_pairs(st, ids, (void **)issued, 1, 1);
}

int reportq_predicted_max(struct dbc *db, const char *site, int64_t from, int64_t to,
                          double *max_abs_x, double *max_bound95)
{
  struct dbc_st *st = dbc_prep(db, "SELECT max(abs(x_ns)), max(abs(x_ns) + 1.96 * sigma_ns) "
                                    "FROM predictions WHERE site = ? AND slot >= ? AND slot < ?");
  *max_abs_x = *max_bound95 = NAN;
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, from);
  dbc_bind_int64(st, 3, to);
  int rc = dbc_step(st);
  if (rc == 1) {
    *max_abs_x = dbc_double(st, 0);
    *max_bound95 = dbc_double(st, 1);
  }
  dbc_reset(st);
  return rc >= 0 ? 0 : -1;
}

int reportq_events(struct dbc *db, const char *site, int64_t from, int64_t to, reportq_event_fn fn,
                   void *ctx)
{
  struct dbc_st *st = dbc_prep(db, "SELECT t, kind, message FROM events WHERE site = ? AND "
                                    "t >= ? AND t < ? ORDER BY t, id");
  if (!st)
    return -1;
  dbc_bind_text(st, 1, site);
  dbc_bind_int64(st, 2, from);
  dbc_bind_int64(st, 3, to);
  int rc;
  while ((rc = dbc_step(st)) == 1)
    fn(ctx, dbc_int64(st, 0), dbc_text(st, 1), dbc_text(st, 2));
  dbc_reset(st);
  return rc == 0 ? 0 : -1;
}

int reportq_tracks(struct dbc *db, const char *site, int64_t from, int64_t to,
                   struct track **out)
{
  *out = NULL;
  return store_site_tracks(db, site, from, to, out); /* the same read as the server's */
}
