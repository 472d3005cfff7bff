/* The serial TIC drivers against emulated instruments on a pseudo-terminal made by socat
 * (tests/emu_ticc.c, tests/emu_sr620.c): the real serial code, the instruments' real line
 * formats and commands, their start-up banner and menu window, error replies, garbage,
 * late lines, a restart and a disconnect.  Each reading must carry the value the
 * emulator's pulses had in the second it is labelled with (ticemu.h: the value changes
 * every second, so a wrong label shows).  The test and the emulators take part in one
 * lockstep clock (tictest.h), so every count below is exact on any machine, however
 * loaded. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/drvconf.h"
#include "core/serial.h"
#include "core/timeutil.h"
#include "tests/testutil.h"
#include "tests/tictest.h"
#include "tic/tic.h"

#define S (1893456000LL * NS_PER_S) /* 2030-01-01T00:00:00Z */
#define MAXR 64

static int open_tic(struct tic *t, const char *driver, const char *tty, const char *opts,
                    char *err, size_t errlen)
{
  char words[700], *argv[16];
  int argc = 0;
  snprintf(words, sizeof words, "%s %s %s", driver, tty, opts);
  for (char *save = NULL, *w = strtok_r(words, " ", &save); w && argc < 16;
       w = strtok_r(NULL, " ", &save))
    argv[argc++] = w;
  struct drvconf c;
  if (drvconf_parse(argc, argv, &c, err, errlen) != 0)
    return -1;
  return tic_open(t, &c, err, errlen);
}

/* Every reading has its second's value (to the instrument's resolution) and the seconds
 * are those of want[] exactly. */
static void check_readings(const struct tic_reading *r, int n, int64_t offset_ps,
                           double tol_ns, const int *want, int n_want)
{
  char got[600] = "";
  for (int i = 0; i < n; i++)
    snprintf(got + strlen(got), sizeof got - strlen(got), " %lld",
             (long long)((r[i].t - S) / NS_PER_S));
  ck_assert_msg(n == n_want, "seconds read:%s (%d, want %d)", got, n, n_want);
  for (int i = 0; i < n; i++)
    ck_assert_msg(r[i].t == S + want[i] * NS_PER_S, "seconds read:%s", got);
  tr_check_values(r, n, S, offset_ps, tol_ns);
}

static int menu_entered(const struct ticrun *r)
{
  char *log = th_read_file(r->log);
  int found = log && strstr(log, "menu entered");
  free(log);
  return found;
}

static struct ticrun run;

static void start_emulator(const char *name, int64_t offset_ps, const char *const *extra)
{
  ck_assert_msg(tr_socat(&run) == 0, "socat did not start");
  ck_assert_msg(tr_emulator(&run, name, run.emu, offset_ps, extra) == 0, "%s", name);
}

/* A pseudo-terminal for the serial code alone: its master in m, the port opened on it. */
static void pty_port(int *m, struct serial *port)
{
  char path[128], err[300];
  *m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ck_assert_int_ge(*m, 0);
  ck_assert(grantpt(*m) == 0 && unlockpt(*m) == 0 && ptsname_r(*m, path, sizeof path) == 0);
  ck_assert_msg(serial_open(port, path, 115200, err, sizeof err) == 0, "%s", err);
}

static void pty_say(int m, const char *text)
{
  ck_assert_int_eq(write(m, text, strlen(text)), (ssize_t)strlen(text));
}

/* The next line the port gives (waiting for it on the real clock: a bound, never a pace). */
static const char *next(struct serial *port, char *line, size_t n)
{
  char err[300];
  int64_t until = clk_now() + (int64_t)(th_hang(10) * 1e9);
  int rc = serial_read_line(port, line, n, until, err, sizeof err);
  ck_assert_msg(rc == 1, "no line (%d): %s", rc, rc < 0 ? err : "timed out");
  return line;
}

/* Waits until the port holds n bytes, for a drain to find. */
static void pty_wait_held(struct serial *port, int n)
{
  int held = 0;
  for (int waited = 0; held < n; waited++) {
    ck_assert(ioctl(port->fd, FIONREAD, &held) == 0);
    ck_assert_msg(waited < th_hang(10) * 1000, "the port never held %d bytes", n);
    if (held < n)
      poll(NULL, 0, 1);
  }
}

START_TEST(test_serial_drain_cut_line)
{
  /* A TICC opened while it prints its menu window: the drain takes the "# " its dots
   * follow.  The stream drain drops the dots' rest of that line too, the first line handed
   * out is the next whole one; the plain drain (a device that speaks when asked) keeps
   * what comes next whole, and a drain that ended at an end of line drops nothing more. */
  int m;
  struct serial port;
  char line[SERIAL_LINE_MAX];
  pty_port(&m, &port);
  pty_say(m, "# TICC banner\r\n# ");
  pty_wait_held(&port, 17);
  serial_drain_stream(&port);
  pty_say(m, "......\r\n# timestamp (seconds with 12 decimal places)\r\n");
  ck_assert_str_eq(next(&port, line, sizeof line), "# timestamp (seconds with 12 decimal places)");

  pty_say(m, "1.000000000001 chA\r\n");
  pty_wait_held(&port, 20);
  serial_drain_stream(&port);
  pty_say(m, "2.000000000002 chA\r\n");
  ck_assert_str_eq(next(&port, line, sizeof line), "2.000000000002 chA");

  pty_say(m, "noise");
  pty_wait_held(&port, 5);
  serial_drain(&port);
  pty_say(m, "+1.5E-9\r\n");
  ck_assert_str_eq(next(&port, line, sizeof line), "+1.5E-9");
  serial_close(&port);
  close(m);
}
END_TEST

START_TEST(test_ticc_interval)
{
  /* Local pulse 50 ns ahead.  Second 12 brings five malformed lines, 14 has no GPS pulse,
   * 16's line comes 0.7 s late and 19 to 21 are held and sent at once: the late line and
   * the two stale ones of the burst are refused, never given a neighbour's second. */
  tr_init(&run, "ticc", S);
  const char *extra[] = {"--mode", "interval", "--fault", "garbage@12", "--fault", "skip@14",
                         "--fault", "late@16:700", "--fault", "burst@19:3", NULL};
  start_emulator("emu_ticc", 50000, extra);
  struct tic t;
  char err[300];
  ck_assert_msg(open_tic(&t, "ticc", run.tty, "mode=interval", err, sizeof err) == 0, "%s",
                err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 26 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 0, "driver failed: %s", err);
  /* The board throws its first two readings away (8 and 9, after the menu window). */
  static const int want[] = {10, 11, 12, 13, 15, 17, 18, 21, 22, 23, 24, 25};
  check_readings(r, n, 50000, 0.010, want, 12);
  ck_assert_int_eq(t.counts.garbage, 5);
  ck_assert_int_eq(t.counts.late, 1 + 2);
  ck_assert_int_eq(t.counts.duplicates + t.counts.out_of_order + t.counts.errors, 0);
  ck_assert_msg(!menu_entered(&run), "the driver wrote to the board in its menu window");
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_ticc_timestamp)
{
  /* Timestamp mode, 12 decimals, local pulse 40 ns behind GPS.  The same faults, but late
   * and held lines now keep their seconds: the board's own timebase, locked to UTC by two
   * timely seconds (10 and 11), labels them. */
  tr_init(&run, "ticc", S);
  const char *extra[] = {"--mode", "timestamp", "--places", "12", "--fault", "garbage@12",
                         "--fault", "skip@14", "--fault", "late@16:700", "--fault",
                         "burst@19:3", NULL};
  start_emulator("emu_ticc", -40000, extra);
  struct tic t;
  char err[300];
  ck_assert_msg(open_tic(&t, "ticc", run.tty, "mode=timestamp", err, sizeof err) == 0, "%s",
                err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 26 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 0, "driver failed: %s", err);
  static const int want[] = {11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25};
  check_readings(r, n, -40000, 0.001, want, 14);
  ck_assert_int_eq(t.counts.garbage, 5);
  ck_assert_msg(!menu_entered(&run), "the driver wrote to the board in its menu window");
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_ticc_restart_and_unplug)
{
  /* TimeLab mode, local pulse on channel B.  The board restarts at second 14 (banner, menu
   * window, its timebase from zero again, readings from 23) and the driver must stay
   * silent through the window and lock to the new timebase (23 and 24); then the cable is
   * pulled: the driver fails, the caller opens it again once the board is back. */
  tr_init(&run, "ticc", S);
  const char *extra[] = {"--mode", "timelab", "--local", "B", "--fault", "reset@14", NULL};
  start_emulator("emu_ticc", 30000, extra);
  struct tic t;
  char err[300];
  ck_assert_msg(open_tic(&t, "ticc", run.tty, "local=B", err, sizeof err) == 0, "%s", err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 26 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 0, "driver failed: %s", err);
  static const int want[] = {11, 12, 13, 24, 25};
  check_readings(r, n, 30000, 0.010, want, 5);
  ck_assert_int_eq(t.counts.garbage, 0);
  ck_assert_msg(!menu_entered(&run), "the driver wrote to the board in its menu window");
  tr_stop(&run);
  n = tr_collect(&t, S + 29 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n < 0, "no failure after the port went away");
  ck_assert_msg(strstr(err, run.tty), "error '%s' does not name the port", err);
  tic_close(&t);
  /* Plugged in again: a new board start, readings after its window. */
  start_emulator("emu_ticc", 30000, extra);
  ck_assert_msg(open_tic(&t, "ticc", run.tty, "local=B", err, sizeof err) == 0, "%s", err);
  int64_t back = clk_now();
  n = tr_collect(&t, back + 13 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 2, "%d readings after reconnecting (%s)", n, n < 0 ? err : "");
  tr_check_values(r, n, S, 30000, 0.010);
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_sr620_signed)
{
  /* +-TIME arming, GPS pulse 30 ns before the local one: signed negative readings.  Second
   * 5's reply is garbled and 7's comes 0.7 s late; 10 is never answered, the driver fails
   * after 4 s, and the caller opens it again. */
  tr_init(&run, "sr620", S);
  const char *extra[] = {"--fault", "garbage@5", "--fault", "late@7:700", "--fault",
                         "silent@10", NULL};
  start_emulator("emu_sr620", -30000, extra);
  struct tic t;
  char err[300];
  ck_assert_msg(open_tic(&t, "sr620", run.tty, "arming=+-time levelA=0.5", err, sizeof err) == 0,
                "%s", err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 9 * NS_PER_S + NS_PER_S / 2, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 0, "driver failed: %s", err);
  static const int want[] = {1, 2, 3, 4, 6, 8, 9};
  check_readings(r, n, -30000, 0.001, want, 7);
  ck_assert(r[0].raw_s < 0);
  ck_assert_int_eq(t.counts.garbage, 1);
  ck_assert_int_eq(t.counts.late, 1);
  n = tr_collect(&t, S + 30 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n == -1, "the unanswered MEAS? did not fail the driver (%d)", n);
  ck_assert_msg(strstr(err, "no reply to MEAS? 0"), "%s", err);
  tic_close(&t);
  ck_assert_msg(open_tic(&t, "sr620", run.tty, "", err, sizeof err) == 0, "%s", err);
  int64_t back = clk_now();
  n = tr_collect(&t, back + 4 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 3, "%d readings after reopening (%s)", n, n < 0 ? err : "");
  tr_check_values(r, n, S, -30000, 0.001);
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_sr620_plus_time)
{
  /* +TIME arming with the GPS pulse first: the counter waits for the next GPS pulse and
   * reads nearly 1 s, which ends after the next local pulse has passed, so it follows every
   * other second.  Each such reading belongs to the second of its start, not the next. */
  tr_init(&run, "sr620", S);
  start_emulator("emu_sr620", -30000, NULL);
  struct tic t;
  char err[300];
  ck_assert_msg(open_tic(&t, "sr620", run.tty, "arming=+time", err, sizeof err) == 0, "%s", err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 10 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 0, "driver failed: %s", err);
  static const int want[] = {1, 3, 5, 7};
  check_readings(r, n, -30000, 0.001, want, 4);
  ck_assert(r[0].raw_s > 0.99999996 && r[0].raw_s < 1.0);
  ck_assert_int_eq(t.counts.wrapped, 4);
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_sr620_refusals)
{
  /* The counter refuses a setup command: the open fails and says what *ESR? said. */
  tr_init(&run, "sr620", S);
  const char *extra[] = {"--fault", "reject@TERM", NULL};
  start_emulator("emu_sr620", 0, extra);
  struct tic t;
  char err[300];
  ck_assert_int_eq(open_tic(&t, "sr620", run.tty, "impedance=1M", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "*ESR? = 16: execution error") && strstr(err, "TERM 1,1"), "%s",
                err);
  tr_stop(&run);
  /* Nothing answers on the line: *IDN? times out, naming the port. */
  ck_assert_msg(tr_socat(&run) == 0, "socat");
  ck_assert_int_eq(open_tic(&t, "sr620", run.tty, "", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "no reply to *IDN?") && strstr(err, run.tty), "%s", err);
  tr_done(&run);
}
END_TEST

int main(void)
{
  if (!th_socat())
    return 77;
  Suite *s = suite_create("tic_serial");
  TCase *tc = tcase_create("serial");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_serial_drain_cut_line);
  tcase_add_test(tc, test_ticc_interval);
  tcase_add_test(tc, test_ticc_timestamp);
  tcase_add_test(tc, test_ticc_restart_and_unplug);
  tcase_add_test(tc, test_sr620_signed);
  tcase_add_test(tc, test_sr620_plus_time);
  tcase_add_test(tc, test_sr620_refusals);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
