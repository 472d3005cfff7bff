#include "config.h"
#include "steer/servo.h"

#include <stdio.h>

#include "core/drvconf.h"

extern const struct servo_ops servo_kalman_ops;
extern const struct servo_ops servo_pi_ops;

static const struct servo_ops *const servos[] = {
    &servo_kalman_ops,
    &servo_pi_ops,
    NULL,
};

void servo_params_default(struct servo_params *p)
{
  p->tau_s = 10800;
  p->acquire_slots = 6;
  cm_default(&p->clk);
  p->meas_noise_ns = 2.0;
  p->slew_max = 1e-9;
  p->slew_time_s = 7200;
}

const char *servo_names(void)
{
  static char buf[128];
  return drvtab_names((const void *const *)servos, buf, sizeof buf);
}

struct servo *servo_create(const char *name, const struct servo_params *p, char *err,
                           size_t errlen)
{
  const struct servo_ops *ops = drvtab_find((const void *const *)servos, name);
  if (!ops) {
    snprintf(err, errlen, "unknown servo '%s' (known: %s)", name, servo_names());
    return NULL;
  }
  struct servo *s = ops->create(p);
  if (!s)
    snprintf(err, errlen, "out of memory");
  return s;
}
