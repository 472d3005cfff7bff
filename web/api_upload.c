/* POST /api/v1/tracks: authentication (HMAC-SHA256 per site, wall-clock timestamp within
 * 300 s), validation, then the server (server/server.h), which refuses a replay; the
 * response is signed over the request's signature so it cannot be replayed for another
 * request.  A request refused for any reason changes nothing. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "server/server.h"
#include "web/query.h"
#include "web/webint.h"

/* What an unauthenticated request claims to be, fit for a log line: a site name, or
 * nothing the sender chose (a header of 1 KB, control characters, markup). */
static const char *claimed(const char *site)
{
  return site && site_name_ok(site) ? site : "(no valid site name)";
}

static enum MHD_Result refuse(struct web *w, struct MHD_Connection *c, unsigned status,
                              const char *site, const char *why)
{
  __atomic_add_fetch(&w->stats.uploads_refused, 1, __ATOMIC_RELAXED);
  LOGW("web", "upload from %s refused (%u): %s", claimed(site), status, why);
  return web_error(c, status, "%s", why);
}

/* X-CVD-Timestamp: Unix seconds, digits only and at most 12 of them, so that nothing
 * computed from it can overflow.  0, or -1. */
static int parse_timestamp(const char *s, int64_t *out)
{
  size_t n = strlen(s);
  if (n == 0 || n > 12 || strspn(s, "0123456789") != n)
    return -1;
  *out = strtoll(s, NULL, 10);
  return 0;
}

enum MHD_Result web_signed_reply(struct MHD_Connection *c, unsigned status, json_t *body,
                                 const char *secret, const char *req_sig)
{
  char *text = jx_dump(body);
  json_decref(body);
  if (!text)
    return MHD_NO;
  char sig[SIGN_HEX_LEN + 1], ts[32];
  int64_t now = tu_wall_ns() / NS_PER_S;
  sign_response(secret, (int)status, now, req_sig, text, strlen(text), sig);
  snprintf(ts, sizeof ts, "%" PRId64, now);
  const char *hdr[] = {"X-CVD-Signature", sig, "X-CVD-Timestamp", ts, NULL};
  enum MHD_Result r = web_reply(c, status, "application/json", text, strlen(text), hdr);
  free(text);
  return r;
}

/* The refusal queued into *result, and 0. */
static int refused(enum MHD_Result *result, enum MHD_Result r)
{
  *result = r;
  return 0;
}

int web_authenticate(struct web *w, struct MHD_Connection *c, const char *url,
                     const struct web_req *r, const char **site_out, const char **secret_out,
                     struct upload_auth *auth, enum MHD_Result *result)
{
  const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CVD-Site");
  const char *tss = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CVD-Timestamp");
  const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CVD-Signature");
  char why[512];
  if (!site || !tss || !sig)
    return refused(result, refuse(w, c, MHD_HTTP_UNAUTHORIZED, site,
                                  "missing X-CVD-Site, X-CVD-Timestamp or X-CVD-Signature "
                                  "header"));
  const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CVD-Key-Id");
  char kwhy[200];
  const char *secret = server_secret(w->srv, site, key, tu_wall_ns(), kwhy, sizeof kwhy);
  if (!secret) {
    if (strcmp(kwhy, "unknown site") == 0)
      snprintf(why, sizeof why, "unknown site '%s'", claimed(site));
    else
      snprintf(why, sizeof why, "%s", kwhy);
    return refused(result, refuse(w, c, MHD_HTTP_UNAUTHORIZED, site, why));
  }
  int64_t ts;
  int64_t now_s = tu_wall_ns() / NS_PER_S;
  if (parse_timestamp(tss, &ts) != 0)
    return refused(result, refuse(w, c, MHD_HTTP_UNAUTHORIZED, site,
                                  "X-CVD-Timestamp is not Unix seconds"));
  if (ts > now_s + SIGN_MAX_SKEW_S || ts < now_s - SIGN_MAX_SKEW_S) {
    snprintf(why, sizeof why, "stale timestamp: %lld s from the server's clock (limit %d s)",
             (long long)(ts - now_s), SIGN_MAX_SKEW_S);
    return refused(result, refuse(w, c, MHD_HTTP_UNAUTHORIZED, site, why));
  }
  char want[SIGN_HEX_LEN + 1];
  sign_request(secret, "POST", url, ts, r->body ? r->body : "", r->len, want);
  if (!sign_is_hex(sig) || !sign_equal(want, sig))
    return refused(result, refuse(w, c, MHD_HTTP_UNAUTHORIZED, site, "bad signature"));
  *site_out = site;
  *secret_out = secret;
  auth->sig = sig;
  auth->ts = ts;
  return 1;
}

enum MHD_Result web_upload(struct web *w, struct MHD_Connection *c, const char *url,
                           struct web_req *r)
{
  const char *site, *secret;
  struct upload_auth auth;
  enum MHD_Result result;
  if (!web_authenticate(w, c, url, r, &site, &secret, &auth, &result))
    return result;
  const char *sig = auth.sig;
  /* Authenticated from here on: errors are signed too. */
  struct upload_req req;
  char err[600];
  int bad = web_upload_body(r->body, r->len, &req, err, sizeof err);
  if (bad == 0 && strcmp(req.site, site) != 0) {
    snprintf(err, sizeof err, "invalid upload: body is for site '%s' but X-CVD-Site is '%s'",
             req.site, site);
    msg_request_free(&req);
    bad = -1;
  }
  if (bad) {
    __atomic_add_fetch(&w->stats.uploads_refused, 1, __ATOMIC_RELAXED);
    LOGW("web", "upload from %s refused: %s", site, err);
    return web_signed_reply(c, MHD_HTTP_BAD_REQUEST, msg_error("%s", err), secret, sig);
  }
  json_t *resp = NULL;
  int status = server_upload(w->srv, &req, &auth, clk_now(), tu_wall_ns(), &resp);
  msg_request_free(&req);
  if (status == 200)
    __atomic_add_fetch(&w->stats.uploads_ok, 1, __ATOMIC_RELAXED);
  else
    __atomic_add_fetch(&w->stats.uploads_refused, 1, __ATOMIC_RELAXED);
  return web_signed_reply(c, (unsigned)status, resp, secret, sig);
}
