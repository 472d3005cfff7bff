#include "config.h"
#include "server/batch.h"

#include "core/log.h"
#include "server/serverint.h"

void server_lock(struct server *s)
{
  pthread_mutex_lock(&s->mtx);
  batch_flush(s);
}

void batch_lock(struct server *s)
{
  __atomic_add_fetch(&s->batch_waiting, 1, __ATOMIC_SEQ_CST);
  pthread_mutex_lock(&s->mtx);
  __atomic_sub_fetch(&s->batch_waiting, 1, __ATOMIC_SEQ_CST);
}

void batch_unlock(struct server *s)
{
  if (s->batch_open && __atomic_load_n(&s->batch_waiting, __ATOMIC_SEQ_CST) == 0)
    batch_flush(s);
  pthread_mutex_unlock(&s->mtx);
}

int batch_begin(struct server *s)
{
  if (s->batch_open)
    return 0;
  if (dbc_begin(s->db) != 0)
    return -1;
  s->batch_open = 1;
  s->batch_n = 0;
  return 0;
}

/* Every member told its outcome, the batch closed. */
static void tell(struct server *s, int ok)
{
  for (int i = 0; i < s->batch_n; i++) {
    s->batch_members[i]->ok = ok;
    s->batch_members[i]->done = 1;
  }
  s->batch_open = 0;
  s->batch_n = 0;
  pthread_cond_broadcast(&s->batch_cond);
}

/* The batch undone: the store as it was before it, and memory made to agree. */
static void undo(struct server *s)
{
  server_rollback(s);
  tell(s, 0);
}

void batch_flush(struct server *s)
{
  if (!s->batch_open)
    return;
  if (dbc_commit(s->db) == 0) {
    tell(s, 1);
    return;
  }
  LOGE("server", "committing %d uploads failed, each will be sent again: %s", s->batch_n,
       dbc_errmsg(s->db));
  undo(s);
}

int batch_end(struct server *s, struct batch_member *m, int ok)
{
  m->done = m->ok = 0;
  s->batch_members[s->batch_n++] = m;
  if (!ok) {
    LOGE("server", "an upload failed half-way: the %d uploads of its transaction are undone, "
         "each will be sent again", s->batch_n);
    undo(s);
    return 0;
  }
  if (s->batch_n < SERVER_BATCH_MAX && __atomic_load_n(&s->batch_waiting, __ATOMIC_SEQ_CST) > 0) {
    while (!m->done)
      pthread_cond_wait(&s->batch_cond, &s->mtx);
    return m->ok;
  }
  batch_flush(s);
  return m->ok;
}
