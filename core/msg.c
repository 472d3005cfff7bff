#include "config.h"
#include "core/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

json_t *msg_osc_to_json(const struct osc_report *r)
{
  return json_pack("{s:I,s:I,s:I,s:o,s:o,s:b,s:b,s:s,s:b}", "t", (json_int_t)r->t, "cmd_id",
                   (json_int_t)r->osc.cmd_id, "phase_step_id", (json_int_t)r->osc.phase_step_id,
                   "freq", jx_real(r->osc.freq), "steer_ns", jx_real(r->osc.steer_ns),
                   "holdover", r->osc.holdover, "can_step", r->osc.can_step, "status",
                   r->osc.status, "locked", r->locked);
}

#define TRY(expr) do { if ((expr) < 0) return -1; } while (0)

int msg_osc_from_json(const json_t *j, struct osc_report *r, char *err, size_t errlen)
{
  long long v;
  memset(r, 0, sizeof *r);
  if (!json_is_object(j)) {
    snprintf(err, errlen, "osc: not an object");
    return -1;
  }
  TRY(jx_int(j, "t", JX_REQUIRED, 0, INT64_MAX, &v, err, errlen));
  r->t = v;
  TRY(jx_int(j, "cmd_id", JX_REQUIRED, 0, CMD_ID_MAX - 1, &v, err, errlen));
  r->osc.cmd_id = v;
  TRY(jx_int(j, "phase_step_id", JX_REQUIRED, 0, CMD_ID_MAX - 1, &v, err, errlen));
  r->osc.phase_step_id = v;
  TRY(jx_double(j, "freq", JX_REQUIRED, -1e-6, 1e-6, &r->osc.freq, err, errlen));
  TRY(jx_double(j, "steer_ns", JX_OPTIONAL, -1e15, 1e15, &r->osc.steer_ns, err, errlen));
  TRY(jx_bool(j, "holdover", JX_OPTIONAL, &r->osc.holdover, err, errlen));
  TRY(jx_bool(j, "can_step", JX_OPTIONAL, &r->osc.can_step, err, errlen));
  TRY(jx_string(j, "status", JX_OPTIONAL, r->osc.status, sizeof r->osc.status, err, errlen));
  TRY(jx_bool(j, "locked", JX_OPTIONAL, &r->locked, err, errlen));
  return 0;
}

json_t *msg_upload_request(const char *site, const struct osc_report *osc,
                           const struct track *tracks, int n)
{
  json_t *arr = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(arr, track_to_json(&tracks[i]));
  json_t *j = json_pack("{s:s,s:o}", "site", site, "tracks", arr);
  if (osc)
    json_object_set_new(j, "osc", msg_osc_to_json(osc));
  return j;
}

void msg_request_free(struct upload_req *req)
{
  free(req->tracks);
  req->tracks = NULL;
  req->n_tracks = 0;
}

int msg_parse_request(const json_t *j, struct upload_req *req, char *err, size_t errlen)
{
  memset(req, 0, sizeof *req);
  if (!json_is_object(j)) {
    snprintf(err, errlen, "body: not a JSON object");
    return -1;
  }
  TRY(jx_string(j, "site", JX_REQUIRED, req->site, sizeof req->site, err, errlen));
  if (!site_name_ok(req->site)) {
    snprintf(err, errlen, "site: '%s' is not a valid site name", req->site);
    return -1;
  }
  const json_t *o = json_object_get(j, "osc");
  if (o && !json_is_null(o)) {
    TRY(msg_osc_from_json(o, &req->osc, err, errlen));
    req->has_osc = 1;
  }
  const json_t *arr = json_object_get(j, "tracks");
  if (!json_is_array(arr)) {
    snprintf(err, errlen, "tracks: missing or not an array");
    return -1;
  }
  size_t n = json_array_size(arr);
  if (n > MSG_MAX_TRACKS) {
    snprintf(err, errlen, "tracks: %zu tracks, more than %d in one request", n, MSG_MAX_TRACKS);
    return -1;
  }
  req->tracks = calloc(n ? n : 1, sizeof *req->tracks);
  if (!req->tracks) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    char e[256];
    if (track_from_json(json_array_get(arr, i), &req->tracks[i], e, sizeof e) != 0) {
      snprintf(err, errlen, "tracks[%zu]: %s", i, e);
      msg_request_free(req);
      return -1;
    }
    if (strcmp(req->tracks[i].site, req->site) != 0) {
      snprintf(err, errlen, "tracks[%zu]: site '%s' is not the request's site '%s'", i,
               req->tracks[i].site, req->site);
      msg_request_free(req);
      return -1;
    }
  }
  req->n_tracks = (int)n;
  return 0;
}

json_t *msg_error(const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return json_pack("{s:b,s:s}", "ok", 0, "error", buf);
}

void msg_response_free(struct upload_resp *resp)
{
  free(resp->acked_index);
  free(resp->refused_index);
  free(resp->refused_why);
  resp->acked_index = resp->refused_index = NULL;
  resp->refused_why = NULL;
  resp->n_acked = resp->n_refused = 0;
}

/* The index of the sent track labelled (mjd, sod), or -1. */
static int sent_index(const struct track *sent, int n_sent, long long mjd, long long sod)
{
  for (int k = 0; k < n_sent; k++)
    if (sent[k].mjd == mjd && sent[k].sod == sod)
      return k;
  return -1;
}

static int parse_refused(const json_t *j, const struct track *sent, int n_sent,
                         struct upload_resp *resp, char *err, size_t errlen)
{
  const json_t *ref = json_object_get(j, "refused");
  if (!ref || json_is_null(ref))
    return 0;
  if (!json_is_array(ref)) {
    snprintf(err, errlen, "refused: not an array");
    return -1;
  }
  size_t n = n_sent ? (size_t)n_sent : 1;
  resp->refused_index = calloc(n, sizeof(int));
  resp->refused_why = calloc(n, sizeof *resp->refused_why);
  if (!resp->refused_index || !resp->refused_why) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  size_t i;
  json_t *a;
  json_array_foreach(ref, i, a) {
    long long mjd, sod;
    char why[MSG_WHY_MAX] = "";
    if (jx_int(a, "mjd", JX_REQUIRED, 0, 1000000, &mjd, err, errlen) < 0 ||
        jx_int(a, "sod", JX_REQUIRED, 0, 86400, &sod, err, errlen) < 0 ||
        jx_string(a, "why", JX_OPTIONAL, why, sizeof why, err, errlen) < 0)
      return -1;
    int k = sent_index(sent, n_sent, mjd, sod);
    if (k < 0 || resp->n_refused >= n_sent)
      continue;
    resp->refused_index[resp->n_refused] = k;
    snprintf(resp->refused_why[resp->n_refused++], MSG_WHY_MAX, "%s", why);
  }
  return 0;
}

int msg_parse_response(const json_t *j, const struct track *sent, int n_sent,
                       struct upload_resp *resp, char *err, size_t errlen)
{
  long long v;
  memset(resp, 0, sizeof *resp);
  if (!json_is_object(j)) {
    snprintf(err, errlen, "response: not a JSON object");
    return -1;
  }
  TRY(jx_bool(j, "ok", JX_REQUIRED, &resp->ok, err, errlen));
  if (!resp->ok) {
    char e[256] = "";
    jx_string(j, "error", JX_OPTIONAL, e, sizeof e, err, errlen);
    snprintf(err, errlen, "server refused: %s", e[0] ? e : "(no reason given)");
    return -1;
  }
  TRY(jx_string(j, "site", JX_OPTIONAL, resp->site, sizeof resp->site, err, errlen));
  if (jx_int(j, "stored", JX_OPTIONAL, 0, MSG_MAX_TRACKS, &v, err, errlen) == 0)
    resp->stored = (int)v;
  if (jx_int(j, "duplicates", JX_OPTIONAL, 0, MSG_MAX_TRACKS, &v, err, errlen) == 0)
    resp->duplicates = (int)v;
  TRY(jx_bool(j, "pending", JX_OPTIONAL, &resp->pending, err, errlen));
  TRY(jx_string(j, "state", JX_OPTIONAL, resp->state, sizeof resp->state, err, errlen));
  const json_t *c = json_object_get(j, "command");
  if (c && !json_is_null(c)) {
    char e[256];
    if (cmd_from_json(c, &resp->command, e, sizeof e) != 0) {
      snprintf(err, errlen, "command: %s", e);
      return -1;
    }
    resp->has_command = 1;
  }
  const json_t *acked = json_object_get(j, "acked");
  if (!json_is_array(acked)) {
    snprintf(err, errlen, "acked: missing or not an array");
    return -1;
  }
  resp->acked_index = calloc(n_sent ? (size_t)n_sent : 1, sizeof(int));
  if (!resp->acked_index) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  size_t i;
  json_t *a;
  json_array_foreach(acked, i, a) {
    long long mjd, sod;
    if (jx_int(a, "mjd", JX_REQUIRED, 0, 1000000, &mjd, err, errlen) < 0 ||
        jx_int(a, "sod", JX_REQUIRED, 0, 86400, &sod, err, errlen) < 0) {
      msg_response_free(resp);
      return -1;
    }
    int k = sent_index(sent, n_sent, mjd, sod);
    if (k >= 0)
      resp->acked_index[resp->n_acked++] = k;
    if (resp->n_acked >= n_sent)
      break;
  }
  if (parse_refused(j, sent, n_sent, resp, err, errlen) != 0) {
    msg_response_free(resp);
    return -1;
  }
  return 0;
}
