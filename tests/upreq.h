/* Hand-made requests to the upload API for the tests that try it as an attacker would:
 * bad signatures and timestamps, other methods, other keys, TLS or plain.  The answer's
 * status is 0 when none came. */
#ifndef CVD_TESTS_UPREQ_H
#define CVD_TESTS_UPREQ_H

#include <stddef.h>

#include "tests/cluster.h"
#include "upload/http.h"

struct answer {
  long status;
  char *body;  /* malloc'ed, or NULL */
  size_t len;
};

/* POST body to http://127.0.0.1:port/api/v1/tracks with these headers' values (check
 * assertion that an answer came). */
struct answer up_post(int port, const char *site, long long ts, const char *sig,
                      const char *body, size_t len);
/* A POST for r1 with a zero signature and a hand-written timestamp header line. */
struct answer up_post_raw(int port, const char *ts_header, const char *body);
/* Another method, with a body. */
struct answer up_other_method(int port, const char *method, const char *body);
/* A POST signed with site k's secret, as the site would. */
struct answer up_signed_post(struct cluster *c, int k, long long ts, const char *body);
/* A POST to base (e.g. https://127.0.0.1:PORT) signed with secret and named key_id (NULL:
 * no X-CVD-Key-Id header), checked by tls.  0 when an answer came; -1 with err when the
 * transport failed (a refused certificate among others). */
int up_keyed_post(const char *base, const struct http_tls *tls, const char *site,
                  const char *key_id, const char *secret, long long ts, const char *body,
                  struct answer *a, char *err, size_t errlen);
/* A 4xx answer is a JSON error that names the problem (check assertions); frees a. */
void up_assert_refused(struct answer a, long status, const char *says);
/* An upload of one plausible track of site's, sod seconds into 2025-01-01 (malloc'ed). */
char *up_one_track_body(const char *site, int sod);

#endif
