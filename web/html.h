/* The staff pages' shared HTML helpers (issue 11): a growing page buffer, escaping of
 * everything that comes from data, the page frame (head, navigation, foot), the 404 and
 * 400 pages, and the static files embedded at build time (web/pages.mk). */
#ifndef CVD_WEB_HTML_H
#define CVD_WEB_HTML_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "web/webint.h"

struct html {
  char *p;
  size_t n, cap;
  int unread; /* some of the page could not be read from the store (html_unread) */
};

/* Appends formatted text (the caller escapes what it passes as %s from data). */
void html_out(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' escaped; NULL appends nothing. */
void html_esc(struct html *h, const char *s);
/* Appends s escaped for a URL query value (percent-encoding of all but [A-Za-z0-9._-]). */
void html_url(struct html *h, const char *s);
/* A number with the given decimals, or an en dash when it is not finite. */
void html_num(struct html *h, double v, int decimals);
/* The page's head and navigation; refresh_s > 0 adds a meta refresh; charts loads uPlot and
 * the pages' script. */
void html_begin(struct html *h, const char *title, int refresh_s, int charts);
void html_end(struct html *h);
/* Says on the page that what (its steering log, its events...) could not be read from the
 * store, rather than show the page without it as if there were none. */
void html_unread(struct html *h, const char *what);
/* Queues the page (freed) with the status: 503 instead of 200 when html_unread was said,
 * so that a tool polling the page sees it incomplete. */
enum MHD_Result html_reply(struct MHD_Connection *c, unsigned status, struct html *h);
/* A page saying what is wrong, with status 404 or 400. */
enum MHD_Result html_error(struct MHD_Connection *c, unsigned status, const char *title,
                           const char *msg);
/* "2025-01-01T00:10:00Z" of t, or "never" for 0. */
const char *html_time(int64_t t, char *buf, size_t len);

/* Embeds j (consumed) as <script type="application/json" id="ID"> for the page's script,
 * with < > & escaped so the data cannot end the element. */
void html_json(struct html *h, const char *id, json_t *j);

/* rows (consumed), an array of objects with "t", sorted by t, oldest first (the store's
 * read-outs give some newest first); NULL gives NULL. */
json_t *html_oldest_first(json_t *rows);

/* Shared by the pages (web/page_pair.c): a site this server knows; the reference; the
 * latest track and delays of each site as a table; a remote clock's holdover predictions
 * over [from, to) as a JSON array of [t, x_ns, sigma_ns] (NULL when the store cannot be
 * read). */
int pages_site_known(struct web *w, const char *name);
int pages_is_ref(struct web *w, const char *name);
void pages_track_table(struct html *h, struct web *w, const char *const *sites, int n);
json_t *pages_predictions(struct web *w, const char *site, int64_t from, int64_t to,
                          int64_t now);

/* The pages (web/page_*.c), listed in web/routes_pages.c. */
enum MHD_Result web_page_pair(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_page_clock(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_page_events(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_page_report(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_static_uplot_js(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_static_uplot_css(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_static_uplot_license(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_static_cvd_js(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_static_cvd_css(struct web *w, struct MHD_Connection *c);

/* The files of web/static/, embedded by web/embed.awk into web/static_data.c. */
struct web_static {
  const char *name;
  const unsigned char *data;
  size_t len;
};
extern const struct web_static web_static_files[];

#endif
