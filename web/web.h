/* The HTTP server (libmicrohttpd): the upload API, the read API, metrics and the staff
 * pages (DESIGN.md section 4).  Handlers run on libmicrohttpd's threads and reach the
 * server's state only through server/server.h, which locks. */
#ifndef CVD_WEB_H
#define CVD_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "server/conf.h"
#include "web/limits.h"

struct MHD_Daemon;
struct rsign_key;

struct web_stats {
  unsigned long requests, uploads_ok, uploads_refused;
};

struct web {
  struct MHD_Daemon *daemon;
  struct server *srv;
  struct http_conf conf;
  struct web_stats stats;  /* updated atomically */
  struct web_limits limits;
  char *tls_cert, *tls_key;  /* PEM text, kept while libmicrohttpd runs; NULL: plain HTTP */
  struct rsign_key *report_key; /* report_key's, or NULL: /report makes one for the process */
};

int web_start(struct web *w, struct server *srv, const struct http_conf *c, char *err,
              size_t errlen);
void web_stop(struct web *w);

#endif
