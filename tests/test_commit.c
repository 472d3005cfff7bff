/* How the server's writes reach its SQLite store (issue 13), on real files:
 *  - group commit (server/batch.h): an upload done while another waits leaves its
 *    transaction open and is answered only once the next one has committed both; a member
 *    that fails undoes the whole batch, every member answered 503, nothing of it stored,
 *    not even its signature, so the same request is taken when sent again; so is an
 *    upload one of whose writes fails while the others go through;
 *  - checkpoints off the writer's path (db/checkpoint.h): the thread copies the WAL as it
 *    grows and the writer finishes, the WAL stays bounded, every row is there after a
 *    close, and after a SIGKILL in the middle of it all. */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "db/checkpoint.h"
#include "db/db.h"
#include "server/server.h"
#include "tests/testutil.h"

static char *dir;
static int64_t slot0;

static void setup(void)
{
  dir = th_mkdtemp("commit");
  ck_assert_int_eq(tu_parse("2025-01-01T00:00:00Z", &slot0), 0);
  struct clk_conf cc = {.kind = CLK_MANUAL, .start = slot0 + 3600 * NS_PER_S};
  clk_configure(&cc);
}

static void teardown(void)
{
  th_rmtree(dir);
  free(dir);
}

static void sleep_ms(int ms)
{
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* ref, r1 and r2 on dir/server.db. */
static void open_server(struct server *s)
{
  struct server_app_conf c;
  char err[512];
  server_app_conf_default(&c);
  snprintf(c.db_path, sizeof c.db_path, "%s/server.db", dir);
  snprintf(c.reference, sizeof c.reference, "ref");
  const char *names[] = {"ref", "r1", "r2"};
  for (int k = 0; k < 3; k++) {
    struct server_site_conf *sc = server_app_conf_add_site(&c, names[k], err, sizeof err);
    ck_assert_ptr_nonnull(sc);
    sc->n_keys = 1;
    snprintf(sc->keys[0].id, sizeof sc->keys[0].id, "1");
    snprintf(sc->keys[0].secret, sizeof sc->keys[0].secret, "commit-test-secret-0123");
  }
  ck_assert_int_eq(server_open(s, &c, err, sizeof err), 0);
  server_app_conf_free(&c);
}

struct up {
  struct server *s;
  const char *site;
  const char *sig;
  int status;
};

/* The site's track of slot0, signed sig. */
static void *upload(void *arg)
{
  struct up *u = arg;
  struct track t;
  track_init(&t, u->site, slot0);
  t.value_ns = 12;
  t.sigma_ns = 3;
  t.n_used = 600;
  snprintf(t.rx_state, sizeof t.rx_state, "TIME");
  struct upload_req req = {.tracks = &t, .n_tracks = 1};
  snprintf(req.site, sizeof req.site, "%s", u->site);
  struct upload_auth auth = {.sig = u->sig, .ts = tu_wall_ns() / NS_PER_S};
  json_t *resp = NULL;
  u->status = server_upload(u->s, &req, &auth, clk_now(), tu_wall_ns(), &resp);
  json_decref(resp);
  return NULL;
}

static long long count(const char *sql)
{
  char path[1100];
  snprintf(path, sizeof path, "%s/server.db", dir);
  return th_db_int(path, sql);
}

/* r1's upload started while another is said to wait for the lock: it stays in the open
 * batch, not committed, not answered, until the batch holds n uploads. */
static void start_waiting_member(struct server *s, struct up *a, pthread_t *th)
{
  __atomic_add_fetch(&s->batch_waiting, 1, __ATOMIC_SEQ_CST);
  ck_assert_int_eq(pthread_create(th, NULL, upload, a), 0);
  int n = 0;
  for (double waited = 0; n == 0 && waited < th_hang(20); waited += 0.001) {
    sleep_ms(1);
    pthread_mutex_lock(&s->mtx);
    n = s->batch_n;
    pthread_mutex_unlock(&s->mtx);
  }
  ck_assert_int_eq(n, 1);
  __atomic_sub_fetch(&s->batch_waiting, 1, __ATOMIC_SEQ_CST);
}

START_TEST(test_batch_commits_together)
{
  static struct server s;
  open_server(&s);
  struct up a = {.s = &s, .site = "r1", .sig = "a1", .status = -1};
  pthread_t th;
  start_waiting_member(&s, &a, &th);
  /* r1's track is written but not committed, and r1 not answered. */
  ck_assert_int_eq(count("SELECT count(*) FROM tracks"), 0);
  ck_assert_int_eq(__atomic_load_n(&a.status, __ATOMIC_SEQ_CST), -1);
  /* The reference's upload joins the batch, and commits both. */
  struct up b = {.s = &s, .site = "ref", .sig = "b1"};
  upload(&b);
  pthread_join(th, NULL);
  ck_assert_int_eq(a.status, 200);
  ck_assert_int_eq(b.status, 200);
  ck_assert_int_eq(count("SELECT count(*) FROM tracks"), 2);
  ck_assert_int_eq(count("SELECT count(*) FROM seen_signatures"), 2);
  /* Their common view, computed in the same transaction. */
  ck_assert_int_eq(count("SELECT count(*) FROM cv WHERE a = 'r1' AND b = 'ref'"), 1);
  /* Sent again, the same request is a replay, whether or not a batch is open. */
  struct up again = {.s = &s, .site = "r1", .sig = "a1"};
  upload(&again);
  ck_assert_int_eq(again.status, 409);
  server_close(&s);
}
END_TEST

START_TEST(test_batch_undone_whole)
{
  static struct server s;
  open_server(&s);
  /* r2's tracks cannot be stored. */
  char path[1100];
  snprintf(path, sizeof path, "%s/server.db", dir);
  th_db_exec(path, "CREATE TRIGGER no_r2 BEFORE INSERT ON tracks WHEN NEW.site = 'r2' "
                   "BEGIN SELECT RAISE(ABORT, 'r2 refused'); END");
  struct up a = {.s = &s, .site = "r1", .sig = "a2", .status = -1};
  pthread_t th;
  start_waiting_member(&s, &a, &th);
  struct up b = {.s = &s, .site = "r2", .sig = "b2"};
  upload(&b);
  pthread_join(th, NULL);
  /* Both answered 503: r1's writes went with r2's failure, its signature too. */
  ck_assert_int_eq(b.status, 503);
  ck_assert_int_eq(a.status, 503);
  ck_assert_int_eq(count("SELECT count(*) FROM tracks"), 0);
  ck_assert_int_eq(count("SELECT count(*) FROM seen_signatures"), 0);
  /* So r1's request sent again is taken, as a site does after a 503. */
  a.status = -1;
  upload(&a);
  ck_assert_int_eq(a.status, 200);
  ck_assert_int_eq(count("SELECT count(*) FROM tracks WHERE site = 'r1'"), 1);
  th_db_exec(path, "DROP TRIGGER no_r2");
  upload(&b);
  ck_assert_int_eq(b.status, 200);
  ck_assert_int_eq(count("SELECT count(*) FROM tracks"), 2);
  server_close(&s);
}
END_TEST

/* A write that fails inside an upload's transaction while the others succeed (here the
 * common view, refused by a trigger): the whole upload is undone and answered 503, its
 * track not stored without its common view, and taken whole when sent again.  Without
 * dbc_commit's refusal SQLite committed the rest: 200, a track whose common view was
 * never computed. */
START_TEST(test_upload_whole_or_not)
{
  static struct server s;
  open_server(&s);
  char path[1100];
  snprintf(path, sizeof path, "%s/server.db", dir);
  th_db_exec(path, "CREATE TRIGGER no_cv BEFORE INSERT ON cv BEGIN SELECT RAISE(ABORT, "
                   "'cv refused'); END");
  struct up r = {.s = &s, .site = "ref", .sig = "c1"};
  upload(&r);
  ck_assert_int_eq(r.status, 200); /* alone in its slot: no common view to write */
  struct up a = {.s = &s, .site = "r1", .sig = "c2"};
  upload(&a);
  ck_assert_int_eq(a.status, 503);
  ck_assert_int_eq(count("SELECT count(*) FROM tracks WHERE site = 'r1'"), 0);
  ck_assert_int_eq(count("SELECT count(*) FROM seen_signatures WHERE sig = 'c2'"), 0);
  th_db_exec(path, "DROP TRIGGER no_cv");
  upload(&a);
  ck_assert_int_eq(a.status, 200);
  ck_assert_int_eq(count("SELECT count(*) FROM tracks WHERE site = 'r1'"), 1);
  ck_assert_int_eq(count("SELECT count(*) FROM cv WHERE a = 'r1' AND b = 'ref'"), 1);
  server_close(&s);
}
END_TEST

/* rows commits of one row each into dir/NAME.db, a checkpointer running; each commit's
 * number written to fd when fd >= 0.  The WAL's largest size, in bytes, through *wal_max. */
static void write_rows(const char *name, int rows, int fd, long *wal_max, long *by_thread,
                       long *by_writer)
{
  char path[1100], wal[1200], err[256];
  snprintf(path, sizeof path, "%s/%s.db", dir, name);
  snprintf(wal, sizeof wal, "%s-wal", path);
  sqlite3 *db = db_open(path, DB_SERVER, err, sizeof err);
  ck_assert_msg(db != NULL, "%s", err);
  ck_assert_int_eq(db_exec(db, "CREATE TABLE IF NOT EXISTS r (id INTEGER PRIMARY KEY, "
                               "pad TEXT NOT NULL)", err, sizeof err), 0);
  struct db_ckpt *k = db_ckpt_start(db, path, err, sizeof err);
  ck_assert_msg(k != NULL, "%s", err);
  sqlite3_stmt *ins = db_prepare(db, "INSERT INTO r (pad) VALUES (printf('%.*c', 300, 'x'))");
  ck_assert_ptr_nonnull(ins);
  *wal_max = 0;
  for (int i = 1; i <= rows; i++) {
    ck_assert_int_eq(db_step_done(db, ins), 0);
    sqlite3_reset(ins);
    if (fd >= 0)
      ck_assert_int_eq(write(fd, &i, sizeof i), (ssize_t)sizeof i);
    struct stat sb;
    if (i % 64 == 0 && stat(wal, &sb) == 0 && sb.st_size > *wal_max)
      *wal_max = sb.st_size;
  }
  sqlite3_finalize(ins);
  db_ckpt_counts(k, by_thread, by_writer);
  db_ckpt_stop(k);
  db_close(db);
}

static long long rows_in(const char *name, int *intact)
{
  char path[1100];
  snprintf(path, sizeof path, "%s/%s.db", dir, name);
  /* integrity_check's first row is "ok" alone when nothing is wrong */
  *intact = th_db_int(path, "SELECT count(*) FROM pragma_integrity_check WHERE "
                            "integrity_check = 'ok'") == 1;
  return th_db_int(path, "SELECT count(*) FROM r");
}

START_TEST(test_checkpoints_bounded)
{
  long wal_max, by_thread, by_writer;
  /* Each commit writes two or three pages: some 60,000 frames in all. */
  write_rows("ck", 25000, -1, &wal_max, &by_thread, &by_writer);
  fprintf(stderr, "checkpoints: %ld by the thread, %ld finished by the writer; WAL at most "
          "%.1f MB\n", by_thread, by_writer, (double)wal_max / 1e6);
  ck_assert_int_gt(by_thread, 0);
  ck_assert_int_gt(by_writer, 0);
  /* The writer finishes at DB_CKPT_FINISH_PAGES; a commit's frames and the header on top. */
  ck_assert_int_le(wal_max, (long)(DB_CKPT_FINISH_PAGES + 16) * (4096 + 24) + 32);
  int intact;
  ck_assert_int_eq(rows_in("ck", &intact), 25000);
  ck_assert(intact);
}
END_TEST

START_TEST(test_checkpoints_sigkill)
{
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    close(p[0]);
    long w, t, x;
    write_rows("kill", 1000000, p[1], &w, &t, &x);
    _exit(0);
  }
  close(p[1]);
  int last = 0, n;
  /* Killed well into it: past several checkpoints of the thread. */
  while (last < 20000 && read(p[0], &n, sizeof n) == (ssize_t)sizeof n)
    last = n;
  kill(pid, SIGKILL);
  while (read(p[0], &n, sizeof n) == (ssize_t)sizeof n)
    last = n;
  close(p[0]);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFSIGNALED(status));
  int intact;
  long long rows = rows_in("kill", &intact);
  fprintf(stderr, "SIGKILL after commit %d: %lld rows, integrity %s\n", last, rows,
          intact ? "ok" : "damaged");
  ck_assert(intact);
  /* Every commit reported before the kill is there; at most the one in flight more. */
  ck_assert_int_ge(rows, last);
  ck_assert_int_le(rows, last + 1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("commit");
  TCase *tc = tcase_create("commit");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_batch_commits_together);
  tcase_add_test(tc, test_batch_undone_whole);
  tcase_add_test(tc, test_upload_whole_or_not);
  tcase_add_test(tc, test_checkpoints_bounded);
  tcase_add_test(tc, test_checkpoints_sigkill);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
