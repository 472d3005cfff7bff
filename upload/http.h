/* One HTTP exchange on libcurl: the site's upload client (client.h) is made of it, and so
 * are cvd demo's look at the grid and the tests' hand-made requests, so there is one
 * client.  A method, a URL, header lines and a body go out; the status, the body (at most
 * max_body bytes) and the upload API's response headers (X-CVD-Signature,
 * X-CVD-Timestamp) come back.  Timeouts are wall time. */
#ifndef CVD_UPLOAD_HTTP_H
#define CVD_UPLOAD_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "core/sign.h"

struct http_reply {
  long status;                 /* 0 when no answer came */
  char *body;                  /* NUL-terminated (malloc'ed; NULL when empty) */
  size_t len;
  int overflow;                /* the body was longer than allowed: cut off */
  char sig[SIGN_HEX_LEN + 1];  /* X-CVD-Signature, "" if absent */
  char ts[32];                 /* X-CVD-Timestamp, "" if absent */
};

/* headers: NULL-terminated "Name: value" lines, or NULL.  curl: a handle to reuse (reset
 * here), or NULL for a new one.  Returns 0 when an answer came (any status), or -1 with
 * err (the transport failed or timed out).  Free r with http_reply_free either way. */
int http_exchange(void *curl, const char *method, const char *url, const char *const *headers,
                  const char *body, size_t len, long timeout_ms, size_t max_body,
                  struct http_reply *r, char *err, size_t errlen);
void http_reply_free(struct http_reply *r);

/* How an https:// exchange (TLS 1.2 or later) checks the server: by the system's CAs, or
 * by the CA file ca; and by a pinned public key ("sha256//BASE64") if given.  A pin
 * without a CA file is the whole check: the key is known, the chain, name and dates are
 * not looked at (a self-signed certificate serves). */
struct http_tls {
  const char *ca;
  const char *pin;
};
int http_exchange_tls(void *curl, const char *method, const char *url, const char *const *headers,
                      const char *body, size_t len, long timeout_ms, size_t max_body,
                      const struct http_tls *tls, struct http_reply *r, char *err,
                      size_t errlen);

/* GET url and parse the body: the JSON of a 200 answer, or NULL (*status, if not NULL,
 * says what came: 0 for no answer). */
json_t *http_get_json(const char *url, long timeout_ms, long *status);

#endif
