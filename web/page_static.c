/* The static files under /static/ (web/static/, embedded at build time by web/embed.awk):
 * uPlot, its stylesheet and licence, the pages' script and stylesheet.  Each with its
 * Content-Type, cached for a day, revalidated by an ETag of its content. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "web/html.h"

static const char *type_of(const char *name)
{
  const char *dot = strrchr(name, '.');
  if (dot && strcmp(dot, ".js") == 0)
    return "text/javascript; charset=utf-8";
  if (dot && strcmp(dot, ".css") == 0)
    return "text/css; charset=utf-8";
  return "text/plain; charset=utf-8";
}

/* FNV-1a of the content, as the ETag. */
static void etag_of(const struct web_static *f, char *buf, size_t len)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < f->len; i++)
    h = (h ^ f->data[i]) * 1099511628211ULL;
  snprintf(buf, len, "\"%016llx\"", (unsigned long long)h);
}

static enum MHD_Result serve(struct MHD_Connection *c, const char *name)
{
  const struct web_static *f = web_static_files;
  while (f->name && strcmp(f->name, name) != 0)
    f++;
  if (!f->name)
    return web_error(c, MHD_HTTP_NOT_FOUND, "no such resource: /static/%s", name);
  char etag[24];
  etag_of(f, etag, sizeof etag);
  const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
  int same = inm && strcmp(inm, etag) == 0;
  struct MHD_Response *r = MHD_create_response_from_buffer(same ? 0 : f->len, (void *)f->data,
                                                           MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type_of(name));
  MHD_add_response_header(r, "Cache-Control", "public, max-age=86400");
  MHD_add_response_header(r, "ETag", etag);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  enum MHD_Result ret = MHD_queue_response(c, same ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

#define STATIC(fn, name)                                                                  \
  enum MHD_Result fn(struct web *w, struct MHD_Connection *c)                              \
  {                                                                                        \
    (void)w;                                                                               \
    return serve(c, name);                                                                 \
  }
STATIC(web_static_uplot_js, "uPlot.iife.min.js")
STATIC(web_static_uplot_css, "uPlot.min.css")
STATIC(web_static_uplot_license, "LICENSE.uPlot")
STATIC(web_static_cvd_js, "cvd.js")
STATIC(web_static_cvd_css, "cvd.css")
