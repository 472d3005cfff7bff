/* Staff's requests to the server (cvd operator): queued in the server's store by one
 * process, done by the server at its next tick, with the result kept beside them. */
#ifndef CVD_DB_OPERATOR_H
#define CVD_DB_OPERATOR_H

#include <stdint.h>

#include "core/track.h"
#include "db/dbc.h"

struct op_request {
  int64_t id, t;
  char site[SITE_NAME_MAX];
  char kind[32];
  int64_t done;            /* 0 while pending */
  char result[512];
};

/* Queues a request; returns its id, or -1. */
int64_t store_op_put(struct dbc *db, int64_t wall, const char *site, const char *kind);
/* Up to max requests, pending only or the latest of all, oldest first; the count or -1. */
int store_op_list(struct dbc *db, int pending_only, struct op_request *out, int max);
int store_op_done(struct dbc *db, int64_t id, int64_t t, const char *result);

#endif
