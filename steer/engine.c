#include "config.h"
#include "steer/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "db/store.h"
#include "steer/cv.h"

void engine_conf_default(struct engine_conf *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->db_path, sizeof c->db_path, "cvd-server.db");
  snprintf(c->servo, sizeof c->servo, "kalman");
  servo_params_default(&c->sp);
  ctl_params_default(&c->cp);
}

static int site_index(const struct engine *e, const char *name)
{
  for (int i = 0; i < e->n_sites; i++)
    if (strcmp(e->sites[i].name, name) == 0)
      return i;
  return -1;
}

const char *engine_secret(const struct engine *e, const char *site)
{
  int i = site_index(e, site);
  return i < 0 ? NULL : e->sites[i].secret;
}

static void save_ctl(struct engine *e, const struct ctl *c, int64_t now)
{
  json_t *j = ctl_save(c);
  char *text = jx_dump(j);
  json_decref(j);
  if (!text || store_clock_put(e->db, c->site, cs_name(c->state), text, now) != 0)
    LOGE("engine", "%s: saving the controller state failed", c->site);
  free(text);
}

int engine_open(struct engine *e, const struct engine_conf *c, char *err, size_t errlen)
{
  memset(e, 0, sizeof *e);
  pthread_mutex_init(&e->mtx, NULL);
  e->conf = *c;
  e->ref = -1;
  e->db = db_open(c->db_path, DB_SERVER, err, errlen);
  if (!e->db)
    return -1;
  for (int i = 0; i < c->n_sites; i++) {
    struct engine_site *s = &e->sites[e->n_sites++];
    snprintf(s->name, sizeof s->name, "%s", c->sites[i].name);
    snprintf(s->secret, sizeof s->secret, "%s", c->sites[i].secret);
    s->is_ref = strcmp(s->name, c->reference) == 0;
    s->last_slot = store_last_slot(e->db, s->name);
    if (s->is_ref) {
      e->ref = i;
      continue;
    }
    s->ctl = ctl_create(s->name, c->servo, &c->sp, &c->cp, err, errlen);
    if (!s->ctl)
      goto fail;
    char *saved = store_clock_get(e->db, s->name);
    if (saved) {
      json_error_t je;
      char e2[256];
      json_t *j = json_loads(saved, 0, &je);
      free(saved);
      if (!j || ctl_load(s->ctl, j, e2, sizeof e2) != 0) {
        snprintf(err, errlen, "%s: stored controller state unreadable (%s); was the servo changed? "
                 "Remove the clocks row to start this clock afresh",
                 s->name, j ? e2 : je.text);
        json_decref(j);
        goto fail;
      }
      json_decref(j);
      LOGI("engine", "%s: restored in state %s, last slot %lld", s->name, cs_name(s->ctl->state),
           (long long)s->ctl->last_slot);
    }
  }
  if (e->ref < 0) {
    snprintf(err, errlen, "the reference site '%s' is not among the sites", c->reference);
    goto fail;
  }
  return 0;
fail:
  engine_close(e);
  return -1;
}

void engine_close(struct engine *e)
{
  for (int i = 0; i < e->n_sites; i++)
    ctl_destroy(e->sites[i].ctl);
  e->n_sites = 0;
  if (e->db)
    db_close(e->db);
  e->db = NULL;
  pthread_mutex_destroy(&e->mtx);
}

int engine_seen_signature(struct engine *e, const char *sig, int64_t wall_s)
{
  pthread_mutex_lock(&e->mtx);
  int rc = store_sig_seen(e->db, sig, wall_s);
  pthread_mutex_unlock(&e->mtx);
  return rc;
}

static void log_decision(struct engine *e, const struct ctl *c, const struct ctl_decision *d)
{
  struct steer_log_row r = {0};
  snprintf(r.site, sizeof r.site, "%s", c->site);
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
  if (store_steer_log(e->db, &r) != 0)
    LOGE("engine", "%s: writing the steering log failed", c->site);
}

/* Steps in the measurements of several remotes in the same slot, of one size, are the
 * reference's: every remote measures against it.  Their common size is estimated from all
 * of them together (weighted mean), every remote's servo takes it, and the reference is
 * flagged for staff. */
static void common_step(struct engine *e, int64_t slot, int64_t now)
{
  double sw = 0, swx = 0;
  int n = 0;
  for (int i = 0; i < e->n_sites; i++) {
    const struct ctl *c = e->sites[i].ctl;
    if (c && c->step_slot == slot && c->step_var > 0) {
      sw += 1 / c->step_var;
      swx += c->step_own / c->step_var;
      n++;
    }
  }
  if (n < 2)
    return;
  double mean = swx / sw, var = 1 / sw;
  for (int i = 0; i < e->n_sites; i++) {
    const struct ctl *c = e->sites[i].ctl;
    if (c && c->step_slot == slot && fabs(c->step_own - mean) > 4 * sqrt(c->step_var))
      return; /* not one step: each remote keeps its own */
  }
  char t[40], why[200];
  snprintf(why, sizeof why,
           "the measurements of %d remotes stepped together by %+.1f ns at %s: the reference "
           "receiver's delay changed by %+.1f ns; corrected",
           n, mean, tu_format(slot, t, sizeof t, 0), -mean);
  for (int i = 0; i < e->n_sites; i++) {
    struct ctl *c = e->sites[i].ctl;
    if (!c)
      continue;
    if (c->step_slot == slot && c->servo->ops->shift_bias) {
      c->servo->ops->shift_bias(c->servo, mean - c->step_ns, var);
      c->step_ns = mean;
      c->step_var = var;
    }
    ctl_flag_fault(c, now + c->p.fault_hold, why);
    save_ctl(e, c, now);
  }
  if (e->ref_fault_until <= now || strcmp(e->ref_fault, why) != 0) {
    LOGW("engine", "reference %s: %s", e->sites[e->ref].name, why);
    store_event(e->db, now, e->sites[e->ref].name, "reference_step", why);
  }
  e->ref_fault_until = now + e->conf.cp.fault_hold;
  snprintf(e->ref_fault, sizeof e->ref_fault, "%s", why);
}

static void run_ctl(struct engine *e, struct engine_site *s, int64_t slot, double x, double sigma,
                    const struct track *remote, int64_t now)
{
  struct ctl_decision d;
  enum clock_state before = s->ctl->state;
  int rc = ctl_measure(s->ctl, slot, x, sigma, remote, now, &d);
  if (rc == 0) {
    LOGD("engine", "%s: slot %lld older than the last steered, not used for steering", s->name,
         (long long)slot);
    return;
  }
  if (rc < 0) {
    LOGE("engine", "%s: servo failed on slot %lld", s->name, (long long)slot);
    return;
  }
  if (d.has_cmd && store_command_put(e->db, s->name, &d.cmd) != 0)
    LOGE("engine", "%s: storing command %lld failed", s->name, (long long)d.cmd.id);
  log_decision(e, s->ctl, &d);
  save_ctl(e, s->ctl, now);
  if (d.step) {
    LOGW("engine", "%s: %s", s->name, d.reason);
    store_event(e->db, now, s->name, "measurement_step", d.reason);
    common_step(e, slot, now);
  }
  if (d.state != before || (d.has_cmd && d.cmd.phase_step_ns != 0 && d.cmd.phase_step_id ==
                                                                       s->ctl->next_step_id - 1))
    LOGI("engine", "%s: %s -> %s, x %.1f ns: %s", s->name, cs_name(before), cs_name(d.state),
         x, d.reason);
}

/* Common view for one new track: every pair it makes in its slot, and the steering of the
 * remotes that now have a measurement against the reference. */
static void process_slot(struct engine *e, int uploader, int64_t slot, int64_t now)
{
  struct track *tr = NULL;
  int n = store_slot_tracks(e->db, slot, &tr);
  const struct track *up = NULL, *ref = NULL;
  for (int i = 0; i < n; i++) {
    if (strcmp(tr[i].site, e->sites[uploader].name) == 0)
      up = &tr[i];
    if (strcmp(tr[i].site, e->sites[e->ref].name) == 0)
      ref = &tr[i];
  }
  if (!up) {
    free(tr);
    return;
  }
  double v, sig;
  for (int i = 0; i < n; i++)
    if (&tr[i] != up && cv_diff(up, &tr[i], &v, &sig))
      store_cv_put(e->db, slot, up->site, tr[i].site, v, sig);
  if (ref && cv_usable(ref)) {
    for (int i = 0; i < n; i++) {
      if (&tr[i] == ref || (up != ref && &tr[i] != up))
        continue;
      int k = site_index(e, tr[i].site);
      if (k >= 0 && e->sites[k].ctl && cv_diff(&tr[i], ref, &v, &sig))
        run_ctl(e, &e->sites[k], slot, v, sig, &tr[i], now);
    }
  }
  free(tr);
}

static int cmp_slot(const void *a, const void *b)
{
  int64_t x = ((const struct track *)a)->slot, y = ((const struct track *)b)->slot;
  return (x > y) - (x < y);
}

int engine_upload(struct engine *e, const struct upload_req *req, int64_t now, int64_t wall_now,
                  json_t **resp)
{
  pthread_mutex_lock(&e->mtx);
  int k = site_index(e, req->site);
  if (k < 0) {
    pthread_mutex_unlock(&e->mtx);
    *resp = msg_error("unknown site '%s'", req->site);
    return 403;
  }
  struct engine_site *s = &e->sites[k];
  if (s->ctl && req->has_osc) {
    struct steer_cmd held;
    int have = req->osc.osc.cmd_id > 0 &&
               store_command_get(e->db, s->name, req->osc.osc.cmd_id, &held) == 1;
    ctl_report(s->ctl, &req->osc, have ? &held : NULL);
  }
  /* Slots in time order, so the servo sees a backlog as it happened. */
  qsort(req->tracks, (size_t)req->n_tracks, sizeof *req->tracks, cmp_slot);
  int64_t *fresh = calloc((size_t)req->n_tracks + 1, sizeof *fresh);
  int n_new = 0, n_dup = 0;
  if (!fresh || db_begin(e->db) != 0)
    goto db_fail;
  for (int i = 0; i < req->n_tracks; i++) {
    int rc = store_track_insert(e->db, &req->tracks[i], wall_now);
    if (rc < 0) {
      db_rollback(e->db);
      goto db_fail;
    }
    if (rc == 1)
      fresh[n_new++] = req->tracks[i].slot;
    else
      n_dup++;
    if (req->tracks[i].slot > s->last_slot)
      s->last_slot = req->tracks[i].slot;
  }
  if (db_commit(e->db) != 0)
    goto db_fail;
  /* Common view and steering in one transaction per request: cheaper, and a crash loses
   * nothing the tracks (already committed) cannot rebuild. */
  db_begin(e->db);
  for (int i = 0; i < n_new; i++)
    process_slot(e, k, fresh[i], now);
  db_commit(e->db);

  json_t *acked = json_array();
  for (int i = 0; i < req->n_tracks; i++)
    json_array_append_new(acked, json_pack("{s:i,s:i}", "mjd", req->tracks[i].mjd, "sod",
                                           req->tracks[i].sod));
  json_t *cmd = json_null();
  int pending = 0;
  const char *state = s->is_ref ? "REFERENCE" : cs_name(s->ctl->state);
  if (s->ctl) {
    struct steer_cmd c;
    if (store_command_latest(e->db, s->name, &c) == 1) {
      json_decref(cmd);
      cmd = cmd_to_json(&c);
    }
    /* The newest slot sent is not steered on yet: the reference's track of it may come in
     * a moment, and with it a newer command. */
    if (n_new > 0 && s->ctl->last_slot < fresh[n_new - 1] &&
        fresh[n_new - 1] >= tu_slot_start(now) - 2 * SLOT_NS)
      pending = 1;
  }
  *resp = json_pack("{s:b,s:s,s:o,s:i,s:i,s:o,s:b,s:s}", "ok", 1, "site", s->name, "acked",
                    acked, "stored", n_new, "duplicates", n_dup, "command", cmd, "pending",
                    pending, "state", state);
  free(fresh);
  pthread_mutex_unlock(&e->mtx);
  if (n_new)
    LOGD("engine", "%s: %d tracks stored, %d duplicates", s->name, n_new, n_dup);
  return 200;
db_fail:
  free(fresh);
  pthread_mutex_unlock(&e->mtx);
  LOGE("engine", "%s: storing the upload failed: %s", req->site, sqlite3_errmsg(e->db));
  *resp = msg_error("the server could not store the tracks; send them again later");
  return 503;
}

void engine_tick(struct engine *e, int64_t now, int64_t wall_now)
{
  pthread_mutex_lock(&e->mtx);
  for (int i = 0; i < e->n_sites; i++) {
    struct ctl *c = e->sites[i].ctl;
    struct ctl_decision d;
    if (c && ctl_tick(c, now, &d)) {
      log_decision(e, c, &d);
      save_ctl(e, c, now);
      if (d.state == CS_ALARM)
        LOGW("engine", "%s: %s", c->site, d.reason);
      else
        LOGI("engine", "%s: %s: %s", c->site, cs_name(d.state), d.reason);
    }
  }
  store_sig_prune(e->db, wall_now / NS_PER_S - 2 * SIGN_MAX_SKEW_S);
  pthread_mutex_unlock(&e->mtx);
}

static const char *colour(double v, const struct ctl_params *p)
{
  if (!isfinite(v))
    return "none";
  double a = fabs(v);
  return a < p->lock_ns ? "green" : a < p->alarm_ns ? "yellow" : "red";
}

json_t *engine_grid(struct engine *e, int64_t now)
{
  pthread_mutex_lock(&e->mtx);
  char iso[40];
  int64_t newest = 0;
  for (int i = 0; i < e->n_sites; i++)
    if (e->sites[i].last_slot > newest)
      newest = e->sites[i].last_slot;
  json_t *clocks = json_array();
  /* The reference first, then the remotes in configuration order. */
  int order[ENGINE_MAX_SITES], n = 0;
  order[n++] = e->ref;
  for (int i = 0; i < e->n_sites; i++)
    if (i != e->ref)
      order[n++] = i;
  for (int oi = 0; oi < n; oi++) {
    const struct engine_site *s = &e->sites[order[oi]];
    json_t *c = json_pack("{s:s,s:b,s:b}", "site", s->name, "reference", s->is_ref, "fresh",
                          s->last_slot != 0 && s->last_slot == newest);
    json_object_set_new(c, "last_update",
                        s->last_slot ? json_integer(s->last_slot + SLOT_NS) : json_null());
    json_object_set_new(c, "last_update_iso",
                        s->last_slot ? json_string(tu_format(s->last_slot + SLOT_NS, iso,
                                                             sizeof iso, 0))
                                     : json_null());
    if (s->ctl) {
      json_object_set_new(c, "state", json_string(cs_name(s->ctl->state)));
      json_object_set_new(c, "x_ns", jx_real(s->ctl->last_slot ? s->ctl->last_x_ns : NAN));
      json_object_set_new(c, "pred_x_ns", jx_real(s->ctl->pred_x_ns));
      json_object_set_new(c, "pred_sigma_ns", jx_real(s->ctl->pred_sigma_ns));
      json_object_set_new(c, "alarm_reason",
                          s->ctl->state == CS_ALARM ? json_string(s->ctl->alarm_reason)
                                                    : json_null());
    } else {
      int fault = e->ref_fault_until > now;
      json_object_set_new(c, "state", json_string(fault ? "ALARM" : "REFERENCE"));
      json_object_set_new(c, "alarm_reason", fault ? json_string(e->ref_fault) : json_null());
    }
    json_array_append_new(clocks, c);
  }
  json_t *matrix = json_array();
  for (int a = 0; a < n; a++) {
    json_t *row = json_array();
    const struct engine_site *sa = &e->sites[order[a]];
    for (int b = 0; b < n; b++) {
      const struct engine_site *sb = &e->sites[order[b]];
      if (a == b) {
        json_array_append_new(row, json_null());
        continue;
      }
      int64_t slot;
      double v;
      int predicted = 0;
      /* A clock in holdover is shown against the reference by its prediction. */
      const struct ctl *hc = sa->ctl && sb->is_ref ? sa->ctl : sb->ctl && sa->is_ref ? sb->ctl : NULL;
      if (hc && (hc->state == CS_HOLDOVER || hc->state == CS_ALARM) && isfinite(hc->pred_x_ns)) {
        v = sa->is_ref ? -hc->pred_x_ns : hc->pred_x_ns;
        slot = 0;
        predicted = 1;
      } else if (store_cv_latest(e->db, sa->name, sb->name, &slot, &v) != 1) {
        json_array_append_new(row, json_null());
        continue;
      }
      json_t *cell = json_pack("{s:o,s:b,s:s}", "value_ns", jx_real(v), "predicted", predicted,
                               "color", colour(v, &e->conf.cp));
      json_object_set_new(cell, "slot", predicted ? json_null() : json_integer(slot));
      json_array_append_new(row, cell);
    }
    json_array_append_new(matrix, row);
  }
  json_t *g = json_pack("{s:I,s:s,s:s,s:o,s:{s:f,s:f},s:o,s:o}", "now", (json_int_t)now, "now_iso",
                        tu_format(now, iso, sizeof iso, 0), "reference", e->sites[e->ref].name,
                        "slot", newest ? json_integer(newest) : json_null(), "thresholds",
                        "green_ns", e->conf.cp.lock_ns, "yellow_ns", e->conf.cp.alarm_ns, "clocks",
                        clocks, "matrix", matrix);
  pthread_mutex_unlock(&e->mtx);
  return g;
}

json_t *engine_series(struct engine *e, const char *a, const char *b, int64_t from, int64_t to)
{
  pthread_mutex_lock(&e->mtx);
  json_t *s = store_cv_series(e->db, a, b, from, to);
  pthread_mutex_unlock(&e->mtx);
  return s;
}

json_t *engine_steering(struct engine *e, const char *site, int64_t from, int64_t to, int limit)
{
  pthread_mutex_lock(&e->mtx);
  json_t *s = store_steer_query(e->db, site, from, to, limit);
  pthread_mutex_unlock(&e->mtx);
  return s;
}

json_t *engine_events(struct engine *e, int64_t from, int64_t to)
{
  pthread_mutex_lock(&e->mtx);
  json_t *s = store_events(e->db, from, to);
  pthread_mutex_unlock(&e->mtx);
  return s;
}
