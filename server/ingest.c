/* The server's side of an upload: the replay check of its signature, then one
 * transaction that stores the tracks, and for each new slot the common-view differences
 * and the steering of the remotes they concern, each decision logged and each controller
 * saved; the answer carries the site's newest command. */
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
#include "server/serverint.h"
#include "server/slotcache.h"
#include "steer/cv.h"
#include "steer/refstep.h"

int server_seen_signature(struct server *s, const char *sig, int64_t wall_s)
{
  pthread_mutex_lock(&s->mtx);
  int rc = store_sig_seen(s->db, sig, wall_s);
  pthread_mutex_unlock(&s->mtx);
  return rc;
}

/* Steps in the measurements of several remotes in the same slot, of one size, are the
 * reference's (steer/refstep.h): every remote's servo takes the common estimate, every
 * clock is flagged, and the reference's fault is said once. */
static void reference_step(struct server *s, int64_t slot, int64_t now)
{
  struct ctl **ctls = malloc((size_t)s->n_sites * sizeof *ctls);
  struct refstep rs;
  if (!ctls) {
    LOGE("server", "slot %lld: out of memory for the reference's step check", (long long)slot);
    return;
  }
  for (int i = 0; i < s->n_sites; i++)
    ctls[i] = s->sites[i].ctl;
  int found = refstep_find(ctls, s->n_sites, slot, &rs);
  if (!found) {
    free(ctls);
    return;
  }
  char t[40], why[200];
  snprintf(why, sizeof why,
           "the measurements of %d remotes stepped together by %+.1f ns at %s: the reference "
           "receiver's delay changed by %+.1f ns; corrected",
           rs.n, rs.step_ns, tu_format(slot, t, sizeof t, 0), -rs.step_ns);
  for (int i = 0; i < s->n_sites; i++) {
    if (!ctls[i])
      continue;
    ctl_flag_fault(ctls[i], now + s->conf.cp.fault_hold, why);
    server_save_ctl(s, ctls[i], now);
  }
  free(ctls);
  if (s->ref_fault_until <= now || strcmp(s->ref_fault, why) != 0) {
    LOGW("server", "reference %s: %s", s->sites[s->ref].name, why);
    server_event(s, now, s->sites[s->ref].name, "reference_step", NULL, NULL, why);
  }
  s->ref_fault_until = now + s->conf.cp.fault_hold;
  snprintf(s->ref_fault, sizeof s->ref_fault, "%s", why);
}

/* One measurement x = REMOTE - REF of a slot through the remote's controller. */
static void steer_one(struct server *s, struct server_site *st, const struct cv_pair *m,
                      int64_t now)
{
  struct ctl_decision d;
  enum clock_state before = st->ctl->state;
  server_fetch_report(s, st); /* the site may have told another server */
  int rc = ctl_measure(st->ctl, m->a->slot, m->value_ns, m->sigma_ns, m->a, now, &d);
  if (rc == 0) {
    LOGD("server", "%s: slot %lld older than the last steered, not used for steering",
         st->name, (long long)m->a->slot);
    return;
  }
  if (rc < 0) {
    LOGE("server", "%s: servo failed on slot %lld", st->name, (long long)m->a->slot);
    return;
  }
  if (d.has_cmd && store_command_put(s->db, st->name, &d.cmd) != 0)
    LOGE("server", "%s: storing command %lld failed", st->name, (long long)d.cmd.id);
  server_log_decision(s, st->name, &d);
  server_save_ctl(s, st->ctl, now);
  if (d.event) {
    LOGW("server", "%s: %s", st->name, d.reason);
    server_event(s, now, st->name, d.event, cs_name(before), cs_name(d.state), d.reason);
  }
  if (d.outlier && s->conf.record_states)
    server_event(s, now, st->name, "outlier", cs_name(before), cs_name(d.state), d.reason);
  if (d.step)
    reference_step(s, m->a->slot, now);
  int new_step = d.has_cmd && d.cmd.phase_step_ns != 0 &&
                 d.cmd.phase_step_id == st->ctl->next_step_id - 1;
  if (d.state != before || new_step)
    LOGI("server", "%s: %s -> %s, x %.1f ns: %s", st->name, cs_name(before), cs_name(d.state),
         m->value_ns, d.reason);
  if (d.state != before && s->conf.record_states) {
    char msg[400];
    snprintf(msg, sizeof msg, "%s -> %s, x %.1f ns: %s", cs_name(before), cs_name(d.state),
             m->value_ns, d.reason);
    server_event(s, now, st->name, "state", cs_name(before), cs_name(d.state), msg);
  }
}

static int cmp_pair_site(const void *a, const void *b)
{
  return strcmp(((const struct cv_pair *)a)->a->site, ((const struct cv_pair *)b)->a->site);
}

/* Common view for one new track t (committed to the store), from its slot's tracks held in
 * memory (server/slotcache.h): for few sites every pair it makes in its slot is stored, for
 * more (SERVER_ALL_PAIRS_MAX) each remote against the reference only (other pairs are
 * derived when read); when this server steers, the remotes that now have a measurement
 * against the reference are steered, in site order. */
static void process_slot(struct server *s, const struct track *t, int64_t now, int steer)
{
  struct slotcache_view v;
  if (slotcache_slot(s->cache, s->db, t, &v) != 0)
    return;
  struct cv_pair *buf = calloc((size_t)v.n * 2, sizeof *buf);
  if (!buf) {
    LOGE("server", "slot %lld: out of memory for common view", (long long)t->slot);
    return;
  }
  struct cv_pair *pairs = buf, *st = buf + v.n;
  int n_steer, np;
  if (s->n_sites <= SERVER_ALL_PAIRS_MAX) {
    np = cv_slot(v.tr, v.n, &v.tr[v.up], s->sites[s->ref].name, pairs, st, &n_steer);
  } else {
    np = n_steer = cv_slot_ref(v.tr, v.n, v.up, v.ref, st);
    pairs = st; /* what is stored is what steers: REMOTE - REF */
    qsort(st, (size_t)n_steer, sizeof *st, cmp_pair_site);
  }
  for (int i = 0; i < np; i++)
    if (store_cv_put(s->db, t->slot, pairs[i].a->site, pairs[i].b->site, pairs[i].value_ns,
                     pairs[i].sigma_ns) != 0)
      LOGE("server", "slot %lld: storing %s - %s failed", (long long)t->slot, pairs[i].a->site,
           pairs[i].b->site);
  for (int i = 0; steer && i < n_steer; i++) {
    int k = server_site_index(s, st[i].a->site);
    if (k >= 0 && s->sites[k].ctl)
      steer_one(s, &s->sites[k], &st[i], now);
  }
  free(buf);
}

/* How far back the steering server looks for measurements it has not steered on. */
#define CATCH_UP_NS (2 * NS_PER_DAY)

void server_catch_up(struct server *s, int64_t now)
{
  int began = 0;
  for (int k = 0; k < s->n_sites; k++) {
    struct server_site *st = &s->sites[k];
    int64_t latest;
    double v;
    if (!st->ctl || store_cv_latest(s->db, st->name, s->sites[s->ref].name, &latest, &v) != 1 ||
        latest <= st->ctl->last_slot || latest <= st->caught_up_slot)
      continue;
    int64_t from = st->ctl->last_slot + 1;
    if (from < now - CATCH_UP_NS)
      from = now - CATCH_UP_NS;
    struct track *tr = NULL;
    int n = store_site_tracks(s->db, st->name, from, latest + 1, &tr);
    if (n > 0 && !began)
      began = dbc_begin(s->db) == 0 ? 1 : -1;
    for (int i = 0; i < n; i++)
      process_slot(s, &tr[i], now, 1);
    if (n > 0)
      LOGI("server", "%s: %d stored slots not steered on yet (taken by another server, or "
           "the store was busy) steered on, to %lld", st->name, n, (long long)latest);
    free(tr);
    st->caught_up_slot = latest;
  }
  if (began == 1 && dbc_commit(s->db) != 0)
    dbc_rollback(s->db);
}

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

/* Stores the request's tracks in one transaction; fresh[] gets the new ones' slots.
 * Returns the number new, or -1 (nothing stored). */
static int store_tracks(struct server *s, struct server_site *st, const struct upload_req *req,
                        int64_t wall_now, int64_t *fresh, int *n_dup)
{
  int n_new = 0;
  *n_dup = 0;
  if (dbc_begin(s->db) != 0)
    return -1;
  for (int i = 0; i < req->n_tracks; i++) {
    int rc = store_track_insert(s->db, &req->tracks[i], wall_now);
    if (rc < 0) {
      dbc_rollback(s->db);
      return -1;
    }
    if (rc == 1)
      fresh[n_new++] = req->tracks[i].slot;
    else
      (*n_dup)++;
  }
  if (dbc_commit(s->db) != 0) {
    dbc_rollback(s->db);
    return -1;
  }
  for (int i = 0; i < req->n_tracks; i++)
    if (req->tracks[i].slot > st->last_slot)
      st->last_slot = req->tracks[i].slot;
  return n_new;
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
    if (store_command_latest(s->db, st->name, &c) == 1) {
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

int server_upload(struct server *s, struct upload_req *req, int64_t now, int64_t wall_now,
                  json_t **resp)
{
  pthread_mutex_lock(&s->mtx);
  int k = server_site_index(s, req->site);
  if (k < 0) {
    pthread_mutex_unlock(&s->mtx);
    *resp = msg_error("unknown site '%s'", req->site);
    return 403;
  }
  struct server_site *st = &s->sites[k];
  check_clock(s, st, req, now);
  json_t *refused = refuse_implausible(s, req, now);
  if (st->ctl && req->has_osc) {
    struct steer_cmd held;
    int have = req->osc.osc.cmd_id > 0 &&
               store_command_get(s->db, st->name, req->osc.osc.cmd_id, &held) == 1;
    ctl_report(st->ctl, &req->osc, have ? &held : NULL);
    server_share_report(s, st, &req->osc);
  }
  /* Slots in time order, so the servo sees a backlog as it happened. */
  qsort(req->tracks, (size_t)req->n_tracks, sizeof *req->tracks, cmp_slot);
  int64_t *fresh = calloc((size_t)req->n_tracks + 1, sizeof *fresh);
  int n_dup, n_new = fresh ? store_tracks(s, st, req, wall_now, fresh, &n_dup) : -1;
  if (n_new < 0) {
    free(fresh);
    LOGE("server", "%s: storing the upload failed: %s", req->site, dbc_errmsg(s->db));
    json_decref(refused);
    pthread_mutex_unlock(&s->mtx);
    *resp = msg_error("the server could not store the tracks; send them again later");
    return 503;
  }
  /* Common view and steering in one transaction per request: cheaper, and a crash loses
   * nothing the tracks (already committed) cannot rebuild. */
  int tx = dbc_begin(s->db) == 0;
  if (!tx)
    LOGW("server", "%s: no transaction for common view: %s", st->name, dbc_errmsg(s->db));
  int steer = server_lease_fence(s, now);
  for (int i = 0, f = 0; i < req->n_tracks && f < n_new; i++) /* both in slot order */
    if (req->tracks[i].slot == fresh[f]) {
      f++;
      process_slot(s, &req->tracks[i], now, steer);
    }
  if (tx && dbc_commit(s->db) != 0) {
    LOGE("server", "%s: committing common view and steering failed: %s", st->name,
         dbc_errmsg(s->db));
    dbc_rollback(s->db);
  }
  *resp = answer(s, st, req, fresh, n_new, n_dup, refused, now);
  free(fresh);
  pthread_mutex_unlock(&s->mtx);
  if (n_new)
    LOGD("server", "%s: %d tracks stored, %d duplicates", st->name, n_new, n_dup);
  return 200;
}
