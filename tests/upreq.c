#include "config.h"
#include "tests/upreq.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "core/track.h"

static int exchange(const char *method, const char *url, const struct http_tls *tls,
                    const char *const *h, const char *body, size_t len, struct answer *a,
                    char *err, size_t errlen)
{
  struct http_reply r;
  int rc = http_exchange_tls(NULL, method, url, h, body, len, 10000, 1 << 20, tls, &r, err,
                             errlen);
  *a = (struct answer){r.status, r.body, r.len};
  if (rc != 0)
    http_reply_free(&r);
  return rc;
}

struct answer up_post(int port, const char *site, long long ts, const char *sig,
                      const char *body, size_t len)
{
  char url[128], h1[1200], h2[96], h3[128], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, MSG_PATH_TRACKS);
  snprintf(h1, sizeof h1, "X-CVD-Site: %s", site);
  snprintf(h2, sizeof h2, "X-CVD-Timestamp: %lld", ts);
  snprintf(h3, sizeof h3, "X-CVD-Signature: %s", sig);
  const char *h[] = {h1, h2, h3, "Expect:", NULL};
  struct answer a;
  ck_assert_msg(exchange("POST", url, NULL, h, body, len, &a, err, sizeof err) == 0, "%s", err);
  return a;
}

struct answer up_post_raw(int port, const char *ts_header, const char *body)
{
  char url[128], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, MSG_PATH_TRACKS);
  const char *h[] = {"X-CVD-Site: r1", ts_header,
                     "X-CVD-Signature: 0000000000000000000000000000000000000000000000000000000000000000",
                     "Expect:", NULL};
  struct answer a;
  ck_assert_msg(exchange("POST", url, NULL, h, body, strlen(body), &a, err, sizeof err) == 0,
                "%s", err);
  return a;
}

struct answer up_other_method(int port, const char *method, const char *body)
{
  char url[128], err[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, MSG_PATH_TRACKS);
  const char *h[] = {"Content-Type: application/json", "Expect:", NULL};
  struct answer a;
  ck_assert_msg(exchange(method, url, NULL, h, body, strlen(body), &a, err, sizeof err) == 0,
                "%s %s: %s", method, url, err);
  return a;
}

struct answer up_signed_post(struct cluster *c, int k, long long ts, const char *body)
{
  char sig[SIGN_HEX_LEN + 1];
  sign_request(c->nc.secret[k], "POST", MSG_PATH_TRACKS, ts, body, strlen(body), sig);
  return up_post(c->port, cl_name(k), ts, sig, body, strlen(body));
}

int up_keyed_post(const char *base, const struct http_tls *tls, const char *site,
                  const char *key_id, const char *secret, long long ts, const char *body,
                  struct answer *a, char *err, size_t errlen)
{
  char url[256], sig[SIGN_HEX_LEN + 1], h1[96], h2[96], h3[128], h4[64];
  size_t len = strlen(body);
  sign_request(secret, "POST", MSG_PATH_TRACKS, ts, body, len, sig);
  snprintf(url, sizeof url, "%s%s", base, MSG_PATH_TRACKS);
  snprintf(h1, sizeof h1, "X-CVD-Site: %s", site);
  snprintf(h2, sizeof h2, "X-CVD-Timestamp: %lld", ts);
  snprintf(h3, sizeof h3, "X-CVD-Signature: %s", sig);
  snprintf(h4, sizeof h4, "X-CVD-Key-Id: %s", key_id ? key_id : "");
  const char *h[] = {h1, h2, h3, "Expect:", key_id ? h4 : NULL, NULL};
  return exchange("POST", url, tls, h, body, len, a, err, errlen);
}

void up_assert_refused(struct answer a, long status, const char *says)
{
  ck_assert_int_eq(a.status, status);
  json_t *j = json_loads(a.body ? a.body : "", 0, NULL);
  ck_assert_msg(j != NULL, "error body is not JSON: %s", a.body ? a.body : "");
  ck_assert(json_is_false(json_object_get(j, "ok")));
  const char *e = json_string_value(json_object_get(j, "error"));
  ck_assert_msg(e && strstr(e, says), "error '%s' does not say '%s'", e ? e : "", says);
  json_decref(j);
  free(a.body);
}

char *up_one_track_body(const char *site, int sod)
{
  struct track t;
  int64_t slot;
  ck_assert_int_eq(tu_parse("2025-01-01T00:00:00Z", &slot), 0);
  track_init(&t, site, slot + (int64_t)sod * NS_PER_S);
  t.value_ns = 12.5;
  t.sigma_ns = 3;
  t.n_used = 600;
  json_t *j = msg_upload_request(site, NULL, &t, 1);
  char *s = jx_dump(j);
  json_decref(j);
  return s;
}
