/* The instrument oscillator drivers (osc/osc_prs10.c, osc/osc_sa45s.c) through the generic
 * layer (osc/osc.c), against emulated instruments on socat pseudo-terminals
 * (tests/emu_prs10.c, tests/emu_sa45s.c): the commands sent and the values the instrument
 * ends up holding (read from the emulator's state, not from the driver), the status read
 * into the tracks, error replies, resets, disconnects, a mute unit and line noise, and the
 * PRS10's 1e-12 steps averaging to a requested 3.4e-13.  The test and the emulator take
 * part in one lockstep clock (core/clock.h): the driver's status polls, timeouts and
 * back-off run in its simulated time, which the test moves, never wall-clock sleeps. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "osc/osc.h"
#include "tests/emuproc.h"
#include "tests/testutil.h"

#define T0 ((int64_t)1735689600 * NS_PER_S) /* 2025-01-01T00:00:00Z */

static char *dir;
static struct emuproc emu;
static struct osc osc;
static int osc_is_open;

static void start(const char *prog)
{
  char p[600], clock[700];
  dir = th_mkdtemp("osc");
  ck_assert_ptr_nonnull(dir);
  th_lockstep(dir, T0, clock, sizeof clock);
  ep_prog(p, sizeof p, prog);
  ck_assert_int_eq(ep_start(&emu, dir, p), 0);
}

static void teardown(void)
{
  if (osc_is_open)
    osc_close(&osc);
  osc_is_open = 0;
  ep_stop(&emu);
  th_rmtree(dir);
  free(dir);
  dir = NULL;
}

/* Opens "DRIVER DIR/tty OPTIONS..." with limits that let a test command move far. */
static int open_osc(const char *driver, const char *opts, char *err, size_t n)
{
  char line[800], *argv[16];
  snprintf(line, sizeof line, "%s %s %s", driver, emu.tty, opts ? opts : "");
  int argc = 0;
  for (char *tok = strtok(line, " "); tok && argc < 16; tok = strtok(NULL, " "))
    argv[argc++] = tok;
  struct drvconf c;
  if (drvconf_parse(argc, argv, &c, err, n) != 0)
    return -1;
  struct steer_limits lim;
  cmd_limits_default(&lim);
  lim.max_step_acquire = 1e-8;
  int rc = osc_open(&osc, &c, &lim, err, n);
  osc_is_open = rc == 0;
  return rc;
}

static void must_open(const char *driver, const char *opts)
{
  char err[256] = "";
  ck_assert_msg(open_osc(driver, opts, err, sizeof err) == 0, "open: %s", err);
}

/* Gives the oscillator command id (frequency freq from t on, optionally a phase step). */
static int command(int64_t id, int64_t t, double freq, int64_t step_id, double step_ns)
{
  struct steer_cmd c = {.id = id, .issued = t, .t_ref = t, .freq = freq,
                        .valid_until = t + NS_PER_DAY, .phase_step_id = step_id,
                        .phase_step_ns = step_ns};
  char err[256];
  return osc_accept(&osc, &c, t, err, sizeof err);
}

/* Lets s seconds of simulated time pass (the driver's polls and back-off come due). */
static void pass(double s)
{
  th_sim_until(clk_now() + (int64_t)(s * (double)NS_PER_S));
}

static const char *status(void)
{
  static struct track_osc r;
  osc_report(&osc, &r);
  return r.status;
}

START_TEST(test_prs10_steer)
{
  start("emu_prs10");
  must_open("prs10", "poll=1");
  /* PL 0 first: the unit came from the factory with its 1PPS lock on. */
  ck_assert_int_eq(ep_state(&emu, "pl"), 0);
  ck_assert_int_eq(ep_state(&emu, "sf"), 0);
  ck_assert_int_eq(command(1, T0, 5e-11, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "sf"), 50);
  ck_assert(osc.h.freq_applied == 50 * 1e-12);
  ck_assert_int_eq(command(2, T0 + 10 * NS_PER_S, -1.234e-10, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "sf"), -123);
  ck_assert(osc.h.freq_applied == -123 * 1e-12);
  ck_assert_str_eq(status(), "PRS10 LO=1 SF=-123 ST=0,0,0,0,1,0");
  /* Beyond SF's +-2000 the unit holds the end of its range, and says so. */
  ck_assert_int_eq(command(3, T0 + 20 * NS_PER_S, 3e-9, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "sf"), 2000);
  ck_assert(osc.h.freq_applied == 2000 * 1e-12);
  /* Asked for more while holding the end of the range: nothing more is sent. */
  long long cmds = ep_state(&emu, "cmds");
  osc_tick(&osc, T0 + 21 * NS_PER_S);
  ck_assert_int_eq(ep_state(&emu, "cmds"), cmds);
}
END_TEST

START_TEST(test_prs10_phase_step)
{
  start("emu_prs10");
  must_open("prs10", NULL);
  /* +250 ns: the clock's reading grows, its pulse comes 250 ns earlier: PP -250. */
  ck_assert_int_eq(command(1, T0, 0, 1, 250), 1);
  ck_assert_int_eq(ep_state(&emu, "pp"), -250);
  ck_assert(fabs(osc.h.steer_ns - 250) < 1e-9);
  /* A unit that refuses PP (status byte 6, bad parameter): not applied, not counted. */
  ck_assert_int_eq(ep_ctl(&emu, "refuse PP"), 0);
  ck_assert_int_eq(command(2, T0 + NS_PER_S, 0, 2, -40), 1);
  ck_assert_int_eq(ep_state(&emu, "pp"), -250);
  ck_assert(fabs(osc.h.steer_ns - 250) < 1e-9);
  ck_assert_int_eq(osc.h.applied_step_id, 2);
  osc_close(&osc);
  osc_is_open = 0;
  /* pp_sign=-1 for a unit whose PP n advances the pulse. */
  ck_assert_int_eq(ep_ctl(&emu, "refuse none"), 0);
  must_open("prs10", "pp_sign=-1");
  ck_assert_int_eq(command(1, T0, 0, 1, 100), 1);
  ck_assert_int_eq(ep_state(&emu, "pp"), -150);
}
END_TEST

START_TEST(test_prs10_reset)
{
  start("emu_prs10");
  must_open("prs10", "poll=1");
  ck_assert_int_eq(command(1, T0, 3.7e-11, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "sf"), 37);
  status();
  /* A power cycle: SF 0, PL 1 from the EEPROM, unlocked, status byte 6 bit 7, noise. */
  ck_assert_int_eq(ep_ctl(&emu, "reset"), 0);
  ck_assert_int_eq(ep_state(&emu, "sf"), 0);
  pass(1.05);
  /* Seen (status byte 6 bit 7, SF 0, PL 1; the status bytes as read) and restored. */
  ck_assert_str_eq(status(), "PRS10 LO=0 SF=37 RST=1 ST=0,0,0,1,2,128");
  ck_assert_int_eq(ep_state(&emu, "sf"), 37);
  ck_assert_int_eq(ep_state(&emu, "pl"), 0);
  ck_assert_int_eq(ep_ctl(&emu, "lock 1"), 0);
  pass(1.05);
  ck_assert_str_eq(status(), "PRS10 LO=1 SF=37 RST=1 ST=0,0,0,0,1,0");
  /* Noise before three replies: skipped, and the settings still land. */
  ck_assert_int_eq(ep_ctl(&emu, "noise 3"), 0);
  ck_assert_int_eq(ep_ctl(&emu, "garbage"), 0);
  ck_assert_int_eq(command(2, T0 + NS_PER_S, -6e-12, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "sf"), -6);
  ck_assert(osc.h.freq_applied == -6e-12);
}
END_TEST

/* What the emulated unit holds (its state `key` in 1e-12) is what the driver says it
 * holds, within a step of want. */
static void assert_held(const char *key, double want)
{
  long long v = ep_state(&emu, key);
  ck_assert_msg(osc.h.freq_applied == (double)v * 1e-12, "driver %.4e, unit %s %lld",
                osc.h.freq_applied, key, v);
  ck_assert_msg(fabs(osc.h.freq_applied - want) < 1.0001e-12, "%.4e for %.4e",
                osc.h.freq_applied, want);
}

START_TEST(test_prs10_disconnect)
{
  start("emu_prs10");
  must_open("prs10", "poll=1 retry=1 timeout=200");
  ck_assert_int_eq(command(1, T0, 1.2e-11, 0, 0), 1);
  assert_held("sf", 1.2e-11);
  /* Unplugged: the setting fails, the generic layer keeps what the unit held. */
  ep_stop(&emu);
  ck_assert_int_eq(command(2, T0 + NS_PER_S, 2.5e-11, 0, 0), 1);
  ck_assert(osc.h.freq_applied == 12e-12);
  pass(1.05);
  ck_assert_str_eq(status(), "PRS10 DOWN lost=1");
  /* Plugged in again (the unit kept SF 12): reopened, PL 0 and SF set. */
  char p[600];
  ep_prog(p, sizeof p, "emu_prs10");
  ck_assert_int_eq(ep_start(&emu, dir, p), 0);
  ck_assert_int_eq(ep_state(&emu, "sf"), 12);
  ck_assert_int_eq(ep_state(&emu, "pl"), 0);
  pass(1.05);
  osc_tick(&osc, T0 + 3 * NS_PER_S);
  assert_held("sf", 2.5e-11);
  /* A mute unit (powered off behind its adapter): one timeout, then the back-off. */
  ck_assert_int_eq(ep_ctl(&emu, "mute"), 0);
  double applied = osc.h.freq_applied;
  int64_t t = clk_now();
  ck_assert_int_eq(command(3, T0 + 4 * NS_PER_S, -3e-11, 0, 0), 1);
  ck_assert_int_eq(clk_now() - t, 200 * NS_PER_S / 1000);
  ck_assert(osc.h.freq_applied == applied);
  t = clk_now();
  osc_tick(&osc, T0 + 5 * NS_PER_S); /* within the back-off: no I/O, so no timeout */
  ck_assert_int_eq(clk_now(), t);
  ck_assert_int_eq(ep_ctl(&emu, "unmute"), 0);
  pass(1.05);
  osc_tick(&osc, T0 + 6 * NS_PER_S);
  ck_assert(osc.h.freq_applied < -2.5e-11);
  ck_assert(osc.h.freq_applied == ep_state(&emu, "sf") * 1e-12);
}
END_TEST

/* The time average of what the PRS10 holds (read from the emulator each second) equals a
 * requested 3.4e-13 although it holds only multiples of 1e-12. */
START_TEST(test_prs10_average)
{
  start("emu_prs10");
  must_open("prs10", NULL);
  const int secs = 7200;
  ck_assert_int_eq(command(1, T0, 3.4e-13, 0, 0), 1);
  double sum = 0;
  long changes = 0, last = 0;
  for (int i = 0; i < secs; i++) {
    osc_tick(&osc, T0 + i * NS_PER_S);
    long sf = (long)ep_state(&emu, "sf");
    ck_assert(osc.h.freq_applied == sf * 1e-12);
    ck_assert(sf == 0 || sf == 1);
    changes += sf != last;
    last = sf;
    sum += sf * 1e-12;
  }
  double avg = sum / secs;
  printf("PRS10 holding 3.4e-13 in 1e-12 steps over %d s: average %.4e (%ld changes)\n", secs,
         avg, changes);
  ck_assert_msg(fabs(avg - 3.4e-13) < 2e-14, "average %.4e", avg);
  ck_assert(changes > 20);
}
END_TEST

START_TEST(test_prs10_open_errors)
{
  char err[256];
  start("emu_prs10");
  ck_assert_int_eq(open_osc("prs10", "colour=red", err, sizeof err), -1);
  ck_assert_str_eq(err, "driver 'prs10' has no option 'colour'");
  ck_assert_int_eq(open_osc("prs10", "pp_sign=2", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "pp_sign"), "%s", err);
  ck_assert_int_eq(open_osc("prs10", "pp_sign=0", err, sizeof err), -1);
  ck_assert_str_eq(err, "pp_sign must be 1 or -1, not 0");
  ck_assert_int_eq(open_osc("prs10", "baud=fast", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "baud"), "%s", err);
  ck_assert_int_eq(ep_ctl(&emu, "mute"), 0);
  ck_assert_int_eq(open_osc("prs10", "timeout=100", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "no reply to ID? within 100 ms"), "%s", err);
  struct drvconf c;
  char *argv[] = {"prs10", "/nonexistent/ttyS9"};
  ck_assert_int_eq(drvconf_parse(2, argv, &c, err, sizeof err), 0);
  struct steer_limits lim;
  cmd_limits_default(&lim);
  ck_assert_int_eq(osc_open(&osc, &c, &lim, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "/nonexistent/ttyS9: cannot open"), "%s", err);
}
END_TEST

START_TEST(test_sa45s_steer)
{
  start("emu_sa45s");
  /* Delivered disciplining itself to an external 1PPS (mode 0x0010): cleared. */
  ck_assert_int_eq(ep_state(&emu, "mode"), 0x10);
  must_open("sa45s", "poll=1");
  ck_assert_int_eq(ep_state(&emu, "mode"), 0);
  ck_assert_int_eq(ep_state(&emu, "steer"), 0);
  ck_assert_int_eq(command(1, T0, 5e-11, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "steer"), 50);
  ck_assert(osc.h.freq_applied == 50e-12);
  ck_assert_int_eq(command(2, T0 + 10 * NS_PER_S, -1.2344e-10, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "steer"), -123);
  ck_assert(osc.h.freq_applied == -123e-12);
  ck_assert_str_eq(status(), "SA45s st=0 alm=0x0000 steer=-123 35.2C");
  /* Absolute settings only: each change is one !FA. */
  ck_assert_int_eq(ep_state(&emu, "fa"), 3);
  /* No phase steps: the generic layer slews instead. */
  struct track_osc r;
  osc_report(&osc, &r);
  ck_assert_int_eq(r.can_step, 0);
}
END_TEST

START_TEST(test_sa45s_errors)
{
  start("emu_sa45s");
  must_open("sa45s", "poll=1");
  ck_assert_int_eq(command(1, T0, 2e-11, 0, 0), 1);
  /* Checksums required (mode bit 0x0040): every command is answered "*". */
  ck_assert_int_eq(ep_ctl(&emu, "mode 40"), 0);
  ck_assert_int_eq(command(2, T0 + NS_PER_S, 3e-11, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "steer"), 20);
  ck_assert(osc.h.freq_applied == 20e-12);
  ck_assert_int_eq(ep_ctl(&emu, "mode 0"), 0);
  osc_tick(&osc, T0 + 2 * NS_PER_S);
  ck_assert_int_eq(ep_state(&emu, "steer"), 30);
  ck_assert(osc.h.freq_applied == 30e-12);
  /* "?": the unit did not take the command. */
  ck_assert_int_eq(ep_ctl(&emu, "refuse F"), 0);
  ck_assert_int_eq(command(3, T0 + 3 * NS_PER_S, -1e-11, 0, 0), 1);
  ck_assert_int_eq(ep_state(&emu, "steer"), 30);
  ck_assert(osc.h.freq_applied == 30e-12);
  ck_assert_int_eq(ep_ctl(&emu, "refuse none"), 0);
  /* Noise on the line before replies and between them. */
  ck_assert_int_eq(ep_ctl(&emu, "noise 2"), 0);
  ck_assert_int_eq(ep_ctl(&emu, "garbage"), 0);
  ck_assert_int_eq(command(4, T0 + 4 * NS_PER_S, -7e-12, 0, 0), 1);
  assert_held("steer", -7e-12);
  char want[64];
  snprintf(want, sizeof want, "SA45s st=0 alm=0x0000 steer=%lld 35.2C", ep_state(&emu, "steer"));
  ck_assert_str_eq(status(), want);
}
END_TEST

START_TEST(test_sa45s_reset)
{
  start("emu_sa45s");
  must_open("sa45s", "poll=1 retry=1");
  ck_assert_int_eq(command(1, T0, 7.7e-11, 0, 0), 1);
  status();
  /* A power cycle: Steer back to the latched 0, warming up (status 8), TOD from 0. */
  ck_assert_int_eq(ep_ctl(&emu, "reset"), 0);
  ck_assert_int_eq(ep_state(&emu, "steer"), 0);
  pass(1.05);
  ck_assert_str_eq(status(), "SA45s st=8 alm=0x0001 steer=77 RST=1 35.2C");
  ck_assert_int_eq(ep_state(&emu, "steer"), 77);
  /* Holding 0, a reset loses nothing, and TOD going back still tells it. */
  ck_assert_int_eq(command(2, T0 + NS_PER_S, 0, 0, 0), 1);
  ck_assert_int_eq(ep_ctl(&emu, "status 0"), 0);
  pass(2.3); /* TOD well past what it reads 1 s after the next power-up */
  ck_assert_str_eq(status(), "SA45s st=0 alm=0x0000 steer=0 RST=1 35.2C");
  ck_assert_int_eq(ep_ctl(&emu, "reset"), 0);
  pass(1.05);
  ck_assert_str_eq(status(), "SA45s st=8 alm=0x0001 steer=0 RST=2 35.2C");
  /* Unplugged and plugged in again. */
  ep_stop(&emu);
  pass(1.05);
  ck_assert_str_eq(status(), "SA45s DOWN lost=1");
  char p[600];
  ep_prog(p, sizeof p, "emu_sa45s");
  ck_assert_int_eq(ep_start(&emu, dir, p), 0);
  ck_assert_int_eq(command(3, T0 + 3 * NS_PER_S, 4e-12, 0, 0), 1);
  pass(1.05);
  osc_tick(&osc, T0 + 4 * NS_PER_S);
  ck_assert_int_eq(ep_state(&emu, "steer"), 4);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("osc");
  TCase *tc = tcase_create("prs10");
  tcase_add_checked_fixture(tc, NULL, teardown);
  /* test_prs10_average talks to the unit about 4900 times through socat: a few seconds on
   * an idle machine, many times that on a loaded one (each exchange waits for scheduling),
   * never a different result. */
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_prs10_steer);
  tcase_add_test(tc, test_prs10_phase_step);
  tcase_add_test(tc, test_prs10_reset);
  tcase_add_test(tc, test_prs10_disconnect);
  tcase_add_test(tc, test_prs10_average);
  tcase_add_test(tc, test_prs10_open_errors);
  suite_add_tcase(s, tc);
  tc = tcase_create("sa45s");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_sa45s_steer);
  tcase_add_test(tc, test_sa45s_errors);
  tcase_add_test(tc, test_sa45s_reset);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
