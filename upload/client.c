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

#define UPL_MAX_RESPONSE (1 << 20)

struct buf {
  char *p;
  size_t n;
  int overflow;
};

struct resp_headers {
  char sig[SIGN_HEX_LEN + 1];
  char ts[32];
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
  struct buf *b = user;
  size_t n = size * nmemb;
  if (b->n + n > UPL_MAX_RESPONSE) {
    b->overflow = 1;
    return 0;
  }
  char *q = realloc(b->p, b->n + n + 1);
  if (!q)
    return 0;
  memcpy(q + b->n, data, n);
  b->p = q;
  b->n += n;
  b->p[b->n] = '\0';
  return n;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t outlen)
{
  size_t k = strlen(name);
  if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
    return;
  const char *v = line + k + 1;
  const char *end = line + n;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  size_t len = (size_t)(end - v);
  if (len < outlen) {
    memcpy(out, v, len);
    out[len] = '\0';
  }
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
  struct resp_headers *h = user;
  size_t n = size * nmemb;
  header_value(data, n, "X-CVD-Signature", h->sig, sizeof h->sig);
  header_value(data, n, "X-CVD-Timestamp", h->ts, sizeof h->ts);
  return n;
}

int upl_url_ok(const char *url)
{
  return (strncmp(url, "http://", 7) == 0 && url[7]) || (strncmp(url, "https://", 8) == 0 && url[8]);
}

int upl_client_init(struct upl_client *c, const char *base_url, const char *site,
                    const char *secret, long timeout_ms, char *err, size_t errlen)
{
  static int global_done;
  memset(c, 0, sizeof *c);
  if (!upl_url_ok(base_url)) {
    snprintf(err, errlen, "server URL '%s' is not http:// or https://", base_url);
    return -1;
  }
  if (!global_done) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    global_done = 1;
  }
  snprintf(c->url, sizeof c->url, "%s", base_url);
  size_t l = strlen(c->url);
  while (l > 0 && c->url[l - 1] == '/')
    c->url[--l] = '\0';
  snprintf(c->site, sizeof c->site, "%s", site);
  snprintf(c->secret, sizeof c->secret, "%s", secret);
  c->timeout_ms = timeout_ms;
  c->curl = curl_easy_init();
  if (!c->curl) {
    snprintf(err, errlen, "libcurl initialisation failed");
    return -1;
  }
  return 0;
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
  char sig[SIGN_HEX_LEN + 1], url[1024], h1[96], h2[64], h3[96];
  sign_request(c->secret, "POST", path, ts, text, n, sig);
  snprintf(url, sizeof url, "%s%s", c->url, path);
  snprintf(h1, sizeof h1, "X-CVD-Site: %s", c->site);
  snprintf(h2, sizeof h2, "X-CVD-Timestamp: %" PRId64, ts);
  snprintf(h3, sizeof h3, "X-CVD-Signature: %s", sig);
  struct curl_slist *hdr = NULL;
  hdr = curl_slist_append(hdr, "Content-Type: application/json");
  hdr = curl_slist_append(hdr, h1);
  hdr = curl_slist_append(hdr, h2);
  hdr = curl_slist_append(hdr, h3);
  hdr = curl_slist_append(hdr, "Expect:");
  struct buf b = {0};
  struct resp_headers rh = {{0}, {0}};
  CURL *cu = c->curl;
  curl_easy_reset(cu);
  curl_easy_setopt(cu, CURLOPT_URL, url);
  curl_easy_setopt(cu, CURLOPT_POST, 1L);
  curl_easy_setopt(cu, CURLOPT_POSTFIELDS, text);
  curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)n);
  curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(cu, CURLOPT_HEADERDATA, &rh);
  curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, c->timeout_ms);
  curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms < 5000 ? c->timeout_ms : 5000);
  curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(cu, CURLOPT_USERAGENT, "cvd/" PACKAGE_VERSION);
  CURLcode rc = curl_easy_perform(cu);
  enum upl_result result = UPL_RETRY;
  if (rc != CURLE_OK) {
    snprintf(err, errlen, "%s%s", curl_easy_strerror(rc), b.overflow ? " (response too large)" : "");
    goto out;
  }
  curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &c->status);
  json_error_t je;
  json_t *j = b.p ? json_loadb(b.p, b.n, 0, &je) : NULL;
  if (c->status >= 400 && c->status < 500) {
    char e[256] = "";
    char e2[64];
    jx_string(j, "error", JX_OPTIONAL, e, sizeof e, e2, sizeof e2);
    snprintf(err, errlen, "HTTP %ld: %s", c->status, e[0] ? e : "(no reason given)");
    json_decref(j);
    result = UPL_REFUSED;
    goto out;
  }
  if (c->status != 200) {
    snprintf(err, errlen, "HTTP %ld", c->status);
    json_decref(j);
    goto out;
  }
  /* The response must be signed for this very request. */
  char want[SIGN_HEX_LEN + 1];
  char *end;
  long long rts = strtoll(rh.ts, &end, 10);
  if (!rh.ts[0] || *end || !sign_is_hex(rh.sig)) {
    snprintf(err, errlen, "response not signed");
    json_decref(j);
    goto out;
  }
  sign_response(c->secret, (int)c->status, rts, sig, b.p ? b.p : "", b.n, want);
  if (!sign_equal(want, rh.sig)) {
    snprintf(err, errlen, "response signature does not match: ignored");
    json_decref(j);
    goto out;
  }
  if (!j) {
    snprintf(err, errlen, "response is not JSON: %s", je.text);
    goto out;
  }
  *resp = j;
  result = UPL_OK;
out:
  curl_slist_free_all(hdr);
  free(b.p);
  free(text);
  return result;
}
