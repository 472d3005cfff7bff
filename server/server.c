#include "config.h"
#include "server/server.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "db/store.h"
#include "server/batch.h"
#include "server/serverint.h"
#include "server/slotcache.h"

#define SERVER_BUSY_MS 1000
#define SERVER_PRUNE_EVERY (60 * NS_PER_S) /* wall time */

void server_app_conf_default(struct server_app_conf *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->db_path, sizeof c->db_path, "cvd-server.db");
  snprintf(c->servo, sizeof c->servo, "kalman");
  c->max_track_age_days = 60;
  c->record_states = 0;
  if (gethostname(c->name, sizeof c->name) != 0 || !c->name[0])
    snprintf(c->name, sizeof c->name, "cvd-server");
  c->name[sizeof c->name - 1] = '\0';
  c->lease_s = 180;
  servo_params_default(&c->sp);
  ctl_params_default(&c->cp);
}

struct server_site_conf *server_app_conf_add_site(struct server_app_conf *c, const char *name,
                                                  char *err, size_t errlen)
{
  if (c->n_sites == c->cap_sites) {
    int cap = c->cap_sites ? 2 * c->cap_sites : 16;
    struct server_site_conf *t = realloc(c->sites, (size_t)cap * sizeof *t);
    if (!t) {
      snprintf(err, errlen, "out of memory for %d sites", cap);
      return NULL;
    }
    c->sites = t;
    c->cap_sites = cap;
  }
  struct server_site_conf *sc = &c->sites[c->n_sites++];
  memset(sc, 0, sizeof *sc);
  snprintf(sc->name, sizeof sc->name, "%s", name);
  return sc;
}

void server_app_conf_free(struct server_app_conf *c)
{
  free(c->sites);
  c->sites = NULL;
  c->n_sites = c->cap_sites = 0;
}

struct site_key {
  const char *name;
  const struct server_site *sites;
};

static int cmp_key(const void *key, const void *elem)
{
  const struct site_key *k = key;
  return strcmp(k->name, k->sites[*(const int *)elem].name);
}

static int cmp_index(const void *a, const void *b, void *sites)
{
  const struct server_site *st = sites;
  return strcmp(st[*(const int *)a].name, st[*(const int *)b].name);
}

int server_site_index(const struct server *s, const char *name)
{
  if (s->by_name) { /* many sites: no linear search per upload */
    struct site_key key = {name, s->sites};
    const int *hit = bsearch(&key, s->by_name, (size_t)s->n_sites, sizeof *hit, cmp_key);
    return hit ? *hit : -1;
  }
  for (int i = 0; i < s->n_sites; i++)
    if (strcmp(s->sites[i].name, name) == 0)
      return i;
  return -1;
}

const char *server_secret(const struct server *s, const char *site, const char *key_id,
                          int64_t wall_now, char *why, size_t whylen)
{
  int i = server_site_index(s, site);
  if (i < 0) {
    snprintf(why, whylen, "unknown site");
    return NULL;
  }
  const char *id = key_id ? key_id : "1";
  for (int k = 0; k < s->sites[i].n_keys; k++) {
    const struct server_key *key = &s->sites[i].keys[k];
    if (strcmp(key->id, id) != 0)
      continue;
    if (key->until && wall_now >= key->until) {
      char t[40];
      snprintf(why, whylen, "key %s of site %s ended at %s", key->id, s->sites[i].name,
               tu_format(key->until, t, sizeof t, 0));
      return NULL;
    }
    return key->secret;
  }
  snprintf(why, whylen, "site %s has no key %s", s->sites[i].name,
           site_name_ok(id) ? id : "(not a key id)");
  return NULL;
}

void server_rollback(struct server *s)
{
  dbc_rollback(s->db);
  slotcache_forget(s->cache);
  if (server_take_up_ctls(s) != 0 && s->steering) {
    /* Memory may still hold the undone decisions: no more of them until a tick has taken
     * the lease again and, with it, every controller from the store. */
    LOGW("server", "%s stops steering until its controllers agree with the store again",
         s->conf.name);
    s->steering = 0;
  }
  for (int k = 0; k < s->n_sites; k++)
    s->sites[k].caught_up_slot = 0;
}

void server_save_ctl(struct server *s, const struct ctl *c, int64_t now)
{
  json_t *j = ctl_save(c);
  char *text = jx_dump(j);
  json_decref(j);
  if (!text || store_clock_put(s->db, c->site, cs_name(c->state), text, now) != 0)
    LOGE("server", "%s: saving the controller state failed", c->site);
  free(text);
}

void server_log_decision(struct server *s, const char *site, const struct ctl_decision *d)
{
  struct steer_log_row r = {0};
  snprintf(r.site, sizeof r.site, "%s", site);
  r.t = d->t;
  r.slot = d->slot;
  r.measured_x_ns = d->measured_x_ns;
  r.x_est_ns = d->x_est_ns;
  r.x_sigma_ns = d->x_sigma_ns;
  r.y_est = d->y_est;
  r.innovation_ns = d->innovation_ns;
  r.freq = r.drift_per_day = r.slew_freq = r.phase_step_ns = NAN;
  if (d->has_cmd) {
    r.freq = d->cmd.freq;
    r.drift_per_day = d->cmd.drift_per_day;
    r.slew_freq = d->cmd.slew_freq;
    r.phase_step_ns = d->cmd.phase_step_ns;
    r.cmd_id = d->cmd.id;
  }
  snprintf(r.state, sizeof r.state, "%s", cs_name(d->state));
  snprintf(r.reason, sizeof r.reason, "%s", d->reason);
  if (store_steer_log(s->db, &r) != 0)
    LOGE("server", "%s: writing the steering log failed", site);
}

struct ctl *server_restore_ctl(struct server *s, const char *name, const char *saved, char *err,
                               size_t errlen)
{
  const struct server_app_conf *c = &s->conf;
  struct ctl *ctl = ctl_create(name, c->servo, &c->sp, &c->cp, err, errlen);
  if (!ctl || !saved)
    return ctl;
  json_error_t je;
  char e2[256];
  json_t *j = json_loads(saved, 0, &je);
  if (!j || ctl_load(ctl, j, e2, sizeof e2) != 0) {
    snprintf(err, errlen, "%s: stored controller state unreadable (%s); was the servo changed? "
             "Remove the clocks row to start this clock afresh",
             name, j ? e2 : je.text);
    json_decref(j);
    ctl_destroy(ctl);
    return NULL;
  }
  json_decref(j);
  return ctl;
}

/* A remote's controller, restored from the store when it was saved there. */
static int open_clock(struct server *s, struct server_site *st, char *err, size_t errlen)
{
  char *saved;
  if (store_clock_get(s->db, st->name, &saved) < 0) {
    snprintf(err, errlen, "%s: its saved controller cannot be read: %s", st->name,
             dbc_errmsg(s->db));
    return -1;
  }
  st->ctl = server_restore_ctl(s, st->name, saved, err, errlen);
  free(saved);
  if (!st->ctl)
    return -1;
  LOGI("server", "%s: in state %s, last slot %lld", st->name, cs_name(st->ctl->state),
       (long long)st->ctl->last_slot);
  return 0;
}

int server_open(struct server *s, const struct server_app_conf *c, char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->mtx, NULL);
  pthread_mutex_init(&s->pool_mtx, NULL);
  pthread_cond_init(&s->batch_cond, NULL);
  s->conf = *c;
  s->conf.sites = NULL;
  s->conf.n_sites = s->conf.cap_sites = 0;
  s->ref = -1;
  size_t n = c->n_sites > 0 ? (size_t)c->n_sites : 1;
  s->conf.sites = malloc(n * sizeof *s->conf.sites);
  s->sites = calloc(n, sizeof *s->sites);
  s->db = s->sites && s->conf.sites ? dbc_open(c->db_path, 0, err, errlen) : NULL;
  if (!s->db) {
    if (!s->sites || !s->conf.sites)
      snprintf(err, errlen, "out of memory for %d sites", c->n_sites);
    free(s->sites);
    free(s->conf.sites);
    s->sites = NULL;
    s->conf.sites = NULL;
    pthread_cond_destroy(&s->batch_cond);
    pthread_mutex_destroy(&s->pool_mtx);
    pthread_mutex_destroy(&s->mtx);
    return -1;
  }
  memcpy(s->conf.sites, c->sites, (size_t)c->n_sites * sizeof *c->sites);
  s->conf.n_sites = s->conf.cap_sites = c->n_sites;
  /* The server's lock is held while it writes: another process holding the database makes
   * an upload wait this long at most (and fail with 503), not the 10 s default, and while
   * it keeps holding it, uploads and ticks fail at once (db_busy_budget). */
  dbc_busy_budget(s->db, &s->busy, SERVER_BUSY_MS);
  char e[400];
  if (dbc_background_checkpoints(s->db, e, sizeof e) != 0)
    LOGW("server", "checkpoints stay in the uploads' commits: %s", e);
  for (int i = 0; i < c->n_sites; i++) {
    struct server_site *st = &s->sites[s->n_sites++];
    snprintf(st->name, sizeof st->name, "%s", c->sites[i].name);
    memcpy(st->keys, c->sites[i].keys, sizeof st->keys);
    st->n_keys = c->sites[i].n_keys;
    st->is_ref = strcmp(st->name, c->reference) == 0;
    st->cggtts = c->sites[i].cggtts && !st->is_ref;
    if ((st->last_slot = store_last_slot(s->db, st->name)) < 0) {
      snprintf(err, errlen, "%s: its last track cannot be read: %s", st->name,
               dbc_errmsg(s->db));
      goto fail;
    }
    if (st->is_ref)
      s->ref = i;
    else if (!st->cggtts && open_clock(s, st, err, errlen) != 0)
      goto fail;
  }
  if (s->ref < 0) {
    snprintf(err, errlen, "the reference site '%s' is not among the sites", c->reference);
    goto fail;
  }
  s->by_name = malloc((size_t)s->n_sites * sizeof *s->by_name);
  if (s->by_name) {
    for (int i = 0; i < s->n_sites; i++)
      s->by_name[i] = i;
    qsort_r(s->by_name, (size_t)s->n_sites, sizeof *s->by_name, cmp_index, s->sites);
  }
  s->cache = slotcache_create(c->reference, s->n_sites <= SERVER_ALL_PAIRS_MAX);
  if (!s->cache) {
    snprintf(err, errlen, "out of memory for the slot cache");
    goto fail;
  }
  server_lease_renew(s, clk_now());
  return 0;
fail:
  server_close(s);
  return -1;
}

void server_close(struct server *s)
{
  if (s->db)
    batch_flush(s);
  for (int i = 0; i < s->n_sites; i++)
    ctl_destroy(s->sites[i].ctl);
  s->n_sites = 0;
  free(s->sites);
  s->sites = NULL;
  slotcache_destroy(s->cache);
  s->cache = NULL;
  free(s->by_name);
  s->by_name = NULL;
  if (s->db && s->steering)
    store_lease_release(s->db, s->conf.name);
  for (int i = 0; i < s->n_readers; i++)
    dbc_close(s->readers[i]);
  s->n_readers = 0;
  dbc_close(s->db);
  s->db = NULL;
  server_app_conf_free(&s->conf);
  pthread_cond_destroy(&s->batch_cond);
  pthread_mutex_destroy(&s->pool_mtx);
  pthread_mutex_destroy(&s->mtx);
}

/* Each clock in holdover: its prediction for the start of the current slot, once a slot,
 * kept so that the band can be drawn against what was measured after it. */
static void store_holdover_predictions(struct server *s, int64_t now)
{
  int64_t slot = tu_slot_start(now);
  for (int i = 0; i < s->n_sites; i++) {
    struct server_site *st = &s->sites[i];
    double x, sigma;
    if (!st->ctl || (st->ctl->state != CS_HOLDOVER && st->ctl->state != CS_ALARM) ||
        st->predicted_slot == slot)
      continue;
    ctl_predict(st->ctl, slot, &x, &sigma);
    if (!isfinite(x) || !isfinite(sigma))
      continue;
    if (store_prediction_put(s->db, st->name, slot, x, sigma) != 0) {
      LOGW("server", "%s: keeping the holdover prediction failed: %s", st->name,
           dbc_errmsg(s->db));
      continue;
    }
    st->predicted_slot = slot;
  }
}

/* The steering server's part of the tick: holdover, predictions, staff's requests. */
static void steer_tick(struct server *s, int64_t now)
{
  for (int i = 0; i < s->n_sites; i++) {
    struct ctl *c = s->sites[i].ctl;
    struct ctl_decision d;
    enum clock_state before = c ? c->state : CS_ACQUIRING;
    if (c && ctl_tick(c, now, &d)) {
      server_log_decision(s, c->site, &d);
      server_save_ctl(s, c, now);
      if (d.state == CS_ALARM)
        LOGW("server", "%s: %s", c->site, d.reason);
      else
        LOGI("server", "%s: %s: %s", c->site, cs_name(d.state), d.reason);
      if (s->conf.record_states && d.state != before) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s -> %s: %s", cs_name(before), cs_name(d.state), d.reason);
        server_event(s, now, c->site, "state", cs_name(before), cs_name(d.state), msg);
      }
    }
  }
  store_holdover_predictions(s, now);
  server_operator_requests(s, now);
}

void server_tick(struct server *s, int64_t now, int64_t wall_now)
{
  server_lock(s);
  if (server_lease_renew(s, now)) {
    server_catch_up(s, now);
    steer_tick(s, now);
  }
  /* The replay records are pruned once a minute: each prune takes the write lock. */
  if (wall_now - s->pruned_wall >= SERVER_PRUNE_EVERY) {
    s->pruned_wall = wall_now;
    if (store_sig_prune(s->db, wall_now / NS_PER_S - 2 * SIGN_MAX_SKEW_S) != 0)
      LOGW("server", "pruning the replay records failed: %s", dbc_errmsg(s->db));
  }
  pthread_mutex_unlock(&s->mtx);
}

/* The controller of a remote clock, or NULL. */
static struct ctl *remote_ctl(struct server *s, const char *site)
{
  int i = server_site_index(s, site);
  return i < 0 ? NULL : s->sites[i].ctl;
}

int server_clock_state(struct server *s, const char *site, enum clock_state *state)
{
  pthread_mutex_lock(&s->mtx);
  struct ctl *c = remote_ctl(s, site);
  if (c)
    *state = c->state;
  pthread_mutex_unlock(&s->mtx);
  return c ? 0 : -1;
}

int server_predict(struct server *s, const char *site, int64_t t, double *x_ns, double *sigma_ns)
{
  pthread_mutex_lock(&s->mtx);
  struct ctl *c = remote_ctl(s, site);
  if (c)
    ctl_predict(c, t, x_ns, sigma_ns);
  pthread_mutex_unlock(&s->mtx);
  return c ? 0 : -1;
}
