/* GET /api/v1/events (issue 11): the server's events, newest first, filtered by site, kind
 * and time:  {"events": [{"t_ns", "time", "site", "kind", "message"}, ...]}. */
#include "config.h"

#include "core/clock.h"
#include "db/store.h"
#include "server/server.h"
#include "web/query.h"
#include "web/webint.h"

enum MHD_Result web_api_events(struct web *w, struct MHD_Connection *c)
{
  struct web_query q;
  char err[200];
  if (web_query_events(web_mhd_arg, c, clk_now(), &q, err, sizeof err) != 0)
    return web_error(c, MHD_HTTP_BAD_REQUEST, "%s", err);
  if (q.site && !server_site_known(w->srv, q.site))
    return web_error(c, MHD_HTTP_NOT_FOUND, "unknown site '%s'", q.site);
  struct store_event_filter f = {
      .site = q.site, .kind = q.kind, .from = q.from, .to = q.to, .limit = (int)q.limit};
  json_t *ev = server_events_query(w->srv, &f);
  if (!ev)
    return web_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "query failed");
  return web_reply_json(c, MHD_HTTP_OK, json_pack("{s:o}", "events", ev), NULL);
}
