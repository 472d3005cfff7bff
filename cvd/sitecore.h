/* The site daemon's work without its threads: read the TIC each second, correct it by the
 * receiver's sawtooth and the site's delays, build tracks, store each in the spool before
 * anything else, apply the server's commands to the oscillator; and the two halves of an
 * upload (the request from the spool, the response into acks and a command).  `cvd site`
 * runs it in a measuring thread and an upload thread; `cvd simulate` calls it directly. */
#ifndef CVD_SITECORE_H
#define CVD_SITECORE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "core/msg.h"
#include "cvd/site_conf.h"
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
void site_core_report(const struct site_core *s, int64_t now, struct osc_report *r);

/* An upload request from the spool's unacknowledged tracks (at most max, into buf).
 * Returns the body; *n says how many tracks it holds. */
json_t *site_upload_request(sqlite3 *spool, const char *site, const struct osc_report *r,
                            struct track *buf, int max, int *n);
/* Takes a response: acknowledges its tracks in the spool; *resp gets the command and
 * flags.  0, or -1 if the response is unusable (nothing acknowledged). */
int site_upload_response(sqlite3 *spool, const json_t *body, const struct track *sent, int n,
                         struct upload_resp *resp, char *err, size_t errlen);

#endif
