/* The clock page, /clock?site=NAME[&from=T&to=T][&kind=K][&page=N]: the clock's state now
 * and its history; its steering log, newest first, filtered by time range and kind, 50 rows
 * a page, with its CSV; its holdover intervals, the prediction and its 95 % band against
 * what was measured afterwards; re-acquisitions and faults; the oscillator's setpoint and
 * drift over time.  Charts drawn by the page's script from the data embedded in the page;
 * the numbers are tables too. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "server/cggtts_ingest.h"
#include "server/server.h"
#include "web/html.h"
#include "web/steerkind.h"

#define PAGE_ROWS 50

/* Whether row i of rows (oldest first) is of kind k. */
static int row_is(const json_t *rows, size_t i, const char *k)
{
  return steer_row_is(json_array_get(rows, i), i ? json_array_get(rows, i - 1) : NULL, k);
}

static void html_exp(struct html *h, double v, int digits)
{
  if (isfinite(v))
    html_out(h, "%.*e", digits, v);
  else
    html_out(h, "&ndash;");
}

static void time_cell(struct html *h, int64_t t)
{
  char iso[40];
  html_out(h, "<td>%s</td>", html_time(t, iso, sizeof iso));
}

static void log_link(struct html *h, const char *site, const char *fiso, const char *tiso,
                 const char *kind, long page)
{
  html_out(h, "/clock?site=");
  html_url(h, site);
  html_out(h, "&amp;from=%s&amp;to=%s&amp;kind=%s&amp;page=%ld", fiso, tiso, kind, page);
}

static void holdovers(struct html *h, struct web *w, const char *site, const json_t *rows,
                      int64_t now)
{
  html_out(h, "<h2>Holdover</h2><table id=\"holdovers\"><tr><th>from</th><th>to</th>"
              "<th>predicted at entry (ns)</th><th>95 %% band (ns)</th>"
              "<th>last prediction (ns)</th><th>measured afterwards (ns)</th>"
              "<th>measured &minus; predicted (ns)</th></tr>");
  size_t n = json_array_size(rows), shown = 0;
  for (size_t i = 0; i < n; i++) {
    const json_t *r = json_array_get(rows, i);
    if (!jrow_in_holdover(r) || (i && jrow_in_holdover(json_array_get(rows, i - 1))))
      continue;
    size_t j = i;
    while (j + 1 < n && jrow_in_holdover(json_array_get(rows, j + 1)))
      j++;
    const json_t *last = json_array_get(rows, j), *after = NULL;
    for (size_t k = j + 1; k < n && !after; k++)
      if (isfinite(jrow_num(json_array_get(rows, k), "measured_x_ns")))
        after = json_array_get(rows, k);
    double x = jrow_num(r, "x_est_ns"), s = jrow_num(r, "x_sigma_ns");
    html_out(h, "<tr>");
    time_cell(h, json_integer_value(json_object_get(r, "t")));
    if (j + 1 < n)
      time_cell(h, json_integer_value(json_object_get(json_array_get(rows, j + 1), "t")));
    else
      html_out(h, "<td>still in holdover</td>");
    html_out(h, "<td>");
    html_num(h, x, 1);
    html_out(h, "</td><td>");
    html_num(h, x - 1.96 * s, 1);
    html_out(h, " to ");
    html_num(h, x + 1.96 * s, 1);
    /* Still in holdover: the prediction for now. */
    double lx = jrow_num(last, "x_est_ns"), ls = jrow_num(last, "x_sigma_ns");
    enum clock_state st;
    if (j + 1 == n && server_clock_state(w->srv, site, &st) == 0 &&
        (st == CS_HOLDOVER || st == CS_ALARM) && server_predict(w->srv, site, now, &lx, &ls) != 0)
      lx = ls = NAN;
    html_out(h, "</td><td>");
    html_num(h, lx, 1);
    html_out(h, " &plusmn; ");
    html_num(h, 1.96 * ls, 1);
    html_out(h, "</td><td>");
    html_num(h, after ? jrow_num(after, "measured_x_ns") : NAN, 1);
    html_out(h, "</td><td>");
    html_num(h, after ? jrow_num(after, "measured_x_ns") - jrow_num(last, "x_est_ns") : NAN, 1);
    html_out(h, "</td></tr>");
    shown++;
    i = j;
  }
  if (!shown)
    html_out(h, "<tr><td colspan=\"7\">No holdover in this range.</td></tr>");
  html_out(h, "</table>");
}

static void faults(struct html *h, struct web *w, const char *site, const json_t *rows,
                   int64_t from, int64_t to)
{
  html_out(h, "<h2>Re-acquisitions and faults</h2><table id=\"faults\"><tr><th>time</th>"
              "<th>kind</th><th>what</th></tr>");
  size_t shown = 0;
  for (size_t i = json_array_size(rows); i-- > 0;) {
    const json_t *r = json_array_get(rows, i);
    const char *k = row_is(rows, i, "reacquire") ? "reacquire"
                    : row_is(rows, i, "alarm") && row_is(rows, i, "state") ? "alarm"
                                                                             : NULL;
    if (!k)
      continue;
    html_out(h, "<tr>");
    time_cell(h, json_integer_value(json_object_get(r, "t")));
    html_out(h, "<td>%s</td><td>", k);
    html_esc(h, jrow_str(r, "reason"));
    html_out(h, "</td></tr>");
    shown++;
  }
  json_t *ev = html_oldest_first(server_events(w->srv, from, to));
  if (!ev) { /* in the table: a paragraph here would leave it */
    html_out(h, "<tr><td colspan=\"3\" class=\"err\">The store could not be read just now, "
                "so this table lacks the events. Reload it in a moment.</td></tr>");
    h->unread = 1;
    shown++;
  }
  for (size_t i = json_array_size(ev); i-- > 0;) {
    const json_t *e = json_array_get(ev, i);
    if (strcmp(jrow_str(e, "site"), site) != 0)
      continue;
    html_out(h, "<tr>");
    time_cell(h, json_integer_value(json_object_get(e, "t")));
    html_out(h, "<td>");
    html_esc(h, jrow_str(e, "kind"));
    html_out(h, "</td><td>");
    html_esc(h, jrow_str(e, "message"));
    html_out(h, "</td></tr>");
    shown++;
  }
  json_decref(ev);
  if (!shown)
    html_out(h, "<tr><td colspan=\"3\">None in this range.</td></tr>");
  html_out(h, "</table>");
}

enum MHD_Result web_page_clock(struct web *w, struct MHD_Connection *c)
{
  int64_t now = clk_now();
  const char *site = web_arg(c, "site"), *kind = web_arg(c, "kind"), *pg = web_arg(c, "page");
  const char *from_s = web_arg(c, "from"), *to_s = web_arg(c, "to");
  char msg[200];
  if (!site || !site_name_ok(site))
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "site= must name a site: /clock?site=NAME");
  if (!pages_site_known(w, site)) {
    snprintf(msg, sizeof msg, "No such clock: this server knows no site named %s.", site);
    return html_error(c, MHD_HTTP_NOT_FOUND, "Unknown clock", msg);
  }
  int64_t from = now - 7 * NS_PER_DAY, to = now + 1;
  if ((from_s && *from_s && tu_parse(from_s, &from) != 0) ||
      (to_s && *to_s && tu_parse(to_s, &to) != 0) || to <= from)
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "from= and to= must be times YYYY-MM-DDTHH:MM:SSZ with from before to");
  size_t ki = 0;
  if (kind && *kind) {
    int kx = steer_kind_index(kind);
    if (kx < 0)
      return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                        "kind= must be all, steer, step, state, holdover, alarm, reacquire "
                        "or operator");
    ki = (size_t)kx;
  }
  long page = 0;
  if (pg && *pg) {
    char *end;
    page = strtol(pg, &end, 10);
    if (*end || page < 0 || page > 1000000)
      return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", "page= must be 0 to 1000000");
  }
  char fiso[40], tiso[40], title[80];
  tu_format(from, fiso, sizeof fiso, 0);
  tu_format(to, tiso, sizeof tiso, 0);
  snprintf(title, sizeof title, "Clock %s", site);
  int ref = pages_is_ref(w, site);
  enum clock_state state;
  const char *now_state =
      ref ? "REFERENCE" : server_clock_state(w->srv, site, &state) == 0 ? cs_name(state)
      : server_site_cggtts(w->srv, site) ? "MEASURED" : "unknown"; /* server/cggtts_ingest.h */

  struct html h = {0};
  html_begin(&h, title, 0, 1);
  html_out(&h, "<p>State now: <span class=\"st st-%s\" id=\"state-now\">%s</span>. ", now_state,
           now_state);
  html_out(&h, "Range: %s to %s (UTC). Against the reference: ", fiso, tiso);
  if (ref)
    html_out(&h, "this is the reference.</p>");
  else {
    html_out(&h, "<a href=\"/pair?a=");
    html_url(&h, site);
    html_out(&h, "&amp;b=");
    html_url(&h, w->srv->sites[w->srv->ref].name);
    html_out(&h, "\">pair page</a>.</p>");
  }
  json_t *rows =
      ref ? json_array() : html_oldest_first(server_steering(w->srv, site, from, to, 1000000));
  if (!rows) {
    html_unread(&h, "the steering log");
    rows = json_array();
  }
  size_t n = json_array_size(rows);

  /* Charts: the offset with the holdover predictions; the setpoint and drift. */
  json_t *d = json_array();
  for (size_t i = 0; i < n; i++) {
    const json_t *r = json_array_get(rows, i);
    json_array_append_new(d, json_pack("[I,O,O,O,O]",
                                       (json_int_t)json_integer_value(json_object_get(r, "t")),
                                       json_object_get(r, "measured_x_ns") ? json_object_get(r, "measured_x_ns") : json_null(),
                                       json_object_get(r, "x_est_ns") ? json_object_get(r, "x_est_ns") : json_null(),
                                       json_object_get(r, "freq") ? json_object_get(r, "freq") : json_null(),
                                       json_object_get(r, "drift_per_day") ? json_object_get(r, "drift_per_day") : json_null()));
  }
  json_t *pred = ref ? json_array() : pages_predictions(w, site, from, to, now);
  if (!pred) {
    html_unread(&h, "the holdover predictions");
    pred = json_array();
  }
  html_json(&h, "clock-data", json_pack("{s:o,s:o}", "rows", d, "pred", pred));
  if (!ref)
    html_out(&h, "<h2>Offset from the reference</h2><div id=\"clock-chart\" class=\"chart\" "
                 "data-title=\"%s &minus; reference (ns)\"><noscript>The charts need scripts; their "
                 "numbers are in the steering log below.</noscript></div>"
                 "<p class=\"legend\"><span class=\"key meas\"></span> measured "
                 "<span class=\"key est\"></span> servo estimate "
                 "<span class=\"key pred\"></span> holdover prediction "
                 "<span class=\"key band\"></span> its 95 %% band</p>"
                 "<h2>Oscillator setpoint and drift</h2><div id=\"osc-chart\" class=\"chart\" "
                 "data-title=\"steering frequency and drift\"></div>", site);

  /* State history: each change, newest first. */
  html_out(&h, "<h2>State history</h2><table id=\"states\"><tr><th>since</th><th>state</th>"
               "<th>why</th></tr>");
  size_t shown = 0;
  for (size_t i = n; i-- > 0 && shown < 50;) {
    if (!row_is(rows, i, "state"))
      continue;
    const json_t *r = json_array_get(rows, i);
    html_out(&h, "<tr>");
    time_cell(&h, json_integer_value(json_object_get(r, "t")));
    html_out(&h, "<td><span class=\"st st-");
    html_esc(&h, jrow_str(r, "state"));
    html_out(&h, "\">");
    html_esc(&h, jrow_str(r, "state"));
    html_out(&h, "</span></td><td>");
    html_esc(&h, jrow_str(r, "reason"));
    html_out(&h, "</td></tr>");
    shown++;
  }
  if (!shown)
    html_out(&h, "<tr><td colspan=\"3\">No change in this range.</td></tr>");
  html_out(&h, "</table>");

  if (!ref) {
    holdovers(&h, w, site, rows, now);
    faults(&h, w, site, rows, from, to);
  }

  /* The steering log, newest first, filtered, paged. */
  html_out(&h, "<h2 id=\"log\">Steering log</h2><form id=\"log-filter\" method=\"get\" "
               "action=\"/clock#log\"><input type=\"hidden\" name=\"site\" value=\"");
  html_esc(&h, site);
  html_out(&h, "\"><label>from <input name=\"from\" value=\"%s\" size=\"21\"></label> "
               "<label>to <input name=\"to\" value=\"%s\" size=\"21\"></label> "
               "<label>kind <select name=\"kind\">", fiso, tiso);
  for (size_t k = 0; steer_kinds[k]; k++)
    html_out(&h, "<option%s>%s</option>", k == ki ? " selected" : "", steer_kinds[k]);
  html_out(&h, "</select></label> <button>Filter</button></form>");
  size_t *idx = malloc((n + 1) * sizeof *idx), m = 0;
  for (size_t i = n; idx && i-- > 0;)
    if (row_is(rows, i, steer_kinds[ki]))
      idx[m++] = i;
  size_t first = (size_t)page * PAGE_ROWS;
  html_out(&h, "<p id=\"log-count\" data-rows=\"%zu\">%zu rows of kind %s", m, m, steer_kinds[ki]);
  if (m > PAGE_ROWS)
    html_out(&h, "; rows %zu to %zu", first < m ? first + 1 : 0,
             first + PAGE_ROWS < m ? first + PAGE_ROWS : m);
  html_out(&h, ". <a id=\"log-csv\" download=\"steering-");
  html_esc(&h, site);
  html_out(&h, ".csv\" href=\"/api/v1/steering?site=");
  html_url(&h, site);
  html_out(&h, "&amp;from=%s&amp;to=%s&amp;kind=%s&amp;format=csv\">CSV of the range</a></p>",
           fiso, tiso, steer_kinds[ki]);
  html_out(&h, "<table id=\"steering\"><tr><th>time</th><th>state</th><th>measured (ns)</th>"
               "<th>estimate (ns)</th><th>&sigma; (ns)</th><th>frequency</th>"
               "<th>drift /day</th><th>phase step (ns)</th><th>command</th><th>why</th></tr>");
  for (size_t k = first; k < m && k < first + PAGE_ROWS; k++) {
    const json_t *r = json_array_get(rows, idx[k]);
    html_out(&h, "<tr>");
    time_cell(&h, json_integer_value(json_object_get(r, "t")));
    html_out(&h, "<td>");
    html_esc(&h, jrow_str(r, "state"));
    html_out(&h, "</td><td>");
    html_num(&h, jrow_num(r, "measured_x_ns"), 2);
    html_out(&h, "</td><td>");
    html_num(&h, jrow_num(r, "x_est_ns"), 2);
    html_out(&h, "</td><td>");
    html_num(&h, jrow_num(r, "x_sigma_ns"), 2);
    html_out(&h, "</td><td>");
    html_exp(&h, jrow_num(r, "freq"), 4);
    html_out(&h, "</td><td>");
    html_exp(&h, jrow_num(r, "drift_per_day"), 3);
    html_out(&h, "</td><td>");
    html_num(&h, jrow_num(r, "phase_step_ns"), 1);
    html_out(&h, "</td><td>%lld</td><td>", (long long)json_integer_value(json_object_get(r, "cmd_id")));
    html_esc(&h, jrow_str(r, "reason"));
    html_out(&h, "</td></tr>");
  }
  if (m == 0)
    html_out(&h, "<tr><td colspan=\"10\">No rows.</td></tr>");
  html_out(&h, "</table><p class=\"pages\">");
  if (page > 0) {
    html_out(&h, "<a id=\"log-newer\" href=\"");
    log_link(&h, site, fiso, tiso, steer_kinds[ki], page - 1);
    html_out(&h, "#log\">&larr; newer</a> ");
  }
  if (first + PAGE_ROWS < m) {
    html_out(&h, "<a id=\"log-older\" href=\"");
    log_link(&h, site, fiso, tiso, steer_kinds[ki], page + 1);
    html_out(&h, "#log\">older &rarr;</a>");
  }
  html_out(&h, "</p>");
  free(idx);
  json_decref(rows);
  html_end(&h);
  return html_reply(c, MHD_HTTP_OK, &h);
}
