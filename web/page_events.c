/* The events page, /events[?site=S][&kind=K][&from=T&to=T][&limit=N]: what the server
 * recorded (state changes, faults, outliers and steps, refused commands, restarts), newest
 * first, filtered by site and kind: GET /api/v1/events's arguments and answer as a page,
 * rendered on the server (it needs no script). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "db/store.h"
#include "server/server.h"
#include "web/html.h"
#include "web/query.h"

static const char *sval(const json_t *r, const char *k)
{
  const char *s = json_string_value(json_object_get(r, k));
  return s ? s : "";
}

/* The kinds the server records (cvd-server(8), GET /api/v1/events). */
static const char *const kinds[] = {"state", "outlier", "measurement_step", "frequency_step",
                                    "reacquire", "reference_step", "clock_disagreement",
                                    "operator", "restart", NULL};

enum MHD_Result web_page_events(struct web *w, struct MHD_Connection *c)
{
  struct web_query q;
  char msg[200], fiso[40], tiso[40];
  /* The arguments of GET /api/v1/events, checked as it checks them. */
  if (web_query_events(web_mhd_arg, c, clk_now(), &q, msg, sizeof msg) != 0)
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", msg);
  if (q.site && !pages_site_known(w, q.site)) {
    snprintf(msg, sizeof msg, "No such site: this server knows no site named %s.", q.site);
    return html_error(c, MHD_HTTP_NOT_FOUND, "Unknown site", msg);
  }
  const char *from_s = web_arg(c, "from"), *to_s = web_arg(c, "to");
  tu_format(q.from, fiso, sizeof fiso, 0);
  tu_format(q.to, tiso, sizeof tiso, 0);
  struct store_event_filter f = {
      .site = q.site, .kind = q.kind, .from = q.from, .to = q.to, .limit = (int)q.limit};
  json_t *ev = server_events_query(w->srv, &f);

  struct html h = {0};
  html_begin(&h, "Events", 0, 0);
  if (!ev) {
    html_unread(&h, "the events");
    ev = json_array();
  }
  html_out(&h, "<p>What the server recorded from %s to %s (UTC), newest first, at most %ld "
               "(the same as <a href=\"/api/v1/events\">GET /api/v1/events</a> with these "
               "arguments).</p><form id=\"events-filter\" method=\"get\" action=\"/events\">"
               "<label>site <select name=\"site\"><option value=\"\">all</option>",
           fiso, tiso, q.limit);
  for (int i = 0; i < w->srv->n_sites; i++) {
    const char *s = w->srv->sites[i].name;
    html_out(&h, "<option%s>", q.site && strcmp(q.site, s) == 0 ? " selected" : "");
    html_esc(&h, s);
    html_out(&h, "</option>");
  }
  html_out(&h, "</select></label> <label>kind <select name=\"kind\"><option value=\"\">all</option>");
  int listed = 0;
  for (int k = 0; kinds[k]; k++) {
    int on = q.kind && strcmp(q.kind, kinds[k]) == 0;
    listed |= on;
    html_out(&h, "<option%s>%s</option>", on ? " selected" : "", kinds[k]);
  }
  if (q.kind && !listed) {
    html_out(&h, "<option selected>");
    html_esc(&h, q.kind);
    html_out(&h, "</option>");
  }
  /* The range's inputs stay empty unless given, so that a filter keeps following now. */
  html_out(&h, "</select></label> <label>from <input name=\"from\" value=\"");
  html_esc(&h, from_s && *from_s ? fiso : "");
  html_out(&h, "\" placeholder=\"30 days ago\" size=\"21\"></label> <label>to <input name=\"to\" "
               "value=\"");
  html_esc(&h, to_s && *to_s ? tiso : "");
  html_out(&h, "\" placeholder=\"a day ahead\" size=\"21\"></label> <label>at most <input "
               "name=\"limit\" value=\"%ld\" size=\"6\"></label> <button>Filter</button></form>",
           q.limit);
  html_out(&h, "<table id=\"events\"><tr><th>time (UTC)</th><th>site</th><th>kind</th>"
               "<th>what</th></tr>");
  size_t i;
  json_t *e;
  json_array_foreach(ev, i, e)
  {
    html_out(&h, "<tr><td>");
    html_esc(&h, sval(e, "time"));
    html_out(&h, "</td><td>");
    if (*sval(e, "site")) {
      html_out(&h, "<a href=\"/clock?site=");
      html_url(&h, sval(e, "site"));
      html_out(&h, "\">");
      html_esc(&h, sval(e, "site"));
      html_out(&h, "</a>");
    } else
      html_out(&h, "server");
    html_out(&h, "</td><td>");
    html_esc(&h, sval(e, "kind"));
    html_out(&h, "</td><td>");
    html_esc(&h, sval(e, "message"));
    html_out(&h, "</td></tr>");
  }
  if (json_array_size(ev) == 0)
    html_out(&h, "<tr><td colspan=\"4\">No events.</td></tr>");
  html_out(&h, "</table><p><small>%zu shown.</small></p>", json_array_size(ev));
  json_decref(ev);
  html_end(&h);
  return html_reply(c, MHD_HTTP_OK, &h);
}
