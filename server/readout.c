/* The server's read-outs: the grid (DESIGN.md section 3's colours: green under the lock
 * threshold, yellow under the alarm threshold, red above; a clock in holdover shown by its
 * prediction), a pair's common-view series, the events and the steering log. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"
#include "core/log.h"
#include "db/store.h"
#include "server/serverint.h"


static const char *colour(double v, const struct ctl_params *p)
{
  if (!isfinite(v))
    return "none";
  double a = fabs(v);
  return a < p->lock_ns ? "green" : a < p->alarm_ns ? "yellow" : "red";
}

/* The read-outs read through connections of their own, without the server's lock, so that
 * a writer (an upload, the tick, or another process holding the database) never holds a
 * page up; idle ones are kept for the next read-out (statements prepared once per
 * connection).  An in-memory store (cvd simulate) has only the server's connection, under
 * its lock. */
struct dbc *server_reader_get(struct server *srv)
{
  if (strcmp(srv->conf.db_path, ":memory:") == 0) {
    server_lock(srv);
    return srv->db;
  }
  struct dbc *c = NULL;
  pthread_mutex_lock(&srv->pool_mtx);
  if (srv->n_readers > 0)
    c = srv->readers[--srv->n_readers];
  pthread_mutex_unlock(&srv->pool_mtx);
  char err[512];
  if (!c && !(c = dbc_open(srv->conf.db_path, 1, err, sizeof err)))
    LOGW("server", "%s", err);
  return c;
}

void server_reader_put(struct server *srv, struct dbc *c)
{
  if (!c)
    return;
  if (c == srv->db) {
    pthread_mutex_unlock(&srv->mtx);
    return;
  }
  pthread_mutex_lock(&srv->pool_mtx);
  if (srv->n_readers < SERVER_READERS) {
    srv->readers[srv->n_readers++] = c;
    c = NULL;
  }
  pthread_mutex_unlock(&srv->pool_mtx);
  dbc_close(c);
}

struct reader {
  struct server *srv;
  struct dbc *db;
};

static void reader_open(struct reader *r, struct server *srv)
{
  r->srv = srv;
  r->db = server_reader_get(srv);
  if (!r->db) {
    /* The store cannot be opened for reading: the writer's connection, under the lock. */
    server_lock(srv);
    r->db = srv->db;
  }
}

static void reader_close(struct reader *r) { server_reader_put(r->srv, r->db); }

/* What the grid shows of a clock, copied under the lock. */
struct clock_view {
  char name[SITE_NAME_MAX];
  int is_ref, has_ctl, cggtts;
  int64_t last_slot, ctl_slot;
  enum clock_state state;
  double x, pred_x, pred_sigma;
  char alarm[256];
};

/* Snapshots the clocks, the reference first, then the remotes in configuration order
 * (v holds srv->n_sites, fixed after open). */
static int snapshot(struct server *srv, int64_t now, struct clock_view *v, int64_t *newest)
{
  int n = srv->n_sites;
  pthread_mutex_lock(&srv->mtx);
  *newest = 0;
  for (int k = 0; k < n; k++) {
    /* k = 0 the reference, then the others in order */
    int i = k == 0 ? srv->ref : k <= srv->ref ? k - 1 : k;
    const struct server_site *s = &srv->sites[i];
    struct clock_view *c = &v[k];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", s->name);
    c->is_ref = s->is_ref;
    c->cggtts = s->cggtts;
    c->last_slot = s->last_slot;
    if (s->last_slot > *newest)
      *newest = s->last_slot;
    c->has_ctl = s->ctl != NULL;
    if (s->ctl) {
      c->state = s->ctl->state;
      c->ctl_slot = s->ctl->last_slot;
      c->x = s->ctl->last_x_ns;
      c->pred_x = s->ctl->pred_x_ns;
      c->pred_sigma = s->ctl->pred_sigma_ns;
      snprintf(c->alarm, sizeof c->alarm, "%s", s->ctl->state == CS_ALARM ? s->ctl->alarm_reason : "");
    } else if (s->is_ref && srv->ref_fault_until > now) {
      c->state = CS_ALARM;
      snprintf(c->alarm, sizeof c->alarm, "%s", srv->ref_fault);
    }
  }
  pthread_mutex_unlock(&srv->mtx);
  return n;
}

static json_t *clock_json(const struct clock_view *c, int64_t newest)
{
  char iso[40];
  json_t *j = json_pack("{s:s,s:b,s:b}", "site", c->name, "reference", c->is_ref, "fresh",
                        c->last_slot != 0 && c->last_slot == newest);
  json_object_set_new(j, "last_update",
                      c->last_slot ? json_integer(c->last_slot + SLOT_NS) : json_null());
  json_object_set_new(j, "last_update_iso",
                      c->last_slot ? json_string(tu_format(c->last_slot + SLOT_NS, iso,
                                                           sizeof iso, 0))
                                   : json_null());
  if (c->has_ctl) {
    json_object_set_new(j, "state", json_string(cs_name(c->state)));
    json_object_set_new(j, "x_ns", jx_real(c->ctl_slot ? c->x : NAN));
    json_object_set_new(j, "pred_x_ns", jx_real(c->pred_x));
    json_object_set_new(j, "pred_sigma_ns", jx_real(c->pred_sigma));
  } else if (c->cggtts)
    json_object_set_new(j, "state", json_string("MEASURED")); /* server/cggtts_ingest.h */
  else
    json_object_set_new(j, "state", json_string(c->state == CS_ALARM ? "ALARM" : "REFERENCE"));
  json_object_set_new(j, "alarm_reason", c->state == CS_ALARM ? json_string(c->alarm) : json_null());
  return j;
}

/* Every pair's latest difference, row minus column, over the grid's clocks and its first
 * m columns (all of them, or the reference's alone: SERVER_GRID_FULL_MAX). */
struct latest {
  const struct clock_view *v;
  int n, m;
  int *by_name;            /* indexes of v in name order, for bsearch */
  struct latest_cell {
    int has;
    int64_t slot;
    double value;
  } *cell;                 /* n x m */
};

static int cmp_view(const void *a, const void *b, void *views)
{
  const struct clock_view *v = views;
  return strcmp(v[*(const int *)a].name, v[*(const int *)b].name);
}

struct name_key {
  const char *name;
  const struct clock_view *v;
};

static int cmp_key(const void *key, const void *elem)
{
  const struct name_key *k = key;
  return strcmp(k->name, k->v[*(const int *)elem].name);
}

static int view_index(const struct latest *l, const char *name)
{
  struct name_key key = {name, l->v};
  const int *hit = bsearch(&key, l->by_name, (size_t)l->n, sizeof *l->by_name, cmp_key);
  return hit ? *hit : -1;
}

static void latest_put(void *ctx, const char *a, const char *b, int64_t slot, double value)
{
  struct latest *l = ctx;
  int i = view_index(l, a), k = view_index(l, b);
  if (i < 0 || k < 0)
    return;
  if (k < l->m)
    l->cell[i * l->m + k] = (struct latest_cell){1, slot, value};
  if (i < l->m)
    l->cell[k * l->m + i] = (struct latest_cell){1, slot, -value};
}

/* The cell a - b: a clock in holdover shown against the reference by its prediction, else
 * the latest common-view difference; NULL when there is none. */
static json_t *cell_json(const struct latest *l, int ia, int ib, const struct ctl_params *p)
{
  const struct clock_view *a = &l->v[ia], *b = &l->v[ib];
  const struct latest_cell *c = &l->cell[ia * l->m + ib];
  int64_t slot = c->slot;
  double v = c->value;
  int predicted = 0;
  const struct clock_view *h = a->has_ctl && b->is_ref ? a : b->has_ctl && a->is_ref ? b : NULL;
  int derived = 0;
  const struct latest_cell *ca = &l->cell[ia * l->m], *cb = &l->cell[ib * l->m];
  if (h && (h->state == CS_HOLDOVER || h->state == CS_ALARM) && isfinite(h->pred_x)) {
    v = a->is_ref ? -h->pred_x : h->pred_x;
    predicted = 1;
  } else if (!c->has && ca->has && cb->has) {
    /* Not stored (many sites): (a - REF) - (b - REF), column 0 being the reference; as of
     * the older of the two slots. */
    v = ca->value - cb->value;
    slot = ca->slot < cb->slot ? ca->slot : cb->slot;
    derived = 1;
  } else if (!c->has)
    return NULL;
  json_t *cell = json_pack("{s:o,s:b,s:s}", "value_ns", jx_real(v), "predicted", predicted,
                           "color", colour(v, p));
  if (derived)
    json_object_set_new(cell, "derived", json_true());
  json_object_set_new(cell, "slot", predicted ? json_null() : json_integer(slot));
  return cell;
}

json_t *server_grid(struct server *srv, int64_t now)
{
  struct clock_view *v = calloc((size_t)srv->n_sites, sizeof *v);
  if (!v) {
    LOGE("server", "grid: out of memory for %d clocks", srv->n_sites);
    return NULL;
  }
  int64_t newest;
  int n = snapshot(srv, now, v, &newest);
  json_t *clocks = json_array(), *matrix = json_array();
  for (int k = 0; k < n; k++)
    json_array_append_new(clocks, clock_json(&v[k], newest));
  int m = n <= SERVER_GRID_FULL_MAX ? n : 1;
  struct latest l = {v, n, m, malloc((size_t)n * sizeof *l.by_name),
                     calloc((size_t)n * (size_t)m, sizeof *l.cell)};
  if (l.by_name) {
    for (int k = 0; k < n; k++)
      l.by_name[k] = k;
    qsort_r(l.by_name, (size_t)n, sizeof *l.by_name, cmp_view, v);
  }
  struct reader r;
  reader_open(&r, srv);
  if (!l.cell || !l.by_name || store_cv_latest_all(r.db, latest_put, &l) != 0)
    LOGW("server", "grid: reading the latest differences failed");
  reader_close(&r);
  for (int a = 0; a < n; a++) {
    json_t *row = json_array();
    for (int b = 0; b < m; b++) {
      json_t *cell = a == b || !l.cell || !l.by_name ? NULL : cell_json(&l, a, b, &srv->conf.cp);
      json_array_append_new(row, cell ? cell : json_null());
    }
    json_array_append_new(matrix, row);
  }
  free(l.cell);
  free(l.by_name);
  char iso[40];
  json_t *grid = json_pack("{s:I,s:s,s:s,s:o,s:{s:f,s:f},s:o,s:o}", "now", (json_int_t)now, "now_iso",
                   tu_format(now, iso, sizeof iso, 0), "reference", v[0].name, "slot",
                   newest ? json_integer(newest) : json_null(), "thresholds", "green_ns",
                   srv->conf.cp.lock_ns, "yellow_ns", srv->conf.cp.alarm_ns, "clocks", clocks,
                   "matrix", matrix);
  json_object_set_new(grid, "columns", json_integer(m));
  free(v);
  /* Which server answered, and whether it steers (several may share the store). */
  pthread_mutex_lock(&srv->mtx);
  json_object_set_new(grid, "server", json_pack("{s:s,s:b}", "name", srv->conf.name,
                                                "steering", srv->steering));
  pthread_mutex_unlock(&srv->mtx);
  return grid;
}

/* a - b from a - REF and b - REF of the same slots: (a - REF) - (b - REF), sigmas
 * combined in quadrature.  That sigma is an upper estimate: the reference's track is in
 * both, and its noise, common to them, cancels in the difference. */
static json_t *derive_pair(const json_t *sa, const json_t *sb)
{
  json_t *out = json_array();
  size_t i = 0, k = 0, na = json_array_size(sa), nb = json_array_size(sb);
  while (i < na && k < nb) {
    const json_t *pa = json_array_get(sa, i), *pb = json_array_get(sb, k);
    json_int_t ta = json_integer_value(json_array_get(pa, 0));
    json_int_t tb = json_integer_value(json_array_get(pb, 0));
    if (ta != tb) {
      ta < tb ? i++ : k++;
      continue;
    }
    double va = json_number_value(json_array_get(pa, 1)), vb = json_number_value(json_array_get(pb, 1));
    double ea = json_number_value(json_array_get(pa, 2)), eb = json_number_value(json_array_get(pb, 2));
    json_array_append_new(out, json_pack("[I,o,o]", ta, jx_real(va - vb),
                                         jx_real(sqrt(ea * ea + eb * eb))));
    i++;
    k++;
  }
  return out;
}

json_t *server_series(struct server *srv, const char *a, const char *b, int64_t from, int64_t to)
{
  struct reader r;
  reader_open(&r, srv);
  json_t *s = store_cv_series(r.db, a, b, from, to);
  const char *ref = srv->sites[srv->ref].name;
  /* Many sites: only each remote against the reference is stored (SERVER_ALL_PAIRS_MAX). */
  if (s && json_array_size(s) == 0 && srv->n_sites > SERVER_ALL_PAIRS_MAX &&
      strcmp(a, ref) != 0 && strcmp(b, ref) != 0 && strcmp(a, b) != 0) {
    json_t *sa = store_cv_series(r.db, a, ref, from, to);
    json_t *sb = store_cv_series(r.db, b, ref, from, to);
    if (sa && sb) {
      json_decref(s);
      s = derive_pair(sa, sb);
    }
    json_decref(sa);
    json_decref(sb);
  }
  reader_close(&r);
  return s;
}

json_t *server_steering(struct server *srv, const char *site, int64_t from, int64_t to, int limit)
{
  struct reader r;
  reader_open(&r, srv);
  json_t *s = store_steer_query(r.db, site, from, to, limit);
  reader_close(&r);
  return s;
}

json_t *server_predictions(struct server *srv, const char *site, int64_t from, int64_t to)
{
  struct reader r;
  reader_open(&r, srv);
  json_t *p = store_predictions(r.db, site, from, to);
  reader_close(&r);
  return p;
}

json_t *server_events(struct server *srv, int64_t from, int64_t to)
{
  struct reader r;
  reader_open(&r, srv);
  json_t *s = store_events(r.db, from, to);
  reader_close(&r);
  return s;
}

json_t *server_events_query(struct server *srv, const struct store_event_filter *f)
{
  struct reader r;
  reader_open(&r, srv);
  json_t *s = store_events_query(r.db, f);
  reader_close(&r);
  return s;
}
