#include "config.h"
#include "cvd/simnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/spool.h"
#include "upload/queue.h"

/* The tracks of slots an outage loses never reach the server: acknowledge them locally. */
static void drop_lost(struct simnet *n, int k)
{
  struct track t[64];
  int m = spool_unacked(n->site[k].spool, t, 64), lost = 0;
  for (int i = 0; i < m; i++)
    if (scenario_slot_lost(&n->sc, k, t[i].slot))
      t[lost++] = t[i];
  if (lost && spool_ack(n->site[k].spool, t, lost, 0) != 0)
    LOGE("simulate", "%s: dropping the tracks an outage lost failed", n->site[k].conf.name);
}

/* One upload of site k, as its sender would make it, handed to the server directly. */
static void upload(struct simnet *n, int k, int64_t now)
{
  struct site_core *s = &n->site[k];
  drop_lost(n, k);
  struct osc_report rep;
  site_core_report(s, now, &rep);
  int m;
  json_t *body = upl_queue_request(s->spool, s->conf.name, &rep, n->buf, 144, &m);
  struct upload_req req;
  char err[512];
  if (msg_parse_request(body, &req, err, sizeof err) != 0) {
    LOGE("simulate", "%s: request not valid: %s", s->conf.name, err);
    json_decref(body);
    return;
  }
  json_decref(body);
  json_t *resp = NULL;
  int status = server_upload(&n->srv, &req, NULL, now, tu_wall_ns(), &resp);
  msg_request_free(&req);
  struct upload_resp ur;
  if (status == 200 && upl_queue_response(s->spool, resp, n->buf, m, &ur, err, sizeof err) == 0) {
    if (ur.has_command)
      site_core_command(s, &ur.command, now);
    msg_response_free(&ur);
  } else
    LOGE("simulate", "%s: upload failed (%d)", s->conf.name, status);
  json_decref(resp);
}

/* Where a daemon that restarts keeps its files: in n->dir, else in memory. */
static void file_for(const struct simnet *n, const char *name, const char *ext, char *buf,
                     size_t len)
{
  if (n->dir[0])
    snprintf(buf, len, "%.900s/%s.%s", n->dir, name, ext);
  else
    snprintf(buf, len, ":memory:");
}

static int server_conf_for(struct simnet *n, const char *servo, const char *store, char *err,
                           size_t errlen)
{
  struct server_app_conf *ec = &n->srv_conf;
  server_app_conf_default(ec);
  file_for(n, "server", "db", ec->db_path, sizeof ec->db_path);
  if (store) {
    snprintf(ec->db_path, sizeof ec->db_path, "%s", store);
    ec->record_states = 1;
  }
  snprintf(ec->reference, sizeof ec->reference, "ref");
  if (servo)
    snprintf(ec->servo, sizeof ec->servo, "%s", servo);
  /* The server knows the kind of clock it steers. */
  ec->sp.clk.adev_1s = n->sc.rb_adev_1s;
  ec->sp.clk.flicker_floor = n->sc.rb_flicker_floor;
  ec->sp.clk.rwfm_adev_1d = n->sc.rb_rwfm_adev_1d;
  ec->sp.meas_noise_ns = n->sc.cv_noise_ns > 0 ? n->sc.cv_noise_ns : 0.1;
  for (int k = 0; k < n->nsites; k++) {
    char name[SITE_NAME_MAX];
    scenario_site_name(k, name, sizeof name);
    struct server_site_conf *sc = server_app_conf_add_site(ec, name, err, errlen);
    if (!sc)
      return -1;
    sc->n_keys = 1;
    snprintf(sc->keys[0].id, sizeof sc->keys[0].id, "1");
    snprintf(sc->keys[0].secret, sizeof sc->keys[0].secret, "simulated-site-secret");
  }
  return 0;
}

static void site_conf_for(struct simnet *n, int k, struct site_conf *c)
{
  site_conf_default(c);
  scenario_site_name(k, c->name, sizeof c->name);
  snprintf(c->tb.site, sizeof c->tb.site, "%s", c->name);
  snprintf(c->up.server, sizeof c->up.server, "http://simulated");
  file_for(n, c->name, "db", c->spool, sizeof c->spool);
  snprintf(c->osc.driver, sizeof c->osc.driver, "%s", k ? "sim" : "none");
  if (k && n->dir[0]) {
    /* The simulated hardware keeps its setting across a restart of its daemon. */
    c->osc.n_opts = 1;
    snprintf(c->osc.key[0], sizeof c->osc.key[0], "state");
    snprintf(c->osc.val[0], sizeof c->osc.val[0], "%.80s/%.16s.hw", n->dir, c->name);
  }
  c->has_sim = 1;
  c->sc = n->sc;
  c->truth = 0;
}

static int series_init(struct sim_series *s, const char *site, int k, int n)
{
  snprintf(s->site, sizeof s->site, "%s", site);
  s->index = k;
  s->n = n;
  s->x = calloc((size_t)n, sizeof *s->x);
  s->locked = calloc((size_t)n, 1);
  if (!s->x || !s->locked)
    return -1;
  for (int i = 0; i < n; i++)
    s->x[i] = NAN;
  return 0;
}

int simnet_open(struct simnet *n, const char *servo, const char *store, char *err,
                size_t errlen)
{
  n->nsites = n->sc.remotes + 1;
  n->nslots = (int)(n->sc.days * 144);
  n->dir[0] = '\0';
  if (n->sc.n_restarts > 0) {
    /* Short enough for a driver option (the oscillator's state file). */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 60)
      tmp = "/tmp";
    snprintf(n->dir, sizeof n->dir, "%s/cvd-simulate-XXXXXX", tmp);
    if (!mkdtemp(n->dir)) {
      snprintf(err, errlen, "cannot make a directory for the restarting daemons' files");
      n->dir[0] = '\0';
      return -1;
    }
  }
  if (store && strlen(store) >= sizeof n->srv_conf.db_path) {
    snprintf(err, errlen, "--store: file name too long");
    return -1;
  }
  if (server_conf_for(n, servo, store, err, errlen) != 0 ||
      server_open(&n->srv, &n->srv_conf, err, errlen) != 0)
    return -1;
  n->site = calloc((size_t)n->nsites, sizeof *n->site);
  n->site_conf = calloc((size_t)n->nsites, sizeof *n->site_conf);
  n->ser = calloc((size_t)n->sc.remotes, sizeof *n->ser);
  if (!n->site || !n->site_conf || !n->ser) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int k = 0; k < n->nsites; k++) {
    site_conf_for(n, k, &n->site_conf[k]);
    if (site_core_open(&n->site[k], &n->site_conf[k], err, errlen) != 0)
      return -1;
    if (k && series_init(&n->ser[k - 1], n->site_conf[k].name, k, n->nslots) != 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  return 0;
}

static void remove_dir(const char *dir, int nsites)
{
  if (!dir[0])
    return;
  static const char *const files[] = {"db", "db-wal", "db-shm", "hw", "hw.new", NULL};
  char path[1200], name[16];
  for (int k = -1; k < nsites; k++)
    for (int i = 0; files[i]; i++) {
      if (k < 0)
        snprintf(name, sizeof name, "server");
      else
        scenario_site_name(k, name, sizeof name);
      snprintf(path, sizeof path, "%.1000s/%s.%s", dir, name, files[i]);
      unlink(path);
    }
  rmdir(dir);
}

void simnet_close(struct simnet *n)
{
  for (int k = 0; k < n->nsites && n->site; k++)
    site_core_close(&n->site[k]);
  for (int k = 0; k < n->sc.remotes && n->ser; k++) {
    free(n->ser[k].x);
    free(n->ser[k].locked);
  }
  free(n->site);
  free(n->site_conf);
  free(n->ser);
  n->site = NULL;
  n->site_conf = NULL;
  n->ser = NULL;
  server_close(&n->srv);
  server_app_conf_free(&n->srv_conf);
  remove_dir(n->dir, n->nsites);
}

double simnet_true_x(const struct simnet *n, int k, int64_t t)
{
  return sim_site_true_x(n->site[k].sim, t);
}

/* The scenario's host faults at t: daemons killed and started again. */
static void restarts(struct simnet *n, int64_t t)
{
  char err[1024];
  if (scenario_restart_at(&n->sc, SIM_SERVER, t)) {
    LOGW("simulate", "server killed and started again");
    server_close(&n->srv);
    if (server_open(&n->srv, &n->srv_conf, err, sizeof err) != 0) {
      LOGE("simulate", "the server does not start again: %s", err);
      exit(1);
    }
  }
  for (int k = 0; k < n->nsites; k++)
    if (scenario_restart_at(&n->sc, k, t)) {
      LOGW("simulate", "%s: daemon killed and started again", n->site_conf[k].name);
      site_core_close(&n->site[k]);
      if (site_core_open(&n->site[k], &n->site_conf[k], err, sizeof err) != 0) {
        LOGE("simulate", "%s does not start again: %s", n->site_conf[k].name, err);
        exit(1);
      }
    }
}

static void record(struct simnet *n, int64_t t)
{
  int slot = (int)((t - n->sc.start) / SLOT_NS);
  for (int k = 1; k < n->nsites; k++) {
    enum clock_state st = CS_ACQUIRING;
    n->ser[k - 1].x[slot] = simnet_true_x(n, k, t);
    server_clock_state(&n->srv, n->ser[k - 1].site, &st);
    n->ser[k - 1].locked[slot] = st == CS_LOCKED;
  }
}

/* Each outage window that cuts a remote off is scored when it ends, against the server's
 * prediction for its end. */
static void holdover_events(struct simnet *n, int64_t t)
{
  for (int i = 0; i < n->sc.n_outages; i++)
    for (int k = 1; k <= n->sc.remotes; k++) {
      const struct sim_outage *o = &n->sc.outages[i];
      if (!simscore_outage_ends(&n->sc, o, k, t))
        continue;
      double px = NAN, ps = NAN;
      server_predict(&n->srv, n->ser[k - 1].site, t, &px, &ps);
      simscore_holdover(&n->sc, &n->ser[k - 1], o, simnet_true_x(n, k, t), px, ps);
    }
}

void simnet_step(struct simnet *n, int64_t t)
{
  clk_set(t);
  restarts(n, t);
  int stored = 0;
  for (int k = 0; k < n->nsites; k++) {
    if (scenario_frozen(&n->sc, k, t))
      sim_site_run(n->site[k].sim, t); /* the hardware runs on without its daemon */
    else
      stored += site_core_step(&n->site[k], t) > 0;
  }
  int64_t in_slot = t - tu_slot_start(t);
  if (in_slot == SLOT_NS / 2)
    record(n, t);
  holdover_events(n, t);
  if (stored && !scenario_commands_cut(&n->sc, t))
    for (int k = 0; k < n->nsites; k++)
      if (!scenario_frozen(&n->sc, k, t))
        upload(n, k, t);
  if (in_slot == 150 * NS_PER_S)
    server_tick(&n->srv, t, tu_wall_ns());
}
