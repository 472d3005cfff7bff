/* The events page, /events[?site=S][&kind=K][&from=T&to=T][&limit=N]: what the server
 * recorded (state changes, faults, outliers and steps, refused commands, restarts), newest
 * first, filtered by site and kind.  Rendered on the server from the same store as
 * GET /api/v1/events, so that it needs no script. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "server/server.h"
#include "web/html.h"

static const char *sval(const json_t *r, const char *k)
{
  const char *s = json_string_value(json_object_get(r, k));
  return s ? s : "";
}

/* A kind is a word: letters, digits, _ and -. */
static int kind_ok(const char *s)
{
  if (!*s || strlen(s) > 40)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return 0;
  return 1;
}

enum MHD_Result web_page_events(struct web *w, struct MHD_Connection *c)
{
  int64_t now = clk_now();
  const char *site = web_arg(c, "site"), *kind = web_arg(c, "kind"), *lim = web_arg(c, "limit");
  const char *from_s = web_arg(c, "from"), *to_s = web_arg(c, "to");
  char msg[200];
  if (site && !*site)
    site = NULL;
  if (kind && !*kind)
    kind = NULL;
  if (site && !site_name_ok(site))
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", "site= is not a site name");
  if (site && !pages_site_known(w, site)) {
    snprintf(msg, sizeof msg, "No such site: this server knows no site named %s.", site);
    return html_error(c, MHD_HTTP_NOT_FOUND, "Unknown site", msg);
  }
  if (kind && !kind_ok(kind))
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "kind= must be a word of letters, digits, _ and -");
  int64_t from = now - 30 * NS_PER_DAY, to = now + 1;
  if ((from_s && *from_s && tu_parse(from_s, &from) != 0) ||
      (to_s && *to_s && tu_parse(to_s, &to) != 0) || to <= from)
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "from= and to= must be times YYYY-MM-DDTHH:MM:SSZ with from before to");
  long limit = 500;
  if (lim && *lim) {
    char *end;
    limit = strtol(lim, &end, 10);
    if (*end || limit < 1 || limit > 100000)
      return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", "limit= must be 1 to 100000");
  }
  char fiso[40], tiso[40];
  tu_format(from, fiso, sizeof fiso, 0);
  tu_format(to, tiso, sizeof tiso, 0);
  json_t *ev = html_oldest_first(server_events(w->srv, from, to));
  if (!ev)
    ev = json_array();

  struct html h = {0};
  html_begin(&h, "Events", 0, 0);
  html_out(&h, "<p>What the server recorded from %s to %s (UTC), newest first.</p>"
               "<form id=\"events-filter\" method=\"get\" action=\"/events\">"
               "<label>site <select name=\"site\"><option value=\"\">all</option>",
           fiso, tiso);
  for (int i = 0; i < w->srv->n_sites; i++) {
    const char *s = w->srv->sites[i].name;
    html_out(&h, "<option%s>", site && strcmp(site, s) == 0 ? " selected" : "");
    html_esc(&h, s);
    html_out(&h, "</option>");
  }
  html_out(&h, "</select></label> <label>kind <select name=\"kind\"><option value=\"\">all</option>");
  /* The kinds present in the range, each once. */
  json_t *seen = json_object();
  size_t i;
  json_t *e;
  json_array_foreach(ev, i, e) json_object_set_new(seen, sval(e, "kind"), json_true());
  if (kind)
    json_object_set_new(seen, kind, json_true());
  const char *k;
  json_t *v;
  json_object_foreach(seen, k, v)
  {
    html_out(&h, "<option%s>", kind && strcmp(kind, k) == 0 ? " selected" : "");
    html_esc(&h, k);
    html_out(&h, "</option>");
  }
  json_decref(seen);
  /* The range's inputs stay empty unless given, so that a filter keeps following now. */
  html_out(&h, "</select></label> <label>from <input name=\"from\" value=\"");
  html_esc(&h, from_s && *from_s ? fiso : "");
  html_out(&h, "\" placeholder=\"30 days ago\" size=\"21\"></label> <label>to <input name=\"to\" "
               "value=\"");
  html_esc(&h, to_s && *to_s ? tiso : "");
  html_out(&h, "\" placeholder=\"now\" size=\"21\"></label> <button>Filter</button></form>");
  html_out(&h, "<table id=\"events\"><tr><th>time (UTC)</th><th>site</th><th>kind</th>"
               "<th>what</th></tr>");
  long shown = 0;
  for (size_t j = json_array_size(ev); j-- > 0 && shown < limit;) {
    e = json_array_get(ev, j);
    if ((site && strcmp(sval(e, "site"), site) != 0) || (kind && strcmp(sval(e, "kind"), kind) != 0))
      continue;
    char iso[40];
    html_out(&h, "<tr><td>%s</td><td><a href=\"/clock?site=",
             html_time(json_integer_value(json_object_get(e, "t")), iso, sizeof iso));
    html_url(&h, sval(e, "site"));
    html_out(&h, "\">");
    html_esc(&h, sval(e, "site"));
    html_out(&h, "</a></td><td>");
    html_esc(&h, sval(e, "kind"));
    html_out(&h, "</td><td>");
    html_esc(&h, sval(e, "message"));
    html_out(&h, "</td></tr>");
    shown++;
  }
  if (!shown)
    html_out(&h, "<tr><td colspan=\"4\">No events.</td></tr>");
  html_out(&h, "</table><p><small>%ld shown. API: <a href=\"/api/v1/events\">/api/v1/events</a>"
               "</small></p>", shown);
  json_decref(ev);
  html_end(&h);
  return html_reply(c, MHD_HTTP_OK, &h);
}
