#include "config.h"
#include "track/builder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "track/linfit.h"

const struct conf_item tb_param_items[] = {
    CONF_DBL("intdly", "NS", struct tb_params, delays.intdly, -1e6, 1e6, "0",
             "the receiver's internal delay INTDLY (BIPM CGGTTS V2E), ns, with the receiver's "
             "own antenna-delay compensation set to zero; cvd-calibrate(1) measures it"),
    CONF_DBL("cabdly", "NS", struct tb_params, delays.cabdly, -1e6, 1e6, "0",
             "the antenna cable's delay CABDLY, ns"),
    CONF_DBL("ppsdly", "NS", struct tb_params, delays.ppsdly, -1e6, 1e6, "0",
             "the delay PPSDLY from the receiver's 1PPS output to the TIC's stop input, ns"),
    CONF_DBL("refdly", "NS", struct tb_params, delays.refdly, -1e6, 1e6, "0",
             "the delay REFDLY from the local 1PPS to the TIC's start input, ns: LOCAL - GPS = "
             "TIC - (INTDLY + CABDLY + PPSDLY) + REFDLY"),
    CONF_INTV("min_samples", "N", struct tb_params, min_samples, 1, 600, "300",
              "good 1 Hz samples a track needs not to be marked low_count"),
    CONF_DBL("reject_sigma", "K", struct tb_params, reject_k, 2, 100, "5",
             "outlier limit in robust sigmas (1.4826 MAD)"),
    {.type = CONF_END},
};

void tb_params_default(struct tb_params *p, const char *site)
{
  char err[200];
  memset(p, 0, sizeof *p);
  if (conf_defaults(tb_param_items, p, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
  snprintf(p->site, sizeof p->site, "%s", site);
  p->reject_floor_ns = 0.5;
}

void tb_init(struct track_builder *b, const struct tb_params *p)
{
  memset(b, 0, sizeof *b);
  b->p = *p;
}

void tb_free(struct track_builder *b)
{
  free(b->done);
  b->done = NULL;
  b->n_done = b->cap_done = 0;
}

void tb_compute(const struct tb_params *p, int64_t slot, const struct tb_sample *s, int n,
                struct track *t)
{
  track_init(t, p->site, slot);
  t->intdly = p->delays.intdly;
  t->cabdly = p->delays.cabdly;
  t->ppsdly = p->delays.ppsdly;
  t->refdly = p->delays.refdly;
  t->n_missing = SLOT_S - n;
  const int64_t mid = tu_slot_mid(slot);

  /* Samples taken without a receiver fix are not common-view measurements. */
  double x[SLOT_S], y[SLOT_S];
  uint8_t used[SLOT_S];
  int m = 0, no_fix = 0;
  enum rx_fix worst = RX_FIX_TIME;
  double vis = 0, use = 0;
  for (int i = 0; i < n; i++) {
    if (s[i].fix < worst)
      worst = s[i].fix;
    vis += s[i].sats_visible;
    use += s[i].sats_used;
    if (s[i].fix < RX_FIX_2D || !isfinite(s[i].ns)) {
      no_fix++;
      continue;
    }
    x[m] = (double)(s[i].t - mid) / 1e9;
    y[m++] = s[i].ns - s[i].steer_ns;
  }
  if (n > 0) {
    t->sats_visible = (int)lround(vis / n);
    t->sats_used = (int)lround(use / n);
    snprintf(t->rx_state, sizeof t->rx_state, "%s", rx_fix_name(worst));
  }
  t->n_rejected = no_fix;
  if (n > 0) {
    /* The sample nearest the midpoint carries the oscillator's state there. */
    int near = 0;
    for (int i = 1; i < n; i++)
      if (llabs(s[i].t - mid) < llabs(s[near].t - mid))
        near = i;
    t->osc.freq = s[near].freq;
    t->osc.steer_ns = s[near].steer_ns + s[near].freq * (double)(mid - s[near].t);
    if (isfinite(s[near].true_x_ns) && s[near].t == mid)
      t->true_x_ns = s[near].true_x_ns;
  }
  struct linfit f;
  int rej = m > 0 ? linfit_robust(x, y, used, m, p->reject_k, p->reject_floor_ns, &f) : -1;
  if (rej >= 0) {
    t->n_used = f.n_used;
    t->n_rejected += rej;
    t->value_ns = f.a + t->osc.steer_ns;
    t->sigma_ns = f.sigma;
    t->slope_ns_s = f.b + t->osc.freq * 1e9;
  } else
    t->n_rejected += m;
  t->low_count = t->n_used < p->min_samples || !isfinite(t->value_ns);
}

static void push_done(struct track_builder *b)
{
  if (b->n_done == b->cap_done) {
    int cap = b->cap_done ? 2 * b->cap_done : 8;
    struct track *d = realloc(b->done, sizeof *d * (size_t)cap);
    if (!d) {
      LOGE("track", "out of memory: slot dropped");
      return;
    }
    b->done = d;
    b->cap_done = cap;
  }
  tb_compute(&b->p, b->slot, b->s, b->n, &b->done[b->n_done++]);
}

/* Finishes the current slot and every empty one before `slot`, then starts `slot`. */
static void advance_to(struct track_builder *b, int64_t slot)
{
  while (b->slot < slot) {
    push_done(b);
    b->slot += SLOT_NS;
    b->n = 0;
  }
}

void tb_add(struct track_builder *b, const struct tb_sample *s)
{
  int64_t slot = tu_slot_start(s->t);
  if (b->slot == 0)
    b->slot = slot;
  if (slot < b->slot || (b->n > 0 && s->t <= b->s[b->n - 1].t)) {
    LOGW("track", "sample of an earlier second ignored");
    return;
  }
  advance_to(b, slot);
  if (b->n < SLOT_S)
    b->s[b->n++] = *s;
}

void tb_add_reading(struct track_builder *b, struct tb_sample *s, double tic_ns,
                    const int64_t *qerr_ps)
{
  if (qerr_ps)
    tic_ns = calib_apply_qerr(tic_ns, *qerr_ps);
  s->ns = calib_local_minus_gps(tic_ns, &b->p.delays);
  tb_add(b, s);
}

void tb_tick(struct track_builder *b, int64_t now, int64_t grace)
{
  if (b->slot == 0)
    return;
  int64_t last_due = tu_slot_start(now - grace);
  if (b->slot < last_due)
    advance_to(b, last_due);
}

int tb_take(struct track_builder *b, struct track *out)
{
  if (b->n_done == 0)
    return 0;
  *out = b->done[0];
  memmove(b->done, b->done + 1, sizeof *b->done * (size_t)(b->n_done - 1));
  b->n_done--;
  return 1;
}
