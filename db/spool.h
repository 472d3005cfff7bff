/* A site's spool: every track is written here before anything else is done with it, and
 * leaves the send queue only when the server has acknowledged it.  Acknowledged tracks are
 * kept for a while for diagnosis (spool_prune).  Also holds the oscillator's state across
 * restarts and, in simulation, the truth. */
#ifndef CVD_SPOOL_H
#define CVD_SPOOL_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/track.h"

struct truth_sample {
  int64_t t;
  double x_ns;
};

/* Stores a track (and truth samples, if any) in one transaction.  A track of a slot
 * already stored is left as it was (returns 0 too).  -1 on failure (logged loudly). */
int spool_put(sqlite3 *db, const struct track *t, int64_t now, const struct truth_sample *truth,
              int n_truth);
/* Up to max unacknowledged tracks, oldest first.  Returns how many, or -1.  A stored row
 * that no longer parses is logged and skipped (it stays in the spool). */
int spool_unacked(sqlite3 *db, struct track *out, int max);
int spool_count_unacked(sqlite3 *db);
/* Every track (acknowledged or not) with from <= slot < to, oldest first, into a malloc'ed
 * array; returns the count or -1. */
int spool_tracks(sqlite3 *db, int64_t from, int64_t to, struct track **out);
int spool_ack(sqlite3 *db, const struct track *t, int n, int64_t wall_now);
/* Deletes acknowledged tracks and truth older than `before` (service time). */
int spool_prune(sqlite3 *db, int64_t before);

/* Small persistent values (JSON text). */
int spool_kv_put(sqlite3 *db, const char *key, const char *value);
/* 1 with *value malloc'ed, 0 when absent, -1 when the spool cannot say (*value NULL). */
int spool_kv_get(sqlite3 *db, const char *key, char **value);

int spool_event(sqlite3 *db, int64_t t, const char *kind, const char *message);

/* Truth samples with from <= t < to, into a malloc'ed array; returns the count or -1. */
int spool_truth(sqlite3 *db, int64_t from, int64_t to, struct truth_sample **out);

#endif
