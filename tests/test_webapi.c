/* The read API's fixes, the events and the alerts (issue 11), over real loopback HTTP
 * against a real `cvd server` and sites on the lockstep clock: the steering log's newest
 * rows first with ISO times, unknown sites as 404s, GET /api/v1/events and its filters,
 * the per-clock state gauges of /metrics, and an alert webhook (a listener in this test)
 * told of a remote's holdover when its link is cut, once, after a refused first try; and
 * a store that fails part way through a read: the pages say what they lack (503), the
 * API answers 500. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "sim/netcut.h"
#include "tests/cluster.h"
#include "tests/testutil.h"
#include "upload/http.h"

/* GET http://127.0.0.1:port/path: the status, and the body in *body (malloc'ed). */
static long get(int port, const char *path, char **body)
{
  char url[512], err[256];
  struct http_reply r;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  int rc = http_exchange(NULL, "GET", url, NULL, NULL, 0, 20000, 1 << 24, &r, err, sizeof err);
  ck_assert_msg(rc == 0, "GET %s: %s", path, err);
  long status = r.status;
  *body = r.body ? strdup(r.body) : strdup("");
  http_reply_free(&r);
  return status;
}

/* GET path, wanting status, the body as JSON. */
static json_t *get_json(int port, const char *path, long want)
{
  char *body;
  long status = get(port, path, &body);
  ck_assert_msg(status == want, "GET %s: HTTP %ld, not %ld: %s", path, status, want, body);
  json_error_t je;
  json_t *j = json_loads(body, 0, &je);
  ck_assert_msg(j != NULL, "GET %s: not JSON (%s): %s", path, je.text, body);
  free(body);
  return j;
}

static void assert_404(int port, const char *path)
{
  json_t *j = get_json(port, path, 404);
  const char *e = json_string_value(json_object_get(j, "error"));
  ck_assert_msg(e && strstr(e, "unknown site"), "GET %s: error %s", path, e ? e : "(none)");
  json_decref(j);
}

static void assert_400(int port, const char *path, const char *says)
{
  json_t *j = get_json(port, path, 400);
  const char *e = json_string_value(json_object_get(j, "error"));
  ck_assert_msg(e && strstr(e, says), "GET %s: error %s", path, e ? e : "(none)");
  json_decref(j);
}

/* Every row's t is not newer than the one before, and its time is t in ISO 8601. */
static void assert_newest_first(const json_t *rows, const char *tkey, const char *what)
{
  int64_t before = INT64_MAX;
  for (size_t i = 0; i < json_array_size(rows); i++) {
    const json_t *r = json_array_get(rows, i);
    int64_t t = json_integer_value(json_object_get(r, tkey));
    char iso[40];
    ck_assert_msg(t <= before, "%s: row %zu is older than the next", what, i);
    before = t;
    ck_assert_str_eq(json_string_value(json_object_get(r, "time")),
                     tu_format(t, iso, sizeof iso, 0));
  }
}

static void check_steering(struct cluster *c)
{
  sqlite3 *db = cl_server_db(c);
  long long newest = cl_query_int(db, "SELECT max(t) FROM steering WHERE site = 'r1'");
  long long rows = cl_query_int(db, "SELECT count(*) FROM steering WHERE site = 'r1'");
  sqlite3_close(db);
  ck_assert_int_gt(rows, 3);
  json_t *j = get_json(c->port, "/api/v1/steering?site=r1&limit=3&from=2024-12-01T00:00:00Z", 200);
  const json_t *r = json_object_get(j, "rows");
  ck_assert_int_eq(json_array_size(r), 3);
  /* The processes may still be at work at this simulated instant: the newest row lies
   * between what the store held before the request and after it. */
  long long t0 = json_integer_value(json_object_get(json_array_get(r, 0), "t"));
  db = cl_server_db(c);
  long long after = cl_query_int(db, "SELECT max(t) FROM steering WHERE site = 'r1'");
  sqlite3_close(db);
  ck_assert_msg(newest <= t0 && t0 <= after, "newest row %lld, store %lld..%lld", t0, newest,
                after);
  assert_newest_first(r, "t", "steering");
  json_decref(j);
  char *csv;
  ck_assert_int_eq(get(c->port, "/api/v1/steering?site=r1&limit=2&format=csv&from=2024-12-01T00:00:00Z", &csv), 200);
  ck_assert_msg(strstr(csv, ",reason,time\n") && strstr(csv, "Z\"\n"), "%s", csv);
  free(csv);
  /* kind=state: each row a change of state, so no two in a row alike; the first is r1's
   * start, ACQUIRING; an unknown kind is refused. */
  j = get_json(c->port, "/api/v1/steering?site=r1&kind=state&from=2024-12-01T00:00:00Z", 200);
  r = json_object_get(j, "rows");
  size_t n = json_array_size(r);
  ck_assert_uint_ge(n, 2);
  for (size_t i = 0; i + 1 < n; i++)
    ck_assert_str_ne(json_string_value(json_object_get(json_array_get(r, i), "state")),
                     json_string_value(json_object_get(json_array_get(r, i + 1), "state")));
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r, n - 1), "state")),
                   "ACQUIRING");
  json_decref(j);
  j = get_json(c->port, "/api/v1/steering?site=r1&kind=step&limit=1000&from=2024-12-01T00:00:00Z", 200);
  r = json_object_get(j, "rows");
  for (size_t i = 0; i < json_array_size(r); i++)
    ck_assert(json_real_value(json_object_get(json_array_get(r, i), "phase_step_ns")) != 0);
  json_decref(j);
  assert_400(c->port, "/api/v1/steering?site=r1&kind=locked", "kind=");
  assert_404(c->port, "/api/v1/steering?site=nosuch");
  assert_404(c->port, "/api/v1/series?a=r1&b=nosuch");
  assert_404(c->port, "/api/v1/series?a=nosuch&b=ref");
  assert_404(c->port, "/api/v1/events?site=nosuch");
}

/* The events of kind (NULL: all) and site (NULL: all), newest first, checked. */
static json_t *events(struct cluster *c, const char *query)
{
  char path[256];
  snprintf(path, sizeof path, "/api/v1/events?from=2024-12-01T00:00:00Z%s", query);
  json_t *j = get_json(c->port, path, 200);
  json_t *ev = json_incref(json_object_get(j, "events"));
  json_decref(j);
  ck_assert_msg(json_is_array(ev), "no events array");
  assert_newest_first(ev, "t_ns", "events");
  for (size_t i = 0; i < json_array_size(ev); i++) {
    const json_t *e = json_array_get(ev, i);
    ck_assert(json_is_string(json_object_get(e, "site")));
    ck_assert(json_is_string(json_object_get(e, "kind")));
    ck_assert(json_is_string(json_object_get(e, "message")));
  }
  return ev;
}

static int count_kind(const json_t *ev, const char *kind, const char *site, const char *says)
{
  int n = 0;
  for (size_t i = 0; i < json_array_size(ev); i++) {
    const json_t *e = json_array_get(ev, i);
    if (strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0 &&
        (!site || strcmp(json_string_value(json_object_get(e, "site")), site) == 0) &&
        (!says || strstr(json_string_value(json_object_get(e, "message")), says)))
      n++;
  }
  return n;
}

static void check_events(struct cluster *c)
{
  json_t *all = events(c, "");
  ck_assert_int_eq(count_kind(all, "restart", "", "server started"), 1);
  ck_assert_int_ge(count_kind(all, "state", "r1", "ACQUIRING -> LOCKED"), 1);
  json_t *st = events(c, "&site=r1&kind=state");
  ck_assert_int_ge(json_array_size(st), 1);
  ck_assert_int_eq(count_kind(st, "state", "r1", NULL), (int)json_array_size(st));
  json_t *one = events(c, "&limit=1");
  ck_assert_int_eq(json_array_size(one), 1);
  ck_assert(json_equal(json_array_get(one, 0), json_array_get(all, 0)));
  json_decref(all);
  json_decref(st);
  json_decref(one);
  json_t *none = events(c, "&to=2024-12-02T00:00:00Z");
  ck_assert_int_eq(json_array_size(none), 0);
  json_decref(none);
  assert_400(c->port, "/api/v1/events?limit=0", "limit=");
  assert_400(c->port, "/api/v1/events?limit=10001", "limit=");
  assert_400(c->port, "/api/v1/events?kind=State;drop", "kind=");
  assert_400(c->port, "/api/v1/events?from=yesterday", "from=");
}

static void check_metrics(struct cluster *c)
{
  json_t *g = get_json(c->port, "/api/v1/grid", 200);
  const char *state = NULL;
  const json_t *clocks = json_object_get(g, "clocks");
  for (size_t i = 0; i < json_array_size(clocks); i++)
    if (strcmp(json_string_value(json_object_get(json_array_get(clocks, i), "site")), "r1") == 0)
      state = json_string_value(json_object_get(json_array_get(clocks, i), "state"));
  ck_assert(state != NULL);
  char *m, line[128];
  ck_assert_int_eq(get(c->port, "/metrics", &m), 200);
  snprintf(line, sizeof line, "cvd_clock_state{site=\"r1\",state=\"%s\"} 1\n", state);
  ck_assert_msg(strstr(m, line), "no %s in %s", line, m);
  static const char *const all[] = {"ACQUIRING", "LOCKED", "UNLOCKED", "HOLDOVER", "ALARM"};
  for (int k = 0; k < 5; k++)
    if (strcmp(all[k], state) != 0) {
      snprintf(line, sizeof line, "cvd_clock_state{site=\"r1\",state=\"%s\"} 0\n", all[k]);
      ck_assert_msg(strstr(m, line), "no %s", line);
    }
  ck_assert_msg(strstr(m, "cvd_uploads_total{result=\"ok\"}"), "the other metrics are gone");
  free(m);
  json_decref(g);
}

/* The store's events and steering log made to fail part way through a read (views whose
 * rows past the first give malformed JSON), as a damaged or failing store would: the pages
 * say what is missing and answer 503, the API 500, rather than show fewer rows as if that
 * were all; readable again, the same pages are whole. */
static void check_unread(struct cluster *c)
{
  if (strncmp(c->store, "postgresql:", 11) == 0)
    return; /* the views below are SQLite's */
  th_db_break(c->store, "events", "id, t, site, kind", "message", "id < 2");
  th_db_break(c->store, "steering",
              "id, site, t, slot, measured_x_ns, x_est_ns, x_sigma_ns, y_est, innovation_ns, "
              "freq, drift_per_day, slew_freq, phase_step_ns, cmd_id, state, json",
              "reason", "id < 2");
  const char *pages[][2] = {{"/events", "this page lacks the events"},
                            {"/clock?site=r1", "this page lacks the steering log"},
                            {"/clock?site=r1", "this table lacks the events"},
                            {"/pair?a=r1&b=ref", "this page lacks the holdover predictions"}};
  for (int broken = 1; broken >= 0; broken--) {
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
      char *body;
      long st = get(c->port, pages[i][0], &body);
      ck_assert_msg(st == (broken ? 503 : 200), "GET %s: HTTP %ld: %.2000s", pages[i][0], st,
                    body);
      ck_assert_msg(!strstr(body, pages[i][1]) == !broken, "GET %s %s '%s'", pages[i][0],
                    broken ? "does not say" : "still says", pages[i][1]);
      free(body);
    }
    const char *api[] = {"/api/v1/events?from=2024-12-01T00:00:00Z",
                         "/api/v1/steering?site=r1&from=2024-12-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof api / sizeof *api; i++)
      json_decref(get_json(c->port, api[i], broken ? 500 : 200));
    if (broken) {
      th_db_mend(c->store, "events");
      th_db_mend(c->store, "steering");
    }
  }
}

START_TEST(test_read_api_and_events)
{
  struct cluster c;
  cl_init(&c, "webapi", 1, NULL);
  c.nc.web = 1; /* the pages too, for check_unread */
  cl_start_all(&c);
  cl_wait_hours(&c, 8);
  check_steering(&c);
  check_events(&c);
  check_metrics(&c);
  check_unread(&c);
  cl_stop(&c);
  cl_cleanup(&c);
}
END_TEST

/* A webhook: an HTTP listener on 127.0.0.1 that refuses the first POST (500) and takes
 * the others (200), keeping every body. */
#define HOOK_MAX 64
struct hook {
  int fd, port, stop;
  pthread_t thread;
  pthread_mutex_t mtx;
  int n;                   /* POSTs seen */
  char *body[HOOK_MAX];
  long status[HOOK_MAX];
};

/* One request: headers, then Content-Length bytes of body (malloc'ed), or NULL. */
static char *read_request(int fd)
{
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  char *end = NULL;
  long len = -1;
  while (n < cap) {
    ssize_t k = read(fd, buf + n, cap - n);
    if (k <= 0)
      break;
    n += (size_t)k;
    buf[n] = '\0';
    if (!end && (end = strstr(buf, "\r\n\r\n"))) {
      const char *cl = strcasestr(buf, "Content-Length:");
      len = cl ? atol(cl + 15) : 0;
    }
    if (end && (long)(n - (size_t)(end + 4 - buf)) >= len)
      break;
  }
  if (!end || len < 0) {
    free(buf);
    return NULL;
  }
  char *body = strndup(end + 4, (size_t)len);
  free(buf);
  return body;
}

static void *hook_thread(void *arg)
{
  struct hook *h = arg;
  while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
    int fd = accept(h->fd, NULL, NULL);
    if (fd < 0)
      continue;
    char *body = read_request(fd);
    pthread_mutex_lock(&h->mtx);
    long status = h->n == 0 ? 500 : 200;
    if (body && h->n < HOOK_MAX) {
      h->status[h->n] = status;
      h->body[h->n++] = body;
      body = NULL;
    }
    pthread_mutex_unlock(&h->mtx);
    free(body);
    char resp[128];
    int k = snprintf(resp, sizeof resp, "HTTP/1.1 %ld %s\r\nContent-Length: 0\r\nConnection: "
                     "close\r\n\r\n", status, status == 200 ? "OK" : "Internal Server Error");
    ssize_t w = write(fd, resp, (size_t)k);
    (void)w;
    close(fd);
  }
  return NULL;
}

static void hook_start(struct hook *h)
{
  memset(h, 0, sizeof *h);
  pthread_mutex_init(&h->mtx, NULL);
  h->fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(h->fd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(h->fd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(h->fd, 16), 0);
  ck_assert_int_eq(getsockname(h->fd, (struct sockaddr *)&a, &al), 0);
  h->port = ntohs(a.sin_port);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
  setsockopt(h->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ck_assert_int_eq(pthread_create(&h->thread, NULL, hook_thread, h), 0);
}

static void hook_stop(struct hook *h)
{
  __atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
  pthread_join(h->thread, NULL);
  close(h->fd);
  for (int i = 0; i < h->n; i++)
    free(h->body[i]);
}

/* Taken (200) bodies that are the alert of site going to state; the wait is bounded by
 * wall time only against a hang (the alerts go by wall time, the simulation stands). */
static int hook_taken(struct hook *h, const char *site, const char *state, double wait_s)
{
  char s1[64], s2[64];
  snprintf(s1, sizeof s1, "\"site\":\"%s\"", site);
  snprintf(s2, sizeof s2, "\"state\":\"%s\"", state);
  double t0 = th_now();
  int n;
  do {
    n = 0;
    pthread_mutex_lock(&h->mtx);
    for (int i = 0; i < h->n; i++)
      if (h->status[i] == 200 && strstr(h->body[i], s1) && strstr(h->body[i], s2) &&
          strstr(h->body[i], "\"kind\":\"state\""))
        n++;
    pthread_mutex_unlock(&h->mtx);
    if (n || th_now() - t0 > wait_s)
      return n;
    th_sleep(0.1);
  } while (1);
}

/* r1 in holdover since about hour 8.3 until the stop at 10: the server kept its prediction
 * for the start of each slot, one a slot, its 1-sigma never shrinking; of no other clock. */
static void check_predictions_kept(struct cluster *c)
{
  sqlite3 *db = cl_server_db(c);
  long long n = cl_query_int(db, "SELECT count(*) FROM predictions WHERE site = 'r1'");
  long long span = cl_query_int(db, "SELECT (max(slot) - min(slot)) / 600000000000 + 1 "
                                    "FROM predictions WHERE site = 'r1'");
  long long shrinks = cl_query_int(db, "SELECT count(*) FROM predictions p JOIN predictions q "
                                       "ON q.site = p.site AND q.slot = p.slot + 600000000000 "
                                       "WHERE p.site = 'r1' AND q.sigma_ns < p.sigma_ns");
  long long others = cl_query_int(db, "SELECT count(*) FROM predictions WHERE site != 'r1'");
  sqlite3_close(db);
  ck_assert_msg(n >= 8 && n == span, "%lld predictions over %lld slots", n, span);
  ck_assert_int_eq(shrinks, 0);
  ck_assert_int_eq(others, 0);
}

START_TEST(test_alert_on_holdover)
{
  struct cluster c;
  struct hook h;
  char err[256];
  hook_start(&h);
  cl_init(&c, "alert", 1, NULL);
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra,
           "alert_webhook http://127.0.0.1:%d/hook\n", h.port);
  struct netcut *net = netcut_start(NULL, c.remotes, c.port, err, sizeof err);
  ck_assert_msg(net != NULL, "%s", err);
  c.nc.site_port[1] = netcut_port(net, 0);
  cl_start_all(&c);
  cl_wait_hours(&c, 8);
  ck_assert_int_ge(hook_taken(&h, "r1", "LOCKED", 60), 1);
  netcut_set(net, 0, 1);
  cl_wait_hours(&c, 10);
  ck_assert_msg(hook_taken(&h, "r1", "HOLDOVER", 60) == 1,
                "the holdover of r1 was not received once");
  pthread_mutex_lock(&h.mtx);
  ck_assert_int_ge(h.n, 3);
  ck_assert_int_eq(h.status[0], 500);
  ck_assert_int_eq(h.status[1], 200);
  ck_assert_str_eq(h.body[0], h.body[1]); /* the refused alert, sent again */
  for (int i = 2; i < h.n; i++)
    ck_assert_msg(strcmp(h.body[i], h.body[1]) != 0, "an alert received twice: %s", h.body[i]);
  json_t *j = json_loads(h.body[1], 0, NULL);
  ck_assert_msg(j && json_is_integer(json_object_get(j, "t_ns")) &&
                    json_is_string(json_object_get(j, "time")) &&
                    json_is_string(json_object_get(j, "previous_state")) &&
                    json_is_string(json_object_get(j, "message")),
                "%s", h.body[1]);
  json_decref(j);
  pthread_mutex_unlock(&h.mtx);
  cl_stop(&c);
  netcut_stop(net);
  check_predictions_kept(&c);
  cl_assert_said(&c, "server", "alert: r1 state HOLDOVER sent to");
  cl_assert_said(&c, "server", "again in 1 s");
  hook_stop(&h);
  cl_cleanup(&c);
}
END_TEST

/* A webhook that is not an http(s) URL is a configuration error naming the file and line;
 * nine are more than the server takes. */
START_TEST(test_alert_webhook_checked)
{
  struct cluster c;
  cl_init(&c, "alertconf", 1, NULL);
  const char *bad[] = {"alert_webhook ftp://127.0.0.1/hook\n", "alert_webhook\n",
                       "alert_webhook http://a/ http://b/\n"};
  const char *says[] = {"is not an http:// or https:// URL", "alert_webhook", "alert_webhook"};
  char conf[1100], log[1100];
  snprintf(conf, sizeof conf, "%s/server.conf", c.dir);
  snprintf(log, sizeof log, "%s/check.log", c.dir);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"server", (char *)"-c", conf,
                  (char *)"--check-config", NULL};
  char *out = NULL;
  for (int i = 0; i < 4; i++) {
    if (i < 3)
      snprintf(c.nc.server_extra, sizeof c.nc.server_extra, "%s", bad[i]);
    else {
      c.nc.server_extra[0] = '\0';
      for (int k = 0; k < 9; k++)
        snprintf(c.nc.server_extra + strlen(c.nc.server_extra),
                 sizeof c.nc.server_extra - strlen(c.nc.server_extra),
                 "alert_webhook http://127.0.0.1:%d/h\n", 1000 + k);
    }
    cl_write_server_conf(&c);
    ck_assert_int_eq(th_run(argv, log, &out, 30), 2);
    free(out);
    out = NULL;
    char *text = th_read_file(log);
    ck_assert_msg(text && strstr(text, "server.conf:") &&
                      strstr(text, i < 3 ? says[i] : "more than 8 alert_webhook"),
                  "%s", text ? text : "");
    free(text);
    unlink(log);
  }
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra,
           "alert_webhook https://alerts.example/hook\n");
  cl_write_server_conf(&c);
  ck_assert_int_eq(th_run(argv, log, &out, 30), 0);
  free(out);
  cl_cleanup(&c);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("webapi");
  TCase *tc = tcase_create("webapi");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_alert_webhook_checked);
  tcase_add_test(tc, test_read_api_and_events);
  tcase_add_test(tc, test_alert_on_holdover);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_VERBOSE);
}
