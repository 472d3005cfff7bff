/* The gpsd receiver driver without gpsd, for tests and fuzzing: gpsd's JSON lines are
 * handed in one by one as the driver takes them from gps_read(), and go through the same
 * libgps unpacking (gps_unpack) and the same mapping into struct rx_state. */
#ifndef CVD_RX_GPSD_H
#define CVD_RX_GPSD_H

#include <stddef.h>
#include <stdint.h>

#include "receiver/receiver.h"

/* A gpsd receiver (options as rx_open takes them) that is not connected: it hears only
 * rx_gpsd_feed, rx_poll only ages its state and rx_qerr never waits.  rx_close frees it.
 * 0, or -1 with err (a bad option). */
int rx_gpsd_open_offline(struct receiver *rx, const struct drvconf *c, char *err, size_t errlen);

/* One line of gpsd's JSON (without its end of line) at service time `now`: 0, or -1 when
 * libgps refused it or it is longer than libgps reads. */
int rx_gpsd_feed(struct receiver *rx, const char *line, int64_t now);

#endif
