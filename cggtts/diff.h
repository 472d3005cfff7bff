/* Common view of two CGGTTS files, in the spirit of OpenTTP's cmpcggtts.py: tracks of A
 * and B matched by MJD, STTIME, satellite and signal (FRC), full-length tracks only
 * (TRKL 780, the BIPM schedule's), REFSYS known in both.  Each difference is
 * A - B = (REF_A - SYS) - (REF_B - SYS) = REF_A - REF_B, in ns (DESIGN.md's sign); an
 * epoch (one MJD and STTIME) gets the mean of its differences.  Means and sample standard
 * deviations (n - 1) are NAN where they cannot be computed.  Of tracks of one key in one
 * file (a repeated line), the first is used. */
#ifndef CVD_CGGTTS_DIFF_H
#define CVD_CGGTTS_DIFF_H

#include <stddef.h>

#include "cggtts/cggtts.h"

struct cggtts_diff_opt {
  const char *frc_a, *frc_b; /* only tracks of these signals; NULL: any, the same in both */
};

struct cggtts_pair {
  int mjd, sttime;
  char sat[4], frc_a[4], frc_b[4];
  double a_ns, b_ns, d_ns;   /* REFSYS of each, and A - B */
};

struct cggtts_epoch {
  int mjd, sttime;
  int n;                     /* tracks (satellites) averaged */
  double mean_ns;
};

struct cggtts_diff {
  struct cggtts_pair *pair;
  size_t matched;
  struct cggtts_epoch *epoch;
  size_t epochs;
  size_t a_full, b_full;     /* usable full-length tracks of each file (with the FRC asked) */
  double mean_ns, sd_ns;     /* over the matched tracks */
  double mean_epoch_ns, sd_epoch_ns; /* over the epoch means */
};

/* 0, or -1 with err (out of memory). */
int cggtts_diff(const struct cggtts_file *a, const struct cggtts_file *b,
                const struct cggtts_diff_opt *o, struct cggtts_diff *d, char *err,
                size_t errlen);
/* All in view instead of common view: each file's epoch means (its usable full-length
 * tracks of one signal: o's, else the file's first), matched by MJD and STTIME alone, so
 * that files of different satellites (GPS and Galileo of one receiver) compare; each
 * "pair" is an epoch, A's mean minus B's (sat ""), and an epoch's n counts the
 * satellites of A and B together.  matched = epochs. */
int cggtts_diff_aiv(const struct cggtts_file *a, const struct cggtts_file *b,
                    const struct cggtts_diff_opt *o, struct cggtts_diff *d, char *err,
                    size_t errlen);
void cggtts_diff_free(struct cggtts_diff *d);

/* Mean and sample standard deviation of n values (NAN where undefined). */
void cggtts_mean_sd(const double *v, size_t n, double *mean, double *sd);

#endif
