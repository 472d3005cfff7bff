/* Pairing the local and the GPS 1PPS edges of the same second, for counters that stamp
 * each input on its own (the TICC in timestamp mode, two Linux PPS inputs).
 *
 * Edges are integer stamps in any unit with `half` units to half a second (picoseconds
 * of the TICC's timebase, nanoseconds of the system clock).  Two edges pair when they
 * are less than half a second apart, whichever came first; the reading is GPS - LOCAL
 * (a TIC started by the local pulse and stopped by the GPS pulse reads LOCAL - GPS,
 * DESIGN.md section 3).  An edge that finds no partner before the next edge of its own
 * input is dropped and counted: a missing pulse leaves its second missing, it is never
 * paired with a pulse of another second. */
#ifndef CVD_EDGEPAIR_H
#define CVD_EDGEPAIR_H

#include <stdint.h>

enum edge_input { EDGE_LOCAL = 0, EDGE_GPS = 1 };

struct edgepair {
  int64_t half;        /* stamp units in half a second */
  int64_t pend[2];     /* the unpaired edge of each input */
  int have[2];
  long unpaired[2];    /* edges dropped without a partner, per input */
};

void edgepair_init(struct edgepair *p, int64_t half);
/* Adds an edge.  Returns 1 when it completes a pair, with *local and *gps set; 0 when it
 * waits for its partner.  An edge older than the pending one of its own input (a
 * restarted timebase) replaces it. */
int edgepair_add(struct edgepair *p, enum edge_input in, int64_t stamp, int64_t *local,
                 int64_t *gps);

/* One PPS input against the system clock: the whole second nearest to stamp_ns (*second)
 * and stamp_ns's offset from it in seconds, in [-0.5, 0.5). */
double edge_offset_from_second(int64_t stamp_ns, int64_t *second);

#endif
