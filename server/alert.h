/* Alerts (issue 11): every state change and fault the server records (server_event) is
 * POSTed as JSON to each `alert_webhook URL` by a thread of its own, from a bounded queue,
 * so that the engine's lock never waits on the network.  The body:
 *   {"site","kind","state","previous_state","message","t_ns","time"}
 * A failed POST (no answer, or a status outside 2xx) is tried again after 1 s, 2 s, 4 s ...
 * (at most ALERT_ATTEMPTS tries, waits of at most ALERT_BACKOFF_MAX_S); the same site, kind
 * and state is not sent again while that state stands; each outcome is logged ("alert").
 * Outliers and restarts are events, not alerts. */
#ifndef CVD_SERVER_ALERT_H
#define CVD_SERVER_ALERT_H

#include <stddef.h>

#include "server/server.h"

#define ALERT_MAX_URLS 8
#define ALERT_URL_MAX 512
#define ALERT_QUEUE 256          /* alerts waiting at most; more drop the oldest, said */
#define ALERT_ATTEMPTS 6
#define ALERT_BACKOFF_MAX_S 60
#define ALERT_TIMEOUT_MS 10000   /* one POST, wall time */

struct alert_conf {
  char url[ALERT_MAX_URLS][ALERT_URL_MAX];
  int n;
};

/* Adds a webhook URL (http:// or https://).  0, or -1 with err. */
int alert_conf_add(struct alert_conf *c, const char *url, char *err, size_t errlen);

struct alerter;
/* Starts the sending thread (NULL with err on failure; a conf without URLs gives an alerter
 * that sends nothing). */
struct alerter *alert_start(const struct alert_conf *c, char *err, size_t errlen);
/* server_notify_fn: queues the alert for e, never waits on the network. */
void alert_notify(void *ctx, const struct server_event *e);
/* Stops the thread (a POST under way ends within its timeout); alerts still queued are
 * dropped, and said. */
void alert_stop(struct alerter *a);

#endif
