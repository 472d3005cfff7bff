#include "config.h"
#include "steer/ctl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "steer/ctlint.h"

const char *cs_name(enum clock_state s)
{
  static const char *names[] = {"ACQUIRING", "LOCKED", "UNLOCKED", "HOLDOVER", "ALARM"};
  return (unsigned)s < 5 ? names[s] : "ACQUIRING";
}

const struct conf_item ctl_param_items[] = {
    CONF_DBL("lock_threshold_ns", "NS", struct ctl_params, lock_ns, 1, 1e6, "50",
             "|x| under this is LOCKED, green on the grid"),
    CONF_DBL("alarm_threshold_ns", "NS", struct ctl_params, alarm_ns, 1, 1e9, "1000",
             "|x| (or a holdover prediction's 95 % bound) at this or more is ALARM, red"),
    CONF_INTV("holdover_slots", "N", struct ctl_params, holdover_slots, 1, 1000, "2",
              "missing slots that make HOLDOVER"),
    {.type = CONF_INT, .name = "command_validity", .args = "SECONDS", .def = "1800",
     .help = "how long a command is valid; after it the site is in holdover",
     .off = offsetof(struct ctl_params, validity), .lo = 60, .hi = 86400 * 30, .scale = 1e9,
     .size = (int)sizeof(int64_t)},
    {.type = CONF_END},
};

void ctl_params_default(struct ctl_params *p)
{
  char err[200];
  memset(p, 0, sizeof *p);
  if (conf_defaults(ctl_param_items, p, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
  p->grace = 300 * NS_PER_S;
  p->fault_hold = 6 * 3600 * NS_PER_S;
  cmd_limits_default(&p->limits);
}

struct ctl *ctl_create(const char *site, const char *servo_name, const struct servo_params *sp,
                       const struct ctl_params *cp, char *err, size_t errlen)
{
  struct ctl *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  snprintf(c->site, sizeof c->site, "%s", site);
  c->p = *cp;
  c->servo = servo_create(servo_name, sp, err, errlen);
  if (!c->servo) {
    free(c);
    return NULL;
  }
  c->next_id = 1;
  c->next_step_id = 1;
  c->pred_x_ns = c->pred_sigma_ns = NAN;
  return c;
}

void ctl_destroy(struct ctl *c)
{
  if (!c)
    return;
  servo_destroy(c->servo);
  free(c);
}

/* A site that holds a command (or a phase step) with an id this controller has not issued
 * yet was steered by a server whose store was lost or restored since: ids go on after the
 * site's, or the site would ignore every command. */
static void adopt_ids(struct ctl *c, const struct osc_report *r)
{
  if (r->osc.cmd_id >= c->next_id) {
    LOGW("steer", "%s holds command %lld, newer than any this server issued: its commands "
                  "go on from %lld", c->site, (long long)r->osc.cmd_id,
         (long long)r->osc.cmd_id + 1);
    c->next_id = r->osc.cmd_id + 1;
  }
  if (r->osc.phase_step_id >= c->next_step_id)
    c->next_step_id = r->osc.phase_step_id + 1;
}

void ctl_report(struct ctl *c, const struct osc_report *r, const struct steer_cmd *held)
{
  if (c->have_report && r->t < c->rep.t)
    return;
  adopt_ids(c, r);
  c->rep = *r;
  c->have_report = 1;
  c->have_held = held != NULL;
  if (held)
    c->held = *held;
}

int ctl_step_in(const struct ctl *c, int64_t slot, double *own_ns, double *var_ns2)
{
  if (c->step_slot != slot || !(c->step_var > 0))
    return 0;
  *own_ns = c->step_own;
  *var_ns2 = c->step_var;
  return 1;
}

void ctl_take_common_step(struct ctl *c, double step_ns, double var_ns2)
{
  /* The servo corrected its own estimate when it found the step: it moves by the
   * difference. */
  if (servo_shift_bias(c->servo, step_ns - c->step_ns, var_ns2) != 0)
    return;
  c->step_ns = step_ns;
  c->step_var = var_ns2;
}

int ctl_operator_step(struct ctl *c, int was_clock, int64_t now, struct ctl_decision *d)
{
  memset(d, 0, sizeof *d);
  d->t = now;
  d->slot = c->step_slot;
  d->measured_x_ns = d->x_est_ns = d->x_sigma_ns = d->y_est = d->innovation_ns = NAN;
  d->state = c->state;
  d->event = "operator";
  char t[40];
  if (!c->step_slot) {
    snprintf(d->reason, sizeof d->reason, "operator: no measurement step of %s to say what it was",
             c->site);
    return 0;
  }
  tu_format(c->step_slot, t, sizeof t, 0);
  if (!was_clock) {
    snprintf(d->reason, sizeof d->reason, "operator: the measurement step of %+.1f ns found by %s "
             "was a receiver delay, as taken: corrected, not followed", c->step_ns, t);
    c->step_slot = 0;
    return 1;
  }
  if (servo_step_was_clock(c->servo, c->step_ns) != 0) {
    snprintf(d->reason, sizeof d->reason, "operator: the %s servo keeps no measurement bias: the "
             "step by %s stays as it was taken", servo_name(c->servo), t);
    return 0;
  }
  snprintf(d->reason, sizeof d->reason, "operator: the measurement step of %+.1f ns found by %s "
           "was the clock's own phase: the clock takes it, and time steering removes it",
           c->step_ns, t);
  c->step_slot = 0;
  return 1;
}

void ctl_flag_fault(struct ctl *c, int64_t until, const char *reason)
{
  c->fault_until = until;
  snprintf(c->fault_reason, sizeof c->fault_reason, "%s", reason);
}

static void set_state_from_x(struct ctl *c, double x, int tracking, int64_t now, char *reason,
                             size_t n)
{
  double ax = fabs(x);
  if (now < c->fault_until) {
    c->state = CS_ALARM;
    snprintf(c->alarm_reason, sizeof c->alarm_reason, "%s", c->fault_reason);
    return;
  }
  if (!c->locked_once) {
    /* Not during acquisition, nor while a step or a slew is still to come: the clock is
     * only passing by. */
    if (tracking && ax < c->p.lock_ns && fabs(ctl_committed_after(c, now)) < c->p.lock_ns / 2) {
      c->locked_once = 1;
      c->state = CS_LOCKED;
      snprintf(reason, n, "first lock: |x| %.1f ns under %.0f ns", ax, c->p.lock_ns);
    } else
      c->state = CS_ACQUIRING;
    return;
  }
  if (ax < c->p.lock_ns)
    c->state = CS_LOCKED;
  else if (ax < c->p.alarm_ns)
    c->state = CS_UNLOCKED;
  else {
    c->state = CS_ALARM;
    snprintf(c->alarm_reason, sizeof c->alarm_reason, "|x| %.0f ns at or above %.0f ns", ax,
             c->p.alarm_ns);
    snprintf(reason, n, "ALARM: %.240s", c->alarm_reason);
  }
}

static const char *verdict_text(int v)
{
  switch (v) {
  case SERVO_FIRST: return "acquiring: measuring the frequency";
  case SERVO_WAIT: return "acquiring: frequency set, waiting for the site to hold it";
  case SERVO_USED: return "measurement used";
  case SERVO_OUTLIER: return "outlier rejected";
  case SERVO_JUMP: return "acquired: the site holds the frequency, time offset removed";
  case SERVO_PENDING:
    return "out of bounds: set aside until the next measurements show what it is";
  default: return "?";
  }
}

/* The reason and the event of what the servo found, with its evidence. */
static void describe(struct ctl *c, const struct servo_out *out, int64_t slot,
                     struct ctl_decision *d)
{
  char t[40];
  tu_format(slot, t, sizeof t, 0);
  snprintf(d->reason, sizeof d->reason, "%s", verdict_text(out->verdict));
  switch (out->verdict) {
  case SERVO_STEP_DETECTED:
    d->step = 1;
    d->step_ns = out->step_ns;
    d->event = "measurement_step";
    c->step_slot = slot;
    c->step_own = c->step_ns = out->step_ns;
    c->step_var = out->step_sigma > 0 ? out->step_sigma * out->step_sigma : 4.0;
    snprintf(d->reason, sizeof d->reason,
             "measurement step of %+.1f ns (+-%.1f) by %s: an offset over %d slots, not a "
             "ramp (GLR %.1f); taken as a receiver delay: corrected, not followed (the clock's "
             "own phase would look the same: cvd operator can say it was)",
             out->step_ns, out->step_sigma, t, out->evidence_n, out->evidence_glr);
    break;
  case SERVO_FREQ_STEP:
    d->event = "frequency_step";
    snprintf(d->reason, sizeof d->reason,
             "frequency step of the clock of %+.2e (+-%.1e) by %s: a ramp over %d slots (GLR "
             "%.1f against an offset); followed, re-acquiring", out->freq_step, out->step_sigma,
             t, out->evidence_n, out->evidence_glr);
    break;
  case SERVO_REACQUIRED:
    d->event = "reacquire";
    snprintf(d->reason, sizeof d->reason,
             "the measurements left the model for %d slots by %s, neither an offset nor a ramp: "
             "re-acquiring the clock from them", out->evidence_n, t);
    break;
  default:
    break;
  }
  if (!c->reacquiring && out->reacquire && !d->event) {
    d->event = "reacquire";
    snprintf(d->reason, sizeof d->reason,
             "the clock is %+.0f ns off with its model intact (back from a long holdover?): "
             "re-acquiring it, with the re-acquisition limits", out->x_est_ns);
  }
  if (c->reacquiring && !out->reacquire && out->verdict != SERVO_FREQ_STEP)
    snprintf(d->reason + strlen(d->reason), sizeof d->reason - strlen(d->reason),
             "; re-acquired: the frequency is known again and the clock back near zero");
  c->reacquiring = out->reacquire;
}

int ctl_measure(struct ctl *c, int64_t slot, double x_ns, double sigma_ns,
                const struct track *remote, int64_t now, struct ctl_decision *d)
{
  if (slot <= c->last_slot)
    return 0;
  memset(d, 0, sizeof *d);
  const struct steer_limits *l = &c->p.limits;
  enum ctl_mode mode = ctl_mode(c, c->reacquiring);
  struct servo_meas m = {
      .t = tu_slot_mid(slot),
      .x_ns = x_ns,
      .sigma_ns = sigma_ns,
      .steer_ns = remote->osc.steer_ns,
      .t_apply = now,
      .steer_apply_ns = ctl_steer_at(c, now),
      .committed_ns = ctl_committed_after(c, now),
      .pending_step_ns = ctl_step_pending(c) ? c->last.phase_step_ns : 0,
      .hold_apply = ctl_hold_at(c, now),
      .max_step = mode == CTL_ACQUIRE ? l->max_step_acquire
                  : mode == CTL_REACQUIRE ? l->max_step_reacquire : l->max_step_locked,
      .max_step_locked = l->max_step_locked,
      .can_step = mode == CTL_ACQUIRE && !ctl_step_pending(c) &&
                  (c->have_report ? c->rep.osc.can_step : remote->osc.can_step),
  };
  struct servo_out out;
  if (servo_sample(c->servo, &m, &out) != 0)
    return -1;
  int64_t missing = c->last_slot ? (slot - c->last_slot) / SLOT_NS - 1 : 0;
  enum clock_state before = c->state;
  c->last_slot = slot;
  c->last_x_ns = x_ns;
  c->last_sigma_ns = sigma_ns;
  c->pred_x_ns = c->pred_sigma_ns = NAN;

  d->t = now;
  d->slot = slot;
  d->measured_x_ns = x_ns;
  d->x_est_ns = out.x_est_ns;
  d->x_sigma_ns = out.x_sigma_ns;
  d->y_est = out.y_free;
  d->innovation_ns = out.innovation_ns;
  describe(c, &out, slot, d);
  int aside = out.verdict == SERVO_OUTLIER || out.verdict == SERVO_PENDING;
  d->outlier = out.verdict == SERVO_OUTLIER;
  set_state_from_x(c, aside ? out.x_est_ns : x_ns, out.tracking, now, d->reason,
                   sizeof d->reason);
  if ((before == CS_HOLDOVER || (before == CS_ALARM && missing > 0)) && c->state != before)
    snprintf(d->reason + strlen(d->reason), sizeof d->reason - strlen(d->reason),
             "; data resumed after %lld missing slots", (long long)missing);
  if (out.has_control &&
      ctl_make_command(c, &out, m.can_step, ctl_mode(c, out.reacquire), now, &d->cmd, d)) {
    if (out.verdict == SERVO_JUMP && d->cmd.phase_step_ns != 0)
      snprintf(d->reason + strlen(d->reason), sizeof d->reason - strlen(d->reason),
               "; phase step %+.1f ns", d->cmd.phase_step_ns);
    c->last = d->cmd;
    c->have_last = 1;
    d->has_cmd = 1;
  }
  d->state = c->state;
  return 1;
}

void ctl_predict(const struct ctl *c, int64_t t, double *x_ns, double *sigma_ns)
{
  double xf, s;
  servo_predict(c->servo, t, &xf, &s);
  *x_ns = xf + ctl_steer_at(c, t);
  *sigma_ns = s;
}

int ctl_tick(struct ctl *c, int64_t now, struct ctl_decision *d)
{
  if (c->last_slot == 0)
    return 0;
  int64_t last_due = tu_slot_start(now - c->p.grace) - SLOT_NS;
  int64_t missing = (last_due - c->last_slot) / SLOT_NS;
  if (missing < c->p.holdover_slots)
    return 0;
  ctl_predict(c, now, &c->pred_x_ns, &c->pred_sigma_ns);
  enum clock_state next = CS_HOLDOVER;
  double bound95 = fabs(c->pred_x_ns) + 1.96 * c->pred_sigma_ns;
  if (c->locked_once && bound95 >= c->p.alarm_ns)
    next = CS_ALARM;
  if (next == c->state)
    return 0;
  memset(d, 0, sizeof *d);
  d->t = now;
  d->measured_x_ns = NAN;
  d->x_est_ns = c->pred_x_ns;
  d->x_sigma_ns = c->pred_sigma_ns;
  d->y_est = NAN;
  d->innovation_ns = NAN;
  char t[40];
  if (next == CS_ALARM) {
    snprintf(c->alarm_reason, sizeof c->alarm_reason,
             "holdover: 95%% bound of the prediction %.0f ns reached %.0f ns", bound95,
             c->p.alarm_ns);
    snprintf(d->reason, sizeof d->reason, "ALARM: %.240s", c->alarm_reason);
  } else
    snprintf(d->reason, sizeof d->reason, "holdover: no common-view data after slot %s",
             tu_format(c->last_slot, t, sizeof t, 0));
  c->state = next;
  d->state = next;
  return 1;
}

json_t *ctl_save(const struct ctl *c)
{
  json_t *j = json_pack("{s:s,s:s,s:b,s:s,s:I,s:o,s:o,s:I,s:I,s:o,s:o}", "site", c->site,
                        "state", cs_name(c->state), "locked_once", c->locked_once,
                        "alarm_reason", c->alarm_reason, "last_slot", (json_int_t)c->last_slot,
                        "last_x_ns", jx_real(c->last_x_ns), "last_sigma_ns",
                        jx_real(c->last_sigma_ns), "next_id", (json_int_t)c->next_id,
                        "next_step_id", (json_int_t)c->next_step_id, "servo",
                        servo_save(c->servo), "pred_x_ns", jx_real(c->pred_x_ns));
  json_object_set_new(j, "pred_sigma_ns", jx_real(c->pred_sigma_ns));
  json_object_set_new(j, "reacquiring", json_boolean(c->reacquiring));
  if (c->have_last)
    json_object_set_new(j, "last", cmd_to_json(&c->last));
  if (c->have_held)
    json_object_set_new(j, "held", cmd_to_json(&c->held));
  if (c->have_report)
    json_object_set_new(j, "report", msg_osc_to_json(&c->rep));
  return j;
}

int ctl_load(struct ctl *c, const json_t *j, char *err, size_t errlen)
{
  char state[16];
  long long v;
  if (jx_string(j, "state", JX_REQUIRED, state, sizeof state, err, errlen) < 0)
    return -1;
  for (int s = 0; s < 5; s++)
    if (strcmp(state, cs_name((enum clock_state)s)) == 0)
      c->state = (enum clock_state)s;
  if (jx_bool(j, "locked_once", JX_REQUIRED, &c->locked_once, err, errlen) < 0 ||
      jx_bool(j, "reacquiring", JX_OPTIONAL, &c->reacquiring, err, errlen) < 0 ||
      jx_string(j, "alarm_reason", JX_OPTIONAL, c->alarm_reason, sizeof c->alarm_reason, err,
                errlen) < 0 ||
      jx_int(j, "last_slot", JX_REQUIRED, INT64_MIN, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  c->last_slot = v;
  c->last_x_ns = c->last_sigma_ns = NAN;
  jx_double(j, "last_x_ns", JX_OPTIONAL, -1e12, 1e12, &c->last_x_ns, err, errlen);
  jx_double(j, "last_sigma_ns", JX_OPTIONAL, 0, 1e12, &c->last_sigma_ns, err, errlen);
  jx_double(j, "pred_x_ns", JX_OPTIONAL, -1e15, 1e15, &c->pred_x_ns, err, errlen);
  jx_double(j, "pred_sigma_ns", JX_OPTIONAL, 0, 1e15, &c->pred_sigma_ns, err, errlen);
  if (jx_int(j, "next_id", JX_REQUIRED, 1, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  c->next_id = v;
  if (jx_int(j, "next_step_id", JX_REQUIRED, 1, INT64_MAX, &v, err, errlen) < 0)
    return -1;
  c->next_step_id = v;
  const json_t *s = json_object_get(j, "servo");
  if (!s || servo_load(c->servo, s, err, errlen) < 0)
    return -1;
  const json_t *l = json_object_get(j, "last"), *h = json_object_get(j, "held");
  if (l && (c->have_last = cmd_from_json(l, &c->last, err, errlen) == 0) == 0)
    return -1;
  if (h && (c->have_held = cmd_from_json(h, &c->held, err, errlen) == 0) == 0)
    return -1;
  const json_t *r = json_object_get(j, "report");
  if (r) {
    if (msg_osc_from_json(r, &c->rep, err, errlen) < 0)
      return -1;
    c->have_report = 1;
  }
  return 0;
}
