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

/* A common-clock calibration (two sites on one clock and one antenna, as NIST calibrates
 * a system before shipment): every difference REF - DUT of their tracks of the same slot
 * would be zero with right delays, so their mean is the DUT's delay error.  Outliers
 * beyond 5 robust sigmas are dropped; the statistical uncertainty of the mean counts the
 * independent differences from the lag-1 autocorrelation, n (1 - r) / (1 + r) (the usual
 * AR(1) correction; NIST SP 1065 section 5.5 discusses it). */
struct track;

struct calib_result {
  int n, rejected;
  int64_t first, last;       /* first and last slot used */
  double mean_ns;            /* REF - DUT */
  double sd_ns, r1, n_eff;
  double u_stat_ns;          /* standard uncertainty of the mean */
  double dut_intdly;         /* the INTDLY the DUT's last track applied */
};

/* Pairs the tracks by slot (both sorted or not).  Returns 0, or -1 with fewer than 10
 * common usable slots (r->n says how many) or when out of memory. */
int calib_common_clock(const struct track *ref, int nref, const struct track *dut, int ndut,
                       struct calib_result *r);

#endif
