/* One set of limits (issue 9): the controller drives a clock through random noise, random
 * frequency and measurement steps, outages of the data and lost responses, and every
 * command it sends is checked as the site checks it (cmd_check with what the site holds,
 * its locked flag and its last phase step, at the moment the site receives it).  The site
 * must refuse none.  Deterministic: the seeds are fixed. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>

#include "core/command.h"
#include "core/timeutil.h"
#include "sim/rng.h"
#include "steer/ctl.h"
#include "tests/testutil.h"

/* A site, as far as commands go: its clock and the command it holds. */
struct site {
  struct rng rng;
  double x_free, y;        /* ns, fractional */
  double steer_ns;
  int64_t t;
  int have_cmd, locked_seen;
  struct steer_cmd cmd;
  int64_t applied_step;
  struct steer_limits lim;
  long checked, refused;
  char why[256];
};

static void run_to(struct site *s, int64_t t)
{
  if (t <= s->t)
    return;
  double dt = (double)(t - s->t);
  s->x_free += s->y * dt + 1e-11 * sqrt(dt / 1e9) * rng_normal(&s->rng) * 1e9;
  if (s->have_cmd)
    s->steer_ns += cmd_phase_ns(&s->cmd, s->t, t);
  s->t = t;
}

/* The site receives a command at t: the same check as osc_accept, then applies it. */
static void receive(struct site *s, const struct steer_cmd *c, int64_t t)
{
  run_to(s, t);
  if (s->have_cmd && c->id <= s->cmd.id)
    return;
  s->checked++;
  if (cmd_check(c, s->have_cmd ? &s->cmd : NULL, t, s->locked_seen, s->applied_step, &s->lim,
                s->why, sizeof s->why) != 0) {
    s->refused++;
    fprintf(stderr, "refused command %lld: %s\n", (long long)c->id, s->why);
    return;
  }
  if (c->phase_step_id > s->applied_step) {
    s->steer_ns += c->phase_step_ns;
    s->applied_step = c->phase_step_id;
  }
  s->cmd = *c;
  s->have_cmd = 1;
  s->locked_seen |= c->locked;
}

static void report(struct site *s, struct ctl *c, int64_t t)
{
  struct osc_report r = {.t = t, .locked = s->locked_seen};
  r.osc.cmd_id = s->have_cmd ? s->cmd.id : 0;
  r.osc.phase_step_id = s->applied_step;
  r.osc.freq = s->have_cmd ? cmd_freq_at(&s->cmd, t) : 0;
  r.osc.steer_ns = s->steer_ns;
  r.osc.can_step = 1;
  ctl_report(c, &r, s->have_cmd ? &s->cmd : NULL);
}

static void drive(const char *servo, uint64_t seed, int days)
{
  struct servo_params sp;
  struct ctl_params cp;
  char err[256];
  servo_params_default(&sp);
  ctl_params_default(&cp);
  struct ctl *c = ctl_create("r1", servo, &sp, &cp, err, sizeof err);
  ck_assert_msg(c != NULL, "%s", err);
  struct site s = {.x_free = 3000, .y = 1e-10};
  rng_seed(&s.rng, seed, 1);
  cmd_limits_default(&s.lim);
  int64_t t0;
  tu_parse("2025-01-01T00:00:00Z", &t0);
  s.t = t0;
  double meas_step = 0;
  int outage = 0;
  for (int k = 0; k < days * 144; k++) {
    int64_t slot = t0 + (int64_t)k * SLOT_NS;
    double u = rng_u01(rng_next(&s.rng));
    /* Now and then: a frequency step of the clock, a step of the measurement, an outage
     * of up to a day. */
    if (u < 0.004)
      s.y += (rng_u01(rng_next(&s.rng)) - 0.5) * 2e-10;
    else if (u < 0.008)
      meas_step += (rng_u01(rng_next(&s.rng)) - 0.5) * 100;
    else if (u < 0.010)
      outage = 1 + (int)(rng_u01(rng_next(&s.rng)) * 144);
    run_to(&s, tu_slot_mid(slot));
    double x = s.x_free + s.steer_ns + meas_step + 2 * rng_normal(&s.rng);
    if (outage > 0) {
      outage--;
      continue;
    }
    /* The response comes 1 s to 5 min after the slot, and one in twenty is lost. */
    int64_t now = slot + SLOT_NS + (int64_t)(1 + rng_u01(rng_next(&s.rng)) * 300) * NS_PER_S;
    run_to(&s, now);
    report(&s, c, now);
    struct track tr;
    track_init(&tr, "r1", slot);
    tr.osc.steer_ns = s.steer_ns;
    tr.osc.can_step = 1;
    struct ctl_decision d;
    if (ctl_measure(c, slot, x, 0.5, &tr, now, &d) == 1 && d.has_cmd &&
        rng_u01(rng_next(&s.rng)) > 0.05)
      receive(&s, &d.cmd, now + (int64_t)(rng_u01(rng_next(&s.rng)) * 20) * NS_PER_S);
  }
  fprintf(stderr, "%s seed %llu: %ld commands checked, %ld refused\n", servo,
          (unsigned long long)seed, s.checked, s.refused);
  ck_assert_int_gt(s.checked, days * 100);
  ck_assert_msg(s.refused == 0, "%s seed %llu: the site refused %ld of %ld commands (last: %s)",
                servo, (unsigned long long)seed, s.refused, s.checked, s.why);
  ctl_destroy(c);
}

START_TEST(test_kalman_commands_within_limits)
{
  for (uint64_t seed = 1; seed <= 4; seed++)
    drive("kalman", seed, 20);
}
END_TEST

START_TEST(test_pi_commands_within_limits)
{
  for (uint64_t seed = 1; seed <= 4; seed++)
    drive("pi", seed, 20);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("limits");
  TCase *tc = tcase_create("limits");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_kalman_commands_within_limits);
  tcase_add_test(tc, test_pi_commands_within_limits);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
