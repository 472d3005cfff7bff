#include "config.h"
#include "steer/cv.h"

#include <math.h>
#include <string.h>

int cv_usable(const struct track *t) { return !t->low_count && isfinite(t->value_ns); }

int cv_diff(const struct track *a, const struct track *b, double *diff_ns, double *sigma_ns)
{
  if (a->slot != b->slot || !cv_usable(a) || !cv_usable(b))
    return 0;
  /* A - B = (A - GPS) - (B - GPS): the sign convention of DESIGN.md section 3. */
  *diff_ns = a->value_ns - b->value_ns;
  /* The standard error of each track's mean; what the slot-to-slot scatter adds on top is
   * for the servo to learn. */
  double va = a->sigma_ns * a->sigma_ns / a->n_used, vb = b->sigma_ns * b->sigma_ns / b->n_used;
  *sigma_ns = sqrt(va + vb);
  return 1;
}

static int make(const struct track *a, const struct track *b, struct cv_pair *p)
{
  p->a = a;
  p->b = b;
  return cv_diff(a, b, &p->value_ns, &p->sigma_ns);
}

int cv_slot(const struct track *tr, int n, const struct track *up, const char *ref,
            struct cv_pair *pairs, struct cv_pair *steer, int *n_steer)
{
  const struct track *rt = NULL;
  int np = 0;
  *n_steer = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(tr[i].site, ref) == 0)
      rt = &tr[i];
    if (&tr[i] != up && make(up, &tr[i], &pairs[np]))
      np++;
  }
  if (!rt || !cv_usable(rt))
    return np;
  for (int i = 0; i < n; i++) {
    /* The reference's track is new: every remote's measurement is; else only up's. */
    if (&tr[i] == rt || (up != rt && &tr[i] != up))
      continue;
    if (make(&tr[i], rt, &steer[*n_steer]))
      (*n_steer)++;
  }
  return np;
}

int cv_slot_ref(const struct track *tr, int n, int up, int ref, struct cv_pair *steer)
{
  if (ref < 0 || !cv_usable(&tr[ref]))
    return 0;
  if (up != ref)
    return make(&tr[up], &tr[ref], &steer[0]);
  int m = 0;
  for (int i = 0; i < n; i++)
    if (i != ref && make(&tr[i], &tr[ref], &steer[m]))
      m++;
  return m;
}
