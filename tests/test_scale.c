/* The server at scale (issue 13), in process on a real SQLite file: with more sites than
 * SERVER_ALL_PAIRS_MAX only each remote against the reference is stored, and a pair of two
 * remotes is derived from those when read (the series and the grid); with few sites every
 * pair is stored as before; the slot cache sees tracks that another server sharing the
 * store took, and more sites than the old fixed limit (128) are served, the grid then
 * each clock against the reference; the steering lease taken back from a server that
 * died, with its controllers, and not steered on while they cannot be read. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/command.h"
#include "core/jsonx.h"
#include "core/timeutil.h"
#include "db/dbc.h"
#include "db/store.h"
#include "server/server.h"
#include "tests/testutil.h"

static char *dir;
static int64_t slot0;

static void setup(void)
{
  dir = th_mkdtemp("scale");
  ck_assert_int_eq(tu_parse("2025-01-01T00:00:00Z", &slot0), 0);
  struct clk_conf cc = {.kind = CLK_MANUAL, .start = slot0 + 3600 * NS_PER_S};
  clk_configure(&cc);
}

static void teardown(void)
{
  th_rmtree(dir);
  free(dir);
}

/* ref and r1..r(n-1), one key each, the store in dir/NAME.db. */
static void conf_for(struct server_app_conf *c, int n, const char *name)
{
  char err[200], site[SITE_NAME_MAX];
  server_app_conf_default(c);
  snprintf(c->db_path, sizeof c->db_path, "%s/%s.db", dir, name);
  snprintf(c->reference, sizeof c->reference, "ref");
  for (int k = 0; k < n; k++) {
    if (k)
      snprintf(site, sizeof site, "r%d", k);
    else
      snprintf(site, sizeof site, "ref");
    struct server_site_conf *sc = server_app_conf_add_site(c, site, err, sizeof err);
    ck_assert_ptr_nonnull(sc);
    sc->n_keys = 1;
    snprintf(sc->keys[0].id, sizeof sc->keys[0].id, "1");
    snprintf(sc->keys[0].secret, sizeof sc->keys[0].secret, "scale-test-secret-0123");
  }
}

/* A server of n sites on dir/NAME.db. */
static void open_server(struct server *s, int n, const char *name)
{
  struct server_app_conf c;
  char err[512];
  conf_for(&c, n, name);
  ck_assert_int_eq(server_open(s, &c, err, sizeof err), 0);
  server_app_conf_free(&c);
}

/* Two servers of n sites on one store, dir/NAME.db (the second named "second"). */
static void open_two(struct server *s1, struct server *s2, int n, const char *name)
{
  struct server_app_conf c;
  char err[512];
  conf_for(&c, n, name);
  ck_assert_int_eq(server_open(s1, &c, err, sizeof err), 0);
  snprintf(c.name, sizeof c.name, "second");
  ck_assert_int_eq(server_open(s2, &c, err, sizeof err), 0);
  server_app_conf_free(&c);
}

/* The latest a - b stored, NAN when none. */
static double latest(struct server *s, const char *a, const char *b)
{
  struct dbc *db = server_reader_get(s);
  int64_t slot;
  double v;
  int found = store_cv_latest(db, a, b, &slot, &v);
  server_reader_put(s, db);
  return found == 1 ? v : NAN;
}

/* Site k's track of slot: LOCAL - GPS = 10 + k ns, sd 3 ns over 600 samples; the answer
 * in *resp. */
static int upload_at(struct server *s, int k, int64_t slot, json_t **resp)
{
  struct track t;
  char site[SITE_NAME_MAX];
  if (k)
    snprintf(site, sizeof site, "r%d", k);
  else
    snprintf(site, sizeof site, "ref");
  track_init(&t, site, slot);
  t.value_ns = 10 + k;
  t.sigma_ns = 3;
  t.slope_ns_s = 0;
  t.n_used = 600;
  snprintf(t.rx_state, sizeof t.rx_state, "TIME");
  struct upload_req req = {.tracks = &t, .n_tracks = 1};
  snprintf(req.site, sizeof req.site, "%s", site);
  *resp = NULL;
  return server_upload(s, &req, NULL, clk_now(), tu_wall_ns(), resp);
}

/* Site k's track of slot0, as upload_at. */
static int upload(struct server *s, int k)
{
  json_t *resp;
  int status = upload_at(s, k, slot0, &resp);
  json_decref(resp);
  return status;
}

static double cell(const json_t *grid, int a, int b, int *derived)
{
  const json_t *c = json_array_get(json_array_get(json_object_get(grid, "matrix"), a), b);
  *derived = json_is_true(json_object_get(c, "derived"));
  return c ? json_number_value(json_object_get(c, "value_ns")) : NAN;
}

/* 200 sites (over the old limit of 128): REMOTE - REF rows only; r2 - r5 derived. */
START_TEST(test_many_sites)
{
  static struct server s;
  open_server(&s, 200, "many");
  for (int k = 0; k < 200; k++)
    ck_assert_int_eq(upload(&s, k), 200);
  ck_assert_double_eq_tol(latest(&s, "r1", "ref"), 1.0, 1e-9);
  ck_assert_double_eq_tol(latest(&s, "r199", "ref"), 199.0, 1e-9);
  ck_assert(isnan(latest(&s, "r1", "r2")));

  json_t *ser = server_series(&s, "r2", "r5", slot0, slot0 + SLOT_NS);
  ck_assert_int_eq(json_array_size(ser), 1);
  const json_t *p = json_array_get(ser, 0);
  ck_assert_int_eq(json_integer_value(json_array_get(p, 0)), slot0);
  ck_assert_double_eq_tol(json_number_value(json_array_get(p, 1)), -3.0, 1e-9);
  /* each against the reference: sqrt(9/600 + 9/600); the pair: sqrt(2) times that */
  ck_assert_double_eq_tol(json_number_value(json_array_get(p, 2)), sqrt(4 * 9.0 / 600), 1e-12);
  json_decref(ser);
  ser = server_series(&s, "r5", "ref", slot0, slot0 + SLOT_NS);
  ck_assert_double_eq_tol(json_number_value(json_array_get(json_array_get(ser, 0), 1)), 5.0, 1e-9);
  json_decref(ser);

  /* Over SERVER_GRID_FULL_MAX clocks: each against the reference, one column. */
  json_t *g = server_grid(&s, clk_now());
  int derived;
  ck_assert_int_eq(json_array_size(json_object_get(g, "clocks")), 200);
  ck_assert_int_eq(json_integer_value(json_object_get(g, "columns")), 1);
  ck_assert_int_eq(json_array_size(json_array_get(json_object_get(g, "matrix"), 199)), 1);
  ck_assert_double_eq_tol(cell(g, 7, 0, &derived), 7.0, 1e-9);
  ck_assert_int_eq(derived, 0);
  ck_assert_double_eq_tol(cell(g, 199, 0, &derived), 199.0, 1e-9);
  json_decref(g);
  server_close(&s);
}
END_TEST

/* 20 sites: REMOTE - REF rows only, the grid full, r2 - r5 derived in it. */
START_TEST(test_grid_derived)
{
  static struct server s;
  open_server(&s, 20, "mid");
  for (int k = 0; k < 20; k++)
    ck_assert_int_eq(upload(&s, k), 200);
  ck_assert(isnan(latest(&s, "r2", "r5")));
  json_t *g = server_grid(&s, clk_now());
  int derived;
  ck_assert_int_eq(json_integer_value(json_object_get(g, "columns")), 20);
  ck_assert_double_eq_tol(cell(g, 2, 5, &derived), -3.0, 1e-9);
  ck_assert_int_eq(derived, 1);
  ck_assert_double_eq_tol(cell(g, 5, 0, &derived), 5.0, 1e-9);
  ck_assert_int_eq(derived, 0);
  ck_assert_double_eq_tol(cell(g, 0, 5, &derived), -5.0, 1e-9);
  json_decref(g);
  server_close(&s);
}
END_TEST

/* 5 sites: every pair stored, as before. */
START_TEST(test_few_sites)
{
  static struct server s;
  open_server(&s, 5, "few");
  for (int k = 4; k >= 0; k--)
    ck_assert_int_eq(upload(&s, k), 200);
  ck_assert_double_eq_tol(latest(&s, "r1", "r2"), -1.0, 1e-9);
  ck_assert_double_eq_tol(latest(&s, "r4", "ref"), 4.0, 1e-9);
  server_close(&s);
}
END_TEST

/* Two servers on one store: s1 holds the slot (ref's track), s2 takes r1's; when r2's
 * comes to s1, s1's cache finds the store has a track it has not seen, reads the slot
 * again, and stores r2 - r1 too. */
START_TEST(test_cache_two_servers)
{
  static struct server s1, s2;
  open_two(&s1, &s2, 5, "shared");
  ck_assert_int_eq(upload(&s1, 0), 200);
  ck_assert_int_eq(upload(&s2, 1), 200);
  ck_assert_int_eq(upload(&s1, 2), 200);
  ck_assert_double_eq_tol(latest(&s1, "r2", "r1"), 1.0, 1e-9);
  ck_assert_double_eq_tol(latest(&s1, "r2", "ref"), 2.0, 1e-9);
  server_close(&s2);
  server_close(&s1);
}
END_TEST

/* The same with many sites (reference mode): r1's track at s2 before the reference's, the
 * reference's at s1 (which reads the whole slot then), r2's at s2 (which finds the
 * reference's in the store): both remotes measured. */
START_TEST(test_ref_mode_two_servers)
{
  static struct server s1, s2;
  open_two(&s1, &s2, 20, "shared-ref");
  ck_assert_int_eq(upload(&s2, 1), 200);
  ck_assert(isnan(latest(&s1, "r1", "ref")));
  ck_assert_int_eq(upload(&s1, 0), 200);
  ck_assert_double_eq_tol(latest(&s1, "r1", "ref"), 1.0, 1e-9);
  ck_assert_int_eq(upload(&s2, 2), 200);
  ck_assert_double_eq_tol(latest(&s1, "r2", "ref"), 2.0, 1e-9);
  ck_assert(isnan(latest(&s1, "r2", "r1")));
  server_close(&s2);
  server_close(&s1);
}
END_TEST

/* Decisions in the steering log for site, read beside the servers. */
static long long decisions(const char *name, const char *site)
{
  char path[1100], sql[200];
  snprintf(path, sizeof path, "%s/%s.db", dir, name);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM steering WHERE site = '%s'", site);
  return th_db_int(path, sql);
}

/* Two servers on one SQLite store: an upload reads the steering lease in its transaction
 * (the write lock fences it) instead of writing it.  Only the holder steers; once the
 * other has taken the lease, the first finds so within its next upload and stops. */
START_TEST(test_lease_two_servers)
{
  static struct server s1, s2;
  open_two(&s1, &s2, 4, "lease");
  ck_assert(server_is_steering(&s1));
  ck_assert(!server_is_steering(&s2));
  ck_assert_int_eq(upload(&s2, 0), 200);
  ck_assert_int_eq(upload(&s2, 1), 200);
  ck_assert_double_eq_tol(latest(&s1, "r1", "ref"), 1.0, 1e-9);
  ck_assert_int_eq(decisions("lease", "r1"), 0); /* measured at s2, not steered there */
  ck_assert_int_eq(upload(&s1, 2), 200);
  ck_assert_int_gt(decisions("lease", "r2"), 0);
  /* s1 stops ticking; past its deadline s2's tick takes the lease, and steers r1's
   * measurement that nobody steered. */
  clk_set(clk_now() + (int64_t)(s1.conf.lease_s + 1) * NS_PER_S);
  server_tick(&s2, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s2));
  ck_assert_int_gt(decisions("lease", "r1"), 0);
  /* s1's next upload finds the lease is s2's: r3 is measured, not steered by s1. */
  ck_assert_int_eq(upload(&s1, 3), 200);
  ck_assert(!server_is_steering(&s1));
  ck_assert_int_eq(decisions("lease", "r3"), 0);
  ck_assert_double_eq_tol(latest(&s1, "r3", "ref"), 3.0, 1e-9);
  server_tick(&s2, clk_now(), tu_wall_ns());
  ck_assert_int_gt(decisions("lease", "r3"), 0);
  server_close(&s2);
  server_close(&s1);
}
END_TEST

/* The answer's command is the newest in the store (read there by a new connection), and
 * the steering server no longer reads it back for that: site k's upload of slot, `resp`
 * compared; 1 if it carried a command. */
static int answer_is_stored(int k, json_t *resp)
{
  char path[1100], err[256];
  snprintf(path, sizeof path, "%s/answers.db", dir);
  struct dbc *db = dbc_open(path, 1, err, sizeof err);
  ck_assert_msg(db != NULL, "%s", err);
  struct steer_cmd c;
  char site[SITE_NAME_MAX];
  snprintf(site, sizeof site, "r%d", k);
  int have = store_command_latest(db, site, &c);
  dbc_close(db);
  const json_t *got = json_object_get(resp, "command");
  ck_assert_int_ge(have, 0);
  if (!have) {
    ck_assert(json_is_null(got));
    return 0;
  }
  json_t *want = cmd_to_json(&c);
  char *w = jx_dump(want), *g = jx_dump(got);
  ck_assert_str_eq(g, w);
  free(w);
  free(g);
  json_decref(want);
  return 1;
}

/* Every answer's command as the store has it, while s1 steers, after s2 has taken the
 * lease (s1 answers from the store what s2 decided), and after s1 takes it back. */
START_TEST(test_answer_command_stored)
{
  static struct server s1, s2;
  open_two(&s1, &s2, 3, "answers");
  int with_cmd = 0, slot = 0;
  for (; slot < 12; slot++) {
    clk_set(slot0 + (slot + 1) * SLOT_NS + 60 * NS_PER_S);
    for (int k = 0; k < 3; k++) {
      json_t *resp;
      ck_assert_int_eq(upload_at(&s1, k, slot0 + slot * SLOT_NS, &resp), 200);
      if (k)
        with_cmd += answer_is_stored(k, resp);
      json_decref(resp);
    }
  }
  ck_assert_int_ge(with_cmd, 12);
  clk_set(clk_now() + (int64_t)(s1.conf.lease_s + 1) * NS_PER_S);
  server_tick(&s2, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s2));
  /* s2 steers r2 on a new slot; s1, whose memory still holds its own last command of r2,
   * is sent that track again and learns within the upload that s2 steers: its answer has
   * s2's command. */
  clk_set(slot0 + (slot + 1) * SLOT_NS + 60 * NS_PER_S);
  json_t *resp;
  for (int k = 0; k < 3; k += 2) {
    ck_assert_int_eq(upload_at(&s2, k, slot0 + slot * SLOT_NS, &resp), 200);
    if (k)
      ck_assert_int_eq(answer_is_stored(k, resp), 1);
    json_decref(resp);
  }
  ck_assert(server_is_steering(&s1));
  ck_assert_int_eq(upload_at(&s1, 2, slot0 + slot * SLOT_NS, &resp), 200);
  ck_assert(!server_is_steering(&s1));
  ck_assert_int_eq(json_integer_value(json_object_get(resp, "duplicates")), 1);
  ck_assert_int_eq(answer_is_stored(2, resp), 1);
  json_decref(resp);
  server_close(&s2);
  server_close(&s1);
}
END_TEST

/* Slots from..to-1 uploaded by the reference and r1, r2 to server s, each at its end. */
static void upload_slots(struct server *s, int from, int to)
{
  for (int slot = from; slot < to; slot++) {
    clk_set(slot0 + (slot + 1) * SLOT_NS + 60 * NS_PER_S);
    for (int k = 0; k < 3; k++) {
      json_t *resp;
      ck_assert_int_eq(upload_at(s, k, slot0 + slot * SLOT_NS, &resp), 200);
      json_decref(resp);
    }
  }
}

/* The steering server stalls past its lease (a host frozen, a VM moved), the other takes
 * the lease and steers, then dies; the first's next tick finds its lease lapsed and takes
 * it again, but only after taking up the controllers the other saved: its commands go on
 * from the other's, no command id is issued twice. */
START_TEST(test_lease_back_after_other_steered)
{
  static struct server s1, s2;
  open_two(&s1, &s2, 3, "back");
  char path[1100];
  snprintf(path, sizeof path, "%s/back.db", dir);
  const char *dup_log = "SELECT count(*) - count(DISTINCT cmd_id) FROM steering WHERE site = "
                        "'r1' AND cmd_id IS NOT NULL";
  upload_slots(&s1, 0, 8);
  long long by_s1 = th_db_int(path, "SELECT count(*) FROM commands WHERE site = 'r1'");
  ck_assert_int_gt(by_s1, 0);
  clk_set(clk_now() + (int64_t)(s1.conf.lease_s + 1) * NS_PER_S);
  server_tick(&s2, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s2));
  upload_slots(&s2, 8, 16);
  long long by_s2 = th_db_int(path, "SELECT count(*) FROM commands WHERE site = 'r1'") - by_s1;
  ck_assert_int_gt(by_s2, 0);
  /* s2 is gone: past its deadline, s1 ticks with no upload between. */
  clk_set(clk_now() + (int64_t)(s2.conf.lease_s + 1) * NS_PER_S);
  server_tick(&s1, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s1));
  upload_slots(&s1, 16, 24);
  ck_assert_int_gt(th_db_int(path, "SELECT count(*) FROM commands WHERE site = 'r1'"),
                   by_s1 + by_s2);
  ck_assert_int_eq(th_db_int(path, dup_log), 0); /* 8 without the take-up (tried) */
  server_close(&s2);
  server_close(&s1);
}
END_TEST

/* As above, but when s1 comes back its store cannot read the controllers s2 saved: s1
 * must not steer on its own stale ones (their command ids are s2's already).  It gives the
 * lease back and takes it, with the controllers, at a tick that can read them. */
START_TEST(test_take_up_unreadable)
{
  static struct server s1, s2;
  open_two(&s1, &s2, 3, "unread");
  char path[1100];
  snprintf(path, sizeof path, "%s/unread.db", dir);
  upload_slots(&s1, 0, 8);
  clk_set(clk_now() + (int64_t)(s1.conf.lease_s + 1) * NS_PER_S);
  server_tick(&s2, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s2));
  upload_slots(&s2, 8, 16);
  clk_set(clk_now() + (int64_t)(s2.conf.lease_s + 1) * NS_PER_S);
  /* Every saved controller now fails to read (malformed JSON, found as it is read). */
  th_db_break(path, "clocks", "site, state, updated", "json", "0");
  server_tick(&s1, clk_now(), tu_wall_ns());
  ck_assert(!server_is_steering(&s1)); /* it steered, stale, without the change (tried) */
  ck_assert_int_eq(th_db_int(path, "SELECT deadline FROM lease"), 0); /* given back */
  th_db_mend(path, "clocks");
  server_tick(&s1, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s1));
  upload_slots(&s1, 16, 24);
  ck_assert_int_eq(th_db_int(path, "SELECT count(*) - count(DISTINCT cmd_id) FROM steering "
                                   "WHERE site = 'r1' AND cmd_id IS NOT NULL"), 0);
  server_close(&s2);
  server_close(&s1);
}
END_TEST

/* The one server's controllers become unreadable (and unwritable) in the store: the
 * upload whose decision cannot be saved is undone (503) and, its controllers not taken up
 * again, the server stops steering rather than steer on from decisions the store lost;
 * readable again, a tick takes the lease and them, and the clocks are steered on with no
 * command id twice. */
START_TEST(test_rollback_take_up_unreadable)
{
  static struct server s;
  open_server(&s, 3, "rollback");
  char path[1100];
  snprintf(path, sizeof path, "%s/rollback.db", dir);
  upload_slots(&s, 0, 8);
  ck_assert(server_is_steering(&s));
  th_db_break(path, "clocks", "site, state, updated", "json", "0");
  clk_set(slot0 + 9 * SLOT_NS + 60 * NS_PER_S);
  int refused = 0;
  for (int k = 0; k < 3; k++) {
    json_t *resp;
    refused += upload_at(&s, k, slot0 + 8 * SLOT_NS, &resp) == 503;
    json_decref(resp);
  }
  ck_assert_int_ge(refused, 1);
  ck_assert(!server_is_steering(&s)); /* steered on without the change (tried) */
  th_db_mend(path, "clocks");
  server_tick(&s, clk_now(), tu_wall_ns());
  ck_assert(server_is_steering(&s));
  upload_slots(&s, 8, 16); /* slot 8 sent again, as the sites do after a 503 */
  ck_assert_int_eq(th_db_int(path, "SELECT count(*) - count(DISTINCT cmd_id) FROM steering "
                                   "WHERE site = 'r1' AND cmd_id IS NOT NULL"), 0);
  ck_assert_int_gt(th_db_int(path, "SELECT count(*) FROM steering WHERE site = 'r1' AND "
                                   "slot > (SELECT min(slot) FROM steering) + 8 * 600000000000"),
                   0);
  server_close(&s);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("scale");
  TCase *tc = tcase_create("scale");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_many_sites);
  tcase_add_test(tc, test_grid_derived);
  tcase_add_test(tc, test_few_sites);
  tcase_add_test(tc, test_cache_two_servers);
  tcase_add_test(tc, test_ref_mode_two_servers);
  tcase_add_test(tc, test_lease_two_servers);
  tcase_add_test(tc, test_answer_command_stored);
  tcase_add_test(tc, test_lease_back_after_other_steered);
  tcase_add_test(tc, test_take_up_unreadable);
  tcase_add_test(tc, test_rollback_take_up_unreadable);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
