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

/* operator.c: staff's pending requests, done now. */
void server_operator_requests(struct server *s, int64_t now);

#endif
