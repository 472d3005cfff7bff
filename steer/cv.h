/* Common view (DESIGN.md section 3): two sites' tracks of the same slot, each LOCAL - GPS
 * through the same GPS signal, subtract to A - B = (A - GPS) - (B - GPS): the errors
 * common to both receivers cancel. */
#ifndef CVD_CV_H
#define CVD_CV_H

#include "core/track.h"

/* 1 with a - b (ns) and its uncertainty from the tracks' own statistics when both tracks
 * are of the same slot and usable (a value, enough samples), else 0. */
int cv_diff(const struct track *a, const struct track *b, double *diff_ns, double *sigma_ns);
/* 1 if a track can take part in common view. */
int cv_usable(const struct track *t);

#endif
