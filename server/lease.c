/* Which of the servers sharing one store steers (issue 13): the store's lease row, held by
 * one server's name until a deadline in service time and renewed at each tick (and within
 * each upload that steers, so that no other server takes it before that upload commits).
 * When the steering server dies, its lease runs out and the next tick of another server
 * takes it; that server first takes up every controller as the last one saved it, so the
 * clocks go on from the same state and command ids, without a jump.  A steering server
 * renews its lease only while it has not lapsed: one that stalled past its deadline (a
 * frozen host) takes the lease again as any other server would, taking up the controllers
 * that another may have steered meanwhile.  A server that does
 * not steer follows the controllers' states from the store at each tick, so that its grid
 * and its answers say what the steering server decided.  A site's reports of its
 * oscillator are kept in the store by whichever server takes them, and the steering server
 * reads them before each decision: the controller's model of what the site applies. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/store.h"
#include "server/serverint.h"

/* The lease taken (renew 0: free or lapsed, or ours) or renewed (renew 1: only while ours
 * and not lapsed).  A steering server renews: once its lease has lapsed, another server
 * may have held it and steered meanwhile, and the controllers must then be taken up from
 * the store before this server steers again (server_lease_renew). */
static int take(struct server *s, int64_t now, int renew)
{
  int64_t deadline = now + (int64_t)s->conf.lease_s * NS_PER_S;
  int rc = renew ? store_lease_renew(s->db, s->conf.name, now, deadline)
                 : store_lease_take(s->db, s->conf.name, now, deadline);
  if (rc < 0) {
    /* The store cannot say: keep what was ours until its deadline, take nothing new. */
    LOGW("server", "the steering lease cannot be renewed: %s", dbc_errmsg(s->db));
    return s->steering && now < s->lease_deadline;
  }
  if (rc == 1)
    s->lease_deadline = deadline;
  return rc;
}

int server_take_up_ctls(struct server *s)
{
  int rc = 0;
  for (int i = 0; i < s->n_sites; i++) {
    struct server_site *st = &s->sites[i];
    char err[512];
    if (!st->ctl)
      continue;
    char *saved;
    int got = store_clock_get(s->db, st->name, &saved);
    if (got < 0) {
      LOGE("server", "%s: its saved controller cannot be read: %s", st->name,
           dbc_errmsg(s->db));
      rc = -1;
      continue;
    }
    if (got == 0)
      continue; /* none saved yet: the controller as it is */
    struct ctl *c = server_restore_ctl(s, st->name, saved, err, sizeof err);
    free(saved);
    if (!c) {
      LOGW("server", "%s", err);
      continue;
    }
    ctl_destroy(st->ctl);
    st->ctl = c;
    st->cmd_put_id = 0;
  }
  return rc;
}

int server_lease_renew(struct server *s, int64_t now)
{
  char before[64] = "";
  int64_t until = 0;
  int was = s->steering;
  if (s->steering && !take(s, now, 1))
    s->steering = 0; /* lapsed, or taken: steering again only after taking up */
  if (!s->steering)
    store_lease_holder(s->db, before, sizeof before, &until);
  int steering = s->steering || take(s, now, 0);
  if (steering && !s->steering && server_take_up_ctls(s) != 0) {
    /* Steering on controllers the store may have moved past would issue its commands
     * again under the same ids: the lease goes back, to be taken at a later tick. */
    LOGW("server", "%s does not steer yet: the controllers cannot be taken up from the store",
         s->conf.name);
    if (store_lease_release(s->db, s->conf.name) != 0)
      LOGW("server", "the steering lease cannot be given back: %s", dbc_errmsg(s->db));
    steering = 0;
  } else if (steering && !s->steering) {
    int other = before[0] && strcmp(before, s->conf.name) != 0;
    char msg[300];
    snprintf(msg, sizeof msg, "%s steers from now on%s%s", s->conf.name,
             other ? ", taking over from " : was ? " (its lease had lapsed)" : "",
             other ? before : "");
    LOGW("server", "%s", msg);
    if (other)
      server_event(s, now, NULL, "steering", NULL, NULL, msg);
  } else if (!steering) {
    if (was)
      LOGW("server", "%s no longer steers: another server holds the lease", s->conf.name);
    server_take_up_ctls(s);
  }
  s->steering = steering;
  return steering;
}

/* On a serial store (dbc_serial) the upload's transaction holds the one write lock to its
 * commit, so the lease cannot change hands meanwhile: reading it is enough, and the upload
 * writes no lease page. */
static int still_ours(struct server *s, int64_t now)
{
  char holder[sizeof s->conf.name];
  int64_t until;
  int rc = store_lease_holder(s->db, holder, sizeof holder, &until);
  if (rc < 0)
    return s->steering && now < s->lease_deadline;
  return rc == 1 && strcmp(holder, s->conf.name) == 0;
}

int server_is_steering(struct server *s)
{
  pthread_mutex_lock(&s->mtx);
  int steering = s->steering;
  pthread_mutex_unlock(&s->mtx);
  return steering;
}

int server_lease_fence(struct server *s, int64_t now)
{
  if (!s->steering)
    return 0;
  s->steering = dbc_serial(s->db) ? still_ours(s, now) : take(s, now, 1);
  if (!s->steering)
    LOGW("server", "%s no longer steers: its lease lapsed or another server holds it",
         s->conf.name);
  return s->steering;
}

void server_share_report(struct server *s, const struct server_site *st,
                         const struct osc_report *r)
{
  json_t *j = msg_osc_to_json(r);
  char *text = jx_dump(j);
  json_decref(j);
  if (!text || store_report_put(s->db, st->name, r->t, text) != 0)
    LOGW("server", "%s: keeping the oscillator's report failed: %s", st->name,
         dbc_errmsg(s->db));
  free(text);
}

void server_fetch_report(struct server *s, struct server_site *st)
{
  /* Only a report newer than the controller's: taking the same one again changes nothing. */
  char *text = store_report_get(s->db, st->name,
                                st->ctl->have_report ? st->ctl->rep.t : INT64_MIN);
  json_t *j = text ? json_loads(text, 0, NULL) : NULL;
  struct osc_report r;
  char err[256];
  if (j && msg_osc_from_json(j, &r, err, sizeof err) == 0) {
    struct steer_cmd held;
    int have = r.osc.cmd_id > 0 && store_command_get(s->db, st->name, r.osc.cmd_id, &held) == 1;
    ctl_report(st->ctl, &r, have ? &held : NULL);
  } else if (text) {
    LOGW("server", "%s: the stored oscillator report is unreadable", st->name);
  }
  json_decref(j);
  free(text);
}
