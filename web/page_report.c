/* The monthly report page, /report?site=NAME&month=YYYY-MM: the report cvd report monthly
 * makes (report/), as HTML, from the server's store read beside the server (a reader
 * connection), signed with the lab's key (report_key) or, without one, with a key this
 * server process makes for its life; the key's fingerprint is on the page. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbc.h"
#include "report/out.h"
#include "report/report.h"
#include "server/server.h"
#include "web/html.h"

static struct rsign_key *page_key;
static pthread_once_t page_key_once = PTHREAD_ONCE_INIT;

static void make_key(void) { page_key = rsign_key_new(); }

/* The report of o from the store, as a signed page; an error page otherwise. */
static enum MHD_Result reply(struct web *w, struct MHD_Connection *c, struct report_opts *o)
{
  char err[512], pub[RSIGN_KEY_HEX + 1], fp[RSIGN_KEY_HEX + 1];
  const struct rsign_key *key = w->report_key;
  if (!key) {
    pthread_once(&page_key_once, make_key);
    key = page_key;
  }
  if (!key)
    return html_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Report", "No key to sign with.");
  struct dbc *db = server_reader_get(w->srv);
  if (!db)
    return html_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "Report", "The store cannot be read.");
  struct report_month r;
  int bad;
  int rc = report_month_build(db, o, &r, &bad, err, sizeof err);
  server_reader_put(w->srv, db);
  if (rc != 0) {
    report_month_free(&r);
    return html_error(c, bad ? MHD_HTTP_NOT_FOUND : MHD_HTTP_SERVICE_UNAVAILABLE, "Report", err);
  }
  rsign_key_public(key, pub, fp);
  size_t len;
  char *text = report_month_text(&r, REPORT_HTML, pub, fp, &len);
  report_month_free(&r);
  if (!text || rsign_sign(key, text, len, err, sizeof err) != 0) {
    free(text);
    return html_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Report", "The report cannot be made.");
  }
  enum MHD_Result res = web_reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", text, len, NULL);
  free(text);
  return res;
}

enum MHD_Result web_page_report(struct web *w, struct MHD_Connection *c)
{
  const char *site = web_arg(c, "site"), *month = web_arg(c, "month");
  char msg[256];
  struct report_opts o;
  report_opts_default(&o);
  if (!site || !*site)
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request", "site= names the remote clock.");
  if (!pages_site_known(w, site)) {
    snprintf(msg, sizeof msg, "No such site: this server knows no site named %.64s.", site);
    return html_error(c, MHD_HTTP_NOT_FOUND, "Unknown site", msg);
  }
  if (pages_is_ref(w, site))
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "The reference is UTC(k): reports are of the remote clocks.");
  if (!month || report_parse_month(month, &o.year, &o.month, msg, sizeof msg) != 0)
    return html_error(c, MHD_HTTP_BAD_REQUEST, "Bad request",
                      "month= wants a UTC month YYYY-MM, e.g. 2025-01.");
  o.site = site;
  o.ref = w->srv->conf.reference;
  return reply(w, c, &o);
}
