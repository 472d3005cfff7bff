#include "config.h"
#include "track/calib.h"

double calib_local_minus_gps(double tic_ns, const struct site_delays *d)
{
  /* The GPS pulse reaches the stop input late by the antenna cable, the receiver and the
   * 1PPS cable, which lengthens the interval; the local pulse reaches the start input
   * late by REFDLY, which shortens it. */
  return tic_ns - (d->intdly + d->cabdly + d->ppsdly) + d->refdly;
}

double calib_apply_qerr(double tic_ns, int64_t qerr_ps) { return tic_ns - (double)qerr_ps / 1000.0; }
