/* Common view (DESIGN.md section 3): two sites' tracks of the same slot, each LOCAL - GPS
 * through the same GPS signal, subtract to A - B = (A - GPS) - (B - GPS): the errors
 * common to both receivers cancel.  A remote's time error against the reference is
 * x = REMOTE - REF, from the remote's track and the reference's of one slot. */
#ifndef CVD_CV_H
#define CVD_CV_H

#include "core/track.h"

/* 1 if a track can take part in common view (a value, enough samples). */
int cv_usable(const struct track *t);
/* 1 with a - b (ns) and its uncertainty from the tracks' own statistics when both tracks
 * are of the same slot and usable, else 0. */
int cv_diff(const struct track *a, const struct track *b, double *diff_ns, double *sigma_ns);

/* One common-view difference a - b of a slot. */
struct cv_pair {
  const struct track *a, *b;
  double value_ns, sigma_ns;
};

/* What a newly received track `up` (one of the n tracks tr[] of its slot) makes:
 *  - pairs[]: up - other for every other usable track of the slot;
 *  - steer[]: the measurements REMOTE - REF that are new with it: up's own if up is a
 *    remote, every remote's if up is the reference's (none while the reference's track
 *    is missing or unusable).
 * Both arrays must hold n entries.  Returns the number of pairs; *n_steer gets the
 * number of measurements. */
int cv_slot(const struct track *tr, int n, const struct track *up, const char *ref,
            struct cv_pair *pairs, struct cv_pair *steer, int *n_steer);
/* cv_slot's measurements alone, for many sites (issue 13), with the slot's tracks indexed:
 * tr[up] the new track, tr[ref] the reference's (ref -1: none yet).  steer[] must hold n
 * entries; returns how many it gets, in tr[]'s order.  Costs one subtraction when up is a
 * remote, however many sites the slot has. */
int cv_slot_ref(const struct track *tr, int n, int up, int ref, struct cv_pair *steer);

#endif
