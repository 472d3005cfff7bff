#include "config.h"
#include "site/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"

/* A slot is finished this long after its end even if no reading came to close it. */
#define SITE_SLOT_GRACE (5 * NS_PER_S)
/* A failed instrument is reopened after this much service time. */
#define SITE_REOPEN (10 * NS_PER_S)

static int save_osc(struct site_core *s)
{
  json_t *j = osc_hold_to_json(&s->osc.h);
  char *text = jx_dump(j);
  json_decref(j);
  int rc = text && spool_kv_put(s->spool, "osc", text) == 0 ? 0 : -1;
  if (rc != 0)
    LOGE("site", "saving the oscillator state to the spool failed");
  free(text);
  return rc;
}

/* osc.keep: a phase step is in the spool before it is made. */
static int keep_osc(void *arg)
{
  return save_osc(arg);
}

/* The oscillator's state as the spool kept it; -1 with err when the spool cannot say.
 * Starting without it then would forget which commands were applied, and a phase step
 * already made would be made again. */
static int restore_osc(struct site_core *s, int64_t now, char *err, size_t errlen)
{
  char *text;
  int got = spool_kv_get(s->spool, "osc", &text);
  if (got < 0) {
    snprintf(err, errlen, "%s: the oscillator's saved state cannot be read (%s); not "
             "starting without it, lest a command already applied be applied again",
             s->conf.spool, sqlite3_errmsg(s->spool));
    return -1;
  }
  if (got == 0)
    return 0;
  json_error_t je;
  json_t *j = json_loads(text, 0, &je);
  struct osc_hold h;
  char why[256];
  if (j && osc_hold_from_json(j, &h, why, sizeof why) == 0) {
    osc_restore(&s->osc, &h, now);
    LOGI("site", "oscillator state restored: command %lld, frequency %.4e",
         (long long)(h.has_cmd ? h.cmd.id : 0), h.freq_applied);
  } else
    LOGW("site", "stored oscillator state unreadable, starting without: %s", j ? why : je.text);
  json_decref(j);
  free(text);
  return 0;
}

static int open_tic(struct site_core *s)
{
  char err[256];
  if (tic_open(&s->tic, &s->conf.tic, err, sizeof err) != 0) {
    LOGE("tic", "%s: %s", s->conf.tic.driver, err);
    return -1;
  }
  s->tic_up = 1;
  return 0;
}

static int open_rx(struct site_core *s)
{
  char err[256];
  if (rx_open(&s->rx, &s->conf.receiver, err, sizeof err) != 0) {
    LOGE("receiver", "%s: %s", s->conf.receiver.driver, err);
    return -1;
  }
  s->rx_up = 1;
  return 0;
}

struct sim_site *site_sim_open(const struct site_conf *c, char *err, size_t errlen)
{
  struct scenario sc = c->sc;
  /* On the real clock a scenario without a start begins with the daemon. */
  if (!sc.start_given && clk_config()->kind == CLK_REAL)
    sc.start = tu_slot_start(clk_now());
  struct sim_site *sim = calloc(1, sizeof *sim);
  if (!sim || sim_site_init(sim, &sc, c->name) != 0) {
    snprintf(err, errlen, "site '%s' is not in the simulation %s (ref, r1..r%d)", c->name,
             c->sim_path, c->sc.remotes);
    free(sim);
    return NULL;
  }
  return sim;
}

void site_sim_close(struct sim_site *sim)
{
  if (!sim)
    return;
  sim_site_free(sim);
  free(sim);
}

int site_core_open(struct site_core *s, const struct site_conf *c, char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  s->conf = *c;
  if (c->has_sim && !(s->sim = site_sim_open(c, err, errlen)))
    return -1;
  /* The simulated drivers find their site in their context. */
  s->conf.tic.ctx = s->conf.receiver.ctx = s->conf.osc.ctx = s->sim;
  s->spool = db_open(c->spool, DB_SPOOL, err, errlen);
  if (!s->spool)
    goto fail;
  /* The instruments' configuration errors are fatal at start; a device that goes away
   * later is reopened. */
  if (tic_open(&s->tic, &s->conf.tic, err, errlen) != 0)
    goto fail;
  s->tic_up = 1;
  if (rx_open(&s->rx, &s->conf.receiver, err, errlen) != 0)
    goto fail;
  s->rx_up = 1;
  if (osc_open(&s->osc, &s->conf.osc, &c->proc.limits, err, errlen) != 0)
    goto fail;
  tb_init(&s->tb, &c->tb);
  if (restore_osc(s, clk_now(), err, errlen) != 0)
    goto fail;
  s->osc.keep = keep_osc;
  s->osc.keep_arg = s;
  return 0;
fail:
  site_core_close(s);
  return -1;
}

void site_core_close(struct site_core *s)
{
  if (s->tic_up)
    tic_close(&s->tic);
  if (s->rx_up)
    rx_close(&s->rx);
  osc_close(&s->osc);
  tb_free(&s->tb);
  if (s->n_held)
    LOGE("site", "%d TRACKS NOT STORED: the spool failed to the end", s->n_held);
  free(s->held);
  s->held = NULL;
  s->n_held = 0;
  if (s->spool)
    db_close(s->spool);
  s->spool = NULL;
  site_sim_close(s->sim);
  s->sim = NULL;
  s->tic_up = s->rx_up = 0;
}

/* Stores one track; a spool that fails (a full disk) is said loudly each time, and the
 * track is held in memory to be stored as soon as the spool takes it again. */
static int store_one(struct site_core *s, const struct track *t, int64_t now)
{
  if (spool_put(s->spool, t, now, s->truth, s->n_truth) != 0)
    return -1;
  s->n_truth = 0;
  s->tracks_stored++;
  LOGD("site", "track %d %05d stored: %s%.2f ns, %d used, %d rejected, %d missing", t->mjd,
       t->sod, t->low_count ? "LOW COUNT " : "", t->value_ns, t->n_used, t->n_rejected,
       t->n_missing);
  return 0;
}

static void hold(struct site_core *s, const struct track *t)
{
  if (!s->held)
    s->held = malloc(sizeof *s->held * SITE_HELD_MAX);
  if (!s->held)
    return;
  if (s->n_held == SITE_HELD_MAX) {
    LOGE("site", "TRACK %d %05d LOST: the spool has failed for a week of tracks", s->held[0].mjd,
         s->held[0].sod);
    memmove(s->held, s->held + 1, sizeof *s->held * (SITE_HELD_MAX - 1));
    s->n_held--;
  }
  s->held[s->n_held++] = *t;
}

/* A failing spool is tried again a minute later, or with the next track. */
#define SITE_HELD_RETRY (60 * NS_PER_S)

static int store_finished(struct site_core *s, int64_t now)
{
  struct track t;
  int stored = 0;
  if (s->n_held > 0 && now < s->held_retry && s->tb.n_done == 0)
    return 0;
  s->held_retry = now + SITE_HELD_RETRY;
  /* What the spool refused before goes first, in order. */
  while (s->n_held > 0 && store_one(s, &s->held[0], now) == 0) {
    memmove(s->held, s->held + 1, sizeof *s->held * (size_t)(s->n_held - 1));
    s->n_held--;
    stored++;
    if (s->n_held == 0)
      LOGI("site", "the spool takes tracks again: every held track is stored");
  }
  while (tb_take(&s->tb, &t)) {
    struct track_osc o;
    osc_report(&s->osc, &o);
    t.osc.cmd_id = o.cmd_id;
    t.osc.phase_step_id = o.phase_step_id;
    t.osc.holdover = o.holdover;
    t.osc.can_step = o.can_step;
    snprintf(t.osc.status, sizeof t.osc.status, "%s", o.status);
    if (s->n_held > 0 || store_one(s, &t, now) != 0) {
      hold(s, &t);
      LOGE("site", "TRACK %d %05d NOT STORED: the spool is failing (disk full, or a file size "
                   "limit?); %d tracks held in memory only until it takes them",
           t.mjd, t.sod, s->n_held);
      continue;
    }
    stored++;
  }
  if (stored && save_osc(s) != 0)
    LOGE("site", "the oscillator's state is kept as it was at the last save");
  return stored;
}

/* One second's sample: the oscillator brought up to that second, the receiver's state and
 * sawtooth, and the TIC reading, calibrated and added by the track builder. */
static void take_reading(struct site_core *s, const struct tic_reading *r)
{
  char said[400];
  int take = hostclock_check(&s->host, s->rx_up ? &s->rx.state : NULL, r->t, said, sizeof said);
  if (said[0]) {
    if (take)
      LOGI("site", "%s", said);
    else
      LOGE("site", "%s", said);
    if (spool_event(s->spool, clk_now(), "host_clock", said) != 0)
      LOGE("site", "recording in the spool failed: %s", said);
  }
  if (!take)
    return;
  int64_t q;
  int have_q = s->rx_up && rx_qerr(&s->rx, r->t, &q);
  osc_tick(&s->osc, r->t);
  struct tb_sample smp = {
      .t = r->t,
      .steer_ns = s->osc.h.steer_ns,
      .freq = s->osc.h.freq_applied,
      .true_x_ns = s->sim ? sim_site_true_x(s->sim, r->t) : NAN,
      .fix = s->rx_up ? s->rx.state.fix : RX_FIX_NODATA,
      .sats_visible = s->rx_up ? s->rx.state.sats_visible : 0,
      .sats_used = s->rx_up ? s->rx.state.sats_used : 0,
  };
  tb_add_reading(&s->tb, &smp, r->ns, have_q ? &q : NULL);
  if (s->sim && s->conf.truth && r->t % (60 * NS_PER_S) == 0 && s->n_truth < SITE_TRUTH_BUF)
    s->truth[s->n_truth++] = (struct truth_sample){r->t, smp.true_x_ns};
}

int site_core_step(struct site_core *s, int64_t deadline)
{
  char err[256];
  int64_t now = clk_now();
  if (!s->tic_up && now >= s->tic_retry && open_tic(s) != 0)
    s->tic_retry = now + SITE_REOPEN;
  if (!s->rx_up && now >= s->rx_retry && open_rx(s) != 0)
    s->rx_retry = now + SITE_REOPEN;
  struct tic_reading r;
  int rc = 0;
  if (s->tic_up) {
    rc = tic_read(&s->tic, &r, deadline, err, sizeof err);
    if (rc < 0) {
      LOGE("tic", "%s failed, reopening in %lld s: %s", s->conf.tic.driver,
           (long long)(SITE_REOPEN / NS_PER_S), err);
      tic_close(&s->tic);
      s->tic_up = 0;
      s->tic_retry = clk_now() + SITE_REOPEN;
    }
  } else
    clk_sleep_until(deadline, NULL);
  if (rc == 1) {
    if (s->rx_up && rx_poll(&s->rx, r.t, err, sizeof err) != 0) {
      LOGW("receiver", "%s lost, reopening: %s", s->conf.receiver.driver, err);
      rx_close(&s->rx);
      s->rx_up = 0;
      s->rx_retry = clk_now() + SITE_REOPEN;
    }
    take_reading(s, &r);
  } else {
    /* Readings close their slots themselves; only when none come does the clock. */
    osc_tick(&s->osc, clk_now());
    tb_tick(&s->tb, clk_now(), SITE_SLOT_GRACE);
  }
  return store_finished(s, clk_now());
}

void site_core_command(struct site_core *s, const struct steer_cmd *c, int64_t now)
{
  char err[256];
  int rc = osc_accept(&s->osc, c, now, err, sizeof err);
  if (rc < 0) {
    char msg[400];
    snprintf(msg, sizeof msg, "command %lld refused: %s", (long long)c->id, err);
    if (spool_event(s->spool, now, "command_refused", msg) != 0)
      LOGE("site", "recording in the spool failed: %s", msg);
  }
  if (rc != 0 && save_osc(s) != 0)
    LOGE("site", "command %lld is not kept: after a restart the site holds the one before",
         (long long)c->id);
}

void site_core_report(const struct site_core *s, int64_t now, struct osc_report *r)
{
  memset(r, 0, sizeof *r);
  osc_report(&s->osc, &r->osc);
  r->osc.steer_ns = osc_steer_ns_at(&s->osc, now);
  r->t = now;
  r->locked = s->osc.h.locked_seen;
}
