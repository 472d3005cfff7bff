#include "config.h"
#include "web/query.h"
#include "web/steerkind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg.h"
#include "core/timeutil.h"
#include "core/track.h"

static int time_arg(web_arg_fn get, void *ctx, const char *name, int64_t dflt, int64_t *out)
{
  const char *v = get(ctx, name);
  if (!v || !*v) {
    *out = dflt;
    return 0;
  }
  return tu_parse(v, out);
}

/* from= and to=, around now: from now - before to now + after by default. */
static int range(web_arg_fn get, void *ctx, int64_t now, int64_t before, int64_t after,
                 struct web_query *q, char *err, size_t errlen)
{
  if (time_arg(get, ctx, "from", now - before, &q->from) ||
      time_arg(get, ctx, "to", now + after, &q->to) || q->to <= q->from) {
    snprintf(err, errlen, "from= and to= must be times YYYY-MM-DDTHH:MM:SSZ with from before to");
    return -1;
  }
  return 0;
}

/* limit=, 1 to max, dflt when absent. */
static int limit_arg(web_arg_fn get, void *ctx, long dflt, long max, struct web_query *q,
                     char *err, size_t errlen)
{
  q->limit = dflt;
  const char *l = get(ctx, "limit");
  if (!l)
    return 0;
  char *end;
  q->limit = strtol(l, &end, 10);
  if (end == l || *end || q->limit < 1 || q->limit > max) {
    snprintf(err, errlen, "limit= must be 1 to %ld", max);
    return -1;
  }
  return 0;
}

static void start(web_arg_fn get, void *ctx, struct web_query *q)
{
  const char *f = get(ctx, "format");
  memset(q, 0, sizeof *q);
  q->csv = f && strcmp(f, "csv") == 0;
}

int web_query_series(web_arg_fn get, void *ctx, int64_t now, struct web_query *q, char *err,
                     size_t errlen)
{
  start(get, ctx, q);
  q->a = get(ctx, "a");
  q->b = get(ctx, "b");
  if (!q->a || !site_name_ok(q->a) || !q->b || !site_name_ok(q->b)) {
    snprintf(err, errlen, "a= and b= must name two sites");
    return -1;
  }
  return range(get, ctx, now, 7 * NS_PER_DAY, NS_PER_DAY, q, err, errlen);
}

int web_query_steering(web_arg_fn get, void *ctx, int64_t now, struct web_query *q,
                       char *err, size_t errlen)
{
  start(get, ctx, q);
  q->site = get(ctx, "site");
  if (q->site && !site_name_ok(q->site)) {
    snprintf(err, errlen, "site= is not a site name");
    return -1;
  }
  if (range(get, ctx, now, NS_PER_DAY, NS_PER_DAY, q, err, errlen) != 0)
    return -1;
  q->kind = get(ctx, "kind");
  if (q->kind && (!*q->kind || strcmp(q->kind, "all") == 0))
    q->kind = NULL;
  if (q->kind && steer_kind_index(q->kind) < 0) {
    snprintf(err, errlen, "kind= must be all, steer, step, state, holdover, alarm, reacquire "
                          "or operator");
    return -1;
  }
  return limit_arg(get, ctx, 10000, 1000000, q, err, errlen);
}

static int kind_ok(const char *k)
{
  size_t n = strlen(k);
  if (n < 1 || n > 31)
    return 0;
  for (; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || *k == '_'))
      return 0;
  return 1;
}

int web_query_events(web_arg_fn get, void *ctx, int64_t now, struct web_query *q, char *err,
                     size_t errlen)
{
  start(get, ctx, q);
  q->site = get(ctx, "site");
  if (q->site && !*q->site)
    q->site = NULL;
  if (q->site && !site_name_ok(q->site)) {
    snprintf(err, errlen, "site= is not a site name");
    return -1;
  }
  q->kind = get(ctx, "kind");
  if (q->kind && !*q->kind)
    q->kind = NULL;
  if (q->kind && !kind_ok(q->kind)) {
    snprintf(err, errlen, "kind= must be an event kind (1 to 31 of a-z and _)");
    return -1;
  }
  if (range(get, ctx, now, 30 * NS_PER_DAY, NS_PER_DAY, q, err, errlen) != 0)
    return -1;
  return limit_arg(get, ctx, 100, 10000, q, err, errlen);
}

int web_upload_body(const char *body, size_t len, struct upload_req *req, char *err,
                    size_t errlen)
{
  memset(req, 0, sizeof *req);
  json_error_t je;
  json_t *j = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
  if (!j) {
    snprintf(err, errlen, "malformed JSON: %s (line %d, column %d)",
             body ? je.text : "empty body", body ? je.line : 0, body ? je.column : 0);
    return -1;
  }
  char why[400];
  int rc = msg_parse_request(j, req, why, sizeof why);
  json_decref(j);
  if (rc != 0)
    snprintf(err, errlen, "invalid upload: %s", why);
  return rc;
}
