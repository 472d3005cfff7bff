#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/secret.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/msg.h"
#include "report/sign.h"
#include "server/cggtts_ingest.h"
#include "web/webint.h"

enum MHD_Result web_reply(struct MHD_Connection *c, unsigned status, const char *type,
                          const char *body, size_t len, const char *const *headers)
{
  /* libmicrohttpd 0.9.75 has no _copy variant: MUST_COPY is the same. */
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  for (int i = 0; headers && headers[i]; i += 2)
    MHD_add_response_header(r, headers[i], headers[i + 1]);
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

enum MHD_Result web_reply_json(struct MHD_Connection *c, unsigned status, json_t *j,
                               const char *const *headers)
{
  char *text = jx_dump(j);
  json_decref(j);
  if (!text)
    return MHD_NO;
  enum MHD_Result ret = web_reply(c, status, "application/json", text, strlen(text), headers);
  free(text);
  return ret;
}

enum MHD_Result web_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return web_reply_json(c, status, msg_error("%s", buf), NULL);
}

const char *web_arg(struct MHD_Connection *c, const char *name)
{
  return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result dispatch(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *data,
                                size_t *data_size, void **con_cls)
{
  (void)version;
  struct web *w = cls;
  int is_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
  int is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

  if (*con_cls == NULL) {
    struct web_req *r = calloc(1, sizeof *r);
    if (!r)
      return MHD_NO;
    *con_cls = r;
    __atomic_add_fetch(&w->stats.requests, 1, __ATOMIC_RELAXED);
    if (is_post) {
      const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      if (cl && strtoull(cl, NULL, 10) > w->conf.max_body) {
        __atomic_add_fetch(&w->stats.uploads_refused, 1, __ATOMIC_RELAXED);
        return web_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "body of %s bytes is over the limit of %zu",
                         cl, w->conf.max_body);
      }
    }
    return MHD_YES;
  }
  struct web_req *r = *con_cls;
  if (*data_size > 0 && !is_post) {
    /* A body where none belongs: read to its end, then answered (405 and the like);
     * an answer queued while it still comes would only close the connection. */
    *data_size = 0;
    return MHD_YES;
  }
  if (is_post && *data_size > 0) {
    if (!r->too_big && r->len + *data_size <= w->conf.max_body) {
      char *p = realloc(r->body, r->len + *data_size + 1);
      if (!p)
        return MHD_NO;
      memcpy(p + r->len, data, *data_size);
      r->body = p;
      r->len += *data_size;
      r->body[r->len] = '\0';
    } else
      r->too_big = 1;
    *data_size = 0;
    return MHD_YES;
  }

  int cggtts = strcmp(url, SERVER_CGGTTS_PATH) == 0; /* server/cggtts_ingest.h */
  if (strcmp(url, MSG_PATH_TRACKS) == 0 || cggtts) {
    if (!is_post)
      return web_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "%s takes POST", url);
    if (r->too_big) {
      __atomic_add_fetch(&w->stats.uploads_refused, 1, __ATOMIC_RELAXED);
      return web_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "body over the limit of %zu bytes",
                       w->conf.max_body);
    }
    return cggtts ? web_cggtts_upload(w, c, url, r) : web_upload(w, c, url, r);
  }
  if (!is_get)
    return web_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "%s takes GET", url);
  for (const struct web_route *rt = web_api_routes; rt->path; rt++)
    if (strcmp(url, rt->path) == 0)
      return rt->get(w, c);
  for (const struct web_route *rt = web_page_routes; w->conf.html && rt->path; rt++)
    if (strcmp(url, rt->path) == 0)
      return rt->get(w, c);
  return web_error(c, MHD_HTTP_NOT_FOUND, "no such resource: %s", url);
}

/* What one connection may hold for its headers and buffers: a request line and headers
 * bigger than this are refused (431/413) by libmicrohttpd itself.  At most 32 KiB, so
 * that libmicrohttpd takes a connection's pool from malloc: above it maps the pool
 * afresh for each connection and zeroes it page by page (memset and page faults were 6 %
 * of the server's CPU with one upload a connection, bench/bench_ingest). */
#define HEADER_MEMORY (32 * 1024)

/* TLS 1.2 and later only (GnuTLS priority string: libmicrohttpd's TLS is GnuTLS). */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static void tls_free(struct web *w)
{
  if (w->tls_key)
    memset(w->tls_key, 0, strlen(w->tls_key));
  free(w->tls_key);
  free(w->tls_cert);
  w->tls_key = w->tls_cert = NULL;
}

/* The certificate (chain) and the private key, read for libmicrohttpd; the key's file must
 * be readable by its owner alone. */
static int tls_load(struct web *w, const struct http_conf *c, char *err, size_t errlen)
{
  size_t n;
  FILE *f = fopen(c->tls_cert, "r");
  if (!f) {
    snprintf(err, errlen, "%s: %s", c->tls_cert, strerror(errno));
    return -1;
  }
  w->tls_cert = calloc(1, 1 << 20);
  n = w->tls_cert ? fread(w->tls_cert, 1, (1 << 20) - 1, f) : 0;
  fclose(f);
  if (!n) {
    snprintf(err, errlen, "%s: empty, or not readable", c->tls_cert);
    tls_free(w);
    return -1;
  }
  w->tls_key = secret_file_read(c->tls_key, 1 << 20, &n, err, errlen);
  if (!w->tls_key) {
    tls_free(w);
    return -1;
  }
  return 0;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
  (void)cls;
  (void)c;
  (void)toe;
  struct web_req *r = *con_cls;
  if (r) {
    free(r->body);
    free(r);
  }
  *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
  (void)cls;
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  size_t n = strlen(buf);
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  LOGW("web", "%s", buf);
}

int web_start(struct web *w, struct server *srv, const struct http_conf *c, char *err,
              size_t errlen)
{
  memset(w, 0, sizeof *w);
  w->srv = srv;
  w->conf = *c;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
  if (inet_pton(AF_INET, c->address, &sa.sin_addr) != 1) {
    snprintf(err, errlen, "listen address '%s' is not an IPv4 address", c->address);
    return -1;
  }
  if (!c->plain_http && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
    snprintf(err, errlen, "this libmicrohttpd was built without TLS (GnuTLS)");
    return -1;
  }
  if (c->report_key[0] && !(w->report_key = rsign_key_load(c->report_key, err, errlen)))
    return -1;
  web_limits_init(&w->limits, c->max_per_address);
  if (!c->plain_http && tls_load(w, c, err, errlen) != 0) {
    web_limits_free(&w->limits);
    rsign_key_free(w->report_key);
    w->report_key = NULL;
    return -1;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG;
  if (!c->plain_http)
    flags |= MHD_USE_TLS;
  /* Options after MHD_OPTION_HTTPS_MEM_KEY are cut off (MHD_OPTION_END) without TLS. */
  w->daemon = MHD_start_daemon(
      flags, (uint16_t)c->port, web_limits_accept, &w->limits, dispatch, w,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(c->threads > 0 ? c->threads : 1),
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->client_timeout_s,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
      MHD_OPTION_NOTIFY_COMPLETED, completed, w,
      MHD_OPTION_NOTIFY_CONNECTION, web_limits_notify, &w->limits,
      c->plain_http ? MHD_OPTION_END : MHD_OPTION_HTTPS_MEM_KEY, w->tls_key,
      MHD_OPTION_HTTPS_MEM_CERT, w->tls_cert, MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
      MHD_OPTION_END);
  if (!w->daemon) {
    tls_free(w);
    web_limits_free(&w->limits);
    rsign_key_free(w->report_key);
    w->report_key = NULL;
    snprintf(err, errlen, "cannot listen on %s:%d (in use, or not permitted%s)", c->address,
             c->port, c->plain_http ? "" : ", or the certificate and key are not a pair");
    return -1;
  }
  return 0;
}

void web_stop(struct web *w)
{
  if (w->daemon) {
    MHD_stop_daemon(w->daemon);
    web_limits_free(&w->limits);
    tls_free(w);
  }
  rsign_key_free(w->report_key);
  w->report_key = NULL;
  w->daemon = NULL;
}
