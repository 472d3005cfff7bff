/* Which UTC second a TIC reading belongs to (DESIGN.md section 3: r->t of struct
 * tic_reading).  Instruments that do not stamp their readings with UTC are labelled from
 * the arrival time of the reading on the clock source, and only when that is unambiguous:
 *
 * The GPS 1PPS marks UTC second n.  A start/stop counter started by the local pulse at
 * n - u (u = LOCAL - GPS, unwrapped) ends its measurement at n - u + max(raw, 0): at n
 * when the local pulse leads, n + |u| when a signed counter saw the GPS pulse first, and
 * n + 1 when a start/stop counter had to wait for the next GPS pulse (raw near 1 s).
 * That "completion offset" is taken off the arrival time; what is left must lie within
 * [-TICLABEL_EARLY_S, latency] of a whole second, which is then the label.  A reading
 * outside that window is refused (counted by the caller), never labelled by guess: a
 * reading delayed by more than latency is late, and one delayed by nearly a whole second
 * could not be told from the next second's.
 *
 * Counters that stamp edges with their own timebase (the TICC in timestamp mode) are
 * labelled by that timebase instead, once it has been locked to UTC (struct
 * ticlabel_lock below): then a reading stuck in a buffer still gets its true second. */
#ifndef CVD_TICLABEL_H
#define CVD_TICLABEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/drvconf.h"

/* How far the clock source may run behind the pulses (an NTP-disciplined system clock
 * is within milliseconds). */
#define TICLABEL_EARLY_S 0.1
/* Default and bounds of the `latency` option: the longest a reading may take to arrive
 * after its measurement ended. */
#define TICLABEL_LATENCY_DEFAULT 0.5
#define TICLABEL_LATENCY_MIN 0.01
#define TICLABEL_LATENCY_MAX 0.8

/* Reads the `latency=SECONDS` option into *latency_s (the default when absent). */
int ticlabel_latency_option(const struct drvconf *c, double *latency_s, char *err,
                            size_t errlen);

/* Seconds from the UTC second to the end of the measurement of a reading raw_s. */
double ticlabel_completion_s(double raw_s);

/* Labels a reading that arrived at arrival_ns (clock source, UTC ns): 1 with *t set to
 * the whole second, 0 when it arrived outside the window (late).  A raw_s outside
 * [TIC_RAW_MIN_S, TIC_RAW_MAX_S] (or not finite) is labelled by its arrival alone: tic_read
 * refuses it as garbage whatever its label. */
int ticlabel_by_arrival(int64_t arrival_ns, double raw_s, double latency_s, int64_t *t);

/* A counter's own timebase locked to UTC through the GPS pulses it stamps: a GPS edge
 * stamped at `stamp` (in units of `unit` per second, e.g. 1e12 for picoseconds) is UTC
 * second ref_t + round((stamp - ref_stamp) / unit).  A lock is taken when two timely
 * readings (labelled by arrival) agree on it.  Once locked, the timebase labels every
 * reading, timely or not; a timely reading that disagrees is withheld and becomes a
 * candidate, and only a second one agreeing with that candidate moves the lock (an
 * arrival can be stale, the timebase does not jump).  A timebase that goes backwards
 * (the board restarted, or its counter wrapped) drops the lock. */
struct ticlabel_lock {
  int64_t unit;          /* stamp units per second */
  int locked, has_cand;
  int64_t ref_stamp, ref_t;
  int64_t cand_stamp, cand_t;
  int64_t last_stamp;
  long relocks;          /* times a lock was moved */
};

void ticlabel_lock_init(struct ticlabel_lock *l, int64_t unit);
/* Labels the GPS edge stamped at `stamp`.  arrival_ok says whether arrival_t is a valid
 * arrival label of the same reading (ticlabel_by_arrival returned 1).  Returns 1 with *t,
 * or 0 when the reading is withheld (no lock yet, or a disagreement to settle). */
int ticlabel_lock_label(struct ticlabel_lock *l, int64_t stamp, int arrival_ok,
                        int64_t arrival_t, int64_t *t);

#endif
