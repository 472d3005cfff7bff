/* db/walbuf.c, the VFS that writes a commit's WAL frames at once: a commit of many pages
 * is one write of the real file, every commit is seen at once by a reader on the default
 * VFS, a process killed in the middle of a transaction that had spilled pages leaves the
 * database with exactly its commits, and a transaction rolled back after a spill does not
 * write over what another connection committed since. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/db.h"
#include "db/walbuf.h"
#include "tests/testutil.h"

static void exec(sqlite3 *db, const char *sql)
{
  char *e = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &e);
  ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, e ? e : sqlite3_errstr(rc));
}

static long long one(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}


/* `rows` rows of 1,000 bytes each in one transaction, numbered from `first`. */
static void insert(sqlite3 *db, int first, int rows)
{
  char sql[200];
  snprintf(sql, sizeof sql,
           "WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
           "INSERT INTO t (i, pad) SELECT i, randomblob(1000) FROM n",
           first, first + rows - 1);
  exec(db, sql);
}

static sqlite3 *open_writer(const char *dir, char *path, size_t pathlen)
{
  char err[256];
  snprintf(path, pathlen, "%s/w.db", dir);
  sqlite3 *db = db_open(path, DB_SERVER, err, sizeof err);
  ck_assert_msg(db != NULL, "%s", err);
  sqlite3_vfs *vfs = NULL;
  ck_assert_int_eq(sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs), SQLITE_OK);
  ck_assert_str_eq(vfs->zName, DB_WALBUF_VFS);
  sqlite3_wal_autocheckpoint(db, 0);
  exec(db, "CREATE TABLE IF NOT EXISTS t (i INTEGER PRIMARY KEY, pad BLOB NOT NULL)");
  return db;
}

static sqlite3 *open_reader(const char *path)
{
  char err[256];
  sqlite3 *db = db_open_reader(path, 2000, err, sizeof err);
  ck_assert_msg(db != NULL, "%s", err);
  return db;
}

/* The database as a new reader finds it: whole, with `rows` rows, the last numbered
 * `max_i`. */
static void assert_intact(const char *path, long long rows, long long max_i)
{
  sqlite3 *db = open_reader(path);
  sqlite3_stmt *st = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  ck_assert_int_eq(one(db, "SELECT count(*) FROM t"), rows);
  ck_assert_int_eq(one(db, "SELECT max(i) FROM t"), max_i);
  sqlite3_close(db);
}

START_TEST(test_commit_is_one_write)
{
  char *dir = th_mkdtemp("walbuf1"), path[1024];
  sqlite3 *w = open_writer(dir, path, sizeof path);
  sqlite3 *r = open_reader(path);
  /* db_open, the process's first use of SQLite, turned its memory statistics off: with
   * them on, the two connections would count their memory here. */
  ck_assert_int_eq(sqlite3_memory_used(), 0);
  struct db_walbuf_counts a, b;
  db_walbuf_counts(&a);
  insert(w, 1, 200); /* about 50 table pages and the tree above them */
  db_walbuf_counts(&b);
  long asked = b.asked - a.asked, made = b.made - a.made;
  ck_assert_msg(asked >= 100, "SQLite asked for %ld WAL writes", asked);
  /* 200 KB of frames: two writes of at most 120 KiB. */
  ck_assert_msg(made == 2, "%ld WAL writes asked, %ld made", asked, made);
  ck_assert_int_eq(one(r, "SELECT count(*) FROM t"), 200);
  /* Small commits one after another, each seen at once by the reader. */
  for (int k = 0; k < 50; k++) {
    db_walbuf_counts(&a);
    insert(w, 1000 + k, 1);
    db_walbuf_counts(&b);
    ck_assert_int_eq(b.made - a.made, 1);
    ck_assert_int_eq(one(r, "SELECT count(*) FROM t"), 201 + k);
  }
  ck_assert_int_eq(one(r, "SELECT max(i) FROM t"), 1049);
  sqlite3_close(r);
  db_close(w);
  assert_intact(path, 250, 1049);
  th_rmtree(dir);
  free(dir);
}
END_TEST

/* A child commits 40 transactions, then spills a big one to the WAL (a small page cache)
 * and is killed before its commit. */
START_TEST(test_killed_mid_transaction)
{
  char *dir = th_mkdtemp("walbuf2"), path[1024];
  int fd[2];
  ck_assert_int_eq(pipe(fd), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    close(fd[0]);
    sqlite3 *w = open_writer(dir, path, sizeof path);
    for (int k = 0; k < 40; k++)
      insert(w, 1 + 10 * k, 10);
    exec(w, "PRAGMA cache_size = 8; BEGIN");
    insert(w, 100000, 2000);
    if (write(fd[1], "x", 1) != 1)
      _exit(3);
    pause();
    _exit(4);
  }
  close(fd[1]);
  char x;
  ck_assert_int_eq(read(fd[0], &x, 1), 1);
  close(fd[0]);
  kill(pid, SIGKILL);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFSIGNALED(status));
  snprintf(path, sizeof path, "%s/w.db", dir);
  char wal[1100];
  snprintf(wal, sizeof wal, "%s-wal", path);
  char *text = th_read_file(wal);
  ck_assert_msg(text != NULL, "no WAL after the kill");
  free(text);
  assert_intact(path, 400, 400);
  th_rmtree(dir);
  free(dir);
}
END_TEST

/* Connection A spills a transaction and rolls it back; B commits; A writes and closes.
 * Nothing A kept may land on B's frames. */
START_TEST(test_rollback_after_spill)
{
  char *dir = th_mkdtemp("walbuf3"), path[1024];
  sqlite3 *a = open_writer(dir, path, sizeof path);
  char err[256];
  sqlite3 *b = db_open(path, DB_SERVER, err, sizeof err);
  ck_assert_msg(b != NULL, "%s", err);
  sqlite3_wal_autocheckpoint(b, 0);
  insert(a, 1, 10);
  exec(a, "PRAGMA cache_size = 8; BEGIN");
  insert(a, 1000, 500);
  exec(a, "ROLLBACK");
  insert(b, 5000, 300);
  insert(a, 20000, 5);
  db_close(a);
  ck_assert_int_eq(one(b, "SELECT count(*) FROM t"), 315);
  db_close(b);
  assert_intact(path, 315, 20004);
  th_rmtree(dir);
  free(dir);
}
END_TEST

/* A full disk (RLIMIT_FSIZE) at the commit: the commit fails with SQLite's error, and the
 * database keeps every earlier commit. */
START_TEST(test_disk_full_at_commit)
{
  char *dir = th_mkdtemp("walbuf4"), path[1024];
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    sqlite3 *w = open_writer(dir, path, sizeof path);
    insert(w, 1, 20);
    sqlite3_int64 size = 0;
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);
    FILE *f = fopen(wal, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
      _exit(3);
    size = ftell(f);
    fclose(f);
    struct rlimit lim = {.rlim_cur = (rlim_t)size + 50000, .rlim_max = RLIM_INFINITY};
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
      _exit(4);
    char sql[200];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 299) "
             "INSERT INTO t (i, pad) SELECT i, randomblob(1000) FROM n");
    int rc = sqlite3_exec(w, sql, NULL, NULL, NULL);
    if ((rc & 0xff) != SQLITE_FULL && (rc & 0xff) != SQLITE_IOERR)
      _exit(5);
    lim.rlim_cur = RLIM_INFINITY;
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
      _exit(6);
    insert(w, 1000, 3);
    db_close(w);
    _exit(0);
  }
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: status %d", status);
  snprintf(path, sizeof path, "%s/w.db", dir);
  assert_intact(path, 23, 1002);
  th_rmtree(dir);
  free(dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("walbuf");
  TCase *tc = tcase_create("walbuf");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_commit_is_one_write);
  tcase_add_test(tc, test_killed_mid_transaction);
  tcase_add_test(tc, test_rollback_after_spill);
  tcase_add_test(tc, test_disk_full_at_commit);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_VERBOSE);
}
