/* The server's side of an upload: its signature recorded against replay, its tracks
 * stored, their common view and the steering it makes (server/ingest.c), and the answer
 * with the site's newest command.  Each upload's writes are one transaction, committed
 * with other uploads' on a serial store (server/batch.h); where writers run side by side
 * (PostgreSQL) the tracks are committed first, so that two servers taking two tracks of
 * one slot at once each see the other's when they compute the slot's common view. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/store.h"
#include "server/batch.h"
#include "server/serverint.h"

/* Service time that a site's clock and the server's may disagree by, and a track may end
 * after the server's now: a minute (of wall time: on a simulated clock, times its speed). */
static int64_t skew_allowed(void)
{
  return (int64_t)(60 * clk_config()->speed) * NS_PER_S;
}

/* A site's clock that disagrees with the server's (the upload's report is stamped with
 * the site's service time): said once an hour, an event, and ALARM on that clock (or on
 * the reference) for an hour. */
static void check_clock(struct server *s, struct server_site *st, const struct upload_req *req,
                        int64_t now)
{
  if (!req->has_osc)
    return;
  int64_t skew = req->osc.t - now;
  if (llabs(skew) <= skew_allowed() || now - st->clock_warned < 3600 * NS_PER_S)
    return;
  st->clock_warned = now;
  char why[200];
  snprintf(why, sizeof why, "clock disagreement: %s's clock is %+.0f s from the server's; "
           "one of them is wrong, and steering cannot be trusted until they agree",
           st->name, (double)skew / 1e9);
  LOGE("server", "%s", why);
  if (st->ctl) {
    const char *before = cs_name(st->ctl->state);
    ctl_flag_fault(st->ctl, now + 3600 * NS_PER_S, why);
    st->ctl->state = CS_ALARM;
    snprintf(st->ctl->alarm_reason, sizeof st->ctl->alarm_reason, "%s", why);
    server_event(s, now, st->name, "clock_disagreement", before, "ALARM", why);
  } else {
    server_event(s, now, st->name, "clock_disagreement", NULL, "ALARM", why);
    s->ref_fault_until = now + 3600 * NS_PER_S;
    snprintf(s->ref_fault, sizeof s->ref_fault, "%s", why);
  }
}

/* Tracks the server will never take: slots not over by the server's clock, or older than
 * max_track_age.  Moves them out of req (kept in order) into refused, with why. */
static json_t *refuse_implausible(struct server *s, struct upload_req *req, int64_t now)
{
  json_t *refused = json_array();
  int64_t oldest = now - (int64_t)s->conf.max_track_age_days * NS_PER_DAY;
  int kept = 0;
  for (int i = 0; i < req->n_tracks; i++) {
    const struct track *t = &req->tracks[i];
    char t_iso[40], why[MSG_WHY_MAX];
    why[0] = '\0';
    if (t->slot + SLOT_NS > now + skew_allowed())
      snprintf(why, sizeof why, "the slot %s is not over by the server's clock",
               tu_format(t->slot, t_iso, sizeof t_iso, 0));
    else if (t->slot < oldest)
      snprintf(why, sizeof why, "the slot %s is older than the %d days the server takes",
               tu_format(t->slot, t_iso, sizeof t_iso, 0), s->conf.max_track_age_days);
    if (!why[0]) {
      req->tracks[kept++] = *t;
      continue;
    }
    LOGW("server", "%s: track %d %05d refused: %s", req->site, t->mjd, t->sod, why);
    json_array_append_new(refused, json_pack("{s:i,s:i,s:s}", "mjd", t->mjd, "sod", t->sod,
                                             "why", why));
  }
  req->n_tracks = kept;
  return refused;
}

static int cmp_slot(const void *a, const void *b)
{
  int64_t x = ((const struct track *)a)->slot, y = ((const struct track *)b)->slot;
  return (x > y) - (x < y);
}

/* Stores the request's tracks in the open transaction; fresh[] gets the new ones' slots.
 * Returns the number new, or -1. */
static int store_tracks(struct server *s, const struct upload_req *req, int64_t wall_now,
                        int64_t *fresh, int *n_dup)
{
  int n_new = 0;
  *n_dup = 0;
  for (int i = 0; i < req->n_tracks; i++) {
    int rc = store_track_insert(s->db, &req->tracks[i], wall_now);
    if (rc < 0)
      return -1;
    if (rc == 1)
      fresh[n_new++] = req->tracks[i].slot;
    else
      (*n_dup)++;
  }
  return n_new;
}

/* The site's newest command in the store is its controller's last one, without reading
 * it: this server steers, on a serial store (no other server can steer inside this
 * transaction: server/lease.c), and stored that command itself. */
static int command_known(const struct server *s, const struct server_site *st)
{
  return s->steering && dbc_serial(s->db) && st->ctl->have_last && st->cmd_put_id > 0 &&
         st->cmd_put_id == st->ctl->last.id;
}

static json_t *answer(struct server *s, const struct server_site *st,
                      const struct upload_req *req, const int64_t *fresh, int n_new, int n_dup,
                      json_t *refused, int64_t now)
{
  json_t *acked = json_array();
  for (int i = 0; i < req->n_tracks; i++)
    json_array_append_new(acked, json_pack("{s:i,s:i}", "mjd", req->tracks[i].mjd, "sod",
                                           req->tracks[i].sod));
  json_t *cmd = json_null();
  int pending = 0;
  if (st->ctl) {
    struct steer_cmd c;
    if (command_known(s, st)) {
      json_decref(cmd);
      cmd = cmd_to_json(&st->ctl->last);
    } else if (store_command_latest(s->db, st->name, &c) == 1) {
      json_decref(cmd);
      cmd = cmd_to_json(&c);
    }
    /* The newest slot sent is not steered on yet: the reference's track of it may come in
     * a moment, and with it a newer command. */
    if (n_new > 0 && st->ctl->last_slot < fresh[n_new - 1] &&
        fresh[n_new - 1] >= tu_slot_start(now) - 2 * SLOT_NS)
      pending = 1;
  }
  const char *state = st->is_ref ? "REFERENCE" : st->ctl ? cs_name(st->ctl->state) : "MEASURED";
  return json_pack("{s:b,s:s,s:o,s:i,s:i,s:o,s:b,s:s,s:o}", "ok", 1, "site", st->name, "acked",
                   acked, "stored", n_new, "duplicates", n_dup, "command", cmd, "pending",
                   pending, "state", state, "refused", refused);
}

/* The request's signature recorded in the open transaction: 0 if new (or none), 1 if
 * seen before (a replay), -1 on an error; a refusal's answer in *resp. */
static int record_signature(struct server *s, const struct upload_req *req,
                            const struct upload_auth *auth, json_t **resp)
{
  int seen = auth && auth->sig ? store_sig_seen(s->db, auth->sig, auth->ts) : 0;
  if (seen > 0) {
    LOGW("server", "upload from %s refused (409): replayed request", req->site);
    *resp = msg_error("replayed request (signature already seen)");
  } else if (seen < 0) {
    LOGE("server", "%s: recording the request failed: %s", req->site, dbc_errmsg(s->db));
  }
  return seen;
}

/* What an upload brings, as it is taken. */
struct upload {
  struct server_site *st;
  json_t *refused;         /* tracks refused for good, with why */
  int64_t *fresh;          /* the new tracks' slots, in slot order */
  int n_new, n_dup;
};

/* In the open transaction: the site's clock checked, its report kept, its tracks stored
 * (in slot order, so that the servo sees a backlog as it happened).  0, or -1. */
static int take(struct server *s, struct upload *u, struct upload_req *req, int64_t now,
                int64_t wall_now)
{
  struct server_site *st = u->st;
  check_clock(s, st, req, now);
  u->refused = refuse_implausible(s, req, now);
  if (st->ctl && req->has_osc) {
    struct steer_cmd held;
    int have = req->osc.osc.cmd_id > 0 &&
               store_command_get(s->db, st->name, req->osc.osc.cmd_id, &held) == 1;
    ctl_report(st->ctl, &req->osc, have ? &held : NULL);
    server_share_report(s, st, &req->osc);
  }
  qsort(req->tracks, (size_t)req->n_tracks, sizeof *req->tracks, cmp_slot);
  u->fresh = calloc((size_t)req->n_tracks + 1, sizeof *u->fresh);
  u->n_new = u->fresh ? store_tracks(s, req, wall_now, u->fresh, &u->n_dup) : -1;
  return u->n_new < 0 ? -1 : 0;
}

/* Common view and steering for the upload's new tracks (both lists in slot order). */
static void process_fresh(struct server *s, const struct upload_req *req,
                          const struct upload *u, int64_t now)
{
  int steer = server_lease_fence(s, now);
  for (int i = 0, f = 0; i < req->n_tracks && f < u->n_new; i++)
    if (req->tracks[i].slot == u->fresh[f]) {
      f++;
      server_process_slot(s, &req->tracks[i], now, steer);
    }
}

/* The upload's answer, read in its transaction. */
static json_t *answer_of(struct server *s, struct upload *u, const struct upload_req *req,
                         int64_t now)
{
  json_t *a = answer(s, u->st, req, u->fresh, u->n_new, u->n_dup, u->refused, now);
  u->refused = NULL;
  return a;
}

/* The upload's tracks are in the store. */
static int stored(struct upload *u, const struct upload_req *req)
{
  for (int i = 0; i < req->n_tracks; i++)
    if (req->tracks[i].slot > u->st->last_slot)
      u->st->last_slot = req->tracks[i].slot;
  if (u->n_new)
    LOGD("server", "%s: %d tracks stored, %d duplicates", u->st->name, u->n_new, u->n_dup);
  return 200;
}

static int not_stored(struct upload *u, const struct upload_req *req, json_t **resp)
{
  LOGE("server", "%s: the upload was not stored; the site sends it again", req->site);
  json_decref(u->refused);
  u->refused = NULL;
  json_decref(*resp);
  *resp = msg_error("the server could not store the tracks; send them again later");
  return 503;
}

/* A serial store: everything in the batch's transaction, answered once it is committed. */
static int upload_serial(struct server *s, struct upload *u, struct upload_req *req,
                         const struct upload_auth *auth, int64_t now, int64_t wall_now,
                         json_t **resp)
{
  struct batch_member m;
  if (batch_begin(s) != 0) {
    LOGE("server", "%s: no transaction for the upload: %s", req->site, dbc_errmsg(s->db));
    return not_stored(u, req, resp);
  }
  int seen = record_signature(s, req, auth, resp);
  if (seen != 0) /* a replay writes nothing; an error undoes the batch */
    return batch_end(s, &m, seen > 0) && seen > 0 ? 409 : not_stored(u, req, resp);
  if (take(s, u, req, now, wall_now) != 0) {
    batch_end(s, &m, 0);
    return not_stored(u, req, resp);
  }
  process_fresh(s, req, u, now);
  /* The answer as the store will have it, given only once the commit is done. */
  *resp = answer_of(s, u, req, now);
  return batch_end(s, &m, 1) ? stored(u, req) : not_stored(u, req, resp);
}

/* Writers side by side: the signature and tracks committed first, then common view and
 * steering in a transaction of their own. */
static int upload_side_by_side(struct server *s, struct upload *u, struct upload_req *req,
                               const struct upload_auth *auth, int64_t now, int64_t wall_now,
                               json_t **resp)
{
  if (dbc_begin(s->db) != 0) {
    LOGE("server", "%s: no transaction for the upload: %s", req->site, dbc_errmsg(s->db));
    return not_stored(u, req, resp);
  }
  int seen = record_signature(s, req, auth, resp);
  if (seen != 0 || take(s, u, req, now, wall_now) != 0 || dbc_commit(s->db) != 0) {
    dbc_rollback(s->db);
    return seen > 0 ? 409 : not_stored(u, req, resp);
  }
  stored(u, req);
  int tx = dbc_begin(s->db) == 0;
  if (!tx) /* the tracks are in: common view statement by statement */
    LOGW("server", "%s: no transaction for common view: %s", req->site, dbc_errmsg(s->db));
  process_fresh(s, req, u, now);
  if (tx && dbc_commit(s->db) != 0) {
    /* The decisions are lost, not the tracks: memory is brought back to the store. */
    LOGE("server", "%s: committing common view and steering failed: %s", req->site,
         dbc_errmsg(s->db));
    server_rollback(s);
  }
  *resp = answer_of(s, u, req, now);
  return 200;
}

int server_upload(struct server *s, struct upload_req *req, const struct upload_auth *auth,
                  int64_t now, int64_t wall_now, json_t **resp)
{
  *resp = NULL;
  batch_lock(s);
  int k = server_site_index(s, req->site);
  if (k < 0) {
    batch_unlock(s);
    *resp = msg_error("unknown site '%s'", req->site);
    return 403;
  }
  struct upload u = {.st = &s->sites[k]};
  int status = dbc_serial(s->db) ? upload_serial(s, &u, req, auth, now, wall_now, resp)
                                 : upload_side_by_side(s, &u, req, auth, now, wall_now, resp);
  batch_unlock(s);
  free(u.fresh);
  json_decref(u.refused);
  return status;
}
