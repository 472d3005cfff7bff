/* What a request brings, checked before anything is asked of the store, apart from any
 * connection so that tests/fuzz can feed it directly.  The read API's query arguments
 * (DESIGN.md section 4): sites by name, times as tu_parse reads them (an absent or empty
 * time takes its default), `from` before `to`, a row limit within bounds; they come
 * through a lookup function, libmicrohttpd's in service.  The body of an upload. */
#ifndef CVD_WEB_QUERY_H
#define CVD_WEB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/msg.h"

/* The value of the query argument `name`, or NULL when it is absent. */
typedef const char *(*web_arg_fn)(void *ctx, const char *name);

struct web_query {
  const char *a, *b;  /* series: the pair, valid site names */
  const char *site;   /* steering, events: one clock, or NULL for every clock */
  const char *kind;   /* events, steering: one kind, or NULL for every kind */
  int64_t from, to;   /* UTC ns, from < to */
  long limit;         /* steering, events: rows at most (the newest) */
  int csv;            /* format=csv */
};

/* GET /api/v1/series?a=A&b=B[&from=T][&to=T][&format=csv] at service time now (from a
 * week before, to a day after).  0, or -1 with the message of the 400 answer in err. */
int web_query_series(web_arg_fn get, void *ctx, int64_t now, struct web_query *q, char *err,
                     size_t errlen);
/* GET /api/v1/steering?[site=S][&from=T][&to=T][&limit=N][&kind=K][&format=csv] (from a
 * day before, to a day after, 10000 rows; kind one of web/steerkind.h's).  0, or -1 with
 * the message in err. */
int web_query_steering(web_arg_fn get, void *ctx, int64_t now, struct web_query *q,
                       char *err, size_t errlen);
/* GET /api/v1/events?[site=S][&kind=K][&from=T][&to=T][&limit=N] (from 30 days before,
 * to a day after; kind a word of [a-z_], limit 1 to 10000, 100 by default).  0, or -1
 * with the message in err. */
int web_query_events(web_arg_fn get, void *ctx, int64_t now, struct web_query *q, char *err,
                     size_t errlen);

/* The body of POST /api/v1/tracks once the request is authenticated: JSON with no key
 * given twice, then msg_parse_request.  0 (the caller frees with msg_request_free), or -1
 * with "malformed JSON: ..." or "invalid upload: ..." in err (req holds nothing to free).
 * body may be NULL (no body). */
int web_upload_body(const char *body, size_t len, struct upload_req *req, char *err,
                    size_t errlen);

#endif
