#include "config.h"
#include "upload/queue.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "db/spool.h"

json_t *upl_queue_request(sqlite3 *spool, const char *site, const struct osc_report *r,
                          struct track *buf, int max, int *n)
{
  int k = spool_unacked(spool, buf, max);
  *n = k < 0 ? 0 : k;
  return msg_upload_request(site, r, buf, *n);
}

int upl_queue_response(sqlite3 *spool, const json_t *body, const struct track *sent, int n,
                       struct upload_resp *resp, char *err, size_t errlen)
{
  if (msg_parse_response(body, sent, n, resp, err, errlen) != 0)
    return -1;
  /* Refused for good: said, and out of the queue (it stays in the spool, marked sent). */
  for (int i = 0; i < resp->n_refused; i++) {
    const struct track *t = &sent[resp->refused_index[i]];
    LOGE("upload", "TRACK %d %05d REFUSED by the server, not sent again: %s", t->mjd, t->sod,
         resp->refused_why[i]);
  }
  int done = resp->n_acked + resp->n_refused;
  struct track *acked = malloc(sizeof *acked * (size_t)(done ? done : 1));
  if (!acked) {
    msg_response_free(resp);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int i = 0; i < resp->n_acked; i++)
    acked[i] = sent[resp->acked_index[i]];
  for (int i = 0; i < resp->n_refused; i++)
    acked[resp->n_acked + i] = sent[resp->refused_index[i]];
  int rc = spool_ack(spool, acked, done, tu_wall_ns());
  free(acked);
  if (rc != 0) {
    snprintf(err, errlen, "recording the acknowledgements failed");
    msg_response_free(resp);
    return -1;
  }
  return 0;
}
