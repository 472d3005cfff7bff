#include "config.h"
#include "steer/refstep.h"

#include <math.h>

int refstep_find(struct ctl *const *ctls, int n, int64_t slot, struct refstep *out)
{
  double sw = 0, swx = 0, own, var;
  int k = 0;
  for (int i = 0; i < n; i++)
    if (ctls[i] && ctl_step_in(ctls[i], slot, &own, &var)) {
      sw += 1 / var;
      swx += own / var;
      k++;
    }
  if (k < 2)
    return 0;
  double mean = swx / sw;
  for (int i = 0; i < n; i++)
    if (ctls[i] && ctl_step_in(ctls[i], slot, &own, &var) && fabs(own - mean) > 4 * sqrt(var))
      return 0; /* not one step: each remote keeps its own */
  out->n = k;
  out->step_ns = mean;
  out->var_ns2 = 1 / sw;
  for (int i = 0; i < n; i++)
    if (ctls[i] && ctl_step_in(ctls[i], slot, &own, &var))
      ctl_take_common_step(ctls[i], mean, out->var_ns2);
  return 1;
}
