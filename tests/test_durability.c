/* The site's spool under SIGKILL and a full disk: nothing stored is lost, the failure is
 * said loudly, tracks that could not be stored are held and stored once the disk takes
 * them again; an oscillator state that cannot be read stops the start.  The disk is made to fail with RLIMIT_FSIZE (tests run as root, for whom a
 * chmod'ed file is still writable). */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "tests/testutil.h"

struct site {
  char *dir;
  char conf[1024], spool[1024], log[1024];
  int64_t start;
};

static void site_setup(struct site *s, const char *tag)
{
  s->dir = th_mkdtemp(tag);
  char scen[1024], text[4096];
  snprintf(scen, sizeof scen, "%s/scenario.conf", s->dir);
  snprintf(s->conf, sizeof s->conf, "%s/r1.conf", s->dir);
  snprintf(s->spool, sizeof s->spool, "%s/r1.db", s->dir);
  snprintf(s->log, sizeof s->log, "%s/r1.log", s->dir);
  th_write_file(scen, "remotes 1\n");
  char clock[1200];
  tu_parse("2025-01-01T00:00:00Z", &s->start);
  th_lockstep(s->dir, s->start, clock, sizeof clock);
  /* No server: every track stays in the spool. */
  snprintf(text, sizeof text,
           "name r1\nserver http://127.0.0.1:9\nplain_http yes\nsecret 0123456789abcdef\nspool %s\n"
           "oscillator sim\nsimulation %s\nretry 3600 3600\nlog_level debug\nclock %s\n",
           s->spool, scen, clock);
  th_write_file(s->conf, text);
}

/* Starts the daemon, with the spool's files limited to fsize bytes if fsize > 0.  Each run
 * logs to a file of its own, started empty (the limit applies to it too); the runs' logs
 * are gathered in s->log when read. */
static int runs;

static pid_t site_start(struct site *s, long fsize)
{
  char *argv[] = {(char *)th_cvd_bin(), (char *)"site", (char *)"-c", s->conf, NULL};
  snprintf(s->log, sizeof s->log, "%s/r1.%d.log", s->dir, ++runs);
  if (fsize <= 0)
    return th_spawn_clocked(argv, s->log);
  struct rlimit old, lim;
  getrlimit(RLIMIT_FSIZE, &old);
  /* The child inherits the limit.  Only the soft one: without CAP_SYS_RESOURCE a lowered
   * hard limit could not be raised again. */
  lim = old;
  lim.rlim_cur = (rlim_t)fsize;
  ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
  pid_t pid = th_spawn_clocked(argv, s->log);
  setrlimit(RLIMIT_FSIZE, &old);
  return pid;
}

/* Until the simulated hours h since the start. */
static void wait_hours(const struct site *s, double h)
{
  th_sim_until(s->start + (int64_t)(h * 3600e9));
}

static long long q(const char *path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  long long v = -1;
  ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

static char *integrity(const char *path)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  char *v = NULL;
  ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/* All the runs' logs, concatenated. */
static char *all_logs(const struct site *s)
{
  size_t len = 0;
  char *all = calloc(1, 1);
  for (int i = 1; i <= runs; i++) {
    char path[1100];
    snprintf(path, sizeof path, "%s/r1.%d.log", s->dir, i);
    char *t = th_read_file(path);
    if (!t)
      continue;
    all = realloc(all, len + strlen(t) + 1);
    memcpy(all + len, t, strlen(t) + 1);
    len += strlen(t);
    free(t);
  }
  return all;
}

/* Every "track MJD SOD stored" the logs report is in the spool. */
static int logged_tracks_all_in_spool(const struct site *s, int *n_logged)
{
  char *text = all_logs(s);
  int missing = 0;
  *n_logged = 0;
  for (char *p = text; (p = strstr(p, "site: track ")); p++) {
    int mjd, sod;
    char word[16];
    if (sscanf(p, "site: track %d %d %15s", &mjd, &sod, word) != 3 || strcmp(word, "stored:") != 0)
      continue;
    (*n_logged)++;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM tracks WHERE slot = %lld",
             (long long)tu_from_mjd_sod(mjd, sod));
    if (q(s->spool, sql) != 1)
      missing++;
  }
  free(text);
  return missing;
}

START_TEST(test_sigkill_loses_nothing)
{
  struct site s;
  site_setup(&s, "kill9");
  pid_t pid = site_start(&s, 0);
  for (int i = 1; i <= 4; i++) {
    wait_hours(&s, 6.0 * i);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    char *ok = integrity(s.spool);
    ck_assert_str_eq(ok, "ok");
    free(ok);
    pid = site_start(&s, 0);
  }
  wait_hours(&s, 27);
  ck_assert_int_eq(th_stop(pid, SIGTERM, 10), 0);
  int logged;
  ck_assert_int_eq(logged_tracks_all_in_spool(&s, &logged), 0);
  ck_assert_int_ge(logged, 140);
  /* Only the slots the daemon was down for, or had only begun, are missing; none twice. */
  ck_assert_int_eq(q(s.spool, "SELECT count(*) - count(DISTINCT slot) FROM tracks"), 0);
  long long n = q(s.spool, "SELECT count(*) FROM tracks"),
            span = q(s.spool, "SELECT (max(slot) - min(slot)) / 600000000000 + 1 FROM tracks");
  ck_assert_msg(n >= span - 8, "%lld tracks over %lld slots", n, span);
  th_rmtree(s.dir);
  free(s.dir);
}
END_TEST

/* A site set up under tag, and a first run of it for the simulated hours: the spool, its
 * schema and its first tracks. */
static void site_first_run(struct site *s, const char *tag, double hours)
{
  site_setup(s, tag);
  pid_t pid = site_start(s, 0);
  wait_hours(s, hours);
  ck_assert_int_eq(th_stop(pid, SIGTERM, 10), 0);
}

START_TEST(test_full_disk)
{
  struct site s;
  site_first_run(&s, "full", 3);
  pid_t pid;
  long long before = q(s.spool, "SELECT count(*) FROM tracks");
  ck_assert_int_ge(before, 10);
  struct stat st;
  char wal[1100];
  snprintf(wal, sizeof wal, "%s-wal", s.spool);
  ck_assert_int_eq(stat(s.spool, &st), 0);
  long size = (long)st.st_size;
  struct stat sw;
  if (stat(wal, &sw) == 0 && sw.st_size > size)
    size = (long)sw.st_size;
  /* Now the disk is full: no file may grow past what it is. */
  pid = site_start(&s, size);
  wait_hours(&s, 8);
  /* The daemon lives on, and says so loudly. */
  ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0);
  ck_assert_int_eq(th_stop(pid, SIGTERM, 10), 0);
  char *log = th_read_file(s.log);
  ck_assert_ptr_nonnull(strstr(log, "NOT STORED: the spool is failing"));
  /* Said once a track, not once a second. */
  int said = 0;
  for (char *p = log; (p = strstr(p, "NOT STORED")); p++)
    said++;
  ck_assert_msg(said <= 6 * 5 + 2, "said %d times in 5 simulated hours", said);
  free(log);
  char *ok = integrity(s.spool);
  ck_assert_str_eq(ok, "ok");
  free(ok);
  /* Nothing stored before is lost. */
  ck_assert_int_ge(q(s.spool, "SELECT count(*) FROM tracks"), before);
  int logged;
  ck_assert_int_eq(logged_tracks_all_in_spool(&s, &logged), 0);

  /* A disk that fills while the daemon runs, then frees: the tracks held meanwhile are
   * stored, in order, and none is missing. */
  ck_assert_int_eq(stat(s.spool, &st), 0);
  size = (long)st.st_size;
  if (stat(wal, &sw) == 0 && sw.st_size > size)
    size = (long)sw.st_size;
  long long at = q(s.spool, "SELECT max(slot) FROM tracks");
  pid = site_start(&s, size + 8192);
  wait_hours(&s, 14);
  log = th_read_file(s.log);
  ck_assert_ptr_nonnull(strstr(log, "tracks held in memory only"));
  free(log);
  struct rlimit free_disk = {RLIM_INFINITY, RLIM_INFINITY};
  ck_assert_int_eq(prlimit(pid, RLIMIT_FSIZE, &free_disk, NULL), 0);
  wait_hours(&s, 17);
  ck_assert_int_eq(th_stop(pid, SIGTERM, 10), 0);
  log = th_read_file(s.log);
  ck_assert_ptr_nonnull(strstr(log, "the spool takes tracks again"));
  free(log);
  char sql[300];
  snprintf(sql, sizeof sql,
           "SELECT (max(slot) - min(slot)) / 600000000000 + 1 - count(*) FROM tracks "
           "WHERE slot > %lld", at);
  ck_assert_msg(q(s.spool, sql) <= 1, "slots missing after the disk freed");
  ok = integrity(s.spool);
  ck_assert_str_eq(ok, "ok");
  free(ok);
  ck_assert_int_eq(logged_tracks_all_in_spool(&s, &logged), 0);
  th_rmtree(s.dir);
  free(s.dir);
}
END_TEST

/* The oscillator's saved state (which commands were applied) cannot be read at start, the
 * spool failing part way through the read: the daemon does not start without it (it would
 * apply again a phase step already made), and says why; readable again, it starts. */
START_TEST(test_osc_state_unreadable)
{
  struct site s;
  site_first_run(&s, "oscread", 1);
  th_db_exec(s.spool, "INSERT OR REPLACE INTO kv (key, value) VALUES ('osc', '{}')");
  th_db_break(s.spool, "kv", "key", "value", "0");
  pid_t pid = site_start(&s, 0);
  int st = th_wait(pid, 30); /* it ran on, starting without, before the change (tried) */
  ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
  char *log = th_read_file(s.log);
  ck_assert_msg(strstr(log, "the oscillator's saved state cannot be read"), "%s", log);
  free(log);
  th_db_mend(s.spool, "kv");
  pid = site_start(&s, 0);
  wait_hours(&s, 2);
  ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0); /* running */
  ck_assert_int_eq(th_stop(pid, SIGTERM, 10), 0);
  th_rmtree(s.dir);
  free(s.dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("durability");
  TCase *tc = tcase_create("durability");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_sigkill_loses_nothing);
  tcase_add_test(tc, test_full_disk);
  tcase_add_test(tc, test_osc_state_unreadable);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_VERBOSE);
}
