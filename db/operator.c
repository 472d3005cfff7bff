#include "config.h"
#include "db/operator.h"

#include <stdio.h>
#include <string.h>

#include "db/dbc.h"

int64_t store_op_put(struct dbc *db, int64_t wall, const char *site, const char *kind)
{
  struct dbc_st *st = dbc_prep(db, "INSERT INTO operator_requests (t, site, kind) VALUES (?, ?, ?) "
                   "RETURNING id");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, wall);
  dbc_bind_text(st, 2, site);
  dbc_bind_text(st, 3, kind);
  int64_t id = dbc_step(st) == 1 ? dbc_int64(st, 0) : -1;
  dbc_reset(st);
  return id;
}

static void text_col(struct dbc_st *st, int col, char *out, size_t n)
{
  snprintf(out, n, "%s", dbc_text(st, col));
}

int store_op_list(struct dbc *db, int pending_only, struct op_request *out, int max)
{
  struct dbc_st *st = dbc_prep(
      db, pending_only ? "SELECT id, t, site, kind, done, result FROM operator_requests "
                         "WHERE done IS NULL ORDER BY id LIMIT ?"
                       : "SELECT * FROM (SELECT id, t, site, kind, done, result FROM "
                         "operator_requests ORDER BY id DESC LIMIT ?) AS r ORDER BY id");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, max);
  int n = 0, rc;
  while (n < max && (rc = dbc_step(st)) == 1) {
    struct op_request *r = &out[n++];
    r->id = dbc_int64(st, 0);
    r->t = dbc_int64(st, 1);
    text_col(st, 2, r->site, sizeof r->site);
    text_col(st, 3, r->kind, sizeof r->kind);
    r->done = dbc_int64(st, 4);
    text_col(st, 5, r->result, sizeof r->result);
  }
  dbc_reset(st);
  return n;
}

int store_op_done(struct dbc *db, int64_t id, int64_t t, const char *result)
{
  struct dbc_st *st = dbc_prep(db, "UPDATE operator_requests SET done = ?, result = ? WHERE id = ?");
  if (!st)
    return -1;
  dbc_bind_int64(st, 1, t);
  dbc_bind_text(st, 2, result);
  dbc_bind_int64(st, 3, id);
  int rc = dbc_run(st);
  dbc_reset(st);
  return rc;
}
