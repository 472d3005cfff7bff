#include "config.h"
#include "steer/cv.h"

#include <math.h>

int cv_usable(const struct track *t) { return !t->low_count && isfinite(t->value_ns); }

int cv_diff(const struct track *a, const struct track *b, double *diff_ns, double *sigma_ns)
{
  if (a->slot != b->slot || !cv_usable(a) || !cv_usable(b))
    return 0;
  *diff_ns = a->value_ns - b->value_ns;
  /* The standard error of each track's mean; what the slot-to-slot scatter adds on top is
   * for the servo to learn. */
  double va = a->sigma_ns * a->sigma_ns / a->n_used, vb = b->sigma_ns * b->sigma_ns / b->n_used;
  *sigma_ns = sqrt(va + vb);
  return 1;
}
