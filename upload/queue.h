/* The spool as the send queue (DESIGN.md section 2): a request is made of the oldest tracks
 * the server has not acknowledged, and a response is taken back into acknowledgements, so
 * a track leaves the queue only when the server holds it.  Both halves of one exchange,
 * without its transport: the sender (sender.h) carries them over HTTP, `cvd simulate`
 * hands them straight to the server in the same process. */
#ifndef CVD_UPLOAD_QUEUE_H
#define CVD_UPLOAD_QUEUE_H

#include <jansson.h>
#include <sqlite3.h>

#include "core/msg.h"

/* A request of at most max unacknowledged tracks, oldest first (copied into buf, which
 * must hold max), with the oscillator's report r (NULL: none).  *n says how many tracks
 * it holds.  Returns the body (the caller owns it). */
json_t *upl_queue_request(sqlite3 *spool, const char *site, const struct osc_report *r,
                          struct track *buf, int max, int *n);

/* Takes the response to a request of the n tracks in sent: acknowledges in the spool the
 * tracks it lists; *resp gets the command and the flags (the caller frees it with
 * msg_response_free).  0, or -1 if the response is unusable (nothing acknowledged). */
int upl_queue_response(sqlite3 *spool, const json_t *body, const struct track *sent, int n,
                       struct upload_resp *resp, char *err, size_t errlen);

#endif
