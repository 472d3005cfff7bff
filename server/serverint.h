/* Inside server/: what its files share. */
#ifndef CVD_SERVERINT_H
#define CVD_SERVERINT_H

#include "server/server.h"

/* The site's index, or -1. */
int server_site_index(const struct server *s, const char *name);
/* The controller's state saved in the store (said loudly when that fails). */
void server_save_ctl(struct server *s, const struct ctl *c, int64_t now);
/* A decision as a row of the steering log. */
void server_log_decision(struct server *s, const char *site, const struct ctl_decision *d);

/* events.c: an event stored (said loudly when that fails) and told to the notifier.
 * site NULL: the server's own; state and previous NULL: the site's current state. */
void server_event(struct server *s, int64_t now, const char *site, const char *kind,
                  const char *previous, const char *state, const char *message);

/* operator.c: staff's pending requests, done now. */
void server_operator_requests(struct server *s, int64_t now);

#endif
