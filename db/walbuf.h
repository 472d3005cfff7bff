/* An SQLite VFS that gathers a transaction's WAL frames into one write.
 *
 * SQLite writes each WAL frame as two calls, its 24-byte header and then its page, so a
 * commit of n pages costs 2n write system calls.  This VFS ("cvd-walbuf") wraps the
 * default one and, for WAL files only, keeps writes that follow one another in memory and
 * hands them to the real file as one write:
 *   - when a transaction's commit frame (the one whose header carries the database size,
 *     SQLite's file format section 4.3) has been written: the commit's write errors are
 *     therefore returned to SQLite from that write, as without this VFS;
 *   - before anything that looks at the file (read, sync, truncate, size, close, a write
 *     elsewhere in it) and before the database's shared-memory locks change or its
 *     wal-index header is published (xShmLock, xShmBarrier, xShmMap), so that no other
 *     connection can be told of a frame that is not yet in the file.
 * Nothing is kept past a commit, so what is durable and when is unchanged: a crash loses
 * at most a transaction that had not committed.  Database files, journals and every
 * other file pass straight through. */
#ifndef CVD_DB_WALBUF_H
#define CVD_DB_WALBUF_H

#include <stddef.h>

#define DB_WALBUF_VFS "cvd-walbuf"

/* Registers the VFS (once per process; not as the default).  0, or -1 with err. */
int db_walbuf_register(char *err, size_t errlen);

/* Counts since the process started, for tests: writes SQLite asked of WAL files through
 * this VFS, and writes made of the real files for them. */
struct db_walbuf_counts {
  long asked, made;
};
void db_walbuf_counts(struct db_walbuf_counts *c);

#endif
