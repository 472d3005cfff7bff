/* The host clock checked against the receiver's UTC before a TIC reading is taken.
 *
 * A TIC reading is labelled with its second by the host clock (tic/ticlabel.h).  A host
 * clock stepped off UTC (a wrong NTP step, a bad RTC at boot) labels every reading with
 * the wrong second, and the track builder would put it into the wrong 10-minute slot: a
 * track of one time sent as another's.  So while the host's offset from the receiver's
 * time (rx_state.host_offset_ns: 0 <= offset < 1 s on a host in time, a time message
 * coming within the second after the one it names) lies outside [-0.5 s, 1.5 s], readings
 * are refused, and both the start and the end of that are said once.  A receiver that
 * gives no time (no time message yet) does not stop readings. */
#ifndef CVD_SITE_HOSTCLOCK_H
#define CVD_SITE_HOSTCLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "receiver/receiver.h"

#define HOSTCLOCK_MIN_NS (-500000000LL)
#define HOSTCLOCK_MAX_NS 1500000000LL

struct hostclock {
  int off;         /* readings are being refused */
  long refused;    /* readings refused since it went off */
  int64_t worst_ns; /* the largest offset seen since, by magnitude */
};

/* Whether to take the reading of second t given the receiver's state (NULL: no receiver):
 * 1 take, 0 refuse.  When the answer changes, *said holds what to log and record (empty
 * otherwise). */
int hostclock_check(struct hostclock *h, const struct rx_state *rx, int64_t t, char *said,
                    size_t n);

#endif
