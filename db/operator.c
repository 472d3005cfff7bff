#include "config.h"
#include "db/operator.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"

int64_t store_op_put(sqlite3 *db, int64_t wall, const char *site, const char *kind)
{
  sqlite3_stmt *st =
      db_prepare(db, "INSERT INTO operator_requests (t, site, kind) VALUES (?, ?, ?)");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, wall);
  sqlite3_bind_text(st, 2, site, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc == 0 ? sqlite3_last_insert_rowid(db) : -1;
}

static void text_col(sqlite3_stmt *st, int col, char *out, size_t n)
{
  const unsigned char *s = sqlite3_column_text(st, col);
  snprintf(out, n, "%s", s ? (const char *)s : "");
}

int store_op_list(sqlite3 *db, int pending_only, struct op_request *out, int max)
{
  sqlite3_stmt *st = db_prepare(
      db, pending_only ? "SELECT id, t, site, kind, done, result FROM operator_requests "
                         "WHERE done IS NULL ORDER BY id LIMIT ?"
                       : "SELECT * FROM (SELECT id, t, site, kind, done, result FROM "
                         "operator_requests ORDER BY id DESC LIMIT ?) ORDER BY id");
  if (!st)
    return -1;
  sqlite3_bind_int(st, 1, max);
  int n = 0, rc;
  while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct op_request *r = &out[n++];
    r->id = sqlite3_column_int64(st, 0);
    r->t = sqlite3_column_int64(st, 1);
    text_col(st, 2, r->site, sizeof r->site);
    text_col(st, 3, r->kind, sizeof r->kind);
    r->done = sqlite3_column_int64(st, 4);
    text_col(st, 5, r->result, sizeof r->result);
  }
  sqlite3_finalize(st);
  return n;
}

int store_op_done(sqlite3 *db, int64_t id, int64_t t, const char *result)
{
  sqlite3_stmt *st =
      db_prepare(db, "UPDATE operator_requests SET done = ?, result = ? WHERE id = ?");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, t);
  sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, id);
  int rc = db_step_done(db, st);
  sqlite3_finalize(st);
  return rc;
}
