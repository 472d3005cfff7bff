/* The pair page, /pair?a=A&b=B[&view=V | &from=T&to=T]: A - B over a view (today by
 * default; 10 min, 1 h, 1 day, 7 days, 30 days ending now, or from/to), drawn by the page's
 * script from GET /api/v1/series with the holdover predictions and their 95 % band apart;
 * the view's mean, standard deviation, range and line fit; its stability (ADEV and TDEV
 * with 68 % confidence intervals, stats/); the delays and the latest track of both ends.
 * Every number is in the HTML too, for a browser without scripts. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "db/db.h"
#include "db/store.h"
#include "server/server.h"
#include "stats/stats.h"
#include "web/html.h"
#include "web/query.h"

static const struct {
  const char *name, *label;
  int64_t span;
} views[] = {
    {"10min", "10 min", 10 * 60 * NS_PER_S}, {"1h", "1 hour", 3600 * NS_PER_S},
    {"today", "today", 0},                   {"1d", "1 day", NS_PER_DAY},
    {"7d", "7 days", 7 * NS_PER_DAY},        {"30d", "30 days", 30 * NS_PER_DAY},
};

/* The series as parallel arrays: t (UTC ns) and value (ns). */
struct pts {
  size_t n;
  int64_t *t;
  double *v;
};

static void stats_table(struct html *h, const struct pts *p)
{
  html_out(h, "<h2>Over the view</h2>");
  if (p->n == 0) {
    html_out(h, "<p>No common-view data in this view.</p>");
    return;
  }
  double mean = 0, lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < p->n; i++) {
    mean += p->v[i];
    lo = fmin(lo, p->v[i]);
    hi = fmax(hi, p->v[i]);
  }
  mean /= (double)p->n;
  double ss = 0, tm = 0;
  for (size_t i = 0; i < p->n; i++)
    tm += (double)(p->t[i] - p->t[0]) / 1e9;
  tm /= (double)p->n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < p->n; i++) {
    double x = (double)(p->t[i] - p->t[0]) / 1e9 - tm;
    ss += (p->v[i] - mean) * (p->v[i] - mean);
    sxx += x * x;
    sxy += x * (p->v[i] - mean);
  }
  double sd = p->n > 1 ? sqrt(ss / (double)(p->n - 1)) : NAN;
  double slope = sxx > 0 ? sxy / sxx : NAN; /* ns per s */
  html_out(h, "<table class=\"kv\" id=\"view-stats\"><tr><th>points</th><td>%zu</td></tr>"
              "<tr><th>mean</th><td>", p->n);
  html_num(h, mean, 2);
  html_out(h, " ns</td></tr><tr><th>standard deviation</th><td>");
  html_num(h, sd, 2);
  html_out(h, " ns</td></tr><tr><th>range</th><td>");
  html_num(h, lo, 2);
  html_out(h, " to ");
  html_num(h, hi, 2);
  html_out(h, " ns (");
  html_num(h, hi - lo, 2);
  html_out(h, " ns)</td></tr><tr><th>frequency offset (line fit)</th><td>");
  if (isfinite(slope))
    html_out(h, "%.3e (%.3f ns/day)", slope * 1e-9, slope * 86400);
  else
    html_out(h, "&ndash;");
  html_out(h, "</td></tr></table>");
}

static void ci_cell(struct html *h, enum st_stat s, const struct st_data *d, size_t m,
                    double dev)
{
  int alpha;
  double lo = NAN, hi = NAN;
  if (isfinite(dev) && st_noise_id(d, s, m, &alpha) == 0)
    st_ci(dev, st_edf(s, alpha, m, d->n), 0.683, 0, &lo, &hi);
  html_out(h, "<td>%.3e</td><td>", dev);
  if (isfinite(lo) && isfinite(hi))
    html_out(h, "%.3e &ndash; %.3e", lo, hi);
  else
    html_out(h, "&ndash;");
  html_out(h, "</td>");
}

static void stability_table(struct html *h, const struct pts *p)
{
  html_out(h, "<h2>Stability</h2>");
  if (p->n < 4) {
    html_out(h, "<p>Too few points in this view for stability (4 at least).</p>");
    return;
  }
  double *x = malloc(p->n * sizeof *x);
  char err[200];
  for (size_t i = 0; i < p->n; i++)
    x[i] = p->v[i] * 1e-9;
  struct st_data d;
  if (!x || st_data_phase(&d, x, p->n, (double)SLOT_NS / 1e9, err, sizeof err) != 0) {
    html_out(h, "<p>");
    html_esc(h, x ? err : "no memory");
    html_out(h, "</p>");
    free(x);
    return;
  }
  html_out(h, "<p><small>From the view's %zu points at tau0 = 600 s, gaps closed; "
              "68 %% confidence intervals from the identified noise.</small></p>"
              "<table id=\"stability\"><tr><th>tau (s)</th><th>ADEV</th><th>ADEV 68 %%</th>"
              "<th>TDEV (s)</th><th>TDEV 68 %%</th></tr>", p->n);
  size_t maxm = st_max_af(ST_ADEV, p->n);
  for (size_t m = 1; m <= maxm; m *= 2) {
    size_t cnt;
    double adev = st_adev(&d, m, &cnt), tdev = st_tdev(&d, m, &cnt);
    if (!isfinite(adev) && !isfinite(tdev))
      continue;
    html_out(h, "<tr><td>%.0f</td>", (double)m * 600);
    ci_cell(h, ST_ADEV, &d, m, adev);
    ci_cell(h, ST_TDEV, &d, m, tdev);
    html_out(h, "</tr>");
  }
  html_out(h, "</table>");
  st_data_free(&d);
  free(x);
}

void pages_track_table(struct html *h, struct web *w, const char *const *sites, int n)
{
  char iso[40];
  struct dbc *db = server_reader_get(w->srv);
  html_out(h, "<h2>Latest tracks and delays</h2>");
  if (!db) {
    html_out(h, "<p>The store cannot be read now.</p>");
    return;
  }
  html_out(h, "<table id=\"tracks\"><tr><th>site</th><th>slot</th><th>LOCAL &minus; GPS (ns)</th>"
              "<th>samples used / rejected / missing</th><th>sd (ns)</th>"
              "<th>satellites visible / used</th><th>receiver</th><th>oscillator</th>"
              "<th>INT DLY</th><th>CAB DLY</th><th>PPS DLY</th><th>REF DLY (ns)</th></tr>");
  for (int k = 0; k < n; k++) {
    struct track *t = NULL;
    int64_t last = store_last_slot(db, sites[k]);
    int got = last > 0 ? store_site_tracks(db, sites[k], last, last + 1, &t) : last;
    html_out(h, "<tr><th><a href=\"/clock?site=");
    html_url(h, sites[k]);
    html_out(h, "\">");
    html_esc(h, sites[k]);
    html_out(h, "</a></th>");
    if (got < 0)
      h->unread = 1;
    if (got < 1) {
      html_out(h, "<td colspan=\"11\">%s</td></tr>",
               got < 0 ? "the store cannot be read now" : "no track yet");
      free(t);
      continue;
    }
    html_out(h, "<td>%s</td><td>", tu_format(t->slot, iso, sizeof iso, 0));
    html_num(h, t->value_ns, 2);
    html_out(h, "</td><td>%d / %d / %d%s</td><td>", t->n_used, t->n_rejected, t->n_missing,
             t->low_count ? " (low)" : "");
    html_num(h, t->sigma_ns, 2);
    html_out(h, "</td><td>%d / %d</td><td>", t->sats_visible, t->sats_used);
    html_esc(h, t->rx_state);
    html_out(h, "</td><td>");
    html_esc(h, t->osc.status[0] ? t->osc.status : "ok");
    if (t->osc.holdover)
      html_out(h, " (holdover)");
    html_out(h, "</td><td>");
    html_num(h, t->intdly, 1);
    html_out(h, "</td><td>");
    html_num(h, t->cabdly, 1);
    html_out(h, "</td><td>");
    html_num(h, t->ppsdly, 1);
    html_out(h, "</td><td>");
    html_num(h, t->refdly, 1);
    html_out(h, "</td></tr>");
    free(t);
  }
  html_out(h, "</table>");
  server_reader_put(w->srv, db);
}

int pages_site_known(struct web *w, const char *name)
{
  if (!name || !site_name_ok(name))
    return 0;
  for (int i = 0; i < w->srv->n_sites; i++)
    if (strcmp(w->srv->sites[i].name, name) == 0)
      return 1;
  return 0;
}

int pages_is_ref(struct web *w, const char *name)
{
  return strcmp(w->srv->sites[w->srv->ref].name, name) == 0;
}

static int by_time(const void *a, const void *b)
{
  json_int_t ta = json_integer_value(json_array_get(*(json_t *const *)a, 0));
  json_int_t tb = json_integer_value(json_array_get(*(json_t *const *)b, 0));
  return (ta > tb) - (ta < tb);
}

/* The [t, ...] rows of arr in time order. */
static void sort_rows(json_t *arr)
{
  size_t n = json_array_size(arr);
  json_t **v = calloc(n ? n : 1, sizeof *v);
  if (!v)
    return;
  for (size_t i = 0; i < n; i++)
    v[i] = json_incref(json_array_get(arr, i));
  qsort(v, n, sizeof *v, by_time);
  json_array_clear(arr);
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, v[i]);
  free(v);
}

/* The holdover predictions of a remote clock over [from, to) as [t, x, sigma] rows in time
 * order: each entry into HOLDOVER or ALARM of its steering log, the prediction the server
 * kept for each slot it spent in holdover, and while it is in holdover now, its prediction
 * for each slot of the range since the last one kept. */
json_t *pages_predictions(struct web *w, const char *site, int64_t from, int64_t to,
                          int64_t now)
{
  json_t *rows = html_oldest_first(server_steering(w->srv, site, from, to, 100000));
  json_t *kept = rows ? server_predictions(w->srv, site, from, to) : NULL;
  if (!kept) {
    json_decref(rows);
    return NULL;
  }
  json_t *out = json_array();
  for (size_t i = 0; i < json_array_size(rows); i++) {
    const json_t *r = json_array_get(rows, i);
    const char *st = json_string_value(json_object_get(r, "state"));
    int64_t t = json_integer_value(json_object_get(r, "t"));
    const json_t *x = json_object_get(r, "x_est_ns"), *s = json_object_get(r, "x_sigma_ns");
    if (st && (strcmp(st, "HOLDOVER") == 0 || strcmp(st, "ALARM") == 0) && json_is_number(x) &&
        json_is_number(s))
      json_array_append_new(out, json_pack("[I,f,f]", (json_int_t)t, json_number_value(x),
                                           json_number_value(s)));
  }
  json_decref(rows);
  int64_t last_kept = 0;
  for (size_t i = 0; i < json_array_size(kept); i++) {
    json_t *r = json_array_get(kept, i);
    last_kept = json_integer_value(json_array_get(r, 0));
    json_array_append(out, r);
  }
  json_decref(kept);
  sort_rows(out);
  /* In holdover now: since the newest row that is not a holdover's (its last rows). */
  enum clock_state state;
  if (server_clock_state(w->srv, site, &state) != 0 || (state != CS_HOLDOVER && state != CS_ALARM))
    return out;
  rows = html_oldest_first(server_steering(w->srv, site, 0, now + 1, 50));
  if (!rows) {
    json_decref(out);
    return NULL;
  }
  int64_t since = 0;
  for (size_t i = json_array_size(rows); i-- > 0;) {
    const json_t *r = json_array_get(rows, i);
    const char *st = json_string_value(json_object_get(r, "state"));
    if (!st || (strcmp(st, "HOLDOVER") != 0 && strcmp(st, "ALARM") != 0))
      break;
    since = json_integer_value(json_object_get(r, "t"));
  }
  json_decref(rows);
  if (!since)
    return out;
  int64_t end = now < to ? now : to;
  int64_t t0 = tu_slot_start(since > from ? since : from) + SLOT_NS;
  if (t0 <= last_kept)
    t0 = last_kept + SLOT_NS;
  for (int64_t t = t0; t < end; t += SLOT_NS) {
    double x, s;
    if (server_predict(w->srv, site, t, &x, &s) == 0 && isfinite(x) && isfinite(s))
      json_array_append_new(out, json_pack("[I,f,f]", (json_int_t)t, x, s));
  }
  return out;
}

static const char *mhd_arg(void *c, const char *name) { return web_arg(c, name); }

enum MHD_Result web_page_pair(struct web *w, struct MHD_Connection *c)
{
  int64_t now = clk_now();
  struct web_query q;
  char err[200];
  const char *a = web_arg(c, "a"), *b = web_arg(c, "b"), *view = web_arg(c, "view");
  const char *from_s = web_arg(c, "from"), *to_s = web_arg(c, "to");
  int custom = (from_s && *from_s) || (to_s && *to_s);
  if (!a || !b || !site_name_ok(a) || !site_name_ok(b) || strcmp(a, b) == 0)
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "a= and b= must name two different sites: /pair?a=A&b=B");
  if (!pages_site_known(w, a) || !pages_site_known(w, b)) {
    snprintf(err, sizeof err, "No such pair: %s - %s. This server knows no site named %s.",
             a, b, pages_site_known(w, a) ? b : a);
    return html_error(c, MHD_HTTP_NOT_FOUND, "Unknown pair", err);
  }
  size_t vi = 2;
  if (view && *view && !custom) {
    for (vi = 0; vi < sizeof views / sizeof *views && strcmp(views[vi].name, view) != 0; vi++)
      ;
    if (vi == sizeof views / sizeof *views)
      return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                        "view= must be one of 10min, 1h, today, 1d, 7d, 30d");
  }
  if (custom) {
    if (web_query_series(mhd_arg, c, now, &q, err, sizeof err) != 0)
      return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", err);
  } else if (views[vi].span == 0) {
    q.from = now - (now % NS_PER_DAY + NS_PER_DAY) % NS_PER_DAY;
    q.to = q.from + NS_PER_DAY;
  } else {
    q.to = now + 1;
    q.from = q.to - views[vi].span;
  }
  char fiso[40], tiso[40], title[120];
  tu_format(q.from, fiso, sizeof fiso, 0);
  tu_format(q.to, tiso, sizeof tiso, 0);
  snprintf(title, sizeof title, "%s \xe2\x88\x92 %s", a, b);

  struct html h = {0};
  html_begin(&h, title, 0, 1);
  html_out(&h, "<p>Common-view difference ");
  html_esc(&h, a);
  html_out(&h, " &minus; ");
  html_esc(&h, b);
  html_out(&h, ", ns, from %s to %s (UTC). Clocks: <a href=\"/clock?site=", fiso, tiso);
  html_url(&h, a);
  html_out(&h, "\">");
  html_esc(&h, a);
  html_out(&h, "</a>, <a href=\"/clock?site=");
  html_url(&h, b);
  html_out(&h, "\">");
  html_esc(&h, b);
  html_out(&h, "</a>.</p><p class=\"views\">View: ");
  for (size_t k = 0; k < sizeof views / sizeof *views; k++) {
    html_out(&h, "<a class=\"view%s\" data-view=\"%s\" href=\"/pair?a=", !custom && k == vi ? " on" : "",
             views[k].name);
    html_url(&h, a);
    html_out(&h, "&amp;b=");
    html_url(&h, b);
    html_out(&h, "&amp;view=%s\">%s</a> ", views[k].name, views[k].label);
  }
  html_out(&h, "</p><form class=\"range\" method=\"get\" action=\"/pair\">"
               "<input type=\"hidden\" name=\"a\" value=\"");
  html_esc(&h, a);
  html_out(&h, "\"><input type=\"hidden\" name=\"b\" value=\"");
  html_esc(&h, b);
  html_out(&h, "\"><label>from <input name=\"from\" value=\"%s\" size=\"21\"></label> "
               "<label>to <input name=\"to\" value=\"%s\" size=\"21\"></label> "
               "<button>Show</button></form>", fiso, tiso);

  /* The chart: the script fetches the series and draws it with the predictions. */
  html_out(&h, "<div id=\"pair-chart\" class=\"chart\" data-series=\"/api/v1/series?a=");
  html_url(&h, a);
  html_out(&h, "&amp;b=");
  html_url(&h, b);
  html_out(&h, "&amp;from=%s&amp;to=%s\" data-title=\"", fiso, tiso);
  html_esc(&h, title);
  html_out(&h, " (ns)\"><noscript>The chart needs scripts; its numbers are in the tables "
               "below.</noscript></div>");
  json_t *s = server_series(w->srv, a, b, q.from, q.to);
  if (!s) {
    html_unread(&h, "the measured series");
    s = json_array();
  }
  int ra = pages_is_ref(w, a), rb = pages_is_ref(w, b);
  json_t *pred = json_array();
  if (ra != rb) {
    json_t *p = pages_predictions(w, ra ? b : a, q.from, q.to, now);
    if (!p)
      html_unread(&h, "the holdover predictions");
    double sign = ra ? -1 : 1;
    size_t i;
    json_t *r;
    json_array_foreach(p, i, r)
      json_array_append_new(pred, json_pack("[O,f,f]", json_array_get(r, 0),
                                            sign * json_number_value(json_array_get(r, 1)),
                                            json_number_value(json_array_get(r, 2))));
    json_decref(p);
  }
  size_t npred = json_array_size(pred);
  html_json(&h, "pair-pred", json_incref(pred));
  html_out(&h, "<p class=\"legend\"><span class=\"key meas\"></span> measured "
               "<span class=\"key pred\"></span> holdover prediction "
               "<span class=\"key band\"></span> its 95 %% band (&plusmn;1.96 &sigma;)%s</p>",
           ra != rb ? "" : " (predictions are made for a remote against the reference only)");

  struct pts p = {0};
  p.n = json_array_size(s);
  p.t = calloc(p.n + 1, sizeof *p.t);
  p.v = calloc(p.n + 1, sizeof *p.v);
  size_t k = 0;
  for (size_t i = 0; p.t && p.v && i < p.n; i++) {
    const json_t *r = json_array_get(s, i);
    if (!json_is_number(json_array_get(r, 1)))
      continue;
    p.t[k] = json_integer_value(json_array_get(r, 0));
    p.v[k++] = json_number_value(json_array_get(r, 1));
  }
  p.n = p.t && p.v ? k : 0;
  stats_table(&h, &p);
  stability_table(&h, &p);
  const char *sites[2] = {a, b};
  pages_track_table(&h, w, sites, 2);

  html_out(&h, "<h2>Points</h2><details><summary>%zu measured, %zu predicted</summary>"
               "<table id=\"points\"><tr><th>slot (UTC)</th><th>",
           json_array_size(s), npred);
  html_esc(&h, title);
  html_out(&h, " (ns)</th><th>sd (ns)</th></tr>");
  for (size_t i = 0; i < json_array_size(s); i++) {
    const json_t *r = json_array_get(s, i);
    char iso[40];
    html_out(&h, "<tr><td>%s</td><td>",
             tu_format(json_integer_value(json_array_get(r, 0)), iso, sizeof iso, 0));
    html_num(&h, json_number_value(json_array_get(r, 1)), 2);
    html_out(&h, "</td><td>");
    html_num(&h, json_is_number(json_array_get(r, 2)) ? json_number_value(json_array_get(r, 2)) : NAN, 2);
    html_out(&h, "</td></tr>");
  }
  html_out(&h, "</table>");
  if (npred) {
    html_out(&h, "<table id=\"predictions\"><tr><th>holdover (UTC)</th><th>predicted (ns)</th>"
                 "<th>95 %% band (ns)</th></tr>");
    for (size_t i = 0; i < npred; i++) {
      const json_t *r = json_array_get(pred, i);
      double x = json_number_value(json_array_get(r, 1)), sd = json_number_value(json_array_get(r, 2));
      char iso[40];
      html_out(&h, "<tr><td>%s</td><td>",
               tu_format(json_integer_value(json_array_get(r, 0)), iso, sizeof iso, 0));
      html_num(&h, x, 2);
      html_out(&h, "</td><td>");
      html_num(&h, x - 1.96 * sd, 2);
      html_out(&h, " to ");
      html_num(&h, x + 1.96 * sd, 2);
      html_out(&h, "</td></tr>");
    }
    html_out(&h, "</table>");
  }
  json_decref(pred);
  html_out(&h, "</details><p><small>Data: <a href=\"/api/v1/series?a=");
  html_url(&h, a);
  html_out(&h, "&amp;b=");
  html_url(&h, b);
  html_out(&h, "&amp;from=%s&amp;to=%s&amp;format=csv\">CSV</a></small></p>", fiso, tiso);
  json_decref(s);
  free(p.t);
  free(p.v);
  html_end(&h);
  return html_reply(c, MHD_HTTP_OK, &h);
}
