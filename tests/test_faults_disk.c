/* Faults injected (issue 10), part two: the disk full under the server and under a site
 * (RLIMIT_FSIZE on the running process, raised again with prlimit as a disk is freed), and
 * each one's SQLite database held locked for hours by another process (this one, with a
 * write transaction open).  Then the books: no track lost or duplicated, every clock under
 * 50 ns for good within 4 h of the fault's end. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cluster.h"
#include "tests/testutil.h"

/* Stops everything at end_h and checks the books and the lock after the fault's end. */
static long long finish(struct cluster *c, double fault_end_h, double end_h)
{
  cl_wait_hours(c, end_h);
  cl_stop(c);
  long long n = 0;
  for (int k = 0; k <= c->remotes; k++) {
    int twice;
    n += cl_check_exactly_once(c, k);
    cl_phase_steps(c, k, &twice);
    ck_assert_int_eq(twice, 0);
  }
  double after = cl_max_true_x(c, 1, fault_end_h + 4, end_h);
  ck_assert_msg(after < 50, "r1 at %.1f ns from 4 h after the fault", after);
  return n;
}

static long long unacked(struct cluster *c, int k)
{
  sqlite3 *db = cl_spool_db(c, k);
  long long n = cl_query_int(db, "SELECT count(*) FROM tracks WHERE acked IS NULL");
  sqlite3_close(db);
  return n;
}

/* The server's disk full for 4 h: uploads answered 503, the sites keep their tracks; the
 * disk freed, everything arrives once. */
START_TEST(test_server_disk_full)
{
  struct cluster c;
  cl_init(&c, "fullserver", 1, NULL);
  cl_start_all(&c);
  cl_wait_hours(&c, 6);
  ck_assert_int_eq(th_stop(c.server, SIGTERM, 10), 0);
  long limit = cl_db_size(&c, "server.db") + 8192;
  pid_t srv = cl_start_server_limited(&c, limit);
  cl_wait_hours(&c, 10);
  long long waiting = unacked(&c, 1);
  ck_assert_msg(waiting >= 18, "r1 kept only %lld tracks while the server's disk was full",
                waiting);
  cl_assert_said(&c, "server", "disk");
  cl_lift_fsize(srv);
  long long n = finish(&c, 10, 16);
  fprintf(stderr, "server disk full 4 h (files limited to %ld bytes): r1 kept %lld tracks; %lld "
          "tracks at the server, lost 0, duplicated 0\n", limit, waiting, n);
  cl_cleanup(&c);
}
END_TEST

/* A site's disk full for 4 h: its tracks held in memory and said loudly; the disk freed,
 * they are stored in order and sent once. */
START_TEST(test_site_disk_full)
{
  struct cluster c;
  cl_init(&c, "fullsite", 1, NULL);
  cl_start_all(&c);
  cl_wait_hours(&c, 6);
  ck_assert_int_eq(th_stop(c.site[1], SIGTERM, 10), 0);
  long limit = cl_db_size(&c, "r1.db") + 4096;
  pid_t site = cl_start_site_limited(&c, 1, limit);
  cl_wait_hours(&c, 10);
  cl_assert_said(&c, "r1", "NOT STORED");
  cl_lift_fsize(site);
  long long n = finish(&c, 10, 16);
  fprintf(stderr, "site disk full 4 h (files limited to %ld bytes): %lld tracks at the server, "
          "lost 0, duplicated 0\n", limit, n);
  cl_cleanup(&c);
}
END_TEST

/* Holds path's database with a write transaction open (another process's lock). */
static sqlite3 *hold(struct cluster *c, const char *file)
{
  char path[1100];
  snprintf(path, sizeof path, "%s/%s", c->dir, file);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  return db;
}

static void release(sqlite3 *db)
{
  ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* The server's store and then r1's spool each held by another process for 3 h. */
START_TEST(test_databases_locked_for_hours)
{
  struct cluster c;
  cl_init(&c, "locked", 1, NULL);
  cl_start_all(&c);
  cl_wait_hours(&c, 6);
  sqlite3 *db = hold(&c, "server.db");
  cl_wait_hours(&c, 9);
  long long waiting = unacked(&c, 1);
  ck_assert_msg(waiting >= 12, "r1 kept only %lld tracks while the store was locked", waiting);
  release(db);
  cl_wait_hours(&c, 12);
  db = hold(&c, "r1.db");
  cl_wait_hours(&c, 15);
  release(db);
  cl_assert_said(&c, "r1", "NOT STORED");
  long long n = finish(&c, 15, 21);
  fprintf(stderr, "server store locked 3 h, then r1's spool 3 h: %lld tracks at the server, "
          "lost 0, duplicated 0\n", n);
  cl_cleanup(&c);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("faults_disk");
  TCase *tc = tcase_create("faults_disk");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_server_disk_full);
  tcase_add_test(tc, test_site_disk_full);
  tcase_add_test(tc, test_databases_locked_for_hours);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_VERBOSE);
}
