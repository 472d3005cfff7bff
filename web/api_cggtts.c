/* POST /api/v1/cggtts: a CGGTTS site's file (server/cggtts_ingest.h).  The body is
 * {"site": NAME, "file": its file name, "cggtts": its text}; the request is authenticated
 * exactly as track uploads are (web_authenticate: X-CVD-Site, X-CVD-Timestamp,
 * X-CVD-Signature over the body, replays refused), and the answer is signed over the
 * request's signature.  A request refused changes nothing. */
#include "config.h"

#include <string.h>

#include "core/clock.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "server/cggtts_ingest.h"
#include "web/webint.h"

/* The body's fields: 0, or -1 with err. */
static int body_fields(const json_t *j, const char *site, char *file, size_t n,
                       const char **text, size_t *len, char *err, size_t errlen)
{
  char who[SITE_NAME_MAX];
  if (!json_is_object(j)) {
    snprintf(err, errlen, "invalid CGGTTS upload: the body is not a JSON object");
    return -1;
  }
  if (jx_string(j, "site", JX_REQUIRED, who, sizeof who, err, errlen) != 0 ||
      jx_string(j, "file", JX_REQUIRED, file, n, err, errlen) != 0)
    return -1;
  if (strcmp(who, site) != 0) {
    snprintf(err, errlen, "invalid CGGTTS upload: body is for site '%.31s' but X-CVD-Site is "
             "'%.31s'", who, site);
    return -1;
  }
  if (!track_text_ok(file) || !file[0])
    snprintf(file, n, "upload");
  const json_t *t = json_object_get(j, "cggtts");
  if (!json_is_string(t)) {
    snprintf(err, errlen, "cggtts: missing or not a string");
    return -1;
  }
  *text = json_string_value(t);
  *len = json_string_length(t);
  return 0;
}

enum MHD_Result web_cggtts_upload(struct web *w, struct MHD_Connection *c, const char *url,
                                  struct web_req *r)
{
  const char *site, *secret;
  struct upload_auth auth;
  enum MHD_Result result;
  if (!web_authenticate(w, c, url, r, &site, &secret, &auth, &result))
    return result;
  json_error_t je;
  json_t *j = json_loadb(r->body ? r->body : "", r->len, 0, &je), *resp = NULL;
  char file[64], err[400];
  const char *text;
  size_t len;
  int status;
  if (!j) {
    status = 400;
    resp = msg_error("invalid CGGTTS upload: not JSON: %s", je.text);
  } else if (body_fields(j, site, file, sizeof file, &text, &len, err, sizeof err) != 0) {
    status = 400;
    resp = msg_error("%s", err);
  } else {
    status = server_cggtts_upload(w->srv, site, file, text, len, &auth, clk_now(),
                                  tu_wall_ns(), &resp);
  }
  json_decref(j);
  if (status == 200)
    __atomic_add_fetch(&w->stats.uploads_ok, 1, __ATOMIC_RELAXED);
  else {
    __atomic_add_fetch(&w->stats.uploads_refused, 1, __ATOMIC_RELAXED);
    LOGW("web", "CGGTTS upload from %s refused (%d)", site, status);
  }
  return web_signed_reply(c, (unsigned)status, resp, secret, auth.sig);
}
