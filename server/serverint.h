/* Inside server/: what its files share. */
#ifndef CVD_SERVERINT_H
#define CVD_SERVERINT_H

#include "server/server.h"

/* The server's lock (mtx) for anything but an upload: an upload's transaction left open
 * for others to join (server/batch.h) is committed first. */
void server_lock(struct server *s);
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

/* A remote's controller from its saved state (store_clock_get's JSON; NULL: a fresh one);
 * NULL with err. */
struct ctl *server_restore_ctl(struct server *s, const char *name, const char *saved, char *err,
                               size_t errlen);

/* lease.c: the steering lease taken or renewed at service time now; a server that steers
 * from now on takes up every controller from the store first, one that does not follows
 * them there.  Returns s->steering. */
int server_lease_renew(struct server *s, int64_t now);
/* Every remote's controller as the store has it (the steering server saves it after each
 * decision): a server that does not steer follows them so, and a rollback of decisions
 * brings memory back to the store.  0, or -1 when some could not be read (those stay as
 * they were, and must not steer). */
int server_take_up_ctls(struct server *s);
/* A transaction of decisions undone: the store as it was before it, and memory made to
 * agree (the controllers taken up again, the slot cache dropped, every clock looked at
 * again by the next catch-up). */
void server_rollback(struct server *s);
/* Within an upload's transaction: 1 if this server still steers, else 0.  Where writers
 * run side by side it renews the lease, so that no other takes it before the commit; on a
 * serial store the transaction's lock does that, and the lease is only read. */
int server_lease_fence(struct server *s, int64_t now);

/* The site's report of its oscillator kept in the store (any server), and the newest one
 * there given to its controller (the steering server, before a decision). */
void server_share_report(struct server *s, const struct server_site *st,
                         const struct osc_report *r);
void server_fetch_report(struct server *s, struct server_site *st);

/* ingest.c: common view for one new track t (in the store: committed, or in the open
 * transaction), and when steer is set, the remotes it gives a measurement steered. */
void server_process_slot(struct server *s, const struct track *t, int64_t now, int steer);
/* ingest.c: the steering server steers what other servers stored: each remote's common-view
 * measurements newer than its controller's last. */
void server_catch_up(struct server *s, int64_t now);

/* operator.c: staff's pending requests, done now. */
void server_operator_requests(struct server *s, int64_t now);

#endif
