/* The site's measurement pipeline (DESIGN.md sections 1 and 3), without threads or
 * transport: once a second it reads the TIC (LOCAL - GPS), subtracts the receiver's
 * sawtooth qErr of that pulse and applies the site's calibrated delays (track/calib.h),
 * brings the oscillator's steering up to that second, and adds the sample to the track
 * builder; each finished track is stored in the spool before anything else is done with
 * it.  It applies the server's steering commands to the oscillator (refused ones are
 * logged in the spool) and keeps the oscillator's state in the spool across restarts.
 * Instruments that fail are reopened; a spool that fails holds tracks in memory until it
 * takes them again.  `cvd site` runs it in its measuring thread (daemon.h), `cvd simulate`
 * calls it directly. */
#ifndef CVD_SITE_CORE_H
#define CVD_SITE_CORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/msg.h"
#include "site/conf.h"
#include "site/hostclock.h"
#include "db/spool.h"
#include "osc/osc.h"
#include "receiver/receiver.h"
#include "sim/site.h"
#include "tic/tic.h"
#include "track/builder.h"

#define SITE_TRUTH_BUF 64
#define SITE_HELD_MAX 1008 /* a week of tracks held in memory while the spool fails */

struct site_core {
  struct site_conf conf;
  struct sim_site *sim;
  struct tic tic;
  struct receiver rx;
  struct osc osc;
  struct track_builder tb;
  sqlite3 *spool;
  int tic_up, rx_up;
  int64_t tic_retry, rx_retry;
  struct truth_sample truth[SITE_TRUTH_BUF];
  int n_truth;
  long tracks_stored;
  /* Tracks the spool could not take (disk full), held until it can, oldest first. */
  struct track *held;
  int n_held;
  int64_t held_retry;    /* when to try the spool again */
  struct hostclock host; /* the host clock against the receiver's UTC */
};

/* The simulated instruments of the configured scenario (c->has_sim), or NULL with err. */
struct sim_site *site_sim_open(const struct site_conf *c, char *err, size_t errlen);
void site_sim_close(struct sim_site *sim);

/* Opens the spool and the instruments, restores the oscillator's state.  0 or -1. */
int site_core_open(struct site_core *s, const struct site_conf *c, char *err, size_t errlen);
void site_core_close(struct site_core *s);

/* One step: a TIC reading (or waiting until `deadline`), the tracks it finishes stored.
 * Returns the number of tracks stored.  While the spool fails, that is said loudly for
 * each track, and the tracks are held in memory and stored once it takes them again. */
int site_core_step(struct site_core *s, int64_t deadline);

/* Applies a steering command from the server; the state is saved to the spool. */
void site_core_command(struct site_core *s, const struct steer_cmd *c, int64_t now);
/* What the oscillator holds at now, for the next upload. */
void site_core_report(const struct site_core *s, int64_t now, struct osc_report *r);

#endif
