/* Builds 10-minute UTC-aligned tracks (DESIGN.md section 3) from 1 Hz samples.
 *
 * Each sample is LOCAL - GPS (delays and sawtooth applied) with the oscillator's
 * accumulated steering phase at that second.  The fit is made on the free-running clock
 * (sample minus steering phase), so that a frequency change or a phase step inside a slot
 * does not bend the line or look like outliers; the track's value is that line at the
 * slot's midpoint plus the steering phase there: what the steered clock read at the
 * midpoint.  Outliers are rejected by linfit_robust.  Every slot from the first one is
 * recorded, even with no good sample (low_count, value NAN); none is invented. */
#ifndef CVD_BUILDER_H
#define CVD_BUILDER_H

#include <stdint.h>

#include "core/timeutil.h"
#include "core/conf.h"
#include "core/track.h"
#include "receiver/receiver.h"
#include "track/calib.h"

struct tb_params {
  char site[SITE_NAME_MAX];
  struct site_delays delays;
  int min_samples;        /* fewer good samples than this: low_count [300] */
  double reject_k;        /* outlier limit in robust sigmas [5] */
  double reject_floor_ns; /* the robust sigma used is at least this [0.5] */
};

/* The delays and the rejection as configuration directives (core/conf.h). */
extern const struct conf_item tb_param_items[];
void tb_params_default(struct tb_params *p, const char *site);

struct tb_sample {
  int64_t t;          /* whole second */
  double ns;          /* LOCAL - GPS, ns (after calibration) */
  double steer_ns;    /* oscillator's steering phase at t */
  double freq;        /* steering frequency applied at t */
  double true_x_ns;   /* simulation truth, NAN in service */
  enum rx_fix fix;
  int sats_visible, sats_used;
};

struct track_builder {
  struct tb_params p;
  int64_t slot;       /* start of the slot being built; 0 before the first sample */
  int n;
  struct tb_sample s[SLOT_S];
  struct track *done; /* finished tracks not yet taken */
  int n_done, cap_done;
};

void tb_init(struct track_builder *b, const struct tb_params *p);
void tb_free(struct track_builder *b);
/* Adds the sample of one second.  Samples must come in time order; a sample of a later
 * slot first finishes the slot being built (and any empty slots between). */
void tb_add(struct track_builder *b, const struct tb_sample *s);
/* The sample of one second from its raw TIC reading: tic_ns is LOCAL - GPS as the counter
 * read it (before the sawtooth and the delays), qerr_ps the receiver's sawtooth correction
 * of that pulse (NULL when unknown); s carries the rest (.ns is set here).  Calibrates
 * (track/calib.h: qErr off, then the delays of the builder's parameters) and adds it. */
void tb_add_reading(struct track_builder *b, struct tb_sample *s, double tic_ns,
                    const int64_t *qerr_ps);
/* Finishes the slot being built when `now` is past its end by `grace` (no sample came to
 * close it), and the empty slots after it up to now.  Call regularly. */
void tb_tick(struct track_builder *b, int64_t now, int64_t grace);
/* Takes the oldest finished track: 1, or 0 when none.  The caller fills in the
 * oscillator's command id, holdover and status (t->osc.steer_ns and freq are set). */
int tb_take(struct track_builder *b, struct track *out);

/* The statistics of one slot's samples (exposed for tests). */
void tb_compute(const struct tb_params *p, int64_t slot, const struct tb_sample *s, int n,
                struct track *t);

#endif
