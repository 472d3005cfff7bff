/* The server's store on both engines (issue 13): the same calls give the same answers on
 * SQLite and on a real PostgreSQL server started by this test (tests/pgtest.h): tracks
 * stored once, common view with its sign, the steering log with its NULLs and exact
 * doubles, events and their filters, commands, controller states, replay records, staff's
 * requests, the steering lease, and migrations run by two connections at once; a
 * transaction's writes sent without waiting on PostgreSQL (dbc_put), and one that fails. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/dbc.h"
#include "db/operator.h"
#include "db/store.h"
#include "tests/pgtest.h"
#include "tests/testutil.h"

#define T0 ((int64_t)1735689600 * NS_PER_S) /* 2025-01-01 */
#define T0_TEXT "1735689600000000000"

static int have_pg;
static char *lite_dir; /* the SQLite half's folder, removed by finish() */
static char pg_name[64]; /* the PostgreSQL half's database */

/* A fresh store of engine i (0 SQLite, 1 PostgreSQL) and its target. */
static struct dbc *fresh(int i, char *target, size_t n)
{
  static int seq;
  char why[512];
  if (i == 0) {
    lite_dir = th_mkdtemp("store");
    snprintf(target, n, "%s/server.db", lite_dir);
  } else {
    snprintf(pg_name, sizeof pg_name, "store_%d_%d", (int)getpid(), seq++);
    ck_assert_msg(pgtest_createdb(pg_name, target, n, why, sizeof why) == 0, "%s", why);
  }
  struct dbc *c = dbc_open(target, 0, why, sizeof why);
  ck_assert_msg(c, "%s", why);
  ck_assert_int_eq(dbc_is_pg(c), i);
  return c;
}

/* Closes the test's connections and removes the SQLite half's folder. */
static void finish(struct dbc *a, struct dbc *b)
{
  dbc_close(a);
  dbc_close(b);
  if (lite_dir)
    th_rmtree(lite_dir);
  free(lite_dir);
  lite_dir = NULL;
}

static int skip(int i)
{
  if (i == 1 && !have_pg) {
    fprintf(stderr, "PostgreSQL not available: its half skipped\n");
    return 1;
  }
  return 0;
}

START_TEST(test_tracks_and_cv)
{
  if (skip(_i))
    return;
  char target[700];
  struct dbc *db = fresh(_i, target, sizeof target);
  struct track t;
  track_init(&t, "r1", T0);
  t.value_ns = 12.25;
  t.sigma_ns = 1.5;
  t.n_used = 600;
  ck_assert_int_eq(store_track_insert(db, &t, T0 + SLOT_NS), 1);
  ck_assert_int_eq(store_track_insert(db, &t, T0 + SLOT_NS), 0);
  track_init(&t, "ref", T0);
  t.value_ns = -3.5;
  t.n_used = 600;
  ck_assert_int_eq(store_track_insert(db, &t, T0 + SLOT_NS), 1);
  struct track *v = NULL;
  ck_assert_int_eq(store_slot_tracks(db, T0, &v), 2);
  ck_assert_str_eq(v[0].site, "r1");
  ck_assert(v[0].value_ns == 12.25);
  free(v);
  ck_assert_int_eq(store_site_tracks(db, "ref", T0, T0 + SLOT_NS, &v), 1);
  free(v);
  ck_assert(store_last_slot(db, "r1") == T0);
  ck_assert(store_last_slot(db, "r9") == 0);
  /* a - b stored once, sign flipped as asked; the latest never goes back. */
  ck_assert_int_eq(store_cv_put(db, T0 + SLOT_NS, "ref", "r1", -15.75, 0.5), 0);
  ck_assert_int_eq(store_cv_put(db, T0, "r1", "ref", 1.0 / 3, NAN), 0);
  ck_assert_int_eq(store_cv_put(db, T0, "r1", "ref", 2.0 / 3, NAN), 0);
  int64_t slot;
  double x;
  ck_assert_int_eq(store_cv_latest(db, "r1", "ref", &slot, &x), 1);
  ck_assert(slot == T0 + SLOT_NS && x == 15.75);
  json_t *s = store_cv_series(db, "ref", "r1", T0, T0 + 2 * SLOT_NS);
  ck_assert_int_eq(json_array_size(s), 2);
  ck_assert(json_real_value(json_array_get(json_array_get(s, 0), 1)) == -2.0 / 3);
  ck_assert(json_is_null(json_array_get(json_array_get(s, 0), 2)));
  json_decref(s);
  ck_assert_int_eq(store_prediction_put(db, "r1", T0, 4, 2), 0);
  ck_assert_int_eq(store_prediction_put(db, "r1", T0, 5, 2.5), 0);
  s = store_predictions(db, "r1", T0, T0 + SLOT_NS);
  ck_assert_int_eq(json_array_size(s), 1);
  ck_assert(json_real_value(json_array_get(json_array_get(s, 0), 1)) == 5);
  json_decref(s);
  finish(db, NULL);
}
END_TEST

START_TEST(test_steering_events_commands)
{
  if (skip(_i))
    return;
  char target[700];
  struct dbc *db = fresh(_i, target, sizeof target);
  struct steer_log_row r = {.site = "r1", .t = T0, .slot = T0, .measured_x_ns = 1.25,
                            .x_est_ns = 1.0, .x_sigma_ns = 0.5, .y_est = 1.2345678901234567e-13,
                            .innovation_ns = 0.25, .freq = -3.4e-12, .drift_per_day = NAN,
                            .slew_freq = NAN, .phase_step_ns = NAN, .cmd_id = 7,
                            .state = "LOCKED", .reason = "it's quoted", .json = "{\"k\":1}"};
  ck_assert_int_eq(store_steer_log(db, &r), 0);
  struct steer_log_row r2 = {.site = "r2", .t = T0 + 1, .measured_x_ns = NAN, .x_est_ns = NAN,
                             .x_sigma_ns = NAN, .y_est = NAN, .innovation_ns = NAN,
                             .freq = NAN, .drift_per_day = NAN, .slew_freq = NAN,
                             .phase_step_ns = NAN, .state = "HOLDOVER", .reason = "none"};
  ck_assert_int_eq(store_steer_log(db, &r2), 0);
  json_t *a = store_steer_query(db, "r1", T0, T0 + 10, 10);
  ck_assert_int_eq(json_array_size(a), 1);
  json_t *o = json_array_get(a, 0);
  ck_assert(json_real_value(json_object_get(o, "y_est")) == 1.2345678901234567e-13);
  ck_assert(json_is_null(json_object_get(o, "drift_per_day")));
  ck_assert_int_eq(json_integer_value(json_object_get(o, "cmd_id")), 7);
  ck_assert_str_eq(json_string_value(json_object_get(o, "reason")), "it's quoted");
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(o, "detail"), "k")), 1);
  json_decref(a);
  a = store_steer_query(db, NULL, T0, T0 + 10, 10);
  ck_assert_int_eq(json_array_size(a), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "site")), "r2");
  ck_assert(json_is_null(json_object_get(json_array_get(a, 0), "slot")));
  json_decref(a);

  ck_assert_int_eq(store_event(db, T0, "r1", "state", "one"), 0);
  ck_assert_int_eq(store_event(db, T0 + 5, NULL, "restart", "two"), 0);
  ck_assert_int_eq(store_event(db, T0 + 9, "r1", "outlier", "three"), 0);
  struct store_event_filter f = {.site = "r1", .from = T0, .to = T0 + 10, .limit = 10};
  a = store_events_query(db, &f);
  ck_assert_int_eq(json_array_size(a), 2);
  json_decref(a);
  f.kind = "outlier";
  a = store_events_query(db, &f);
  ck_assert_int_eq(json_array_size(a), 1);
  json_decref(a);
  f.site = NULL;
  f.kind = NULL;
  f.limit = 2;
  a = store_events_query(db, &f);
  ck_assert_int_eq(json_array_size(a), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "message")), "three");
  json_decref(a);
  a = store_events(db, T0, T0 + 10);
  ck_assert_int_eq(json_array_size(a), 3);
  ck_assert(json_is_null(json_object_get(json_array_get(a, 1), "site")));
  json_decref(a);

  struct steer_cmd c = {.id = 3, .issued = T0, .t_ref = T0, .freq = 1e-12, .valid_until = T0 + 1};
  ck_assert_int_eq(store_command_put(db, "r1", &c), 0);
  c.id = 4;
  c.freq = 2e-12;
  ck_assert_int_eq(store_command_put(db, "r1", &c), 0);
  ck_assert_int_eq(store_command_put(db, "r1", &c), 0);
  struct steer_cmd got;
  ck_assert_int_eq(store_command_latest(db, "r1", &got), 1);
  ck_assert(got.id == 4 && got.freq == 2e-12);
  ck_assert_int_eq(store_command_get(db, "r1", 3, &got), 1);
  ck_assert(got.freq == 1e-12);
  ck_assert_int_eq(store_command_get(db, "r1", 9, &got), 0);

  ck_assert_int_eq(store_clock_put(db, "r1", "LOCKED", "{\"a\":1}", T0), 0);
  ck_assert_int_eq(store_clock_put(db, "r1", "UNLOCKED", "{\"a\":2}", T0 + 1), 0);
  char *js;
  ck_assert_int_eq(store_clock_get(db, "r1", &js), 1);
  ck_assert_str_eq(js, "{\"a\":2}");
  free(js);
  ck_assert_int_eq(store_clock_get(db, "r2", &js), 0);
  ck_assert_ptr_null(js);

  ck_assert_int_eq(store_sig_seen(db, "abc", 100), 0);
  ck_assert_int_eq(store_sig_seen(db, "abc", 101), 1);
  ck_assert_int_eq(store_sig_prune(db, 200), 0);
  ck_assert_int_eq(store_sig_seen(db, "abc", 300), 0);

  int64_t id = store_op_put(db, T0, "r1", "step_was_clock");
  ck_assert(id > 0);
  ck_assert(store_op_put(db, T0, "r2", "step_was_delay") == id + 1);
  struct op_request req[4];
  ck_assert_int_eq(store_op_list(db, 1, req, 4), 2);
  ck_assert_int_eq(store_op_done(db, id, T0 + 7, "done"), 0);
  ck_assert_int_eq(store_op_list(db, 1, req, 4), 1);
  ck_assert_int_eq(store_op_list(db, 0, req, 4), 2);
  ck_assert_str_eq(req[0].result, "done");
  ck_assert(req[0].done == T0 + 7);
  finish(db, NULL);
}
END_TEST

/* One steering server at a time; another once the deadline has passed. */
START_TEST(test_lease)
{
  if (skip(_i))
    return;
  char target[700], why[512];
  struct dbc *a = fresh(_i, target, sizeof target);
  struct dbc *b = dbc_open(target, 0, why, sizeof why); /* migrated already: nothing to do */
  ck_assert_msg(b, "%s", why);
  ck_assert_int_eq(store_lease_take(a, "s1", 100, 280), 1);
  ck_assert_int_eq(store_lease_take(b, "s2", 101, 281), 0);
  ck_assert_int_eq(store_lease_take(a, "s1", 200, 380), 1);
  ck_assert_int_eq(store_lease_take(b, "s2", 379, 559), 0);
  ck_assert_int_eq(store_lease_take(b, "s2", 381, 561), 1);
  ck_assert_int_eq(store_lease_take(a, "s1", 382, 562), 0);
  char holder[64];
  int64_t until;
  ck_assert_int_eq(store_lease_holder(a, holder, sizeof holder, &until), 1);
  ck_assert_str_eq(holder, "s2");
  ck_assert(until == 561);
  ck_assert_int_eq(store_lease_release(b, "s2"), 0);
  ck_assert_int_eq(store_lease_take(a, "s1", 390, 570), 1);
  finish(a, b);
}
END_TEST

/* A reader beside the writer sees what it committed, and an open transaction's rows only
 * once committed. */
START_TEST(test_reader)
{
  if (skip(_i))
    return;
  char target[700], why[512];
  struct dbc *w = fresh(_i, target, sizeof target);
  struct dbc *r = dbc_open(target, 1, why, sizeof why);
  ck_assert_msg(r, "%s", why);
  ck_assert_int_eq(dbc_begin(w), 0);
  ck_assert_int_eq(store_cv_put(w, T0, "r1", "ref", 1, 1), 0);
  int64_t slot;
  double x;
  ck_assert_int_eq(store_cv_latest(r, "r1", "ref", &slot, &x), 0);
  ck_assert_int_eq(dbc_commit(w), 0);
  ck_assert_int_eq(store_cv_latest(r, "r1", "ref", &slot, &x), 1);
  finish(r, w);
}
END_TEST

static long count_rows(struct dbc *db, const char *sql)
{
  struct dbc_st *st = dbc_prep_temp(db, sql);
  ck_assert_ptr_nonnull(st);
  ck_assert_int_eq(dbc_step(st), 1);
  long n = (long)dbc_int64(st, 0);
  dbc_reset(st);
  dbc_free(st);
  return n;
}

/* A transaction's writes (sent without waiting on PostgreSQL, dbc_put): more of them than
 * go in one round trip, read back inside the transaction in order, and all committed. */
START_TEST(test_transaction_writes)
{
  if (skip(_i))
    return;
  char target[700], why[512];
  struct dbc *w = fresh(_i, target, sizeof target);
  struct dbc *r = dbc_open(target, 1, why, sizeof why);
  ck_assert_msg(r, "%s", why);
  ck_assert_int_eq(dbc_begin(w), 0);
  for (int k = 0; k < 300; k++) /* two writes each: 600 */
    ck_assert_int_eq(store_cv_put(w, T0 + k * SLOT_NS, "r1", "ref", k, 1), 0);
  int64_t slot;
  double x;
  ck_assert_int_eq(store_cv_latest(w, "r1", "ref", &slot, &x), 1);
  ck_assert(slot == T0 + 299 * SLOT_NS && x == 299);
  ck_assert_int_eq(count_rows(r, "SELECT count(*) FROM cv"), 0);
  for (int k = 300; k < 310; k++)
    ck_assert_int_eq(store_cv_put(w, T0 + k * SLOT_NS, "r1", "ref", k, 1), 0);
  ck_assert_int_eq(dbc_commit(w), 0);
  ck_assert_int_eq(count_rows(r, "SELECT count(*) FROM cv"), 310);
  ck_assert_int_eq(store_cv_latest(r, "r1", "ref", &slot, &x), 1);
  ck_assert(slot == T0 + 309 * SLOT_NS && x == 309);
  /* A statement run outside the pipeline (dbc_exec) inside the transaction: it goes on. */
  ck_assert_int_eq(dbc_begin(w), 0);
  ck_assert_int_eq(store_cv_put(w, T0 + 310 * SLOT_NS, "r1", "ref", 310, 1), 0);
  ck_assert_int_eq(dbc_exec(w, "UPDATE cv SET sigma_ns = 2 WHERE slot = 0", why, sizeof why), 0);
  ck_assert_int_eq(store_cv_put(w, T0 + 311 * SLOT_NS, "r1", "ref", 311, 1), 0);
  ck_assert_int_eq(dbc_commit(w), 0);
  ck_assert_int_eq(count_rows(r, "SELECT count(*) FROM cv"), 312);
  finish(r, w);
}
END_TEST

/* A write that fails inside a transaction.  On PostgreSQL the transaction is aborted: a
 * later read in it fails, the commit fails (and rolls back: nothing of it is stored), and
 * the session serves the next transaction.  SQLite reports the write itself, and its
 * commit fails and rolls back all the same: the other writes are not stored without it. */
START_TEST(test_failed_write)
{
  if (skip(_i))
    return;
  char target[700];
  struct dbc *w = fresh(_i, target, sizeof target);
  ck_assert_int_eq(dbc_begin(w), 0);
  ck_assert_int_eq(store_cv_put(w, T0, "r1", "ref", 1, 1), 0);
  struct dbc_st *bad = dbc_prep_temp(w, "INSERT INTO cv (slot, a, b, value_ns, sigma_ns) "
                                        "VALUES (?, ?, 'ref', 1, 1)");
  ck_assert_ptr_nonnull(bad);
  dbc_bind_int64(bad, 1, T0);
  dbc_bind_text(bad, 2, NULL); /* a is NOT NULL */
  int rc = dbc_put(bad);
  int64_t slot;
  double x;
  if (_i == 0) {
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(store_cv_latest(w, "r1", "ref", &slot, &x), 1); /* the others' go on */
    ck_assert_int_eq(dbc_commit(w), -1); /* committed the first write without the change */
    ck_assert_ptr_nonnull(strstr(dbc_errmsg(w), "rolled back"));
  } else {
    ck_assert_int_eq(rc, 0); /* sent; its result comes with the next read */
    ck_assert_int_eq(store_cv_latest(w, "r1", "ref", &slot, &x), -1);
    ck_assert_ptr_nonnull(strstr(dbc_errmsg(w), "null value"));
    struct steer_cmd cmd;
    ck_assert_int_eq(store_command_latest(w, "r1", &cmd), -1); /* an error, not "none" */
    ck_assert_int_eq(store_cv_put(w, T0 + SLOT_NS, "r1", "ref", 2, 1), -1);
    ck_assert_int_eq(dbc_commit(w), -1);
  }
  dbc_free(bad);
  ck_assert_int_eq(count_rows(w, "SELECT count(*) FROM cv"), 0);
  ck_assert_int_eq(dbc_begin(w), 0);
  ck_assert_int_eq(store_cv_put(w, T0 + 2 * SLOT_NS, "r1", "ref", 3, 1), 0);
  ck_assert_int_eq(dbc_commit(w), 0);
  ck_assert_int_eq(store_cv_latest(w, "r1", "ref", &slot, &x), 1);
  ck_assert(slot == T0 + 2 * SLOT_NS && x == 3);
  /* Without a read between, the commit is what fails. */
  if (_i == 1) {
    ck_assert_int_eq(dbc_begin(w), 0);
    ck_assert_int_eq(store_cv_put(w, T0 + 3 * SLOT_NS, "r1", "ref", 4, 1), 0);
    bad = dbc_prep_temp(w, "INSERT INTO cv (slot, a, b, value_ns, sigma_ns) VALUES "
                           "(?, NULL, 'ref', 1, 1)");
    ck_assert_ptr_nonnull(bad);
    dbc_bind_int64(bad, 1, T0);
    ck_assert_int_eq(dbc_put(bad), 0);
    ck_assert_int_eq(dbc_commit(w), -1);
    dbc_free(bad);
    ck_assert_int_eq(count_rows(w, "SELECT count(*) FROM cv"), 1);
    /* Failed outside the pipeline: PostgreSQL answers the COMMIT with ROLLBACK. */
    char why[256];
    ck_assert_int_eq(dbc_begin(w), 0);
    ck_assert_int_eq(store_cv_put(w, T0 + 3 * SLOT_NS, "r1", "ref", 4, 1), 0);
    ck_assert_int_eq(dbc_exec(w, "INSERT INTO cv (slot, a, b, value_ns, sigma_ns) VALUES "
                                 "(0, NULL, 'ref', 1, 1)", why, sizeof why), -1);
    ck_assert_int_eq(dbc_commit(w), -1);
    ck_assert_int_eq(count_rows(w, "SELECT count(*) FROM cv"), 1);
  }
  finish(w, NULL);
}
END_TEST

/* table replaced by a view of it whose column col, past the first two rows (where cond
 * holds), fails to read: malformed JSON, found row by row as the rows are read. */
static void poison(struct dbc *db, int i, const char *table, const char *cols,
                   const char *col, const char *cond)
{
  char sql[1200], why[512];
  snprintf(sql, sizeof sql, "ALTER TABLE %s RENAME TO %s_ok", table, table);
  ck_assert_msg(dbc_exec(db, sql, why, sizeof why) == 0, "%s", why);
  if (i == 0)
    snprintf(sql, sizeof sql, "CREATE VIEW %s AS SELECT %s, CASE WHEN %s THEN %s ELSE "
             "json_extract(%s || '}', '$') END AS %s FROM %s_ok",
             table, cols, cond, col, col, col, table);
  else
    snprintf(sql, sizeof sql, "CREATE VIEW %s AS SELECT %s, CASE WHEN %s THEN %s ELSE "
             "(%s || '}')::json::text END AS %s FROM %s_ok",
             table, cols, cond, col, col, col, table);
  ck_assert_msg(dbc_exec(db, sql, why, sizeof why) == 0, "%s", why);
}

/* A read that fails part way gives no rows and says so (NULL, -1), never the rows read
 * before the failure: a page, a graph or a log with rows missing and no word of it, or a
 * server taking "none saved" for "cannot say". */
START_TEST(test_read_errors)
{
  if (skip(_i))
    return;
  char target[700];
  struct dbc *db = fresh(_i, target, sizeof target);
  for (int k = 0; k < 4; k++) {
    struct track t;
    track_init(&t, "r1", T0 + k * SLOT_NS);
    t.value_ns = k;
    t.n_used = 600;
    ck_assert_int_eq(store_track_insert(db, &t, T0), 1);
    ck_assert_int_eq(store_event(db, T0 + k, "r1", "outlier", "{}"), 0);
  }
  ck_assert_int_eq(store_clock_put(db, "r1", "LOCKED", "{\"a\":1}", T0), 0);
  poison(db, _i, "events", "id, t, site, kind", "message", "id < 3");
  poison(db, _i, "tracks", "site, slot, value_ns, sigma_ns, n_used, low_count, received",
         "json", "slot < " T0_TEXT " + 2 * 600000000000");
  poison(db, _i, "clocks", "site, state, updated", "json", "site <> 'r1'");
  json_t *a = store_events(db, T0, T0 + 10);
  ck_assert_msg(a == NULL, "%zu events of 4 given as all of them", json_array_size(a));
  struct store_event_filter f = {.from = T0, .to = T0 + 10, .limit = 10};
  ck_assert_ptr_null(store_events_query(db, &f));
  struct track *v = (struct track *)&f;
  ck_assert_int_eq(store_site_tracks(db, "r1", T0, T0 + 4 * SLOT_NS, &v), -1);
  ck_assert_ptr_eq(v, (struct track *)&f); /* untouched */
  ck_assert_int_eq(store_site_tracks(db, "r1", T0, T0 + 2 * SLOT_NS, &v), 2);
  free(v);
  char *js = (char *)"x";
  ck_assert_int_eq(store_clock_get(db, "r1", &js), -1);
  ck_assert_ptr_null(js);
  ck_assert_int_eq(store_clock_get(db, "r2", &js), 0); /* none: no row was read */
  ck_assert_ptr_null(js);
  finish(db, NULL);
}
END_TEST

/* PostgreSQL restarted under a server: the statement that finds the session gone fails
 * (the caller tries again later), the next one runs on a new session, its statements
 * prepared again. */
START_TEST(test_session_lost)
{
  if (skip(1))
    return;
  char target[700], why[512];
  struct dbc *db = fresh(1, target, sizeof target);
  ck_assert_int_eq(store_cv_put(db, T0, "r1", "ref", 1, 1), 0);
  ck_assert_msg(pgtest_end_sessions(pg_name, why, sizeof why) == 0, "%s", why);
  int64_t slot;
  double x;
  ck_assert_int_eq(store_cv_latest(db, "r1", "ref", &slot, &x), -1);
  ck_assert_int_eq(store_cv_put(db, T0 + SLOT_NS, "r1", "ref", 2, 1), 0);
  ck_assert_int_eq(store_cv_latest(db, "r1", "ref", &slot, &x), 1);
  ck_assert(slot == T0 + SLOT_NS && x == 2);
  /* Lost inside a transaction whose writes wait in the pipeline: its commit fails, and
   * the next transaction runs on a new session. */
  ck_assert_int_eq(dbc_begin(db), 0);
  ck_assert_int_eq(store_cv_put(db, T0 + 2 * SLOT_NS, "r1", "ref", 3, 1), 0);
  ck_assert_msg(pgtest_end_sessions(pg_name, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(store_cv_put(db, T0 + 3 * SLOT_NS, "r1", "ref", 4, 1), 0);
  ck_assert_int_eq(dbc_commit(db), -1);
  ck_assert_int_eq(dbc_begin(db), 0);
  ck_assert_int_eq(store_cv_put(db, T0 + 4 * SLOT_NS, "r1", "ref", 5, 1), 0);
  ck_assert_int_eq(dbc_commit(db), 0);
  ck_assert_int_eq(store_cv_latest(db, "r1", "ref", &slot, &x), 1);
  ck_assert(slot == T0 + 4 * SLOT_NS && x == 5);
  ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM cv"), 3);
  finish(db, NULL);
}
END_TEST

int main(void)
{
  char why[1024];
  int rc = pgtest_start(why, sizeof why);
  if (rc == 77)
    fprintf(stderr, "test_pg_store: %s; the PostgreSQL half is skipped\n", why);
  else if (rc != 0) {
    fprintf(stderr, "test_pg_store: %s\n", why);
    return 99;
  }
  have_pg = rc == 0;
  Suite *s = suite_create("pg_store");
  TCase *tc = tcase_create("store");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_tracks_and_cv, 0, 2);
  tcase_add_loop_test(tc, test_steering_events_commands, 0, 2);
  tcase_add_loop_test(tc, test_lease, 0, 2);
  tcase_add_loop_test(tc, test_reader, 0, 2);
  tcase_add_loop_test(tc, test_transaction_writes, 0, 2);
  tcase_add_loop_test(tc, test_failed_write, 0, 2);
  tcase_add_loop_test(tc, test_read_errors, 0, 2);
  tcase_add_test(tc, test_session_lost);
  suite_add_tcase(s, tc);
  rc = th_run_suite(s, CK_VERBOSE);
  pgtest_stop();
  return rc;
}
