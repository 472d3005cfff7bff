/* Steps of the reference (DESIGN.md section 3): every remote measures against the
 * reference, so a change of the reference receiver's delay shows as a step of one size
 * in the measurements of every remote in the same slot, where a remote's own receiver
 * changes only its own.  When the controllers of at least two remotes found a step in
 * the same slot, and the steps agree within 4 sigma, they are one step of the reference:
 * its size is estimated from all of them together (the inverse-variance weighted mean),
 * and every remote's servo takes that estimate. */
#ifndef CVD_REFSTEP_H
#define CVD_REFSTEP_H

#include <stdint.h>

#include "steer/ctl.h"

struct refstep {
  int n;                 /* remotes whose measurements stepped */
  double step_ns;        /* the common estimate of the step in REMOTE - REF */
  double var_ns2;        /* its variance */
};

/* 1 with *out when the steps found in slot by the n controllers (NULL entries skipped)
 * are one step of the reference; each of those controllers then takes the common
 * estimate.  0 when they are not (each keeps its own). */
int refstep_find(struct ctl *const *ctls, int n, int64_t slot, struct refstep *out);

#endif
