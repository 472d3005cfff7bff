#include "config.h"
#include "tests/pgtest.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

static char pg_dir[256];      /* the server's folder: data/, its socket, its log */
static char pg_bin[512];
static pid_t pg_owner;        /* the process that started it (Check forks children) */
static int pg_running;

/* $CVD_PG_BIN, or the newest /usr/lib/postgresql/N/bin with initdb and pg_ctl. */
static int find_bin(void)
{
  const char *env = getenv("CVD_PG_BIN");
  char p[600];
  if (env && *env) {
    snprintf(pg_bin, sizeof pg_bin, "%s", env);
  } else {
    DIR *d = opendir("/usr/lib/postgresql");
    struct dirent *e;
    int best = 0;
    while (d && (e = readdir(d))) {
      int v = atoi(e->d_name);
      snprintf(p, sizeof p, "/usr/lib/postgresql/%s/bin/pg_ctl", e->d_name);
      if (v > best && access(p, X_OK) == 0) {
        best = v;
        snprintf(pg_bin, sizeof pg_bin, "/usr/lib/postgresql/%d/bin", v);
      }
    }
    if (d)
      closedir(d);
    if (!best)
      return -1;
  }
  snprintf(p, sizeof p, "%s/initdb", pg_bin);
  return access(p, X_OK) == 0 ? 0 : -1;
}

/* Runs a shell command as the server's user (postgres when we are root). */
static int as_pg_user(const char *cmd)
{
  char line[2048];
  if (geteuid() == 0)
    snprintf(line, sizeof line, "runuser -u postgres -- sh -c '%s'", cmd);
  else
    snprintf(line, sizeof line, "%s", cmd);
  int st = system(line);
  return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void stop_at_exit(void)
{
  if (getpid() == pg_owner)
    pgtest_stop();
}

/* The end of the server's log, for a failure's message. */
static void log_tail(char *why, size_t whylen, const char *what)
{
  char path[400];
  snprintf(path, sizeof path, "%s/pg.log", pg_dir);
  char *text = th_read_file(path);
  size_t n = text ? strlen(text) : 0;
  snprintf(why, whylen, "%s; its log ends: %s", what, text ? text + (n > 600 ? n - 600 : 0) : "");
  free(text);
}

int pgtest_start(char *why, size_t whylen)
{
  if (find_bin() != 0) {
    snprintf(why, whylen, "PostgreSQL's server binaries (initdb, pg_ctl) not found in "
             "/usr/lib/postgresql/N/bin or $CVD_PG_BIN: install Debian's postgresql "
             "(tools/install-deps)");
    return 77;
  }
  struct passwd *pw = geteuid() == 0 ? getpwnam("postgres") : NULL;
  if (geteuid() == 0 && !pw) {
    snprintf(why, whylen, "running as root, and there is no 'postgres' user to run "
             "PostgreSQL as (it refuses root)");
    return 77;
  }
  /* /tmp, not $TMPDIR: every parent must be traversable by the postgres user, and the
   * socket's path short. */
  snprintf(pg_dir, sizeof pg_dir, "/tmp/cvd-pg-XXXXXX");
  if (!mkdtemp(pg_dir) || chmod(pg_dir, 0755) != 0 ||
      (pw && chown(pg_dir, pw->pw_uid, pw->pw_gid) != 0)) {
    snprintf(why, whylen, "%s: cannot make the server's folder", pg_dir);
    return -1;
  }
  pg_owner = getpid();
  atexit(stop_at_exit);
  char cmd[1500];
  snprintf(cmd, sizeof cmd, "%s/initdb -D %s/data -A trust -U postgres -E UTF8 --no-sync "
           ">%s/initdb.log 2>&1", pg_bin, pg_dir, pg_dir);
  if (as_pg_user(cmd) != 0) {
    snprintf(cmd, sizeof cmd, "%s/initdb.log", pg_dir);
    char *text = th_read_file(cmd);
    snprintf(why, whylen, "initdb failed: %.600s", text ? text : "");
    free(text);
    return -1;
  }
  snprintf(cmd, sizeof cmd,
           "%s/pg_ctl -D %s/data -l %s/pg.log -w -t 60 -o \"-c listen_addresses= "
           "-c unix_socket_directories=%s -c fsync=off -c full_page_writes=off "
           "-c synchronous_commit=off -c max_connections=200\" start >/dev/null 2>&1",
           pg_bin, pg_dir, pg_dir, pg_dir);
  if (as_pg_user(cmd) != 0) {
    log_tail(why, whylen, "pg_ctl start failed");
    return -1;
  }
  pg_running = 1;
  setenv("CVD_TEST_PG_HOST", pg_dir, 1);
  return 0;
}

void pgtest_stop(void)
{
  if (!pg_running)
    return;
  pg_running = 0;
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "%s/pg_ctl -D %s/data -m immediate stop >/dev/null 2>&1", pg_bin,
           pg_dir);
  as_pg_user(cmd);
  th_rmtree(pg_dir);
}

const char *pgtest_host(void) { return pg_running ? pg_dir : getenv("CVD_TEST_PG_HOST"); }

/* Runs one statement on the server's `postgres` database. */
static int admin(const char *sql, char *why, size_t whylen)
{
  const char *host = pgtest_host();
  if (!host) {
    snprintf(why, whylen, "no PostgreSQL server for the tests ($CVD_TEST_PG_HOST)");
    return -1;
  }
  char uri[600];
  snprintf(uri, sizeof uri, "postgresql:///postgres?host=%s&user=postgres", host);
  PGconn *c = PQconnectdb(uri);
  PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
  int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
  if (!ok)
    snprintf(why, whylen, "%s: %s", sql, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
  return ok ? 0 : -1;
}

int pgtest_createdb(const char *name, char *uri, size_t urilen, char *why, size_t whylen)
{
  char sql[200];
  snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", name);
  if (admin(sql, why, whylen) != 0)
    return -1;
  snprintf(uri, urilen, "postgresql:///%s?host=%s&user=postgres", name, pgtest_host());
  return 0;
}

int pgtest_dropdb(const char *name, char *why, size_t whylen)
{
  char sql[200];
  snprintf(sql, sizeof sql, "DROP DATABASE \"%s\" WITH (FORCE)", name);
  return admin(sql, why, whylen);
}

int pgtest_end_sessions(const char *name, char *why, size_t whylen)
{
  char sql[300];
  snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
           "datname = '%s' AND pid <> pg_backend_pid()", name);
  return admin(sql, why, whylen);
}
