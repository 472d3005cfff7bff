#include "config.h"
#include "db/checkpoint.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"

struct db_ckpt {
  sqlite3 *writer, *own;
  pthread_t thread;
  pthread_mutex_t mtx;
  pthread_cond_t cond;
  pthread_mutex_t pass;    /* held through each checkpoint, the thread's or the writer's */
  int wanted, stop;
  long n_thread, n_writer;
  int asked_at;            /* the WAL's frames when the thread was last woken (writer's) */
};

/* 0 when a checkpoint ran over the WAL; -1 when it failed, or found no WAL to copy:
 * SQLite then leaves the counts at -1 (a connection that never read the database has
 * not opened its WAL, and its checkpoint does nothing). */
static int checkpoint(sqlite3 *db, const char *who)
{
  int log = -1, done = -1;
  int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    LOGW("db", "%s checkpoint failed: %s", who, sqlite3_errmsg(db));
    return -1;
  }
  LOGD("db", "%s checkpoint: %d of %d WAL pages copied", who, done, log);
  return log >= 0 ? 0 : -1;
}

/* sqlite3_wal_hook, in the writer's thread after each commit, with nframes in the WAL. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int nframes)
{
  struct db_ckpt *k = arg;
  (void)name;
  if (nframes < k->asked_at)
    k->asked_at = 0; /* the WAL started again from its beginning */
  if (nframes >= DB_CKPT_FINISH_PAGES) {
    /* A PASSIVE checkpoint that finds another running returns SQLITE_BUSY at once, having
     * copied nothing; on a loaded host the thread's pass can last hundreds of commits,
     * each one growing the WAL past the bound.  So the writer waits for that pass to end
     * (it was copying the writer's frames) and finishes after it. */
    pthread_mutex_lock(&k->pass);
    int rc = checkpoint(db, "writer's");
    pthread_mutex_unlock(&k->pass);
    if (rc == 0) {
      pthread_mutex_lock(&k->mtx);
      k->n_writer++;
      pthread_mutex_unlock(&k->mtx);
    }
    return SQLITE_OK;
  }
  /* Woken once a DB_CKPT_PAGES frames, not at each commit past them. */
  if (nframes - k->asked_at >= DB_CKPT_PAGES) {
    k->asked_at = nframes;
    pthread_mutex_lock(&k->mtx);
    k->wanted = 1;
    pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->mtx);
  }
  return SQLITE_OK;
}

static void *run(void *arg)
{
  struct db_ckpt *k = arg;
  pthread_mutex_lock(&k->mtx);
  for (;;) {
    while (!k->wanted && !k->stop)
      pthread_cond_wait(&k->cond, &k->mtx);
    if (k->stop)
      break;
    k->wanted = 0;
    pthread_mutex_unlock(&k->mtx);
    pthread_mutex_lock(&k->pass);
    int rc = checkpoint(k->own, "background");
    pthread_mutex_unlock(&k->pass);
    pthread_mutex_lock(&k->mtx);
    if (rc == 0)
      k->n_thread++;
  }
  pthread_mutex_unlock(&k->mtx);
  pthread_mutex_lock(&k->pass);
  checkpoint(k->own, "last background");
  pthread_mutex_unlock(&k->pass);
  return NULL;
}

struct db_ckpt *db_ckpt_start(sqlite3 *writer, const char *path, char *err, size_t errlen)
{
  struct db_ckpt *k = calloc(1, sizeof *k);
  if (!k) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  k->writer = writer;
  int rc = sqlite3_open_v2(path, &k->own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open for checkpoints: %s", path,
             k->own ? sqlite3_errmsg(k->own) : sqlite3_errstr(rc));
    sqlite3_close(k->own);
    free(k);
    return NULL;
  }
  /* A connection's pager opens the WAL at its first read transaction; until then its
   * checkpoints return at once, copying nothing (SQLite 3.40). */
  char *msg = NULL;
  if (sqlite3_exec(k->own, "SELECT count(*) FROM sqlite_schema", NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot read for checkpoints: %s", path, msg ? msg : "error");
    sqlite3_free(msg);
    sqlite3_close(k->own);
    free(k);
    return NULL;
  }
  pthread_mutex_init(&k->mtx, NULL);
  pthread_mutex_init(&k->pass, NULL);
  pthread_cond_init(&k->cond, NULL);
  if ((rc = pthread_create(&k->thread, NULL, run, k)) != 0) {
    snprintf(err, errlen, "cannot start the checkpoint thread: error %d", rc);
    pthread_cond_destroy(&k->cond);
    pthread_mutex_destroy(&k->pass);
    pthread_mutex_destroy(&k->mtx);
    sqlite3_close(k->own);
    free(k);
    return NULL;
  }
  /* Replaces SQLite's own hook, which wal_autocheckpoint installs. */
  sqlite3_wal_hook(writer, on_commit, k);
  return k;
}

void db_ckpt_stop(struct db_ckpt *k)
{
  if (!k)
    return;
  sqlite3_wal_autocheckpoint(k->writer, DB_CKPT_PAGES);
  pthread_mutex_lock(&k->mtx);
  k->stop = 1;
  pthread_cond_signal(&k->cond);
  pthread_mutex_unlock(&k->mtx);
  pthread_join(k->thread, NULL);
  pthread_cond_destroy(&k->cond);
  pthread_mutex_destroy(&k->pass);
  pthread_mutex_destroy(&k->mtx);
  sqlite3_close(k->own);
  free(k);
}

void db_ckpt_counts(struct db_ckpt *k, long *thread, long *writer)
{
  pthread_mutex_lock(&k->mtx);
  *thread = k->n_thread;
  *writer = k->n_writer;
  pthread_mutex_unlock(&k->mtx);
}
