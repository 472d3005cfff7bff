/* An SQLite VFS that gathers a transaction's WAL frames into one write: see walbuf.h.
 *
 * SQLite's WAL format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte
 * header, then frames, each a 24-byte header and one page.  Bytes 4..7 of a frame header
 * are the database's size in pages after a commit, for a commit frame, and zero for every
 * other frame.  SQLite writes a frame as two writes, the header and then the page
 * (walWriteOneFrame), in order of offset; the buffer here keeps a run of such writes. */
#include "config.h"
#include "db/walbuf.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_HDR 24
/* At most this in one write: the unix VFS masks a write's length with 0x1ffff
 * (seekAndWriteFd), as SQLite never asks for more than a page of at most 64 KiB. */
#define BUF_MAX (120 * 1024)

struct wb_file {
  sqlite3_file base;            /* its pMethods point at `methods` */
  sqlite3_io_methods methods;   /* ours, of the real file's version */
  sqlite3_file *real;           /* the real VFS's file, allocated after this struct */
  struct wb_file *wal, *main;   /* a database's open WAL, a WAL's database */
  int is_wal;
  unsigned char *buf;           /* WAL: writes not yet made, from offset `off` */
  size_t len;
  sqlite3_int64 off;
  int commit_next;              /* the last write was a commit frame's header */
  int failed;                   /* a write failed where it could not be reported */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wb_vfs;
static atomic_long n_asked, n_made;

static sqlite3_file *real_of(sqlite3_file *f) { return ((struct wb_file *)f)->real; }

static int flush(struct wb_file *w)
{
  if (!w || w->len == 0)
    return SQLITE_OK;
  int rc = w->real->pMethods->xWrite(w->real, w->buf, (int)w->len, w->off);
  atomic_fetch_add(&n_made, 1);
  w->len = 0;
  w->commit_next = 0;
  return rc;
}

/* Before anything that reads or changes the WAL other than a write, and before its
 * database's shared-memory locks or header change. */
static int settle(struct wb_file *w)
{
  int rc = flush(w);
  if (rc == SQLITE_OK && w && w->failed) {
    w->failed = 0;
    rc = SQLITE_IOERR_WRITE;
  }
  return rc;
}

/* Where SQLite takes no error: kept to be reported by the WAL's next call. */
static void flush_quietly(struct wb_file *w)
{
  if (w && flush(w) != SQLITE_OK)
    w->failed = 1;
}

static int keep(struct wb_file *w, const void *p, int amt, sqlite3_int64 off)
{
  if (!w->buf && !(w->buf = malloc(BUF_MAX)))
    return SQLITE_NOMEM;
  if (w->len == 0)
    w->off = off;
  memcpy(w->buf + w->len, p, (size_t)amt);
  w->len += (size_t)amt;
  return SQLITE_OK;
}

static int wb_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
  struct wb_file *w = (struct wb_file *)f;
  if (!w->is_wal)
    return w->real->pMethods->xWrite(w->real, p, amt, off);
  atomic_fetch_add(&n_asked, 1);
  int rc = SQLITE_OK;
  if (w->len && (off != w->off + (sqlite3_int64)w->len || w->len + (size_t)amt > BUF_MAX))
    rc = flush(w);
  if (rc != SQLITE_OK)
    return rc;
  if (amt > BUF_MAX) {
    atomic_fetch_add(&n_made, 1);
    return w->real->pMethods->xWrite(w->real, p, amt, off);
  }
  int completes = w->commit_next && amt != FRAME_HDR;
  /* Big-endian database size in bytes 4..7 of a frame header: nonzero on a commit frame. */
  const unsigned char *h = p;
  w->commit_next = amt == FRAME_HDR && (h[4] | h[5] | h[6] | h[7]) != 0;
  if ((rc = keep(w, p, amt, off)) != SQLITE_OK)
    return rc;
  return completes ? settle(w) : SQLITE_OK;
}

static int wb_close(sqlite3_file *f)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = w->is_wal ? flush(w) : SQLITE_OK;
  if (w->main)
    w->main->wal = NULL;
  if (w->wal)
    w->wal->main = NULL;
  int rc2 = w->real->pMethods->xClose(w->real);
  free(w->buf);
  w->buf = NULL;
  return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = w->is_wal ? settle(w) : SQLITE_OK;
  return rc != SQLITE_OK ? rc : w->real->pMethods->xRead(w->real, p, amt, off);
}

static int wb_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = w->is_wal ? settle(w) : SQLITE_OK;
  return rc != SQLITE_OK ? rc : w->real->pMethods->xTruncate(w->real, size);
}

static int wb_sync(sqlite3_file *f, int flags)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = w->is_wal ? settle(w) : SQLITE_OK;
  return rc != SQLITE_OK ? rc : w->real->pMethods->xSync(w->real, flags);
}

static int wb_size(sqlite3_file *f, sqlite3_int64 *size)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = w->is_wal ? settle(w) : SQLITE_OK;
  return rc != SQLITE_OK ? rc : w->real->pMethods->xFileSize(w->real, size);
}

static int wb_lock(sqlite3_file *f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
static int wb_unlock(sqlite3_file *f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
static int wb_reserved(sqlite3_file *f, int *out)
{
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int wb_control(sqlite3_file *f, int op, void *arg)
{
  struct wb_file *w = (struct wb_file *)f;
  if (w->is_wal)
    flush_quietly(w);
  return w->real->pMethods->xFileControl(w->real, op, arg);
}

static int wb_sector(sqlite3_file *f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
static int wb_device(sqlite3_file *f)
{
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

/* The shared-memory methods belong to the database's file; they settle its WAL first. */
static int wb_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = settle(w->wal);
  return rc != SQLITE_OK ? rc : w->real->pMethods->xShmMap(w->real, pg, pgsz, extend, pp);
}

static int wb_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
  struct wb_file *w = (struct wb_file *)f;
  int rc = settle(w->wal);
  /* An unlock goes ahead whatever happened: a lock must never be kept by a failed write. */
  if (rc != SQLITE_OK && !(flags & SQLITE_SHM_UNLOCK))
    return rc;
  int rc2 = w->real->pMethods->xShmLock(w->real, offset, n, flags);
  return rc != SQLITE_OK ? rc : rc2;
}

static void wb_shm_barrier(sqlite3_file *f)
{
  struct wb_file *w = (struct wb_file *)f;
  flush_quietly(w->wal);
  w->real->pMethods->xShmBarrier(w->real);
}

static int wb_shm_unmap(sqlite3_file *f, int del)
{
  struct wb_file *w = (struct wb_file *)f;
  flush_quietly(w->wal);
  return w->real->pMethods->xShmUnmap(w->real, del);
}

static int wb_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
  return real_of(f)->pMethods->xFetch(real_of(f), off, amt, pp);
}

static int wb_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
  return real_of(f)->pMethods->xUnfetch(real_of(f), off, p);
}

static const sqlite3_io_methods wb_methods = {
    .iVersion = 3,
    .xClose = wb_close,
    .xRead = wb_read,
    .xWrite = wb_write,
    .xTruncate = wb_truncate,
    .xSync = wb_sync,
    .xFileSize = wb_size,
    .xLock = wb_lock,
    .xUnlock = wb_unlock,
    .xCheckReservedLock = wb_reserved,
    .xFileControl = wb_control,
    .xSectorSize = wb_sector,
    .xDeviceCharacteristics = wb_device,
    .xShmMap = wb_shm_map,
    .xShmLock = wb_shm_lock,
    .xShmBarrier = wb_shm_barrier,
    .xShmUnmap = wb_shm_unmap,
    .xFetch = wb_fetch,
    .xUnfetch = wb_unfetch,
};

static int wb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                   int *out_flags)
{
  (void)vfs;
  struct wb_file *w = (struct wb_file *)f;
  memset(w, 0, sizeof *w);
  w->real = (sqlite3_file *)(w + 1);
  int rc = real_vfs->xOpen(real_vfs, name, w->real, flags, out_flags);
  if (rc != SQLITE_OK || !w->real->pMethods) {
    /* SQLite calls no method of a file whose pMethods is NULL, xClose included. */
    if (w->real->pMethods)
      w->real->pMethods->xClose(w->real);
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  w->methods = wb_methods;
  if (w->real->pMethods->iVersion < w->methods.iVersion)
    w->methods.iVersion = w->real->pMethods->iVersion;
  w->base.pMethods = &w->methods;
  if ((flags & SQLITE_OPEN_WAL) && name) {
    w->is_wal = 1;
    /* The database's file, opened through this VFS too (SQLite opens a WAL with the
     * VFS of its database). */
    w->main = (struct wb_file *)sqlite3_database_file_object(name);
    if (w->main)
      w->main->wal = w;
  }
  return SQLITE_OK;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int reg_rc;

static void reg(void)
{
  real_vfs = sqlite3_vfs_find(NULL);
  if (!real_vfs) {
    reg_rc = SQLITE_ERROR;
    return;
  }
  /* The real VFS's own methods and pAppData serve every call but xOpen. */
  wb_vfs = *real_vfs;
  wb_vfs.zName = DB_WALBUF_VFS;
  wb_vfs.pNext = NULL;
  wb_vfs.szOsFile = (int)sizeof(struct wb_file) + real_vfs->szOsFile;
  wb_vfs.xOpen = wb_open;
  reg_rc = sqlite3_vfs_register(&wb_vfs, 0);
}

int db_walbuf_register(char *err, size_t errlen)
{
  pthread_once(&once, reg);
  if (reg_rc != SQLITE_OK) {
    snprintf(err, errlen, "cannot register SQLite's VFS %s: %s", DB_WALBUF_VFS,
             sqlite3_errstr(reg_rc));
    return -1;
  }
  return 0;
}

void db_walbuf_counts(struct db_walbuf_counts *c)
{
  c->asked = atomic_load(&n_asked);
  c->made = atomic_load(&n_made);
}
