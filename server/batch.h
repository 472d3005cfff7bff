/* Group commit of uploads (issue 13).  On a serial store (dbc_serial: SQLite) an upload
 * writes everything it brings (its signature, tracks, common view, decisions) in one
 * transaction.  When it is done while another upload waits for the server's lock, it
 * leaves that transaction open for the next one to write in and waits; the last of them
 * (no upload waiting, or SERVER_BATCH_MAX in it) commits for all.  The pages that several
 * uploads change (the store's header, the newest pages of the indexes and logs) are then
 * written once a commit, and a commit's WAL frames and locks are paid once for all.
 *
 * Nothing is answered before its commit: an upload learns whether its writes are in the
 * store only when the batch's commit is done.  A batch that cannot be committed, or whose
 * member failed half-way, is rolled back whole: every member is answered 503 (its tracks
 * are sent again), and the server's memory (controllers, slot cache) is taken up again
 * from the store.  Every other user of the writer's connection takes the server's lock with
 * server_lock, which commits a batch left open first, so that nothing else runs inside an
 * upload's transaction.
 *
 * All under the server's lock (mtx), which batch_end releases while it waits. */
#ifndef CVD_SERVER_BATCH_H
#define CVD_SERVER_BATCH_H

#include "server/server.h"

/* An upload in a batch: its outcome, written by whoever ends the batch. */
struct batch_member {
  int done;
  int ok;
};

/* The server's lock for an upload, counted as waiting until it has it. */
void batch_lock(struct server *s);
/* The lock given back by an upload; an open batch nobody waits to join is committed. */
void batch_unlock(struct server *s);
/* A transaction for an upload's writes: the open batch, or a new one.  0, or -1. */
int batch_begin(struct server *s);
/* The upload's writes are done (ok 1), or failed (ok 0: the batch is rolled back).  Commits
 * the batch unless an upload waits to join it, and returns once m's writes are committed
 * (1) or rolled back (0). */
int batch_end(struct server *s, struct batch_member *m, int ok);
/* Any open batch committed now (its members told). */
void batch_flush(struct server *s);

#endif
