/* Unit tests of the TIC drivers' arithmetic: labelling a reading with its second (by
 * arrival, and by a counter's own timebase), pairing two inputs' edges across the turn of
 * a second and with edges missing, the PPS offset from the system second, the TICC's line
 * format, and the drivers' refusal of bad options.  The replay driver and the tracks it
 * feeds are in test_tic_replay.c. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/drvconf.h"
#include "core/timeutil.h"
#include "tic/edgepair.h"
#include "tic/tic.h"
#include "tic/ticcline.h"
#include "tic/ticlabel.h"
#include "tests/testutil.h"

TCase *tic_replay_tcase(void);

#define S0 (1735689600LL * NS_PER_S) /* 2025-01-01T00:00:00Z */
#define MS 1000000LL

START_TEST(test_completion)
{
  /* The local pulse leads by 50 ns: the stop (GPS) edge ends the measurement on time. */
  ck_assert(fabs(ticlabel_completion_s(50e-9)) < 1e-15);
  /* A signed counter that saw the GPS edge 50 ns before the local one: ends 50 ns late. */
  ck_assert(fabs(ticlabel_completion_s(-50e-9) - 50e-9) < 1e-15);
  /* A start/stop counter waited for the next GPS pulse: ends a whole second late. */
  ck_assert(fabs(ticlabel_completion_s(0.99999995) - 1.0) < 1e-12);
  /* The local pulse 0.3 s late, either way of reading it. */
  ck_assert(fabs(ticlabel_completion_s(-0.3) - 0.3) < 1e-12);
  ck_assert(fabs(ticlabel_completion_s(0.7) - 1.0) < 1e-12);
}
END_TEST

START_TEST(test_label_by_arrival)
{
  int64_t t = 0;
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 3 * MS, 50e-9, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
  /* The clock source a little behind the pulses still names the right second. */
  ck_assert_int_eq(ticlabel_by_arrival(S0 - 60 * MS, 50e-9, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 490 * MS, 50e-9, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
  /* Late: refused, not given to a neighbouring second. */
  t = 0;
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 600 * MS, 50e-9, 0.5, &t), 0);
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 850 * MS, 50e-9, 0.5, &t), 0);
  ck_assert_int_eq(t, 0);
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 300 * MS, 50e-9, 0.2, &t), 0);
  /* Nearly a whole second, arriving just after the next second: it belongs to S0. */
  ck_assert_int_eq(ticlabel_by_arrival(S0 + NS_PER_S + 4 * MS, 0.99999995, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
  /* The same pulses read by a signed counter. */
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 4 * MS, -50e-9, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
  /* A local pulse 0.3 s late, signed or start/stop. */
  ck_assert_int_eq(ticlabel_by_arrival(S0 + 305 * MS, -0.3, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
  ck_assert_int_eq(ticlabel_by_arrival(S0 + NS_PER_S + 5 * MS, 0.7, 0.5, &t), 1);
  ck_assert_int_eq(t, S0);
}
END_TEST

START_TEST(test_label_by_timebase)
{
  /* A board timebase in ps whose seconds fall 0.37 s after UTC's: GPS edge of second
   * S0 + k at board time 100.63 s + k. */
  const int64_t ps = 1000000000000LL, b0 = 100630000000000LL;
  struct ticlabel_lock l;
  ticlabel_lock_init(&l, ps);
  int64_t t = 0;
  /* First timely reading: a candidate, not yet handed out. */
  ck_assert_int_eq(ticlabel_lock_label(&l, b0, 1, S0, &t), 0);
  /* The next one disagrees with it (one of the two arrivals was mislabelled): it becomes
   * the candidate instead, and the one after, agreeing, locks. */
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + ps, 1, S0 + 2 * NS_PER_S, &t), 0);
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + 2 * ps, 1, S0 + 3 * NS_PER_S, &t), 1);
  ck_assert_int_eq(t, S0 + 3 * NS_PER_S);
  /* Locked, one timely reading that disagrees (a stale arrival) is withheld; the lock
   * stands when the next agrees with it. */
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + 3 * ps, 1, S0 + 3 * NS_PER_S, &t), 0);
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + 4 * ps, 1, S0 + 5 * NS_PER_S, &t), 1);
  ck_assert_int_eq(t, S0 + 5 * NS_PER_S);
  ck_assert_int_eq(l.relocks, 0);
  /* A reading whose arrival says nothing (late) is labelled by the timebase, even 3 s
   * later and with the edge 40 ns off the board's second. */
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + 7 * ps + 40000, 0, 0, &t), 1);
  ck_assert_int_eq(t, S0 + 8 * NS_PER_S);
  /* Two timely readings agreeing with each other against the lock move it. */
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + 8 * ps, 1, S0 + 10 * NS_PER_S, &t), 0);
  ck_assert_int_eq(ticlabel_lock_label(&l, b0 + 9 * ps, 1, S0 + 11 * NS_PER_S, &t), 1);
  ck_assert_int_eq(t, S0 + 11 * NS_PER_S);
  ck_assert_int_eq(l.relocks, 1);
  /* The board restarted: its timebase went back, the lock is gone. */
  ck_assert_int_eq(ticlabel_lock_label(&l, 5 * ps, 0, 0, &t), 0);
  ck_assert_int_eq(ticlabel_lock_label(&l, 6 * ps, 1, S0 + 20 * NS_PER_S, &t), 0);
  ck_assert_int_eq(ticlabel_lock_label(&l, 7 * ps, 1, S0 + 21 * NS_PER_S, &t), 1);
  ck_assert_int_eq(t, S0 + 21 * NS_PER_S);
}
END_TEST

START_TEST(test_edgepair)
{
  struct edgepair p;
  int64_t local, gps, sec;
  edgepair_init(&p, NS_PER_S / 2);
  /* Local 100 ns ahead: GPS - LOCAL = +100 ns = LOCAL - GPS. */
  ck_assert_int_eq(edgepair_add(&p, EDGE_LOCAL, S0 - 100, &local, &gps), 0);
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0, &local, &gps), 1);
  ck_assert_int_eq(gps - local, 100);
  /* GPS first, local 200 ns later: -200 ns. */
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0 + NS_PER_S, &local, &gps), 0);
  ck_assert_int_eq(edgepair_add(&p, EDGE_LOCAL, S0 + NS_PER_S + 200, &local, &gps), 1);
  ck_assert_int_eq(gps - local, -200);
  /* Across the turn of a second: local 1 ns before it, GPS 1 ns after it. */
  ck_assert_int_eq(edgepair_add(&p, EDGE_LOCAL, S0 + 2 * NS_PER_S - 1, &local, &gps), 0);
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0 + 2 * NS_PER_S + 1, &local, &gps), 1);
  ck_assert_int_eq(gps - local, 2);
  ck_assert(fabs(edge_offset_from_second(gps, &sec) - 1e-9) < 1e-18);
  ck_assert_int_eq(sec, S0 + 2 * NS_PER_S);
  /* A missing GPS pulse: that local edge is dropped, the next pairs with its own. */
  ck_assert_int_eq(edgepair_add(&p, EDGE_LOCAL, S0 + 3 * NS_PER_S - 10, &local, &gps), 0);
  ck_assert_int_eq(edgepair_add(&p, EDGE_LOCAL, S0 + 4 * NS_PER_S - 11, &local, &gps), 0);
  ck_assert_int_eq(p.unpaired[EDGE_LOCAL], 1);
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0 + 4 * NS_PER_S, &local, &gps), 1);
  ck_assert_int_eq(gps - local, 11);
  /* A missing local pulse: the GPS edge waits, then gives way to the next one. */
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0 + 5 * NS_PER_S, &local, &gps), 0);
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0 + 6 * NS_PER_S, &local, &gps), 0);
  ck_assert_int_eq(p.unpaired[EDGE_GPS], 1);
  /* Edges 0.6 s apart are of different seconds and never pair. */
  ck_assert_int_eq(edgepair_add(&p, EDGE_LOCAL, S0 + 6 * NS_PER_S + 600 * MS, &local, &gps), 0);
  ck_assert_int_eq(p.unpaired[EDGE_GPS], 2);
  ck_assert_int_eq(edgepair_add(&p, EDGE_GPS, S0 + 7 * NS_PER_S, &local, &gps), 1);
  ck_assert_int_eq(gps - local, 400 * MS);
}
END_TEST

START_TEST(test_pps_offset)
{
  int64_t sec;
  /* One input: the GPS edge stamped 300 ns after the system second, SYSTEM - GPS. */
  ck_assert(fabs(edge_offset_from_second(S0 + 300, &sec) - 300e-9) < 1e-18);
  ck_assert_int_eq(sec, S0);
  ck_assert(fabs(edge_offset_from_second(S0 - 400, &sec) + 400e-9) < 1e-18);
  ck_assert_int_eq(sec, S0);
  ck_assert(fabs(edge_offset_from_second(S0 + 700 * MS, &sec) + 0.3) < 1e-15);
  ck_assert_int_eq(sec, S0 + NS_PER_S);
  ck_assert(fabs(edge_offset_from_second(S0 - NS_PER_S / 2, &sec) + 0.5) < 1e-15);
  ck_assert_int_eq(sec, S0);
}
END_TEST

START_TEST(test_ticc_lines)
{
  int64_t ps;
  ck_assert_int_eq(ticc_parse_line("0.00000004512 TI(A->B)", &ps), TICC_INTERVAL);
  ck_assert_int_eq(ps, 45120);
  ck_assert_int_eq(ticc_parse_line("-0.000000045123 TI(A->B)", &ps), TICC_INTERVAL);
  ck_assert_int_eq(ps, -45123);
  ck_assert_int_eq(ticc_parse_line("  0.99999995512 TI(A->B)  ", &ps), TICC_INTERVAL);
  ck_assert_int_eq(ps, 999999955120LL);
  /* Exactly, to the picosecond, at 1e5 s of timebase (a double would round it). */
  ck_assert_int_eq(ticc_parse_line("123456.789012345678 chA", &ps), TICC_CHAN_A);
  ck_assert_int_eq(ps, 123456789012345678LL);
  /* Up to 9e6 s of the board's int64 picosecond timebase, and not past it (overflowed). */
  ck_assert_int_eq(ticc_parse_line("8999999.999999999999 chA", &ps), TICC_CHAN_A);
  ck_assert_int_eq(ps, 8999999999999999999LL);
  ck_assert_int_eq(ticc_parse_line("0009000000.000000000000 chB", &ps), TICC_CHAN_B);
  ck_assert_int_eq(ps, 9000000000000000000LL);
  ck_assert_int_eq(ticc_parse_line("17.12345680135 chB", &ps), TICC_CHAN_B);
  ck_assert_int_eq(ps, 17123456801350LL);
  ck_assert_int_eq(ticc_parse_line("18.00000000001 chC (B - A)", &ps), TICC_CHAN_C);
  ck_assert_int_eq(ticc_parse_line("17.12345680135 B", &ps), TICC_CHAN_B);
  ck_assert_int_eq(ticc_parse_line("17.12345680135 A", &ps), TICC_CHAN_A);
  ck_assert_int_eq(ticc_parse_line("# Type any character for config menu", &ps), TICC_COMMENT);
  ck_assert_int_eq(ticc_parse_line("# ............................", &ps), TICC_COMMENT);
  ck_assert_int_eq(ticc_parse_line("", &ps), TICC_COMMENT);
  static const char *const bad[] = {"0.0000000451 TI(A->B)",       /* 10 decimals */
                                    "0.0000000451234 TI(A->B)",    /* 13 */
                                    "12.3456 chA", "-1.00000000000 chA",
                                    "0.00000004512 TI(A->B) x",    "0.00000004512TI(A->B)",
                                    "12345678.00000000000 chA",    ".00000004512 TI(A->B)",
                                    "9000000.000000000001 chA",    "9999550.00000000000 chA",
                                    "-9999999.99999999999 TI(A->B)",
                                    "0.00000004512 chD",           "choose one:",
                                    "17.12345680135 C",            "17.12345680135 AB",
                                    "\x07\x1b[2J@@@@ %%%"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(ticc_parse_line(bad[i], &ps) == TICC_GARBAGE, "'%s' taken", bad[i]);
  ck_assert_str_eq(ticc_header_mode("# time interval A->B (seconds with 11 decimal places)"),
                   "interval");
  ck_assert_str_eq(ticc_header_mode("# timestamp (seconds with 12 decimal places)"),
                   "timestamp");
  ck_assert_str_eq(ticc_header_mode("# timestamp chA, chB; interval chA->B (seconds"),
                   "timelab");
  ck_assert_str_eq(ticc_header_mode("# period (seconds with 11 decimal places)"), "period");
  ck_assert_ptr_null(ticc_header_mode("# TAPR TICC Timestamping Counter"));
}
END_TEST

/* Opens driver with the directive's words and returns the error (empty on success). */
static const char *open_error(const char *words)
{
  static char err[300];
  char buf[300], *argv[16];
  int argc = 0;
  snprintf(buf, sizeof buf, "%s", words);
  for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && argc < 16;
       w = strtok_r(NULL, " ", &save))
    argv[argc++] = w;
  struct drvconf c;
  struct tic t;
  err[0] = '\0';
  if (drvconf_parse(argc, argv, &c, err, sizeof err) != 0)
    return err;
  if (tic_open(&t, &c, err, sizeof err) == 0) {
    tic_close(&t);
    err[0] = '\0';
  }
  return err;
}

START_TEST(test_bad_options)
{
  static const struct {
    const char *words, *want;
  } cases[] = {
      {"ticc /dev/null mode=period", "bad mode 'period' (want one of auto, interval, timestamp)"},
      {"ticc /dev/null local=C", "bad local 'C'"},
      {"ticc /dev/null baud=12345", "bad baud '12345'"},
      {"ticc /dev/null latency=2", "latency"},
      {"ticc /dev/null speed=1", "driver 'ticc' has no option 'speed'"},
      {"ticc", "needs the serial device"},
      {"ticc /nonexistent/tty", "/nonexistent/tty: cannot open"},
      {"ticc /dev/null", "not a serial port"},
      {"53230a 127.0.0.1 level1=7", "level1"},
      {"53230a 127.0.0.1 slope2=up", "bad slope2 'up'"},
      {"53230a 127.0.0.1 impedance=75", "bad impedance '75'"},
      {"53230a", "needs the counter's address"},
      {"53230a 127.0.0.1:99999", "bad address '127.0.0.1:99999'"},
      {"sr620 /dev/null arming=ext", "bad arming 'ext' (want one of +-time, +time)"},
      {"sr620 /dev/null levelB=3.5", "levelB"},
      {"pps", "needs the GPS 1PPS device"},
      {"pps /dev/pps0 edge=both", "bad edge 'both'"},
      {"replay /nonexistent/log", "/nonexistent/log: cannot open"},
      {"replay /dev/null pace=slow", "bad pace 'slow' (want one of clock, fast)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *e = open_error(cases[i].words);
    ck_assert_msg(strstr(e, cases[i].want), "'%s': got '%s', want '%s'", cases[i].words, e,
                  cases[i].want);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("tic");
  TCase *tc = tcase_create("arithmetic");
  tcase_add_test(tc, test_completion);
  tcase_add_test(tc, test_label_by_arrival);
  tcase_add_test(tc, test_label_by_timebase);
  tcase_add_test(tc, test_edgepair);
  tcase_add_test(tc, test_pps_offset);
  tcase_add_test(tc, test_ticc_lines);
  tcase_add_test(tc, test_bad_options);
  suite_add_tcase(s, tc);
  suite_add_tcase(s, tic_replay_tcase());
  return th_run_suite(s, CK_NORMAL);
}
