#include "config.h"
#include "upload/queue.h"

#include <stdio.h>
#include <stdlib.h>

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
  struct track *acked = malloc(sizeof *acked * (size_t)(resp->n_acked ? resp->n_acked : 1));
  if (!acked) {
    msg_response_free(resp);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int i = 0; i < resp->n_acked; i++)
    acked[i] = sent[resp->acked_index[i]];
  int rc = spool_ack(spool, acked, resp->n_acked, tu_wall_ns());
  free(acked);
  if (rc != 0) {
    snprintf(err, errlen, "recording the acknowledgements failed");
    msg_response_free(resp);
    return -1;
  }
  return 0;
}
