/* The server's events: each one a row of the events table (GET /api/v1/events, the events
 * page) and told to whoever listens (the alerts' webhooks), with the clock's state. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "db/store.h"
#include "server/serverint.h"

void server_set_notify(struct server *s, server_notify_fn fn, void *ctx)
{
  pthread_mutex_lock(&s->mtx);
  s->notify = fn;
  s->notify_ctx = ctx;
  pthread_mutex_unlock(&s->mtx);
}

int server_site_known(const struct server *s, const char *name)
{
  return server_site_index(s, name) >= 0;
}

/* The state a site's clock is in now, as the grid says it. */
static const char *state_now(const struct server *s, const char *site)
{
  int i = site ? server_site_index(s, site) : -1;
  if (i < 0)
    return "";
  if (s->sites[i].ctl)
    return cs_name(s->sites[i].ctl->state);
  return s->sites[i].cggtts ? "MEASURED" : "REFERENCE";
}

void server_event(struct server *s, int64_t now, const char *site, const char *kind,
                  const char *previous, const char *state, const char *message)
{
  if (store_event(s->db, now, site, kind, message) != 0)
    LOGE("server", "%s: recording the %s event failed: %s", site ? site : "server", kind,
         dbc_errmsg(s->db));
  if (!s->notify)
    return;
  struct server_event e = {.t = now,
                           .site = site ? site : "",
                           .kind = kind,
                           .state = state ? state : state_now(s, site),
                           .previous_state = previous ? previous : state_now(s, site),
                           .message = message};
  s->notify(s->notify_ctx, &e);
}

void server_note_start(struct server *s, int64_t now)
{
  char msg[200];
  snprintf(msg, sizeof msg, "server started: %d sites, reference %s, servo %s", s->n_sites,
           s->sites[s->ref].name, s->conf.servo);
  server_lock(s);
  server_event(s, now, NULL, "restart", NULL, NULL, msg);
  pthread_mutex_unlock(&s->mtx);
}
