#include "config.h"
#include "core/command.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/jsonx.h"
#include "core/timeutil.h"

const struct conf_item cmd_limit_items[] = {
    CONF_DBL("max_freq", "F", struct steer_limits, max_freq, 1e-15, 1e-6, "1e-8",
             "largest frequency setpoint (fractional) a command may hold"),
    CONF_DBL("max_freq_step_acquire", "F", struct steer_limits, max_step_acquire, 1e-16, 1e-6,
             "1e-9", "largest change of the applied frequency per command before the first lock"),
    CONF_DBL("max_freq_step_locked", "F", struct steer_limits, max_step_locked, 1e-16, 1e-6,
             "1e-12", "largest change of frequency steering per command after the first lock"),
    CONF_DBL("max_slew_locked", "F", struct steer_limits, max_slew_locked, 1e-16, 1e-6, "1e-11",
             "largest time-steering slew (extra frequency) after the first lock"),
    CONF_DBL("max_slew_phase_ns", "NS", struct steer_limits, max_slew_phase_ns, 0, 1e9, "100",
             "largest time one command's slew may move the clock after the first lock"),
    CONF_DBL("max_phase_step_ns", "NS", struct steer_limits, max_phase_step_ns, 0, 1e9,
             "1000000", "largest phase step; after the first lock only on an operator's request"),
    CONF_DBL("max_drift_per_day", "D", struct steer_limits, max_drift_per_day, 0, 1e-6,
             "1e-10", "largest drift rate of the frequency setpoint, per day"),
    CONF_DBL("max_freq_step_reacquire", "F", struct steer_limits, max_step_reacquire, 1e-16,
             1e-6, "1e-11",
             "largest change of frequency steering per command while the server re-acquires a "
             "clock it had locked (after a frequency step of the clock)"),
    CONF_DBL("max_slew_reacquire", "F", struct steer_limits, max_slew_reacquire, 1e-16, 1e-6,
             "5e-11", "largest time-steering slew while the server re-acquires a clock"),
    {.type = CONF_END},
};

void cmd_limits_default(struct steer_limits *l)
{
  char err[200];
  if (conf_defaults(cmd_limit_items, l, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
}

double cmd_hold_freq_at(const struct steer_cmd *c, int64_t t)
{
  return c->freq + c->drift_per_day * (double)(t - c->t_ref) / (double)NS_PER_DAY;
}

double cmd_freq_at(const struct steer_cmd *c, int64_t t)
{
  return cmd_hold_freq_at(c, t) + (t < c->slew_until ? c->slew_freq : 0.0);
}

double cmd_phase_ns(const struct steer_cmd *c, int64_t t0, int64_t t1)
{
  if (t1 <= t0)
    return 0;
  /* freq + D (t - t_ref) integrates to freq dt + D ((t1-t_ref)^2 - (t0-t_ref)^2) / 2. */
  double a = (double)(t0 - c->t_ref), b = (double)(t1 - c->t_ref);
  double d = c->drift_per_day / (double)NS_PER_DAY;
  double ph = c->freq * (b - a) + d * (b * b - a * a) / 2;
  if (c->slew_until > t0) {
    int64_t e = c->slew_until < t1 ? c->slew_until : t1;
    ph += c->slew_freq * (double)(e - t0);
  }
  return ph;
}

static json_t *cmd_base_json(const struct steer_cmd *c)
{
  return json_pack("{s:I,s:I,s:I,s:o,s:o,s:I,s:o,s:I,s:I,s:o,s:b,s:b,s:s}", "id", (json_int_t)c->id,
                   "issued", (json_int_t)c->issued, "t_ref", (json_int_t)c->t_ref, "freq",
                   jx_real(c->freq), "drift_per_day", jx_real(c->drift_per_day), "valid_until",
                   (json_int_t)c->valid_until, "slew_freq", jx_real(c->slew_freq), "slew_until",
                   (json_int_t)c->slew_until, "phase_step_id", (json_int_t)c->phase_step_id,
                   "phase_step_ns", jx_real(c->phase_step_ns), "phase_step_operator",
                   c->phase_step_operator, "locked", c->locked, "state",
                   c->state);
}

json_t *cmd_to_json(const struct steer_cmd *c)
{
  json_t *j = cmd_base_json(c);
  json_object_set_new(j, "reacquire", json_boolean(c->reacquire));
  return j;
}

#define TRY(expr) do { if ((expr) < 0) return -1; } while (0)

static int get_time(const json_t *j, const char *key, int64_t *out, char *err, size_t errlen)
{
  long long v;
  TRY(jx_int(j, key, JX_REQUIRED, 0, INT64_MAX, &v, err, errlen));
  *out = v;
  return 0;
}

int cmd_from_json(const json_t *j, struct steer_cmd *c, char *err, size_t errlen)
{
  long long v;
  memset(c, 0, sizeof *c);
  if (!json_is_object(j)) {
    snprintf(err, errlen, "command: not an object");
    return -1;
  }
  TRY(jx_int(j, "id", JX_REQUIRED, 1, CMD_ID_MAX - 1, &v, err, errlen));
  c->id = v;
  TRY(get_time(j, "issued", &c->issued, err, errlen));
  TRY(get_time(j, "t_ref", &c->t_ref, err, errlen));
  TRY(get_time(j, "valid_until", &c->valid_until, err, errlen));
  TRY(get_time(j, "slew_until", &c->slew_until, err, errlen));
  TRY(jx_double(j, "freq", JX_REQUIRED, -1e-6, 1e-6, &c->freq, err, errlen));
  TRY(jx_double(j, "drift_per_day", JX_REQUIRED, -1e-6, 1e-6, &c->drift_per_day, err, errlen));
  TRY(jx_double(j, "slew_freq", JX_REQUIRED, -1e-6, 1e-6, &c->slew_freq, err, errlen));
  TRY(jx_int(j, "phase_step_id", JX_REQUIRED, 0, CMD_ID_MAX - 1, &v, err, errlen));
  c->phase_step_id = v;
  TRY(jx_double(j, "phase_step_ns", JX_REQUIRED, -1e9, 1e9, &c->phase_step_ns, err, errlen));
  TRY(jx_bool(j, "phase_step_operator", JX_OPTIONAL, &c->phase_step_operator, err, errlen));
  TRY(jx_bool(j, "locked", JX_OPTIONAL, &c->locked, err, errlen));
  TRY(jx_bool(j, "reacquire", JX_OPTIONAL, &c->reacquire, err, errlen));
  TRY(jx_string(j, "state", JX_OPTIONAL, c->state, sizeof c->state, err, errlen));
  return 0;
}

/* After the first lock: frequency steering and time steering each within its limits,
 * the re-acquisition's when the command says the server re-acquires. */
static int check_locked(const struct steer_cmd *next, const struct steer_cmd *held, int64_t t,
                        const struct steer_limits *l, char *err, size_t errlen)
{
  /* A small tolerance: limits are set in round numbers and a servo working at the limit
   * lands on them up to rounding. */
  const double tol = 1 + 1e-9;
  const char *which = next->reacquire ? "re-acquisition" : "locked";
  double max_step = next->reacquire ? l->max_step_reacquire : l->max_step_locked;
  double max_slew = next->reacquire ? l->max_slew_reacquire : l->max_slew_locked;
  double hold = cmd_hold_freq_at(next, t), prev = held ? cmd_hold_freq_at(held, t) : 0.0;
  if (fabs(hold - prev) > max_step * tol) {
    snprintf(err, errlen, "frequency steering change %.3e beyond the %s limit %.1e",
             hold - prev, which, max_step);
    return -1;
  }
  if (next->slew_until <= t)
    return 0;
  double phase = fabs(next->slew_freq) * (double)(next->slew_until - t);
  if (fabs(next->slew_freq) > max_slew * tol) {
    snprintf(err, errlen, "slew %.3e beyond the %s limit %.1e", next->slew_freq, which,
             max_slew);
    return -1;
  }
  if (phase > l->max_slew_phase_ns * tol) {
    snprintf(err, errlen, "slew moving the clock %.1f ns, beyond the locked limit %.0f ns",
             phase, l->max_slew_phase_ns);
    return -1;
  }
  return 0;
}

int cmd_check(const struct steer_cmd *next, const struct steer_cmd *held, int64_t t,
              int locked_before, int64_t applied_step_id, const struct steer_limits *l,
              char *err, size_t errlen)
{
  double f = cmd_freq_at(next, t);
  if (fabs(next->freq) > l->max_freq || fabs(f) > l->max_freq) {
    snprintf(err, errlen, "frequency correction %.3e beyond the limit %.1e", f, l->max_freq);
    return -1;
  }
  if (fabs(next->drift_per_day) > l->max_drift_per_day) {
    snprintf(err, errlen, "drift %.3e/day beyond the limit %.1e", next->drift_per_day,
             l->max_drift_per_day);
    return -1;
  }
  int locked = locked_before || next->locked;
  /* A small tolerance: limits are set in round numbers and a servo working at the limit
   * lands on them up to rounding. */
  const double tol = 1 + 1e-9;
  if (!locked) {
    double prev = held ? cmd_freq_at(held, t) : 0.0;
    if (fabs(f - prev) > l->max_step_acquire * tol) {
      snprintf(err, errlen, "frequency change %.3e beyond the acquisition limit %.1e", f - prev,
               l->max_step_acquire);
      return -1;
    }
  } else if (check_locked(next, held, t, l, err, errlen) != 0)
    return -1;
  if (next->phase_step_id > applied_step_id && next->phase_step_ns != 0) {
    if (locked && !next->phase_step_operator) {
      snprintf(err, errlen, "phase step %.1f ns after lock without an operator's request",
               next->phase_step_ns);
      return -1;
    }
    if (fabs(next->phase_step_ns) > l->max_phase_step_ns) {
      snprintf(err, errlen, "phase step %.1f ns beyond the limit %.0f ns", next->phase_step_ns,
               l->max_phase_step_ns);
      return -1;
    }
  }
  return 0;
}
