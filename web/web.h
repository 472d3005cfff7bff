/* The HTTP server (libmicrohttpd): the upload API, the read API, metrics and the staff
 * pages (DESIGN.md section 4).  Handlers run on libmicrohttpd's threads and reach the
 * server's state only through the engine, which locks. */
#ifndef CVD_WEB_H
#define CVD_WEB_H

#include <stddef.h>
#include <stdint.h>

struct engine;
struct MHD_Daemon;

struct web_conf {
  char address[64];       /* [127.0.0.1] */
  int port;               /* [8080] */
  int html;               /* serve the pages; the API is always served [yes] */
  size_t max_body;        /* largest upload body accepted, bytes [4 MiB] */
  int threads;            /* [4] */
};

void web_conf_default(struct web_conf *c);

struct web_stats {
  unsigned long requests, uploads_ok, uploads_refused;
};

struct web {
  struct MHD_Daemon *daemon;
  struct engine *engine;
  struct web_conf conf;
  struct web_stats stats;  /* updated atomically */
};

int web_start(struct web *w, struct engine *e, const struct web_conf *c, char *err,
              size_t errlen);
void web_stop(struct web *w);

#endif
