/* GPS receivers: one driver per kind behind a table of function pointers.  The site asks
 * a receiver for its state (fix, satellites) and for the sawtooth correction qErr of the
 * 1PPS of a given second, which the track builder subtracts from that second's TIC
 * reading (DESIGN.md section 3). */
#ifndef CVD_RECEIVER_H
#define CVD_RECEIVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/drvconf.h"

enum rx_fix { RX_FIX_NODATA = 0, RX_FIX_NONE, RX_FIX_2D, RX_FIX_3D, RX_FIX_TIME };

#define RX_MAX_SATS 64

struct rx_sat {
  char gnss[8];  /* "GPS", "GAL", ... */
  int prn;
  double elevation, azimuth, snr; /* deg, deg, dB-Hz */
  int used;
};

struct rx_state {
  int64_t updated;        /* service time of the last report from the receiver, 0: never */
  enum rx_fix fix;
  int sats_visible, sats_used;
  int n_sats;
  struct rx_sat sats[RX_MAX_SATS];
  int leap_seconds;       /* GPS - UTC, -1 unknown */
  char model[64];
  /* The host clock against the receiver's UTC: host time minus the receiver's time of its
   * latest time message, as the message arrived, ns.  A message comes within a second
   * after the second it names, so a host in time reads 0 <= offset < 1 s.  have_offset
   * is 0 until a time message came. */
  int have_offset;
  int64_t host_offset_ns;
};

struct receiver;

struct receiver_driver {
  const char *name;
  const char *summary;
  int (*open)(struct receiver *rx, char *err, size_t errlen);
  /* Takes in what the receiver said up to `now` without blocking long, updating
   * rx->state.  Returns 0, or -1 when the receiver is gone (the caller reopens later). */
  int (*poll)(struct receiver *rx, int64_t now, char *err, size_t errlen);
  /* The qErr of the 1PPS of second `second` in ps: 1 if known, 0 if not. */
  int (*qerr)(struct receiver *rx, int64_t second, int64_t *ps);
  void (*close)(struct receiver *rx);
};

struct receiver {
  const struct receiver_driver *drv;
  struct drvconf conf;   /* conf.ctx: the simulated site, for the sim driver */
  void *priv;
  struct rx_state state;
};

const struct receiver_driver *rx_find(const char *name);
const char *rx_driver_names(void);
int rx_open(struct receiver *rx, const struct drvconf *c, char *err, size_t errlen);
int rx_poll(struct receiver *rx, int64_t now, char *err, size_t errlen);
int rx_qerr(struct receiver *rx, int64_t second, int64_t *ps);
void rx_close(struct receiver *rx);
/* "TIME", "3D", "2D", "NOFIX", "NODATA". */
const char *rx_fix_name(enum rx_fix f);

#endif
