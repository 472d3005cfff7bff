/* A small network of real cvd processes for integration tests: a server and sites, their
 * files written by sim/netconf.h in a temporary directory, SQLite files there too (the
 * server's store on PostgreSQL instead when $CVD_TEST_PG_HOST is set), all on 127.0.0.1
 * and on a lockstep clock shared with the test (testutil.h): the test's waits are
 * simulated hours, and a loaded machine makes it slower, never different. */
#ifndef CVD_CLUSTER_H
#define CVD_CLUSTER_H

#include <sqlite3.h>
#include <stdint.h>
#include <sys/types.h>

#include "db/dbc.h"
#include "sim/netconf.h"

#define CL_MAX 8

struct cluster {
  char *dir;
  struct netconf nc;         /* ports, secrets, the clock, extra lines */
  int port;                  /* the server's */
  int port2;                 /* a second server's (cl_start_server2) */
  int64_t start;
  int remotes;
  pid_t server, server2, site[CL_MAX];
  char store[700];           /* the server's: DIR/server.db or a postgresql:// URI */
  char pg_db[64];            /* on PostgreSQL ($CVD_TEST_PG_HOST): its database */
};

/* Sets up the directory, ports, secrets and the lockstep clock (this process takes part),
 * and writes the scenario (remotes, seed 7, and scenario_extra's lines). */
void cl_init(struct cluster *c, const char *tag, int remotes, const char *scenario_extra);
void cl_write_server_conf(struct cluster *c);
void cl_write_site_conf(struct cluster *c, int k);
/* A second server on the first's store (PostgreSQL only): server2.conf, the first's file
 * with port2 and server_name s2 (the first is s1); logs to server2.log. */
void cl_write_server2_conf(struct cluster *c);
pid_t cl_start_server2(struct cluster *c);
pid_t cl_start_server(struct cluster *c);
pid_t cl_start_site(struct cluster *c, int k);
/* Writes every configuration and starts the server and every site. */
void cl_start_all(struct cluster *c);
/* The same with every file the process writes limited to fsize bytes (RLIMIT_FSIZE, the
 * soft limit: cl_lift_fsize raises it again while it runs), as a disk that is full; its log
 * is then NAME.full.log, started empty, since the limit applies to it too. */
pid_t cl_start_server_limited(struct cluster *c, long fsize);
pid_t cl_start_site_limited(struct cluster *c, int k, long fsize);
void cl_lift_fsize(pid_t pid);
/* All a process's logs (NAME.log then NAME.full.log; "server" for the server), malloc'ed. */
char *cl_logs(struct cluster *c, const char *name);
/* Fails the test unless NAME's logs contain `what`. */
void cl_assert_said(struct cluster *c, const char *name, const char *what);
/* The largest of the files DIR/FILE, DIR/FILE-wal (bytes; 0 if none). */
long cl_db_size(struct cluster *c, const char *file);
/* The phase steps of commands site k's logs say were applied; *twice gets how many of
 * their ids were applied more than once. */
int cl_phase_steps(struct cluster *c, int k, int *twice);
/* Waits until the shared clock reads start + hours. */
void cl_wait_hours(struct cluster *c, double hours);
void cl_stop(struct cluster *c);           /* servers, then sites: SIGTERM, then SIGKILL */
sqlite3 *cl_server_db(struct cluster *c);  /* read-only; SQLite stores only */
/* The server's store on either engine, for reading (db/dbc.h). */
struct dbc *cl_store(struct cluster *c);
/* The store lost for good: its files removed, or its database dropped and made anew. */
void cl_lose_store(struct cluster *c);
sqlite3 *cl_spool_db(struct cluster *c, int k);
/* One integer from a query, or -1; on a SQLite handle or a store's connection. */
long long cl_query_int_sqlite(sqlite3 *db, const char *sql);
long long cl_query_int_store(struct dbc *db, const char *sql);
#define cl_query_int(db, sql)                                                                  \
  _Generic((db), struct dbc *: cl_query_int_store, default: cl_query_int_sqlite)(db, sql)
/* Every track site k's spool holds acknowledged is at the server exactly once, and the
 * server holds nothing else from it, with no gap the spool has not (the site was down);
 * unacknowledged tracks older than the server's newest are not missing from it (check
 * assertions).  Call it with the server stopped: a server still storing would move between
 * its queries.  Returns the number of tracks at the server. */
long long cl_check_exactly_once(struct cluster *c, int k);
/* The largest |true x| site k's spool recorded (a sample a simulated minute) over
 * [from_h, to_h) hours of the run; NAN if none. */
double cl_max_true_x(struct cluster *c, int k, double from_h, double to_h);
/* socat relaying 127.0.0.1:port to target_port, in its own process group (kill(-pid) cuts
 * the link), logging to DIR/socat.log; started listening. */
pid_t cl_start_proxy(struct cluster *c, int port, int target_port);
/* The largest change of site k's true x between two samples (a simulated minute apart)
 * over [from_h, to_h) hours: a jump of its clock; NAN if none. */
double cl_max_true_jump(struct cluster *c, int k, double from_h, double to_h);
const char *cl_name(int k);                 /* "ref", "r1", ... */
void cl_cleanup(struct cluster *c);

#endif
