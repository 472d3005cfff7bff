/* The null servo: it takes the measurements and never steers.  The estimate is the last
 * measurement and the prediction holds it, its uncertainty growing as the clock model
 * says.  For watching a clock without moving it, and for tests of what surrounds a servo
 * (the controller, the server's bookkeeping) without a servo's dynamics. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "core/jsonx.h"
#include "steer/servo_private.h"

struct null_servo {
  struct servo base;
  int64_t t;              /* time of the last measurement, 0: none */
  double x_ns, sigma_ns;  /* the free-running phase measured then */
};

static struct servo *null_create(const struct servo_params *p)
{
  struct null_servo *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->base.ops = &servo_null_ops;
  s->base.p = *p;
  s->x_ns = s->sigma_ns = NAN;
  return &s->base;
}

static void null_destroy(struct servo *s) { free(s); }

static int null_sample(struct servo *sv, const struct servo_meas *m, struct servo_out *out)
{
  struct null_servo *s = (struct null_servo *)sv;
  double xf = m->x_ns - m->steer_ns;
  *out = (struct servo_out){
      .verdict = s->t ? SERVO_USED : SERVO_FIRST,
      .tracking = 1,
      .x_est_ns = m->x_ns,
      .x_sigma_ns = m->sigma_ns,
      .y_free = s->t && m->t > s->t ? (xf - s->x_ns) / (double)(m->t - s->t) : NAN,
      .innovation_ns = s->t ? xf - s->x_ns : NAN,
      .innovation_sigma_ns = NAN,
  };
  s->t = m->t;
  s->x_ns = xf;
  s->sigma_ns = m->sigma_ns;
  return 0;
}

static void null_predict(const struct servo *sv, int64_t t, double *x_free_ns, double *sigma_ns)
{
  const struct null_servo *s = (const struct null_servo *)sv;
  double sm = isfinite(s->sigma_ns) ? s->sigma_ns : sv->p.meas_noise_ns;
  double P[3][3] = {{sm * sm, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  cm_propagate(&sv->p.clk, s->t && t > s->t ? (double)(t - s->t) / 1e9 : 0, P);
  *x_free_ns = s->x_ns;
  *sigma_ns = sqrt(P[0][0]);
}

static json_t *null_save(const struct servo *sv)
{
  const struct null_servo *s = (const struct null_servo *)sv;
  return json_pack("{s:s,s:I,s:o,s:o}", "servo", "null", "t", (json_int_t)s->t, "x_ns",
                   jx_real(s->x_ns), "sigma_ns", jx_real(s->sigma_ns));
}

static int null_load(struct servo *sv, const json_t *j, char *err, size_t errlen)
{
  struct null_servo *s = (struct null_servo *)sv;
  long long t;
  if (jx_int(j, "t", JX_REQUIRED, 0, INT64_MAX, &t, err, errlen) < 0)
    return -1;
  s->t = t;
  s->x_ns = s->sigma_ns = NAN;
  if (jx_double(j, "x_ns", JX_OPTIONAL, -1e15, 1e15, &s->x_ns, err, errlen) < 0 ||
      jx_double(j, "sigma_ns", JX_OPTIONAL, 0, 1e15, &s->sigma_ns, err, errlen) < 0)
    return -1;
  return 0;
}

const struct servo_ops servo_null_ops = {
    .name = "null",
    .summary = "never steers: watches a clock (and serves tests)",
    .create = null_create,
    .destroy = null_destroy,
    .sample = null_sample,
    .predict = null_predict,
    .shift_bias = NULL,
    .save = null_save,
    .load = null_load,
};
