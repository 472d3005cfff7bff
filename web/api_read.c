/* The read API (DESIGN.md section 4): the grid, a pair's series and a clock's steering
 * log, as JSON or, with format=csv, as CSV; and /metrics in Prometheus text format. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonx.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "server/server.h"
#include "web/query.h"
#include "web/steerkind.h"
#include "web/webint.h"

/* A growable text buffer for CSV and metrics. */
struct text {
  char *p;
  size_t n, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
    va_end(ap);
    if (k < 0)
      return;
    if (t->p && t->n + (size_t)k < t->cap) {
      t->n += (size_t)k;
      return;
    }
    size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)k;
    char *q = realloc(t->p, cap);
    if (!q)
      return;
    t->p = q;
    t->cap = cap;
  }
}

static enum MHD_Result reply_text(struct MHD_Connection *c, const char *type, struct text *t)
{
  enum MHD_Result r = web_reply(c, MHD_HTTP_OK, type, t->p ? t->p : "", t->n, NULL);
  free(t->p);
  return r;
}

static int want_csv(struct MHD_Connection *c)
{
  const char *f = web_arg(c, "format");
  return f && strcmp(f, "csv") == 0;
}

static void put_num(struct text *t, const json_t *v)
{
  if (json_is_integer(v))
    put(t, "%lld", (long long)json_integer_value(v));
  else if (json_is_number(v))
    put(t, "%.6f", json_number_value(v));
}

enum MHD_Result web_api_grid(struct web *w, struct MHD_Connection *c)
{
  json_t *g = server_grid(w->srv, clk_now());
  if (!want_csv(c))
    return web_reply_json(c, MHD_HTTP_OK, g, NULL);
  struct text t = {0};
  put(&t, "a,b,value_ns,slot,predicted,color\n");
  const json_t *clocks = json_object_get(g, "clocks"), *m = json_object_get(g, "matrix");
  for (size_t i = 0; i < json_array_size(m); i++)
    for (size_t k = 0; k < json_array_size(json_array_get(m, i)); k++) {
      const json_t *cell = json_array_get(json_array_get(m, i), k);
      if (!json_is_object(cell))
        continue;
      put(&t, "%s,%s,", json_string_value(json_object_get(json_array_get(clocks, i), "site")),
          json_string_value(json_object_get(json_array_get(clocks, k), "site")));
      put_num(&t, json_object_get(cell, "value_ns"));
      put(&t, ",");
      put_num(&t, json_object_get(cell, "slot"));
      put(&t, ",%d,%s\n", json_is_true(json_object_get(cell, "predicted")),
          json_string_value(json_object_get(cell, "color")));
    }
  json_decref(g);
  return reply_text(c, "text/csv", &t);
}

const char *web_mhd_arg(void *c, const char *name) { return web_arg(c, name); }

enum MHD_Result web_api_series(struct web *w, struct MHD_Connection *c)
{
  struct web_query q;
  char err[200];
  if (web_query_series(web_mhd_arg, c, clk_now(), &q, err, sizeof err) != 0)
    return web_error(c, MHD_HTTP_BAD_REQUEST, "%s", err);
  if (!server_site_known(w->srv, q.a) || !server_site_known(w->srv, q.b))
    return web_error(c, MHD_HTTP_NOT_FOUND, "unknown site '%s'",
                     server_site_known(w->srv, q.a) ? q.b : q.a);
  json_t *s = server_series(w->srv, q.a, q.b, q.from, q.to);
  if (!s)
    return web_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "query failed");
  if (!q.csv)
    return web_reply_json(c, MHD_HTTP_OK,
                          json_pack("{s:s,s:s,s:I,s:I,s:o}", "a", q.a, "b", q.b, "from",
                                    (json_int_t)q.from, "to", (json_int_t)q.to, "points", s),
                          NULL);
  struct text t = {0};
  char iso[40];
  put(&t, "slot,time,mjd,sod,value_ns,sigma_ns\n");
  for (size_t i = 0; i < json_array_size(s); i++) {
    const json_t *p = json_array_get(s, i);
    int64_t slot = json_integer_value(json_array_get(p, 0));
    put(&t, "%lld,%s,%d,%d,", (long long)slot, tu_format(slot, iso, sizeof iso, 0), tu_mjd(slot),
        tu_sod(slot));
    put_num(&t, json_array_get(p, 1));
    put(&t, ",");
    put_num(&t, json_array_get(p, 2));
    put(&t, "\n");
  }
  json_decref(s);
  return reply_text(c, "text/csv", &t);
}

enum MHD_Result web_api_steering(struct web *w, struct MHD_Connection *c)
{
  struct web_query q;
  char err[200];
  if (web_query_steering(web_mhd_arg, c, clk_now(), &q, err, sizeof err) != 0)
    return web_error(c, MHD_HTTP_BAD_REQUEST, "%s", err);
  if (q.site && !server_site_known(w->srv, q.site))
    return web_error(c, MHD_HTTP_NOT_FOUND, "unknown site '%s'", q.site);
  /* A kind is picked from every row of the range, then the newest `limit` of it. */
  json_t *rows = server_steering(w->srv, q.site, q.from, q.to, q.kind ? 1000000 : (int)q.limit);
  if (rows && q.kind) {
    json_t *some = steer_rows_of(rows, q.kind, (size_t)q.limit);
    json_decref(rows);
    rows = some;
  }
  if (!rows)
    return web_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "query failed");
  if (!q.csv)
    return web_reply_json(c, MHD_HTTP_OK, json_pack("{s:o}", "rows", rows), NULL);
  static const char *const cols[] = {"site", "t", "slot", "measured_x_ns", "x_est_ns",
                                     "x_sigma_ns", "y_est", "innovation_ns", "freq",
                                     "drift_per_day", "slew_freq", "phase_step_ns", "cmd_id",
                                     "state", "reason", "time", NULL};
  struct text t = {0};
  for (int k = 0; cols[k]; k++)
    put(&t, "%s%s", k ? "," : "", cols[k]);
  put(&t, "\n");
  for (size_t i = 0; i < json_array_size(rows); i++) {
    const json_t *r = json_array_get(rows, i);
    for (int k = 0; cols[k]; k++) {
      const json_t *v = json_object_get(r, cols[k]);
      if (k)
        put(&t, ",");
      if (json_is_string(v)) {
        /* Quoted, with quotes doubled (RFC 4180). */
        put(&t, "\"");
        for (const char *s = json_string_value(v); *s; s++)
          put(&t, "%s%c", *s == '"' ? "\"" : "", *s);
        put(&t, "\"");
      } else if (json_is_real(v))
        put(&t, "%.9g", json_real_value(v));
      else
        put_num(&t, v);
    }
    put(&t, "\n");
  }
  json_decref(rows);
  return reply_text(c, "text/csv", &t);
}

enum MHD_Result web_metrics(struct web *w, struct MHD_Connection *c)
{
  json_t *g = server_grid(w->srv, clk_now());
  struct text t = {0};
  static const char *const states[] = {"ACQUIRING", "LOCKED", "UNLOCKED", "HOLDOVER", "ALARM"};
  put(&t, "# HELP cvd_clock_state 1 for the state each remote clock is in.\n"
          "# TYPE cvd_clock_state gauge\n");
  const json_t *clocks = json_object_get(g, "clocks");
  for (size_t i = 0; i < json_array_size(clocks); i++) {
    const json_t *k = json_array_get(clocks, i);
    const char *site = json_string_value(json_object_get(k, "site"));
    const char *st = json_string_value(json_object_get(k, "state"));
    if (json_is_true(json_object_get(k, "reference")))
      continue;
    for (int s = 0; s < 5; s++)
      put(&t, "cvd_clock_state{site=\"%s\",state=\"%s\"} %d\n", site, states[s],
          strcmp(st, states[s]) == 0);
  }
  put(&t, "# HELP cvd_clock_offset_ns Latest measured REMOTE - REF, ns.\n"
          "# TYPE cvd_clock_offset_ns gauge\n");
  for (size_t i = 0; i < json_array_size(clocks); i++) {
    const json_t *k = json_array_get(clocks, i), *x = json_object_get(k, "x_ns");
    if (json_is_number(x))
      put(&t, "cvd_clock_offset_ns{site=\"%s\"} %.3f\n",
          json_string_value(json_object_get(k, "site")), json_number_value(x));
  }
  put(&t, "# HELP cvd_clock_last_update_seconds End of the newest slot received, Unix s.\n"
          "# TYPE cvd_clock_last_update_seconds gauge\n");
  for (size_t i = 0; i < json_array_size(clocks); i++) {
    const json_t *k = json_array_get(clocks, i), *u = json_object_get(k, "last_update");
    if (json_is_integer(u))
      put(&t, "cvd_clock_last_update_seconds{site=\"%s\"} %lld\n",
          json_string_value(json_object_get(k, "site")), (long long)(json_integer_value(u) / NS_PER_S));
  }
  put(&t, "# HELP cvd_http_requests_total HTTP requests served.\n# TYPE cvd_http_requests_total counter\n"
          "cvd_http_requests_total %lu\n", __atomic_load_n(&w->stats.requests, __ATOMIC_RELAXED));
  put(&t, "# HELP cvd_uploads_total Uploads by result.\n# TYPE cvd_uploads_total counter\n"
          "cvd_uploads_total{result=\"ok\"} %lu\ncvd_uploads_total{result=\"refused\"} %lu\n",
      __atomic_load_n(&w->stats.uploads_ok, __ATOMIC_RELAXED),
      __atomic_load_n(&w->stats.uploads_refused, __ATOMIC_RELAXED));
  pthread_mutex_lock(&w->limits.mtx);
  unsigned long refused = w->limits.refused;
  pthread_mutex_unlock(&w->limits.mtx);
  put(&t, "# HELP cvd_http_connections_refused_total Connections refused for the limit per "
          "address.\n# TYPE cvd_http_connections_refused_total counter\n"
          "cvd_http_connections_refused_total %lu\n", refused);
  json_decref(g);
  return reply_text(c, "text/plain; version=0.0.4", &t);
}
