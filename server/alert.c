#include "config.h"
#include "server/alert.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "upload/http.h"

struct alert_item {
  int64_t t;
  char site[SITE_NAME_MAX], kind[32], state[16], previous[16], message[400];
};

/* What was last sent for a site and kind, for the de-duplication. */
struct sent_key {
  char site[SITE_NAME_MAX], kind[32], state[16];
};
#define ALERT_KEYS 256

struct alerter {
  struct alert_conf conf;
  pthread_t thread;
  pthread_mutex_t mtx;
  pthread_cond_t cond;     /* CLOCK_MONOTONIC */
  int stop;
  struct alert_item q[ALERT_QUEUE];
  int head, n;
  struct sent_key keys[ALERT_KEYS];
  int n_keys;
};

int alert_conf_add(struct alert_conf *c, const char *url, char *err, size_t errlen)
{
  if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
    snprintf(err, errlen, "'%s' is not an http:// or https:// URL", url);
    return -1;
  }
  if (strlen(url) >= ALERT_URL_MAX || strpbrk(url, " \t\r\n")) {
    snprintf(err, errlen, "the URL is longer than %d characters or has blanks", ALERT_URL_MAX - 1);
    return -1;
  }
  if (c->n == ALERT_MAX_URLS) {
    snprintf(err, errlen, "more than %d alert_webhook lines", ALERT_MAX_URLS);
    return -1;
  }
  snprintf(c->url[c->n++], ALERT_URL_MAX, "%s", url);
  return 0;
}

/* 1 if e is worth an alert and not the same as what stands already; records it.  A state
 * change forgets the faults said of the site's former state. */
static int dedup_admit(struct alerter *a, const struct server_event *e)
{
  if (strcmp(e->kind, "outlier") == 0 || strcmp(e->kind, "restart") == 0 ||
      strcmp(e->kind, "operator") == 0)
    return 0;
  int is_state = strcmp(e->kind, "state") == 0;
  struct sent_key *free_key = NULL;
  for (int i = 0; i < a->n_keys; i++) {
    struct sent_key *k = &a->keys[i];
    if (strcmp(k->site, e->site) != 0)
      continue;
    if (strcmp(k->kind, e->kind) == 0) {
      if (strcmp(k->state, e->state) == 0)
        return 0;
      free_key = k;
    } else if (is_state)
      k->state[0] = '\0'; /* a fault may be said again in the new state */
  }
  if (!free_key && a->n_keys < ALERT_KEYS)
    free_key = &a->keys[a->n_keys++];
  if (free_key) {
    snprintf(free_key->site, sizeof free_key->site, "%s", e->site);
    snprintf(free_key->kind, sizeof free_key->kind, "%s", e->kind);
    snprintf(free_key->state, sizeof free_key->state, "%s", e->state);
  }
  return 1;
}

void alert_notify(void *ctx, const struct server_event *e)
{
  struct alerter *a = ctx;
  if (!a || a->conf.n == 0)
    return;
  pthread_mutex_lock(&a->mtx);
  if (!dedup_admit(a, e)) {
    pthread_mutex_unlock(&a->mtx);
    return;
  }
  if (a->n == ALERT_QUEUE) {
    LOGW("alert", "queue full: dropped the alert of %s %s", a->q[a->head].site,
         a->q[a->head].kind);
    a->head = (a->head + 1) % ALERT_QUEUE;
    a->n--;
  }
  struct alert_item *it = &a->q[(a->head + a->n++) % ALERT_QUEUE];
  it->t = e->t;
  snprintf(it->site, sizeof it->site, "%s", e->site);
  snprintf(it->kind, sizeof it->kind, "%s", e->kind);
  snprintf(it->state, sizeof it->state, "%s", e->state);
  snprintf(it->previous, sizeof it->previous, "%s", e->previous_state);
  snprintf(it->message, sizeof it->message, "%s", e->message);
  pthread_cond_signal(&a->cond);
  pthread_mutex_unlock(&a->mtx);
}

static char *alert_body(const struct alert_item *it)
{
  char iso[40];
  json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "site", it->site, "kind", it->kind,
                        "state", it->state, "previous_state", it->previous, "message",
                        it->message, "t_ns", (json_int_t)it->t, "time",
                        tu_format(it->t, iso, sizeof iso, 0));
  char *text = jx_dump(j);
  json_decref(j);
  return text;
}

/* Waits s seconds of wall time, or until stopped: 1 if stopped. */
static int wait_or_stop(struct alerter *a, int s)
{
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += s;
  pthread_mutex_lock(&a->mtx);
  while (!a->stop && pthread_cond_timedwait(&a->cond, &a->mtx, &until) != ETIMEDOUT)
    ;
  int stop = a->stop;
  pthread_mutex_unlock(&a->mtx);
  return stop;
}

/* POSTs one alert to one URL, with its retries. */
static void send_one(struct alerter *a, void *curl, const char *url, const struct alert_item *it,
                     const char *body)
{
  static const char *const headers[] = {"Content-Type: application/json", NULL};
  int wait_s = 1;
  for (int attempt = 1; attempt <= ALERT_ATTEMPTS; attempt++) {
    struct http_reply r;
    char err[256];
    int rc = http_exchange(curl, "POST", url, headers, body, strlen(body), ALERT_TIMEOUT_MS,
                           4096, &r, err, sizeof err);
    long status = r.status;
    http_reply_free(&r);
    if (rc == 0 && status >= 200 && status < 300) {
      LOGI("alert", "%s %s %s sent to %s (HTTP %ld, attempt %d)", it->site, it->kind, it->state,
           url, status, attempt);
      return;
    }
    if (rc == 0)
      snprintf(err, sizeof err, "HTTP %ld", status);
    if (attempt == ALERT_ATTEMPTS) {
      LOGE("alert", "%s %s %s not sent to %s: %s; gave up after %d attempts", it->site, it->kind,
           it->state, url, err, attempt);
      return;
    }
    LOGW("alert", "%s %s %s to %s: %s; again in %d s", it->site, it->kind, it->state, url, err,
         wait_s);
    if (wait_or_stop(a, wait_s))
      return;
    wait_s = wait_s * 2 > ALERT_BACKOFF_MAX_S ? ALERT_BACKOFF_MAX_S : wait_s * 2;
  }
}

static void *alert_thread(void *arg)
{
  struct alerter *a = arg;
  CURL *curl = curl_easy_init();
  pthread_mutex_lock(&a->mtx);
  for (;;) {
    while (!a->stop && a->n == 0)
      pthread_cond_wait(&a->cond, &a->mtx);
    if (a->stop)
      break;
    struct alert_item it = a->q[a->head];
    a->head = (a->head + 1) % ALERT_QUEUE;
    a->n--;
    pthread_mutex_unlock(&a->mtx);
    char *body = alert_body(&it);
    for (int u = 0; body && u < a->conf.n; u++)
      send_one(a, curl, a->conf.url[u], &it, body);
    free(body);
    pthread_mutex_lock(&a->mtx);
  }
  if (a->n)
    LOGW("alert", "stopping: %d alerts not sent", a->n);
  pthread_mutex_unlock(&a->mtx);
  if (curl)
    curl_easy_cleanup(curl);
  return NULL;
}

struct alerter *alert_start(const struct alert_conf *c, char *err, size_t errlen)
{
  struct alerter *a = calloc(1, sizeof *a);
  if (!a) {
    snprintf(err, errlen, "alert: out of memory");
    return NULL;
  }
  a->conf = *c;
  pthread_mutex_init(&a->mtx, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&a->cond, &ca);
  pthread_condattr_destroy(&ca);
  if (a->conf.n == 0)
    return a;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = pthread_create(&a->thread, NULL, alert_thread, a);
  if (rc != 0) {
    snprintf(err, errlen, "alert: cannot start its thread: %s", strerror(rc));
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->mtx);
    free(a);
    return NULL;
  }
  return a;
}

void alert_stop(struct alerter *a)
{
  if (!a)
    return;
  if (a->conf.n) {
    pthread_mutex_lock(&a->mtx);
    a->stop = 1;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mtx);
    pthread_join(a->thread, NULL);
  }
  pthread_cond_destroy(&a->cond);
  pthread_mutex_destroy(&a->mtx);
  free(a);
}
