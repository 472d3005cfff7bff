/* The grid page every metrology lab knows: each clock against each other and against the
 * reference, in ns, green under the lock threshold (50 ns), yellow under the alarm
 * threshold (1 us), red above; the last update per column; clocks with no track in the
 * newest slot greyed out; a clock in holdover shown by its prediction.  Colour is never the
 * only signal: each cell has a symbol and its state in words (title), with a legend.  Each
 * cell links to its pair page.  Rendered on the server from the same JSON as
 * GET /api/v1/grid, refreshed each slot (10 min). */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "server/server.h"
#include "web/webint.h"

struct html {
  char *p;
  size_t n, cap;
};

static void out(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct html *h, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char buf[8192];
  int k = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (k < 0)
    return;
  if ((size_t)k >= sizeof buf)
    k = sizeof buf - 1;
  if (h->n + (size_t)k + 1 > h->cap) {
    size_t cap = (h->cap ? h->cap * 2 : 8192) + (size_t)k;
    char *q = realloc(h->p, cap);
    if (!q)
      return;
    h->p = q;
    h->cap = cap;
  }
  memcpy(h->p + h->n, buf, (size_t)k);
  h->n += (size_t)k;
  h->p[h->n] = '\0';
}

/* Site names are [A-Za-z0-9_.-] (site_name_ok), states and colours are ours: nothing in
 * the page needs escaping, but a name is still passed through this filter. */
static const char *safe(const char *s)
{
  for (const char *p = s; p && *p; p++)
    if (strchr("<>&\"'", *p))
      return "?";
  return s ? s : "";
}

static const char *str(const json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  return safe(s);
}

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.4em .7em;text-align:right;"
    "font-variant-numeric:tabular-nums}th{background:#f3f3f3}"
    ".green{background:#c8efc8}.yellow{background:#fbeea8}.red{background:#f6b3b3}"
    ".none{background:#fff}.self{background:#eee}.grey{color:#999;background:#f4f4f4}"
    ".pred{font-style:italic}.state{font-size:.85em}small{color:#666}"
    "td a{color:inherit;text-decoration:none;display:block}td a:hover{text-decoration:underline}"
    ".sym{display:inline-block;width:1.2em;text-align:center;font-weight:bold}"
    ".legend td{text-align:left}nav a{margin-right:1em}";

/* The symbol and the words of a cell's colour. */
static const char *symbol(const char *colour)
{
  return strcmp(colour, "green") == 0    ? "&#10003;"
         : strcmp(colour, "yellow") == 0 ? "!"
         : strcmp(colour, "red") == 0    ? "&#10007;"
                                         : "?";
}

static const char *words(const char *colour)
{
  return strcmp(colour, "green") == 0    ? "within the lock threshold"
         : strcmp(colour, "yellow") == 0 ? "beyond the lock threshold, within the alarm threshold"
         : strcmp(colour, "red") == 0    ? "beyond the alarm threshold"
                                         : "no data";
}

enum MHD_Result web_page_grid(struct web *w, struct MHD_Connection *c)
{
  json_t *g = server_grid(w->srv, clk_now());
  struct html h = {0};
  const json_t *clocks = json_object_get(g, "clocks"), *m = json_object_get(g, "matrix");
  size_t n = json_array_size(clocks);
  size_t cols = (size_t)json_integer_value(json_object_get(g, "columns")); /* <= n */
  out(&h, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"refresh\" content=\"%d\"><title>cvd: clock grid</title>"
          "<link rel=\"icon\" href=\"data:,\"><style>%s</style></head><body>"
          "<nav><a href=\"/\">Grid</a> <a href=\"/events\">Events</a> "
          "<a href=\"/api/v1/grid\">API</a></nav>",
      (int)SLOT_S, style);
  out(&h, "<h1>Clock grid</h1><p>Row minus column, ns, from GPS common view. Reference: "
          "<b>%s</b>. Now: %s. Each number links to the pair's page; each clock's name to "
          "its own.</p>",
      str(g, "reference"), str(g, "now_iso"));
  if (cols < n)
    out(&h, "<p>%zu clocks: each against the reference; any other pair on its page, "
            "/pair?a=A&amp;b=B.</p>", n);
  out(&h, "<table id=\"grid\"><tr><th></th>");
  for (size_t k = 0; k < cols; k++) {
    const json_t *ck = json_array_get(clocks, k);
    out(&h, "<th class=\"%s\"><a href=\"/clock?site=%s\">%s</a><br><span class=\"state\">%s%s</span></th>",
        json_is_true(json_object_get(ck, "fresh")) ? "" : "grey", str(ck, "site"),
        str(ck, "site"), str(ck, "state"),
        json_is_true(json_object_get(ck, "fresh")) ? "" : " (stale)");
  }
  out(&h, "</tr>");
  for (size_t i = 0; i < n; i++) {
    const json_t *ci = json_array_get(clocks, i);
    int grey_row = !json_is_true(json_object_get(ci, "fresh"));
    out(&h, "<tr><th class=\"%s\"><a href=\"/clock?site=%s\">%s</a></th>", grey_row ? "grey" : "",
        str(ci, "site"), str(ci, "site"));
    for (size_t k = 0; k < cols; k++) {
      const json_t *ck = json_array_get(clocks, k);
      const json_t *cell = json_array_get(json_array_get(m, i), k);
      if (i == k) {
        out(&h, "<td class=\"self\"></td>");
        continue;
      }
      if (!json_is_object(cell)) {
        out(&h, "<td class=\"none\">&ndash;</td>");
        continue;
      }
      int grey = grey_row || !json_is_true(json_object_get(ck, "fresh"));
      int pred = json_is_true(json_object_get(cell, "predicted"));
      double v = json_number_value(json_object_get(cell, "value_ns"));
      const char *col = str(cell, "color");
      out(&h, "<td class=\"%s%s\" title=\"%s - %s: %.1f ns, %s%s%s\"><a href=\"/pair?a=%s&amp;b=%s\">"
              "<span class=\"sym\">%s%s</span> %.1f</a></td>",
          grey ? "grey" : col, pred ? " pred" : "", str(ci, "site"), str(ck, "site"), v,
          words(col), pred ? ", predicted in holdover" : "", grey ? ", stale" : "",
          str(ci, "site"), str(ck, "site"), symbol(col), pred ? "~" : "", v);
    }
    out(&h, "</tr>");
  }
  out(&h, "<tr><th><small>last update</small></th>");
  for (size_t k = 0; k < cols; k++) {
    const json_t *ck = json_array_get(clocks, k);
    const char *u = str(ck, "last_update_iso");
    int64_t t = json_integer_value(json_object_get(ck, "last_update"));
    if (!*u)
      out(&h, "<td class=\"upd\"><small>never</small></td>");
    else {
      int64_t sod = ((t % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY / NS_PER_S;
      out(&h, "<td class=\"upd\" title=\"%s\"><small>%02d%02d</small></td>", u,
          (int)(sod / 3600), (int)(sod / 60 % 60));
    }
  }
  out(&h, "</tr></table>");
  out(&h, "<table class=\"legend\"><tr><th colspan=\"2\">Legend</th></tr>"
          "<tr><td class=\"green\"><span class=\"sym\">&#10003;</span></td><td>within the lock "
          "threshold, under %.0f ns</td></tr>"
          "<tr><td class=\"yellow\"><span class=\"sym\">!</span></td><td>beyond the lock "
          "threshold, under the alarm threshold %.0f ns</td></tr>"
          "<tr><td class=\"red\"><span class=\"sym\">&#10007;</span></td><td>beyond the alarm "
          "threshold</td></tr>"
          "<tr><td class=\"pred\"><span class=\"sym\">~</span></td><td><i>predicted</i>: the "
          "clock is in holdover, the number is its prediction</td></tr>"
          "<tr><td class=\"grey\">(stale)</td><td>grey: no track in the newest slot</td></tr>"
          "<tr><td><small>HHMM</small></td><td>last update, UTC (the full time on hover)</td></tr>"
          "</table>",
      json_number_value(json_object_get(json_object_get(g, "thresholds"), "green_ns")),
      json_number_value(json_object_get(json_object_get(g, "thresholds"), "yellow_ns")));
  for (size_t k = 0; k < n; k++) {
    const json_t *ck = json_array_get(clocks, k);
    if (json_is_string(json_object_get(ck, "alarm_reason")))
      out(&h, "<p class=\"red\">%s ALARM: %s</p>", str(ck, "site"), str(ck, "alarm_reason"));
  }
  out(&h, "<p><small><a href=\"/events\">Events</a>. API: <a href=\"/api/v1/grid\">grid</a>, "
          "<a href=\"/api/v1/steering\">steering log</a>, <a href=\"/metrics\">metrics</a>"
          "</small></p></body></html>\n");
  json_decref(g);
  enum MHD_Result r = web_reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", h.p ? h.p : "", h.n, NULL);
  free(h.p);
  return r;
}
