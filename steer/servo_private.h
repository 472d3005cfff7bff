/* Inside steer/: what a servo implementation provides (servo.h's functions call it; no
 * one else does).  An implementation embeds struct servo first in its own struct, fills
 * it in its create, and is listed in servo.c's table. */
#ifndef CVD_SERVO_PRIVATE_H
#define CVD_SERVO_PRIVATE_H

#include "steer/servo.h"

struct servo_ops {
  const char *name;
  const char *summary;
  struct servo *(*create)(const struct servo_params *p);
  void (*destroy)(struct servo *s);
  int (*sample)(struct servo *s, const struct servo_meas *m, struct servo_out *out);
  void (*predict)(const struct servo *s, int64_t t, double *x_free_ns, double *sigma_ns);
  /* NULL when the servo does not correct steps in the measurements. */
  void (*shift_bias)(struct servo *s, double delta_ns, double var_ns2);
  /* NULL when the servo keeps no measurement bias to give back. */
  void (*step_was_clock)(struct servo *s, double step_ns);
  json_t *(*save)(const struct servo *s);
  int (*load)(struct servo *s, const json_t *j, char *err, size_t errlen);
};

struct servo {
  const struct servo_ops *ops;
  struct servo_params p;
};

extern const struct servo_ops servo_kalman_ops;
extern const struct servo_ops servo_pi_ops;
extern const struct servo_ops servo_null_ops;

#endif
