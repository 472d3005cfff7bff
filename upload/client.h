/* The site's HTTP client for the upload API (DESIGN.md section 4), on libcurl: signs each
 * request with the site's secret (named by its key id), checks the signature of the
 * response against the request's, and hands back the parsed body.  Over https:// it speaks
 * TLS 1.2 or later and verifies the server by the system's CAs, a CA file given, and a
 * pinned public key if given.  Timeouts are wall time. */
#ifndef CVD_UPLOAD_CLIENT_H
#define CVD_UPLOAD_CLIENT_H

#include <jansson.h>
#include <stddef.h>

enum upl_result {
  UPL_OK = 0,        /* 2xx with a valid signature: *resp holds the body */
  UPL_RETRY = -1,    /* transport failure, 5xx, or a response that cannot be trusted */
  UPL_REFUSED = -2,  /* 4xx: the server refuses this request as it is */
};

struct upl_conf;

struct upl_client {
  void *curl;
  char url[512];         /* base URL, e.g. https://lab.example:8443 */
  char site[32];
  char secret[129];
  char key_id[16];
  char tls_ca[1024], tls_pin[128];
  long timeout_ms;
  long status;           /* HTTP status of the last exchange */
};

int upl_client_init(struct upl_client *c, const struct upl_conf *conf, char *err, size_t errlen);
void upl_client_free(struct upl_client *c);
/* Sends to another server from now on (its base URL; conf's TLS settings hold for all). */
void upl_client_set_server(struct upl_client *c, const char *base_url);

/* POSTs body to path; see enum upl_result.  err says what went wrong. */
enum upl_result upl_post(struct upl_client *c, const char *path, const json_t *body,
                         json_t **resp, char *err, size_t errlen);

/* 1 if url is an http:// or https:// URL we can use as a base. */
int upl_url_ok(const char *url);

#endif
