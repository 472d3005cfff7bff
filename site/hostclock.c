#include "config.h"
#include "site/hostclock.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/timeutil.h"

int hostclock_check(struct hostclock *h, const struct rx_state *rx, int64_t t, char *said,
                    size_t n)
{
  said[0] = '\0';
  int have = rx && rx->have_offset;
  int64_t off = have ? rx->host_offset_ns : 0;
  int bad = have && (off < HOSTCLOCK_MIN_NS || off > HOSTCLOCK_MAX_NS);
  char ts[40];
  if (bad) {
    if (!h->off) {
      h->off = 1;
      h->refused = 0;
      h->worst_ns = off;
      snprintf(said, n,
               "the host clock reads %+.3f s from the receiver's UTC at %s (host time): TIC "
               "readings are refused until it agrees again, since they would be labelled "
               "with the wrong second",
               (double)off / 1e9, tu_format(t, ts, sizeof ts, 0));
    }
    if (llabs(off) > llabs(h->worst_ns))
      h->worst_ns = off;
    h->refused++;
    return 0;
  }
  if (h->off) {
    h->off = 0;
    snprintf(said, n,
             "the host clock agrees with the receiver's UTC again (%+.3f s) at %s: %ld TIC "
             "readings were refused; it had been up to %+.3f s off",
             (double)off / 1e9, tu_format(t, ts, sizeof ts, 0), h->refused,
             (double)h->worst_ns / 1e9);
  }
  return 1;
}
