/* Checkpoints of a WAL database mostly off its writer's path (issue 13).  SQLite copies
 * the WAL back into the database in the commit that finds the WAL past 1,000 pages: that
 * commit then pays the copy of every page and two fsyncs, under the caller's locks.
 *
 * Here a thread with its own connection copies the WAL as it grows (a PASSIVE checkpoint,
 * which never waits for the writer nor holds it up), woken by the writer's commits every
 * DB_CKPT_PAGES frames.  It cannot finish alone while commits go on: the WAL starts again
 * from its beginning only once every frame in it is copied.  So the writer's commit that
 * finds DB_CKPT_FINISH_PAGES frames checkpoints itself, as SQLite would, but finds most
 * of them copied already: it copies what came since the thread's last pass, and the WAL
 * starts again.  Should the thread be in a pass then, the writer waits for that pass to
 * end rather than skip its checkpoint (SQLite would answer it SQLITE_BUSY, and on a
 * loaded host the WAL grew past the bound by a few hundred commits a pass).  The copy work moves to the thread, the WAL stays under
 * DB_CKPT_FINISH_PAGES (once the writer's checkpoint can finish: a reader of an old
 * snapshot holds the WAL's start, and the WAL grows meanwhile, as in SQLite), and a thread
 * that stops working changes nothing but the cost.
 *
 * Durability is SQLite's own: a checkpoint moves committed frames, and a crash at any
 * point leaves a database that opens with every commit in it. */
#ifndef CVD_DB_CHECKPOINT_H
#define CVD_DB_CHECKPOINT_H

#include <sqlite3.h>
#include <stddef.h>

/* A checkpoint copies each page once however many frames of it the WAL holds, and the
 * pages an upload changes are mostly the same few (the indexes' and logs' newest pages,
 * the header): 4,000 frames a pass copy about a third of what four passes of 1,000 did
 * (the checkpoints' share of the server's CPU at ingest from 11-12 % to 4-7 %), with a
 * WAL of at most 64 MB. */
#define DB_CKPT_PAGES 4000
#define DB_CKPT_FINISH_PAGES 16000

struct db_ckpt;

/* Takes over the checkpoints of writer (the connection that writes the WAL database at
 * path, open for the life of the checkpointer).  NULL with err. */
struct db_ckpt *db_ckpt_start(sqlite3 *writer, const char *path, char *err, size_t errlen);
/* Stops the thread (after a last checkpoint) and gives the checkpoints back to writer's
 * commits.  NULL is a no-op. */
void db_ckpt_stop(struct db_ckpt *k);
/* Checkpoints run by the thread, and by the writer to finish them (for tests). */
void db_ckpt_counts(struct db_ckpt *k, long *thread, long *writer);

#endif
