/* Inside web/: the request context and the helpers the handlers share. */
#ifndef CVD_WEBINT_H
#define CVD_WEBINT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

#include "web/web.h"

struct web_req {
  char *body;
  size_t len;
  int too_big;
};

/* Queues a response; the body is copied. */
enum MHD_Result web_reply(struct MHD_Connection *c, unsigned status, const char *type,
                          const char *body, size_t len, const char *const *headers);
/* Queues a JSON body (consumed: decref'ed). */
enum MHD_Result web_reply_json(struct MHD_Connection *c, unsigned status, json_t *j,
                               const char *const *headers);
enum MHD_Result web_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A query argument, or NULL. */
const char *web_arg(struct MHD_Connection *c, const char *name);
/* The same as a web_arg_fn (web/query.h), ctx the connection. */
const char *web_mhd_arg(void *c, const char *name);

enum MHD_Result web_upload(struct web *w, struct MHD_Connection *c, const char *url,
                           struct web_req *r);
/* A signed POST authenticated as uploads are (web/api_upload.c: the site's key, a
 * timestamp within 300 s, the signature over the body): 1 with the site, its secret and
 * the request's signature and timestamp, or 0 with the refusal queued into *result.  A
 * replay is refused by server_upload, which records the signature with what it stores. */
int web_authenticate(struct web *w, struct MHD_Connection *c, const char *url,
                     const struct web_req *r, const char **site, const char **secret,
                     struct upload_auth *auth, enum MHD_Result *result);
/* Queues body (consumed) signed over the request's signature, as upload answers are. */
enum MHD_Result web_signed_reply(struct MHD_Connection *c, unsigned status, json_t *body,
                                 const char *secret, const char *req_sig);
/* POST /api/v1/cggtts (web/api_cggtts.c). */
enum MHD_Result web_cggtts_upload(struct web *w, struct MHD_Connection *c, const char *url,
                                  struct web_req *r);
enum MHD_Result web_api_grid(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_api_series(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_api_steering(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_api_events(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_metrics(struct web *w, struct MHD_Connection *c);
enum MHD_Result web_page_grid(struct web *w, struct MHD_Connection *c);

/* What answers a GET of one path.  The API's (web/routes_api.c, always served) and the
 * pages' (web/routes_pages.c, served when the configuration has the HTML pages), each
 * table ended by a NULL path. */
struct web_route {
  const char *path;
  enum MHD_Result (*get)(struct web *w, struct MHD_Connection *c);
};
extern const struct web_route web_api_routes[];
extern const struct web_route web_page_routes[];

#endif
