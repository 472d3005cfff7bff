/* The staff pages' shared HTML helpers (web/html.h). */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "web/html.h"

static void grow(struct html *h, size_t k)
{
  if (h->n + k + 1 <= h->cap)
    return;
  size_t cap = (h->cap ? h->cap * 2 : 16384) + k;
  char *q = realloc(h->p, cap);
  if (!q)
    abort();
  h->p = q;
  h->cap = cap;
}

void html_out(struct html *h, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (k < 0)
    return;
  grow(h, (size_t)k);
  va_start(ap, fmt);
  vsnprintf(h->p + h->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  h->n += (size_t)k;
}

void html_esc(struct html *h, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': html_out(h, "&amp;"); break;
    case '<': html_out(h, "&lt;"); break;
    case '>': html_out(h, "&gt;"); break;
    case '"': html_out(h, "&quot;"); break;
    case '\'': html_out(h, "&#39;"); break;
    default:
      grow(h, 1);
      h->p[h->n++] = *s;
      h->p[h->n] = '\0';
    }
  }
}

void html_url(struct html *h, const char *s)
{
  for (; s && *s; s++) {
    unsigned char u = (unsigned char)*s;
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
        strchr("._-", u))
      html_out(h, "%c", u);
    else
      html_out(h, "%%%02X", u);
  }
}

void html_num(struct html *h, double v, int decimals)
{
  if (isfinite(v))
    html_out(h, "%.*f", decimals, v);
  else
    html_out(h, "&ndash;");
}

const char *html_time(int64_t t, char *buf, size_t len)
{
  if (t == 0) {
    snprintf(buf, len, "never");
    return buf;
  }
  return tu_format(t, buf, len, 0);
}

void html_begin(struct html *h, const char *title, int refresh_s, int charts)
{
  html_out(h, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width\">");
  if (refresh_s > 0)
    html_out(h, "<meta http-equiv=\"refresh\" content=\"%d\">", refresh_s);
  html_out(h, "<title>cvd: ");
  html_esc(h, title);
  html_out(h, "</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/cvd.css\">");
  if (charts)
    html_out(h, "<link rel=\"stylesheet\" href=\"/static/uPlot.min.css\">"
                "<script src=\"/static/uPlot.iife.min.js\" defer></script>"
                "<script src=\"/static/cvd.js\" defer></script>");
  html_out(h, "</head><body><nav><a href=\"/\">Grid</a> <a href=\"/events\">Events</a> "
              "<a href=\"/api/v1/grid\">API</a></nav><h1>");
  html_esc(h, title);
  html_out(h, "</h1>");
}

void html_end(struct html *h)
{
  html_out(h, "<footer>cvd &middot; charts by <a href=\"/static/LICENSE.uPlot\">uPlot</a> "
              "(MIT), served from this server</footer></body></html>\n");
}

void html_unread(struct html *h, const char *what)
{
  html_out(h, "<p class=\"err unread\">The store could not be read just now, so this page "
              "lacks ");
  html_esc(h, what);
  html_out(h, ". Reload it in a moment; the server's log says why.</p>");
  h->unread = 1;
}

enum MHD_Result html_reply(struct MHD_Connection *c, unsigned status, struct html *h)
{
  if (h->unread && status == MHD_HTTP_OK)
    status = MHD_HTTP_SERVICE_UNAVAILABLE;
  enum MHD_Result r =
      web_reply(c, status, "text/html; charset=utf-8", h->p ? h->p : "", h->n, NULL);
  free(h->p);
  h->p = NULL;
  h->n = h->cap = 0;
  return r;
}

enum MHD_Result html_error(struct MHD_Connection *c, unsigned status, const char *title,
                           const char *msg)
{
  struct html h = {0};
  html_begin(&h, title, 0, 0);
  html_out(&h, "<p class=\"err\">");
  html_esc(&h, msg);
  html_out(&h, "</p><p><a href=\"/\">Back to the grid</a></p>");
  html_end(&h);
  return html_reply(c, status, &h);
}

void html_json(struct html *h, const char *id, json_t *j)
{
  char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
  json_decref(j);
  html_out(h, "<script type=\"application/json\" id=\"%s\">", id);
  for (const char *s = text ? text : "null"; *s; s++) {
    if (*s == '<' || *s == '>' || *s == '&')
      html_out(h, "\\u%04x", (unsigned)*s);
    else
      html_out(h, "%c", *s);
  }
  html_out(h, "</script>");
  free(text);
}

static int by_t(const void *x, const void *y)
{
  json_int_t a = json_integer_value(json_object_get(*(json_t *const *)x, "t"));
  json_int_t b = json_integer_value(json_object_get(*(json_t *const *)y, "t"));
  return a < b ? -1 : a > b;
}

json_t *html_oldest_first(json_t *rows)
{
  if (!rows)
    return NULL; /* a read that failed stays one */
  size_t n = json_array_size(rows);
  json_t **v = malloc((n + 1) * sizeof *v);
  if (!v)
    return rows;
  for (size_t i = 0; i < n; i++)
    v[i] = json_incref(json_array_get(rows, i));
  qsort(v, n, sizeof *v, by_t);
  json_t *out = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(out, v[i]);
  free(v);
  json_decref(rows);
  return out;
}
