/* No steerable oscillator: the reference site, whose clock is the lab's UTC(k). */
#include "config.h"

#include <stdio.h>

#include "osc/osc.h"

static int none_open(struct osc *o, char *err, size_t errlen)
{
  static const char *const keys[] = {NULL};
  return drvconf_check_keys(&o->conf, keys, err, errlen);
}

static int none_set_freq(struct osc *o, double correction, double *applied, char *err,
                         size_t errlen)
{
  (void)o;
  (void)correction;
  *applied = 0;
  snprintf(err, errlen, "the reference clock is not steered");
  return -1;
}

const struct osc_driver osc_none_driver = {
    .name = "none",
    .summary = "not steered: the reference site's clock",
    .open = none_open,
    .set_freq = none_set_freq,
    .phase_step = NULL,
    .status = NULL,
    .close = NULL,
    .resolution = 0,
    .steerable = 0,
};
