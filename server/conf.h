/* The server's configuration file: one table (server_items) from which the file is
 * parsed, the defaults set, `cvd help server` and cvd-server(8) made (core/conf.h). */
#ifndef CVD_SERVER_CONF_H
#define CVD_SERVER_CONF_H

#include <stddef.h>

#include "core/conf.h"
#include "core/procconf.h"
#include "server/alert.h"
#include "server/server.h"

/* Where and how the server serves HTTP (web/ serves it). */
struct http_conf {
  char address[64];       /* [127.0.0.1] */
  int port;               /* [8080] */
  int html;               /* serve the pages; the API is always served [yes] */
  size_t max_body;        /* largest upload body accepted, bytes [4 MiB] */
  int threads;            /* [4] */
  int max_connections;    /* in all [1000] */
  int max_per_address;    /* from one client address [32] */
  int client_timeout_s;   /* a connection silent this long is closed [10] */
  char tls_cert[1024];    /* PEM files: HTTPS when given */
  char tls_key[1024];
  int plain_http;         /* plain HTTP on purpose [no] */
  char report_key[1024];  /* Ed25519 PEM that signs /report pages; empty: a key made for
                             the process's life */
};

struct server_conf {
  struct proc_conf proc;   /* first: see procconf.h */
  struct server_app_conf app;
  struct http_conf web;
  struct alert_conf alerts;  /* alert_webhook lines */
  int tick_s;              /* service seconds between holdover checks [60] */
  int secret_inline;       /* a secret is written in the file itself */
  void *site_names;        /* while the file is read: its sites by name (conf.c) */
};

extern const struct conf_item server_items[];

void server_conf_default(struct server_conf *c);
/* Parses path into c; checks what single lines cannot (a reference, known among the
 * sites).  Returns 0 or -1 with "FILE:LINE: ..." or "FILE: ..." in err. */
int server_conf_load(const char *path, struct server_conf *c, char *err, size_t errlen);

#endif
