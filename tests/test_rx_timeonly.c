/* A timing receiver that sends no position (issue 9): a u-blox surveyed in, with NAV-PVT
 * and NAV-SOL off, sending NAV-STATUS (time only), NAV-TIMEUTC, NAV-TIMEGPS and NAV-SAT
 * (tests/data/gpsd/ublox-timeonly.log, from mkubx.py).  Debian's gpsd 3.22, under
 * gpsfake, reports it as TPV mode 0 ("no fix") with the time and the leap seconds, and 8
 * of 11 satellites used in SKY.  The driver takes it for what it is, a time source
 * (fix TIME, cvd-receiver(5)), and `cvd site --probe` calls it usable.  Skips (77) without
 * gpsd or gpsfake. */
#include "config.h"

#include <check.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "receiver/receiver.h"
#include "tests/testutil.h"

static char *dir;
static int port;

static pid_t start(void)
{
  char log[600], data[600];
  snprintf(log, sizeof log, "%s/gpsfake.log", dir);
  snprintf(data, sizeof data, "%s/tests/data/gpsd/ublox-timeonly.log", th_srcdir());
  pid_t pid = th_gpsfake(data, port, log);
  ck_assert_msg(pid > 0, "gpsfake did not listen on %d (see %s)", port, log);
  return pid;
}

static void stop(pid_t pid)
{
  kill(-pid, SIGTERM);
  th_stop(pid, SIGTERM, 5);
}

/* Opens the driver on gpsfake's gpsd and waits for the event (gpsd's first reports of
 * time mode), bounded in wall time against a hang: generously, since gpsfake (Python)
 * and its gpsd start slowly on a loaded machine (30 s was once not enough under make -j2
 * check beside other builds). */
static void open_in_time_mode(struct receiver *rx)
{
  char addr[64], err[256];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  char *argv[] = {"gpsd", addr};
  struct drvconf c;
  ck_assert_int_eq(drvconf_parse(2, argv, &c, err, sizeof err), 0);
  ck_assert_msg(rx_open(rx, &c, err, sizeof err) == 0, "%s", err);
  double end = th_now() + th_hang(120);
  while (th_now() < end && !(rx->state.fix == RX_FIX_TIME && rx->state.sats_used == 8)) {
    ck_assert_msg(rx_poll(rx, tu_wall_ns(), err, sizeof err) == 0, "%s", err);
    th_sleep(0.05);
  }
}

START_TEST(test_driver_sees_time_mode)
{
  pid_t pid = start();
  struct receiver rx;
  open_in_time_mode(&rx);
  const struct rx_state *s = &rx.state;
  ck_assert_msg(s->fix == RX_FIX_TIME, "fix %s", rx_fix_name(s->fix));
  ck_assert_int_eq(s->sats_used, 8);
  ck_assert_int_eq(s->sats_visible, 11);
  ck_assert_int_eq(s->leap_seconds, 18);
  rx_close(&rx);
  stop(pid);
}
END_TEST

START_TEST(test_probe_calls_it_usable)
{
  pid_t pid = start();
  char conf[700], scen[700], log[700], text[3000];
  snprintf(conf, sizeof conf, "%s/site.conf", dir);
  snprintf(scen, sizeof scen, "%s/scen.conf", dir);
  snprintf(log, sizeof log, "%s/probe.log", dir);
  th_write_file(scen, "remotes 1\n");
  snprintf(text, sizeof text,
           "name r1\nserver http://127.0.0.1:9\nplain_http yes\nsecret 0123456789abcdef\nspool %s/r1.db\n"
           "receiver gpsd 127.0.0.1:%d\noscillator sim\nsimulation %s\n", dir, port, scen);
  th_write_file(conf, text);
  /* gpsfake feeding first (it may start slowly on a loaded machine): the probe's seconds
   * then see its reports. */
  struct receiver rx;
  open_in_time_mode(&rx);
  rx_close(&rx);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"site", (char *)"--probe", (char *)"--probe-seconds",
                  (char *)"4", (char *)"-c", conf, NULL};
  char *out = NULL;
  int st = th_run(argv, log, &out, 90);
  printf("%s", out);
  ck_assert_msg(st == 0, "probe exit %d: %s", st, out);
  ck_assert_msg(strstr(out, "fix TIME; 11 satellites in view, 8 used; leap seconds 18"), "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "all usable"));
  free(out);
  stop(pid);
}
END_TEST

int main(void)
{
  const char *gpsd = getenv("GPSD");
  if (!gpsd || !*gpsd || access(gpsd, X_OK) != 0 || access("/usr/bin/gpsfake", R_OK) != 0 ||
      access("/usr/bin/python3", X_OK) != 0) {
    printf("skipped: needs gpsd ($GPSD=%s), /usr/bin/gpsfake and /usr/bin/python3\n",
           gpsd ? gpsd : "");
    return 77;
  }
  char home[512];
  snprintf(home, sizeof home, "%s", gpsd);
  setenv("GPSD_HOME", dirname(home), 1);
  dir = th_mkdtemp("timeonly");
  port = th_free_port();
  Suite *s = suite_create("rx_timeonly");
  TCase *tc = tcase_create("rx_timeonly");
  tcase_set_timeout(tc, 400);
  tcase_add_test(tc, test_driver_sees_time_mode);
  tcase_add_test(tc, test_probe_calls_it_usable);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_NORMAL);
  th_rmtree(dir);
  free(dir);
  return rc;
}
