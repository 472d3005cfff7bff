/* Calibrated site delays (DESIGN.md section 3, names after BIPM CGGTTS V2E).  With the
 * receiver's own antenna-delay compensation set to zero:
 *   LOCAL - GPS = TIC - (INTDLY + CABDLY + PPSDLY) + REFDLY
 * where TIC is the reading after the sawtooth correction. */
#ifndef CVD_CALIB_H
#define CVD_CALIB_H

#include <stdint.h>

struct site_delays {
  double intdly;  /* receiver internal, ns */
  double cabdly;  /* antenna cable, ns */
  double ppsdly;  /* receiver 1PPS output to the TIC's stop input, ns */
  double refdly;  /* local 1PPS to the TIC's start input, ns */
};

/* The one place the formula above lives. */
double calib_local_minus_gps(double tic_ns, const struct site_delays *d);
/* The sawtooth correction: qErr (ps, how late the pulse is against its ideal) comes off
 * the TIC reading of the pulse it belongs to. */
double calib_apply_qerr(double tic_ns, int64_t qerr_ps);

#endif
