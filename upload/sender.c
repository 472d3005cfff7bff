#include "config.h"
#include "upload/sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "db/spool.h"
#include "upload/client.h"
#include "upload/queue.h"

/* After a response that says a newer command may follow (the reference's track of the
 * slot is due), the server is asked again this soon, at most this many times. */
#define POLL_AGAIN_S 20
#define POLL_AGAIN_MAX 3

/* What the thread owns. */
struct run {
  struct upl_sender *s;
  sqlite3 *spool;
  struct upl_client cl;
  struct track *buf;
  int failures;               /* exchanges failed in a row, on any server */
  int cur;                    /* the server sent to (upl_conf_server) */
};

/* After a failed exchange, the next server, if there are several. */
static void next_server(struct run *r)
{
  const struct upl_conf *c = &r->s->conf;
  int n = upl_conf_n_servers(c);
  if (n < 2)
    return;
  r->cur = (r->cur + 1) % n;
  upl_client_set_server(&r->cl, upl_conf_server(c, r->cur));
  LOGW("upload", "sending to %s from now on", upl_conf_server(c, r->cur));
}

/* One exchange.  Returns 1 if the server said a newer command may follow, 0 on success,
 * -1 on failure. */
static int exchange(struct run *r)
{
  struct upl_sender *s = r->s;
  pthread_mutex_lock(&s->mtx);
  struct osc_report rep = s->report;
  int have_rep = s->have_report;
  pthread_mutex_unlock(&s->mtx);
  int n;
  json_t *body = upl_queue_request(r->spool, s->conf.site, have_rep ? &rep : NULL, r->buf,
                                   s->conf.batch, &n);
  json_t *resp = NULL;
  char err[512];
  enum upl_result res = upl_post(&r->cl, MSG_PATH_TRACKS, body, &resp, err, sizeof err);
  json_decref(body);
  if (res != UPL_OK) {
    r->failures++;
    if (res == UPL_REFUSED || r->failures == 1 || r->failures % 10 == 0 ||
        upl_conf_n_servers(&s->conf) > 1)
      LOGW("upload", "%d tracks not sent to %s (attempt %d): %s", n,
           upl_conf_server(&s->conf, r->cur), r->failures, err);
    if (res == UPL_RETRY)
      next_server(r);
    return -1;
  }
  struct upload_resp ur;
  int rc = upl_queue_response(r->spool, resp, r->buf, n, &ur, err, sizeof err);
  json_decref(resp);
  if (rc != 0) {
    r->failures++;
    LOGW("upload", "response not usable: %s", err);
    return -1;
  }
  if (r->failures)
    LOGI("upload", "server reachable again after %d failed attempts", r->failures);
  r->failures = 0;
  if (n)
    LOGD("upload", "%d tracks sent, %d acknowledged (%d new)", n, ur.n_acked, ur.stored);
  pthread_mutex_lock(&s->mtx);
  if (ur.has_command && (!s->have_cmd || ur.command.id > s->cmd.id)) {
    s->cmd = ur.command;
    s->have_cmd = 1;
  }
  pthread_mutex_unlock(&s->mtx);
  int pending = ur.pending;
  msg_response_free(&ur);
  return pending ? 1 : 0;
}

/* Service seconds to the next exchange after one that returned rc; -1: when kicked. */
static int64_t next_delay_s(struct run *r, int rc, int *polls)
{
  const struct upl_conf *c = &r->s->conf;
  if (rc < 0) {
    *polls = 0;
    /* With several servers, the next one at once; the backoff once each has failed. */
    int n = upl_conf_n_servers(c), rounds = r->failures / n;
    if (r->failures % n != 0)
      return 0;
    int64_t d = (int64_t)c->retry_min_s << (rounds < 16 ? rounds - 1 : 15);
    return d > c->retry_max_s ? c->retry_max_s : d;
  }
  if (rc == 1 && *polls < POLL_AGAIN_MAX) {
    (*polls)++;
    return POLL_AGAIN_S;
  }
  *polls = 0;
  return spool_count_unacked(r->spool) > 0 ? 0 : -1;
}

static void *thread_main(void *arg)
{
  struct run *r = arg;
  struct upl_sender *s = r->s;
  int64_t next = clk_now(); /* service time of the next exchange; INT64_MAX: when kicked */
  int polls = 0;
  while (!s->stop) {
    if (clk_now() < next) {
      int rc = clk_event_wait(&s->wake, next, &s->stop);
      if (rc < 0)
        break;
      /* A kick brings a new track: it is sent at once, even while a failure waits. */
      if (rc == 1)
        next = clk_now();
      continue;
    }
    if (spool_count_unacked(r->spool) == 0 && polls == 0) {
      next = INT64_MAX;
      continue;
    }
    int64_t d = next_delay_s(r, exchange(r), &polls);
    next = d < 0 ? INT64_MAX : clk_now() + d * NS_PER_S;
  }
  clk_thread_leave();
  return NULL;
}

static void *thread_start(void *arg)
{
  struct run *r = arg;
  clk_thread_adopt(r->s->clk_slot);
  void *ret = thread_main(r);
  upl_client_free(&r->cl);
  db_close(r->spool);
  free(r->buf);
  free(r);
  return ret;
}

int upl_sender_start(struct upl_sender *s, const struct upl_conf *c, const char *spool_path,
                     const struct osc_report *report, char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  s->conf = *c;
  snprintf(s->spool_path, sizeof s->spool_path, "%s", spool_path);
  pthread_mutex_init(&s->mtx, NULL);
  clk_event_init(&s->wake);
  if (report) {
    s->report = *report;
    s->have_report = 1;
  }
  struct run *r = calloc(1, sizeof *r);
  if (r)
    r->buf = calloc((size_t)c->batch, sizeof *r->buf);
  if (!r || !r->buf) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  r->s = s;
  r->spool = db_open(spool_path, DB_SPOOL, err, errlen);
  if (!r->spool)
    goto fail;
  if (upl_client_init(&r->cl, c, err, errlen) != 0)
    goto fail;
  s->clk_slot = clk_slot_reserve();
  int rc = pthread_create(&s->thread, NULL, thread_start, r);
  if (rc != 0) {
    snprintf(err, errlen, "cannot start the upload thread: %s", strerror(rc));
    clk_slot_release(s->clk_slot);
    upl_client_free(&r->cl);
    goto fail;
  }
  s->started = 1;
  return 0;
fail:
  if (r) {
    if (r->spool)
      db_close(r->spool);
    free(r->buf);
    free(r);
  }
  clk_event_destroy(&s->wake);
  pthread_mutex_destroy(&s->mtx);
  return -1;
}

void upl_sender_stop(struct upl_sender *s)
{
  if (!s->started)
    return;
  s->stop = 1;
  clk_event_signal(&s->wake);
  pthread_join(s->thread, NULL);
  s->started = 0;
  clk_event_destroy(&s->wake);
  pthread_mutex_destroy(&s->mtx);
}

void upl_sender_kick(struct upl_sender *s) { clk_event_signal(&s->wake); }

void upl_sender_publish(struct upl_sender *s, const struct osc_report *r)
{
  pthread_mutex_lock(&s->mtx);
  s->report = *r;
  s->have_report = 1;
  pthread_mutex_unlock(&s->mtx);
}

int upl_sender_take_command(struct upl_sender *s, struct steer_cmd *c)
{
  pthread_mutex_lock(&s->mtx);
  int have = s->have_cmd;
  if (have) {
    *c = s->cmd;
    s->have_cmd = 0;
  }
  pthread_mutex_unlock(&s->mtx);
  return have;
}
