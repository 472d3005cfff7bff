/* The site's settings for sending (directives in cvd-site(8)): the server and how it is
 * reached (TLS verified by a CA or a pinned key, plain HTTP only on purpose), the secret
 * and its id, the timeout, the batch and the backoff. */
#ifndef CVD_UPLOAD_CONF_H
#define CVD_UPLOAD_CONF_H

#include "core/conf.h"
#include "core/track.h"

#define UPL_MAX_SERVERS 8

struct upl_conf {
  char server[512];           /* base URL of the central server (required): the first
                                 'server' line */
  char more_servers[UPL_MAX_SERVERS - 1][512]; /* the next ones (issue 13): when an exchange
                                 with one fails, the next is tried, in turn */
  int n_more;
  char site[SITE_NAME_MAX];   /* this site's name */
  char secret[129];           /* HMAC secret shared with the server (required) */
  char key_id[16];            /* its id, sent in X-CVD-Key-Id [1] */
  char tls_ca[1024];          /* CA certificates to verify the server by ["": the system's] */
  char tls_pin[128];          /* sha256//BASE64 of the server's public key, or "" */
  int plain_http;             /* an http:// server on purpose [no] */
  int secret_inline;          /* the secret was written in the configuration itself */
  double timeout_s;           /* wall-clock limit of one exchange [10] */
  int batch;                  /* tracks per request [144] */
  int retry_min_s, retry_max_s; /* backoff between failed exchanges [10, 600] */
};

/* server, secret, upload_timeout, upload_batch and retry as configuration directives
 * (core/conf.h), for a struct upl_conf; the site's name comes from its own directive. */
extern const struct conf_item upl_items[];
void upl_conf_default(struct upl_conf *c);
/* 0 if the settings hang together (an http:// server wants plain_http); -1 with err.  A
 * secret_inline makes the configuration file a secret file: its loader checks that. */
int upl_conf_check(const struct upl_conf *c, char *err, size_t errlen);
/* The servers in the order given: n of them, server i's base URL (0: c->server). */
int upl_conf_n_servers(const struct upl_conf *c);
const char *upl_conf_server(const struct upl_conf *c, int i);

#endif
