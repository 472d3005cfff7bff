#include "config.h"
#include "upload/client.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/jsonx.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "upload/conf.h"
#include "upload/http.h"

#define UPL_MAX_RESPONSE (1 << 20)

/* What the answer r to the request signed sig means; *resp gets a trusted body. */
static enum upl_result check_reply(struct upl_client *c, const struct http_reply *r,
                                   const char *sig, json_t **resp, char *err, size_t errlen)
{
  c->status = r->status;
  json_error_t je;
  json_t *j = r->body ? json_loadb(r->body, r->len, 0, &je) : NULL;
  if (c->status >= 400 && c->status < 500) {
    char e[256] = "", e2[64];
    jx_string(j, "error", JX_OPTIONAL, e, sizeof e, e2, sizeof e2);
    snprintf(err, errlen, "HTTP %ld: %s", c->status, e[0] ? e : "(no reason given)");
    json_decref(j);
    return UPL_REFUSED;
  }
  if (c->status != 200) {
    snprintf(err, errlen, "HTTP %ld", c->status);
    json_decref(j);
    return UPL_RETRY;
  }
  /* The response must be signed for this very request. */
  char want[SIGN_HEX_LEN + 1], *end;
  long long rts = strtoll(r->ts, &end, 10);
  if (!r->ts[0] || *end || !sign_is_hex(r->sig)) {
    snprintf(err, errlen, "response not signed");
    json_decref(j);
    return UPL_RETRY;
  }
  sign_response(c->secret, (int)c->status, rts, sig, r->body ? r->body : "", r->len, want);
  if (!sign_equal(want, r->sig)) {
    snprintf(err, errlen, "response signature does not match: ignored");
    json_decref(j);
    return UPL_RETRY;
  }
  if (!j) {
    snprintf(err, errlen, "response is not JSON: %s", je.text);
    return UPL_RETRY;
  }
  *resp = j;
  return UPL_OK;
}

int upl_url_ok(const char *url)
{
  return (strncmp(url, "http://", 7) == 0 && url[7]) || (strncmp(url, "https://", 8) == 0 && url[8]);
}

int upl_client_init(struct upl_client *c, const struct upl_conf *conf, char *err, size_t errlen)
{
  static int global_done;
  const char *base_url = conf->server;
  memset(c, 0, sizeof *c);
  if (!upl_url_ok(base_url)) {
    snprintf(err, errlen, "server URL '%s' is not http:// or https://", base_url);
    return -1;
  }
  if (upl_conf_check(conf, err, errlen) != 0)
    return -1;
  if (!global_done) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    global_done = 1;
  }
  upl_client_set_server(c, base_url);
  snprintf(c->site, sizeof c->site, "%s", conf->site);
  snprintf(c->secret, sizeof c->secret, "%s", conf->secret);
  snprintf(c->key_id, sizeof c->key_id, "%s", conf->key_id[0] ? conf->key_id : "1");
  snprintf(c->tls_ca, sizeof c->tls_ca, "%s", conf->tls_ca);
  snprintf(c->tls_pin, sizeof c->tls_pin, "%s", conf->tls_pin);
  c->timeout_ms = (long)(conf->timeout_s * 1000);
  c->curl = curl_easy_init();
  if (!c->curl) {
    snprintf(err, errlen, "libcurl initialisation failed");
    return -1;
  }
  return 0;
}

void upl_client_set_server(struct upl_client *c, const char *base_url)
{
  snprintf(c->url, sizeof c->url, "%s", base_url);
  size_t l = strlen(c->url);
  while (l > 0 && c->url[l - 1] == '/')
    c->url[--l] = '\0';
}

void upl_client_free(struct upl_client *c)
{
  if (c->curl)
    curl_easy_cleanup(c->curl);
  c->curl = NULL;
}

enum upl_result upl_post(struct upl_client *c, const char *path, const json_t *body,
                         json_t **resp, char *err, size_t errlen)
{
  *resp = NULL;
  c->status = 0;
  char *text = jx_dump(body);
  if (!text) {
    snprintf(err, errlen, "cannot serialise the request");
    return UPL_RETRY;
  }
  size_t n = strlen(text);
  int64_t ts = tu_wall_ns() / NS_PER_S;
  char sig[SIGN_HEX_LEN + 1], url[1024], h1[96], h2[64], h3[96], h4[48];
  sign_request(c->secret, "POST", path, ts, text, n, sig);
  snprintf(url, sizeof url, "%s%s", c->url, path);
  snprintf(h1, sizeof h1, "X-CVD-Site: %s", c->site);
  snprintf(h2, sizeof h2, "X-CVD-Timestamp: %" PRId64, ts);
  snprintf(h3, sizeof h3, "X-CVD-Signature: %s", sig);
  snprintf(h4, sizeof h4, "X-CVD-Key-Id: %s", c->key_id);
  const char *hdr[] = {"Content-Type: application/json", h1, h2, h3, h4, "Expect:", NULL};
  struct http_tls tls = {c->tls_ca, c->tls_pin};
  struct http_reply r;
  int rc = http_exchange_tls(c->curl, "POST", url, hdr, text, n, c->timeout_ms, UPL_MAX_RESPONSE,
                             &tls, &r, err, errlen);
  free(text);
  enum upl_result result = rc == 0 ? check_reply(c, &r, sig, resp, err, errlen) : UPL_RETRY;
  http_reply_free(&r);
  return result;
}
