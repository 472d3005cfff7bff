#include "config.h"
#include "tests/cluster.h"

#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "tests/pgtest.h"
#include "tests/testutil.h"

const char *cl_name(int k)
{
  static char names[CL_MAX][16];
  if (k == 0)
    return "ref";
  snprintf(names[k], sizeof names[k], "r%d", k);
  return names[k];
}

/* The server's store: DIR/server.db, or with $CVD_TEST_PG_HOST (tests/pgtest.h) a fresh
 * database on that PostgreSQL server, named by the server's file. */
static void cl_init_store(struct cluster *c, const char *tag)
{
  static int seq;
  char why[512];
  snprintf(c->store, sizeof c->store, "%s/server.db", c->dir);
  if (!getenv("CVD_TEST_PG_HOST"))
    return;
  snprintf(c->pg_db, sizeof c->pg_db, "cl_%.20s_%d_%d", tag, (int)getpid(), seq++);
  for (char *p = c->pg_db; *p; p++)
    if (*p == '-')
      *p = '_';
  ck_assert_msg(pgtest_createdb(c->pg_db, c->store, sizeof c->store, why, sizeof why) == 0,
                "%s", why);
  snprintf(c->nc.server_extra, sizeof c->nc.server_extra, "store %s\nserver_name s1\n",
           c->store);
}

void cl_lose_store(struct cluster *c)
{
  char why[512], uri[700];
  if (c->pg_db[0]) {
    ck_assert_msg(pgtest_dropdb(c->pg_db, why, sizeof why) == 0, "%s", why);
    ck_assert_msg(pgtest_createdb(c->pg_db, uri, sizeof uri, why, sizeof why) == 0, "%s", why);
    return;
  }
  const char *files[] = {"server.db", "server.db-wal", "server.db-shm"};
  for (int i = 0; i < 3; i++) {
    char p[1100];
    snprintf(p, sizeof p, "%s/%s", c->dir, files[i]);
    remove(p);
  }
}

struct dbc *cl_store(struct cluster *c)
{
  char why[512];
  struct dbc *db = dbc_open(c->store, 1, why, sizeof why);
  ck_assert_msg(db, "%s", why);
  return db;
}

long long cl_query_int_store(struct dbc *db, const char *sql)
{
  struct dbc_st *st = dbc_prep_temp(db, sql);
  long long v = st && dbc_step(st) == 1 ? dbc_int64(st, 0) : -1;
  dbc_free(st);
  return v;
}

void cl_init(struct cluster *c, const char *tag, int remotes, const char *scenario_extra)
{
  memset(c, 0, sizeof *c);
  c->dir = th_mkdtemp(tag);
  ck_assert_ptr_nonnull(c->dir);
  c->port = th_free_port();
  c->port2 = th_free_port();
  c->remotes = remotes;
  tu_parse("2025-01-01T00:00:00Z", &c->start);
  char clock[1200], err[512], path[1024], text[2048];
  th_lockstep(c->dir, c->start, clock, sizeof clock);
  ck_assert_msg(netconf_init(&c->nc, c->dir, c->port, remotes + 1, clock, err, sizeof err) == 0,
                "%s", err);
  /* Quick retries: a test cuts the network for hours, not days. */
  snprintf(c->nc.site_extra, sizeof c->nc.site_extra, "upload_timeout 2\nretry 10 120\n");
  c->nc.web = 0;
  cl_init_store(c, tag);
  snprintf(path, sizeof path, "%s/scenario.conf", c->dir);
  snprintf(text, sizeof text, "remotes %d\nseed 7\n%s\n", remotes,
           scenario_extra ? scenario_extra : "");
  ck_assert_int_eq(th_write_file(path, text), 0);
}

void cl_write_server_conf(struct cluster *c)
{
  char err[512];
  ck_assert_msg(netconf_write_server(&c->nc, err, sizeof err) == 0, "%s", err);
}

void cl_write_site_conf(struct cluster *c, int k)
{
  char err[512];
  ck_assert_msg(netconf_write_site(&c->nc, k, err, sizeof err) == 0, "%s", err);
}

/* Starts cvd CMD -c DIR/CONF.conf logging to DIR/NAME[.full].log, its files limited to
 * fsize bytes if fsize > 0. */
static pid_t start(struct cluster *c, const char *cmd, const char *name, long fsize)
{
  char conf[1024], log[1024];
  snprintf(conf, sizeof conf, "%s/%s.conf", c->dir, name);
  snprintf(log, sizeof log, "%s/%s%s.log", c->dir, name, fsize > 0 ? ".full" : "");
  char *argv[] = {(char *)th_cvd_bin(), (char *)cmd, (char *)"-c", conf, NULL};
  if (fsize <= 0)
    return th_spawn_clocked(argv, log);
  remove(log);
  /* The child inherits the limit.  Only the soft one: the hard one could not be raised
   * again without CAP_SYS_RESOURCE. */
  struct rlimit old, lim;
  ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
  lim = old;
  lim.rlim_cur = (rlim_t)fsize;
  ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
  pid_t pid = th_spawn_clocked(argv, log);
  ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
  return pid;
}

pid_t cl_start_server(struct cluster *c)
{
  return cl_start_server_limited(c, 0);
}

pid_t cl_start_server_limited(struct cluster *c, long fsize)
{
  c->server = start(c, "server", "server", fsize);
  ck_assert_int_eq(th_wait_port(c->port, 10), 0);
  return c->server;
}

void cl_write_server2_conf(struct cluster *c)
{
  char path[1100], listen[64], listen2[64];
  ck_assert_msg(c->pg_db[0], "a second server needs the store on PostgreSQL");
  snprintf(path, sizeof path, "%s/server.conf", c->dir);
  char *text = th_read_file(path);
  ck_assert_ptr_nonnull(text);
  snprintf(listen, sizeof listen, "listen 127.0.0.1 %d\n", c->port);
  snprintf(listen2, sizeof listen2, "listen 127.0.0.1 %d\n", c->port2);
  char *l = strstr(text, listen), *n = strstr(text, "server_name s1\n");
  ck_assert(l && n && l < n);
  size_t len = strlen(text) + 64;
  char *out = malloc(len);
  ck_assert_ptr_nonnull(out);
  snprintf(out, len, "%.*s%s%.*sserver_name s2\n%s", (int)(l - text), text, listen2,
           (int)(n - l - strlen(listen)), l + strlen(listen), n + strlen("server_name s1\n"));
  snprintf(path, sizeof path, "%s/server2.conf", c->dir);
  ck_assert_int_eq(th_write_file(path, out), 0);
  free(out);
  free(text);
}

pid_t cl_start_server2(struct cluster *c)
{
  c->server2 = start(c, "server", "server2", 0);
  ck_assert_int_eq(th_wait_port(c->port2, 10), 0);
  return c->server2;
}

pid_t cl_start_site(struct cluster *c, int k)
{
  return cl_start_site_limited(c, k, 0);
}

void cl_start_all(struct cluster *c)
{
  cl_write_server_conf(c);
  for (int k = 0; k <= c->remotes; k++)
    cl_write_site_conf(c, k);
  cl_start_server(c);
  for (int k = 0; k <= c->remotes; k++)
    cl_start_site(c, k);
}

pid_t cl_start_site_limited(struct cluster *c, int k, long fsize)
{
  c->site[k] = start(c, "site", cl_name(k), fsize);
  return c->site[k];
}

void cl_lift_fsize(pid_t pid)
{
  struct rlimit lim;
  ck_assert_int_eq(prlimit(pid, RLIMIT_FSIZE, NULL, &lim), 0);
  lim.rlim_cur = lim.rlim_max;
  ck_assert_int_eq(prlimit(pid, RLIMIT_FSIZE, &lim, NULL), 0);
}

char *cl_logs(struct cluster *c, const char *name)
{
  char path[1100];
  snprintf(path, sizeof path, "%s/%s.log", c->dir, name);
  char *a = th_read_file(path);
  snprintf(path, sizeof path, "%s/%s.full.log", c->dir, name);
  char *b = th_read_file(path);
  size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0;
  char *all = malloc(la + lb + 1);
  ck_assert_ptr_nonnull(all);
  memcpy(all, a ? a : "", la);
  memcpy(all + la, b ? b : "", lb + 1);
  free(a);
  free(b);
  return all;
}

void cl_assert_said(struct cluster *c, const char *name, const char *what)
{
  char *text = cl_logs(c, name);
  ck_assert_msg(strstr(text, what), "%s's logs do not say '%s'", name, what);
  free(text);
}

long cl_db_size(struct cluster *c, const char *file)
{
  char path[1100];
  struct stat st;
  long n = 0;
  snprintf(path, sizeof path, "%s/%s", c->dir, file);
  if (stat(path, &st) == 0)
    n = (long)st.st_size;
  snprintf(path, sizeof path, "%s/%s-wal", c->dir, file);
  if (stat(path, &st) == 0 && (long)st.st_size > n)
    n = (long)st.st_size;
  return n;
}

int cl_phase_steps(struct cluster *c, int k, int *twice)
{
  char *text = cl_logs(c, cl_name(k));
  long long ids[4096];
  int n = 0;
  *twice = 0;
  for (const char *p = text; (p = strstr(p, "phase step ")); p++) {
    long long id;
    double ns;
    char word[16];
    if (sscanf(p, "phase step %lld of %lf ns %15s", &id, &ns, word) != 3 ||
        strcmp(word, "applied") != 0)
      continue;
    for (int i = 0; i < n; i++)
      if (ids[i] == id) {
        (*twice)++;
        fprintf(stderr, "%s: phase step %lld applied again\n", cl_name(k), id);
      }
    if (n < 4096)
      ids[n++] = id;
  }
  free(text);
  return n;
}

void cl_wait_hours(struct cluster *c, double hours)
{
  th_sim_until(c->start + (int64_t)(hours * 3600e9));
}

void cl_stop(struct cluster *c)
{
  /* The server first: sites gone for a moment would look like holdover to it. */
  if (c->server > 0) {
    th_stop(c->server, SIGTERM, 10);
    c->server = 0;
  }
  if (c->server2 > 0) {
    th_stop(c->server2, SIGTERM, 10);
    c->server2 = 0;
  }
  for (int k = 0; k <= c->remotes; k++)
    if (c->site[k] > 0) {
      th_stop(c->site[k], SIGTERM, 10);
      c->site[k] = 0;
    }
}

static sqlite3 *open_ro(const char *path)
{
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  return db;
}

sqlite3 *cl_server_db(struct cluster *c)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/server.db", c->dir);
  return open_ro(path);
}

sqlite3 *cl_spool_db(struct cluster *c, int k)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.db", c->dir, cl_name(k));
  return open_ro(path);
}

long long cl_query_int_sqlite(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* The server's tracks where the spool can be attached beside them: its SQLite file, or on
 * PostgreSQL their (site, slot) copied into memory. */
static sqlite3 *server_tracks(struct cluster *c)
{
  if (!c->pg_db[0])
    return cl_server_db(c);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE tracks (site TEXT, slot INTEGER)", NULL, NULL,
                                NULL), SQLITE_OK);
  sqlite3_stmt *ins = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO tracks VALUES (?, ?)", -1, &ins, NULL),
                   SQLITE_OK);
  struct dbc *pg = cl_store(c);
  struct dbc_st *st = dbc_prep_temp(pg, "SELECT site, slot FROM tracks");
  ck_assert_ptr_nonnull(st);
  while (dbc_step(st) == 1) {
    sqlite3_bind_text(ins, 1, dbc_text(st, 0), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 2, dbc_int64(st, 1));
    ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_reset(ins);
  }
  dbc_free(st);
  dbc_close(pg);
  sqlite3_finalize(ins);
  return db;
}

long long cl_check_exactly_once(struct cluster *c, int k)
{
  sqlite3 *db = server_tracks(c);
  char sql[2048], path[1024];
  snprintf(path, sizeof path, "%s/%s.db", c->dir, cl_name(k));
  snprintf(sql, sizeof sql, "ATTACH '%s' AS sp", path);
  ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  const char *s = cl_name(k);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM tracks WHERE site = '%s'", s);
  long long at_server = cl_query_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT count(DISTINCT slot) FROM tracks WHERE site = '%s'", s);
  ck_assert_int_eq(cl_query_int(db, sql), at_server);
  long long acked = cl_query_int(db, "SELECT count(*) FROM sp.tracks WHERE acked IS NOT NULL");
  long long unacked = cl_query_int(db, "SELECT count(*) FROM sp.tracks WHERE acked IS NULL");
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM sp.tracks s WHERE s.acked IS NOT NULL AND NOT EXISTS "
           "(SELECT 1 FROM main.tracks t WHERE t.site = '%s' AND t.slot = s.slot)", s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: acknowledged tracks missing at the server", s);
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM main.tracks t WHERE t.site = '%s' AND NOT EXISTS "
           "(SELECT 1 FROM sp.tracks s WHERE s.slot = t.slot)", s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: the server holds tracks the site never made", s);
  /* Gaps at the server only where the site made no track (it was down). */
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM sp.tracks WHERE slot BETWEEN (SELECT min(slot) FROM main.tracks "
           "WHERE site = '%s') AND (SELECT max(slot) FROM main.tracks WHERE site = '%s')", s, s);
  ck_assert_msg(cl_query_int(db, sql) == at_server, "%s: gaps in the server's tracks", s);
  /* The server is stopped first: what the sites made after that waits in their spools,
   * newer than anything the server has; nothing older may be missing from it. */
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM sp.tracks s WHERE s.acked IS NULL AND NOT EXISTS "
           "(SELECT 1 FROM main.tracks t WHERE t.site = '%s' AND t.slot = s.slot) AND s.slot < "
           "(SELECT max(slot) FROM main.tracks WHERE site = '%s')", s, s);
  ck_assert_msg(cl_query_int(db, sql) == 0, "%s: unacknowledged tracks older than the server's "
                "newest are missing from it (%lld unacknowledged)", s, unacked);
  ck_assert_int_ge(at_server, acked);
  sqlite3_close(db);
  return at_server;
}

/* One number from site k's spool by sql_fmt, which takes the range [from_h, to_h) as two
 * %lld (UTC ns) and gives it in thousandths; NAN if none. */
static double spool_milli(struct cluster *c, int k, const char *sql_fmt, double from_h,
                          double to_h)
{
  sqlite3 *db = cl_spool_db(c, k);
  char sql[400];
  snprintf(sql, sizeof sql, sql_fmt, (long long)(c->start + (int64_t)(from_h * 3600e9)),
           (long long)(c->start + (int64_t)(to_h * 3600e9)));
  long long v = cl_query_int(db, sql);
  sqlite3_close(db);
  return v < 0 ? NAN : (double)v / 1000;
}

double cl_max_true_x(struct cluster *c, int k, double from_h, double to_h)
{
  return spool_milli(c, k, "SELECT CAST(max(abs(x_ns)) * 1000 AS INTEGER) FROM truth WHERE "
                           "t >= %lld AND t < %lld", from_h, to_h);
}

double cl_max_true_jump(struct cluster *c, int k, double from_h, double to_h)
{
  return spool_milli(c, k, "SELECT CAST(max(abs(x_ns - prev)) * 1000 AS INTEGER) FROM (SELECT "
                           "x_ns, lag(x_ns) OVER (ORDER BY t) AS prev FROM truth WHERE t >= "
                           "%lld AND t < %lld)", from_h, to_h);
}

pid_t cl_start_proxy(struct cluster *c, int port, int target_port)
{
  const char *socat = getenv("SOCAT");
  if (!socat || !*socat)
    socat = "/usr/bin/socat";
  char listen[64], target[64], log[1024];
  snprintf(listen, sizeof listen, "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", port);
  snprintf(target, sizeof target, "TCP:127.0.0.1:%d", target_port);
  snprintf(log, sizeof log, "%s/socat.log", c->dir);
  char *argv[] = {(char *)socat, listen, target, NULL};
  pid_t px = th_spawn(argv, log);
  ck_assert_int_eq(th_wait_port(port, 5), 0);
  return px;
}

void cl_cleanup(struct cluster *c)
{
  char why[512];
  cl_stop(c);
  if (c->pg_db[0] && pgtest_dropdb(c->pg_db, why, sizeof why) != 0)
    fprintf(stderr, "cluster: %s\n", why);
  th_rmtree(c->dir);
  free(c->dir);
  c->dir = NULL;
}
