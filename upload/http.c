#include "config.h"
#include "upload/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sink {
  struct http_reply *r;
  size_t max;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
  struct sink *s = user;
  size_t n = size * nmemb;
  if (s->r->len + n > s->max) {
    s->r->overflow = 1;
    return 0;
  }
  char *q = realloc(s->r->body, s->r->len + n + 1);
  if (!q)
    return 0;
  memcpy(q + s->r->len, data, n);
  s->r->body = q;
  s->r->len += n;
  s->r->body[s->r->len] = '\0';
  return n;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t outlen)
{
  size_t k = strlen(name);
  if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
    return;
  const char *v = line + k + 1, *end = line + n;
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
  struct http_reply *r = user;
  size_t n = size * nmemb;
  header_value(data, n, "X-CVD-Signature", r->sig, sizeof r->sig);
  header_value(data, n, "X-CVD-Timestamp", r->ts, sizeof r->ts);
  return n;
}

int http_exchange(void *curl, const char *method, const char *url, const char *const *headers,
                  const char *body, size_t len, long timeout_ms, size_t max_body,
                  struct http_reply *r, char *err, size_t errlen)
{
  return http_exchange_tls(curl, method, url, headers, body, len, timeout_ms, max_body, NULL, r,
                           err, errlen);
}

int http_exchange_tls(void *curl, const char *method, const char *url, const char *const *headers,
                      const char *body, size_t len, long timeout_ms, size_t max_body,
                      const struct http_tls *tls, struct http_reply *r, char *err,
                      size_t errlen)
{
  memset(r, 0, sizeof *r);
  CURL *cu = curl ? curl : curl_easy_init();
  if (!cu) {
    snprintf(err, errlen, "libcurl initialisation failed");
    return -1;
  }
  curl_easy_reset(cu);
  struct curl_slist *hdr = NULL;
  for (int i = 0; headers && headers[i]; i++)
    hdr = curl_slist_append(hdr, headers[i]);
  struct sink sink = {r, max_body};
  curl_easy_setopt(cu, CURLOPT_URL, url);
  curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
  if (body) {
    curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)len);
  }
  curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(cu, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(cu, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
  curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(cu, CURLOPT_USERAGENT, "cvd/" PACKAGE_VERSION);
  curl_easy_setopt(cu, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
  if (tls && tls->ca && tls->ca[0])
    curl_easy_setopt(cu, CURLOPT_CAINFO, tls->ca);
  if (tls && tls->pin && tls->pin[0]) {
    curl_easy_setopt(cu, CURLOPT_PINNEDPUBLICKEY, tls->pin);
    /* A pin alone: the server is known by its key, as ssh knows a host, and a self-signed
     * certificate serves; with a CA file both must hold. */
    if (!tls->ca || !tls->ca[0]) {
      curl_easy_setopt(cu, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(cu, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  }
  char why[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, why);
  CURLcode rc = curl_easy_perform(cu);
  curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, NULL);
  if (rc == CURLE_OK)
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &r->status);
  else /* libcurl's own words say what a TLS failure was: "certificate has expired" */
    snprintf(err, errlen, "%s%s", why[0] ? why : curl_easy_strerror(rc),
             r->overflow ? " (response too large)" : "");
  curl_slist_free_all(hdr);
  if (!curl)
    curl_easy_cleanup(cu);
  return rc == CURLE_OK ? 0 : -1;
}

void http_reply_free(struct http_reply *r)
{
  free(r->body);
  r->body = NULL;
  r->len = 0;
}

json_t *http_get_json(const char *url, long timeout_ms, long *status)
{
  struct http_reply r;
  char err[256];
  json_t *j = NULL;
  if (http_exchange(NULL, "GET", url, NULL, NULL, 0, timeout_ms, 64u << 20, &r, err,
                    sizeof err) == 0 &&
      r.status == 200 && r.body)
    j = json_loadb(r.body, r.len, 0, NULL);
  if (status)
    *status = r.status;
  http_reply_free(&r);
  return j;
}
