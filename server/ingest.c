/* Common view and steering: for each new track, the common-view differences of its slot
 * and the steering of the remotes they concern, each decision logged and each controller
 * saved; and the steering server's catch-up on what other servers stored. */
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
  if (d.has_cmd) {
    int put = store_command_put(s->db, st->name, &d.cmd) == 0;
    if (!put)
      LOGE("server", "%s: storing command %lld failed", st->name, (long long)d.cmd.id);
    st->cmd_put_id = put ? d.cmd.id : 0;
  }
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
void server_process_slot(struct server *s, const struct track *t, int64_t now, int steer)
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
  int began = 0, clocks = 0, slots = 0;
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
      server_process_slot(s, &tr[i], now, 1);
    if (n > 0) {
      LOGD("server", "%s: %d stored slots steered on, to %lld", st->name, n, (long long)latest);
      clocks++;
      slots += n;
    }
    free(tr);
    st->caught_up_slot = latest;
  }
  if (began == 1 && dbc_commit(s->db) != 0) {
    /* Nothing of the pass is stored: memory is brought back to the store, and every clock
     * is looked at again at the next tick. */
    LOGE("server", "steering on stored slots not steered on yet: the commit failed, tried "
         "again at the next tick: %s", dbc_errmsg(s->db));
    server_rollback(s);
    return;
  }
  /* The steering server's usual way with the tracks another server took: one line a pass,
   * not one a clock (a thousand clocks would write a thousand lines each slot). */
  if (clocks > 0)
    LOGI("server", "%d stored slots of %d clocks not steered on yet (taken by another server, "
         "or the store was busy) steered on", slots, clocks);
}
