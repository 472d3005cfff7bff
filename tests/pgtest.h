/* A real PostgreSQL server for a test program (issue 13): Debian's initdb and pg_ctl in a
 * temporary folder, listening on a Unix socket in that folder only (no TCP), fsync off;
 * run as the `postgres` system user when the test runs as root (PostgreSQL refuses root).
 * The program starts it once, before its suite, and stops it at its end, on a failure as
 * well (an exit handler of the starting process; Check's forked children leave it alone).
 * The server's binaries are looked for in $CVD_PG_BIN, then /usr/lib/postgresql/N/bin. */
#ifndef CVD_PGTEST_H
#define CVD_PGTEST_H

#include <stddef.h>

/* Starts the server and sets $CVD_TEST_PG_HOST to its socket folder (tests/cluster.c then
 * puts its clusters' servers on it).  0 when running; 77 (automake's skip) when the
 * binaries are missing, with why; -1 on a failure, with why (the server's log included). */
int pgtest_start(char *why, size_t whylen);
/* Stops it at once (pg_ctl stop -m immediate) and removes its folder. */
void pgtest_stop(void);
/* The socket folder of the running server, or NULL. */
const char *pgtest_host(void);

/* Creates an empty database `name` on the server at $CVD_TEST_PG_HOST and writes its URI
 * (postgresql:///name?host=...&user=postgres) to uri.  0, or -1 with why. */
int pgtest_createdb(const char *name, char *uri, size_t urilen, char *why, size_t whylen);
/* Drops it (the store lost); its connections are ended first.  0 or -1 with why. */
int pgtest_dropdb(const char *name, char *why, size_t whylen);
/* Ends every session on database `name` (as a PostgreSQL restart would).  0 or -1. */
int pgtest_end_sessions(const char *name, char *why, size_t whylen);

#endif
