#include "config.h"
#include "steer/servo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/drvconf.h"
#include "steer/servo_private.h"

static const struct servo_ops *const servos[] = {
    &servo_kalman_ops,
    &servo_pi_ops,
    &servo_null_ops,
    NULL,
};

const struct conf_item servo_param_items[] = {
    CONF_DBL("servo_tau", "SECONDS", struct servo_params, tau_s, 600, 1e7, "10800",
             "the PI servo's loop time constant"),
    CONF_INTV("acquire_slots", "N", struct servo_params, acquire_slots, 2, 64, "6",
              "slots fitted for the first frequency estimate"),
    CONF_DBL("meas_noise_ns", "NS", struct servo_params, meas_noise_ns, 0.01, 1e6, "2",
             "noise of one common-view difference, where the tracks do not say more"),
    CONF_DBL("clock_adev_1s", "A", struct servo_params, clk.adev_1s, 0, 1e-6, "1e-11",
             "the remote clocks' white FM, as ADEV at 1 s"),
    CONF_DBL("clock_flicker_floor", "F", struct servo_params, clk.flicker_floor, 0, 1e-6,
             "2e-13", "their flicker FM floor, as ADEV"),
    CONF_DBL("clock_rwfm_adev_1d", "R", struct servo_params, clk.rwfm_adev_1d, 0, 1e-6, "0",
             "their random-walk FM, as ADEV at 1 day"),
    {.type = CONF_END},
};

void servo_params_default(struct servo_params *p)
{
  char err[200];
  memset(p, 0, sizeof *p);
  cm_default(&p->clk);
  if (conf_defaults(servo_param_items, p, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
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

void servo_destroy(struct servo *s)
{
  if (s)
    s->ops->destroy(s);
}

const char *servo_name(const struct servo *s) { return s->ops->name; }

int servo_sample(struct servo *s, const struct servo_meas *m, struct servo_out *out)
{
  return s->ops->sample(s, m, out);
}

void servo_predict(const struct servo *s, int64_t t, double *x_free_ns, double *sigma_ns)
{
  s->ops->predict(s, t, x_free_ns, sigma_ns);
}

int servo_shift_bias(struct servo *s, double delta_ns, double var_ns2)
{
  if (!s->ops->shift_bias)
    return -1;
  s->ops->shift_bias(s, delta_ns, var_ns2);
  return 0;
}

int servo_step_was_clock(struct servo *s, double step_ns)
{
  if (!s->ops->step_was_clock)
    return -1;
  s->ops->step_was_clock(s, step_ns);
  return 0;
}

json_t *servo_save(const struct servo *s) { return s->ops->save(s); }

int servo_load(struct servo *s, const json_t *j, char *err, size_t errlen)
{
  return s->ops->load(s, j, err, errlen);
}
