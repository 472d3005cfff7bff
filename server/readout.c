/* The server's read-outs: the grid (DESIGN.md section 3's colours: green under the lock
 * threshold, yellow under the alarm threshold, red above; a clock in holdover shown by its
 * prediction), a pair's common-view series, the events and the steering log. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"
#include "db/store.h"
#include "server/serverint.h"

static const char *colour(double v, const struct ctl_params *p)
{
  if (!isfinite(v))
    return "none";
  double a = fabs(v);
  return a < p->lock_ns ? "green" : a < p->alarm_ns ? "yellow" : "red";
}

json_t *server_grid(struct server *srv, int64_t now)
{
  pthread_mutex_lock(&srv->mtx);
  char iso[40];
  int64_t newest = 0;
  for (int i = 0; i < srv->n_sites; i++)
    if (srv->sites[i].last_slot > newest)
      newest = srv->sites[i].last_slot;
  json_t *clocks = json_array();
  /* The reference first, then the remotes in configuration order. */
  int order[SERVER_MAX_SITES], n = 0;
  order[n++] = srv->ref;
  for (int i = 0; i < srv->n_sites; i++)
    if (i != srv->ref)
      order[n++] = i;
  for (int oi = 0; oi < n; oi++) {
    const struct server_site *s = &srv->sites[order[oi]];
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
      int fault = srv->ref_fault_until > now;
      json_object_set_new(c, "state", json_string(fault ? "ALARM" : "REFERENCE"));
      json_object_set_new(c, "alarm_reason", fault ? json_string(srv->ref_fault) : json_null());
    }
    json_array_append_new(clocks, c);
  }
  json_t *matrix = json_array();
  for (int a = 0; a < n; a++) {
    json_t *row = json_array();
    const struct server_site *sa = &srv->sites[order[a]];
    for (int b = 0; b < n; b++) {
      const struct server_site *sb = &srv->sites[order[b]];
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
      } else if (store_cv_latest(srv->db, sa->name, sb->name, &slot, &v) != 1) {
        json_array_append_new(row, json_null());
        continue;
      }
      json_t *cell = json_pack("{s:o,s:b,s:s}", "value_ns", jx_real(v), "predicted", predicted,
                               "color", colour(v, &srv->conf.cp));
      json_object_set_new(cell, "slot", predicted ? json_null() : json_integer(slot));
      json_array_append_new(row, cell);
    }
    json_array_append_new(matrix, row);
  }
  json_t *g = json_pack("{s:I,s:s,s:s,s:o,s:{s:f,s:f},s:o,s:o}", "now", (json_int_t)now, "now_iso",
                        tu_format(now, iso, sizeof iso, 0), "reference", srv->sites[srv->ref].name,
                        "slot", newest ? json_integer(newest) : json_null(), "thresholds",
                        "green_ns", srv->conf.cp.lock_ns, "yellow_ns", srv->conf.cp.alarm_ns, "clocks",
                        clocks, "matrix", matrix);
  pthread_mutex_unlock(&srv->mtx);
  return g;
}

json_t *server_series(struct server *srv, const char *a, const char *b, int64_t from, int64_t to)
{
  pthread_mutex_lock(&srv->mtx);
  json_t *s = store_cv_series(srv->db, a, b, from, to);
  pthread_mutex_unlock(&srv->mtx);
  return s;
}

json_t *server_steering(struct server *srv, const char *site, int64_t from, int64_t to, int limit)
{
  pthread_mutex_lock(&srv->mtx);
  json_t *s = store_steer_query(srv->db, site, from, to, limit);
  pthread_mutex_unlock(&srv->mtx);
  return s;
}

json_t *server_events(struct server *srv, int64_t from, int64_t to)
{
  pthread_mutex_lock(&srv->mtx);
  json_t *s = store_events(srv->db, from, to);
  pthread_mutex_unlock(&srv->mtx);
  return s;
}
