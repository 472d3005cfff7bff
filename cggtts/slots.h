/* A CGGTTS file as cvd's 10-minute tracks (core/track.h), so that a CGGTTS site takes part
 * in the server's common view with the reference's 1PPS tracks like any site.
 *
 * How the BIPM schedule meets the slots: CGGTTS tracks are 780 s (13 min) long and start
 * every 16 min (4 min earlier each day); cvd's slots are 10 min, aligned to UTC.  Used are
 * the GPS tracks only (the reference's tracks are LOCAL - GPS; REFSYS of another system
 * is against that system's time), full-length (TRKL 780), REFSYS known, of one signal (the
 * FRC of the first such track in the file).  Each epoch (MJD, STTIME) gives one value, the
 * mean REFSYS over its satellites, at the track's midpoint STTIME + 390 s; it goes to the
 * slot that holds the midpoint (so about 90 of a day's 144 slots get one, none twice), and
 * is referred from the midpoint to the slot's midpoint with the satellites' mean SRSYS
 * (the slope REFSYS is fitted with; at most 300 s away).  The sign is REFSYS's, REF - GPS,
 * that of a track's LOCAL - GPS.  sigma_ns is the standard deviation over the satellites
 * with n_used the number of satellites (the common view divides by it), or for a lone
 * satellite its DSG with n_used 1. */
#ifndef CVD_CGGTTS_SLOTS_H
#define CVD_CGGTTS_SLOTS_H

#include <stddef.h>

#include "cggtts/cggtts.h"
#include "core/track.h"

struct cggtts_slots {
  struct track *tr;     /* slot order */
  size_t n;
  char frc[4];          /* the signal used */
  size_t epochs;        /* GPS epochs found */
  size_t skipped;       /* epochs not made into a track (a slot taken, no sigma) */
};

/* 0, or -1 with err: no usable full-length GPS track, or out of memory. */
int cggtts_slots(const struct cggtts_file *f, const char *site, struct cggtts_slots *out,
                 char *err, size_t errlen);
void cggtts_slots_free(struct cggtts_slots *s);

#endif
