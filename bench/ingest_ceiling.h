/* bench/ingest_ceiling: the bare server bench_ingest compares cvd server with.  A
 * libmicrohttpd daemon on 127.0.0.1 (thread pool, poll, as web/httpd.c starts it) that for
 * each POST /api/v1/tracks checks the signature (core/sign.c) against the site's secret,
 * parses and validates the body (msg_parse_request), inserts each track into an SQLite file
 * (WAL, synchronous=NORMAL, the server's PRAGMAs; one prepared statement under one mutex)
 * and answers a signed {"ok": true, "stored": N}.  Nothing else: the least any server
 * taking these uploads must do, hence the ceiling.  With cvd_sqlite, its SQLite file is
 * opened as cvd server opens its store (db_open: the WAL-buffering VFS of db/walbuf.c) and
 * its WAL copied by cvd's checkpoint thread (db/checkpoint.c): a ceiling with every means
 * of cvd's storage layer, not only its PRAGMAs.  Given a postgresql: URI instead of a
 * file, it inserts into PostgreSQL the same way (one libpq session under the mutex, the
 * INSERT prepared once, ON CONFLICT DO NOTHING; a one-track request without a transaction
 * of its own): the ceiling of the servers on PostgreSQL. */
#ifndef CVD_BENCH_INGEST_CEILING_H
#define CVD_BENCH_INGEST_CEILING_H

#include <stdint.h>

#include "bench/ingest_load.h"

struct ceiling;

/* db_path: an SQLite file, or a postgresql: URI.  NULL with a message on stderr. */
struct ceiling *ceiling_start(const char *db_path, const struct load_sites *sites, int threads,
                              int cvd_sqlite);
int ceiling_port(const struct ceiling *c);
void ceiling_stop(struct ceiling *c);

#endif
