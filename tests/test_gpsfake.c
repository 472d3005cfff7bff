/* The gpsd receiver driver against a real gpsd: gpsfake (Debian's gpsd 3.22 under it, on
 * a free loopback port) replays a u-blox timing receiver's UBX log written for the test
 * (tests/data/gpsd/ublox-time.log, from mkubx.py): the fix, time-only once surveyed in,
 * the satellites with their constellations, the leap seconds and the model as the driver
 * reads them; no qErr without a PPS source; gpsd killed (poll fails) and started again
 * (the driver opens again and reads on).  Skips (77) without gpsd or gpsfake. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <libgen.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "receiver/receiver.h"
#include "tests/testutil.h"

#define PYTHON "/usr/bin/python3"
#define GPSFAKE "/usr/bin/gpsfake"

static char *dir;
static int port;

/* gpsfake in its own process group (it starts gpsd as its child); finds gpsd through
 * GPSD_HOME, set from $GPSD. */
/* 1 when what listens on port greets as gpsd does, with its VERSION object, within a
 * second; not a port that merely accepts (another program's, or a connect to itself). */
static int gpsd_greets(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  char buf[512] = "";
  size_t n = 0;
  if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (n < sizeof buf - 1 && !strchr(buf, '\n') && poll(&p, 1, 1000) == 1) {
      ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
      if (r <= 0)
        break;
      n += (size_t)r;
      buf[n] = '\0';
    }
  }
  if (fd >= 0)
    close(fd);
  return strstr(buf, "\"class\":\"VERSION\"") != NULL;
}

/* gpsfake's log, on the test's output when it fails. */
static void show_log(const char *log)
{
  char *text = th_read_file(log);
  fprintf(stderr, "--- %s:\n%s\n---\n", log, text ? text : "(none)");
  free(text);
}

static pid_t start_gpsfake(void)
{
  char log[512], data[512], portarg[16];
  snprintf(log, sizeof log, "%s/gpsfake.log", dir);
  snprintf(data, sizeof data, "%s/tests/data/gpsd/ublox-time.log", th_srcdir());
  snprintf(portarg, sizeof portarg, "%d", port);
  char *argv[] = {PYTHON, GPSFAKE, "-q", "-c", "0.05", "-P", portarg, data, NULL};
  pid_t pid = th_spawn(argv, log);
  double end = th_now() + th_hang(20);
  while (!gpsd_greets() && th_now() < end)
    th_sleep(0.05);
  if (!gpsd_greets())
    show_log(log);
  ck_assert_msg(gpsd_greets(), "gpsd under gpsfake did not answer on %d", port);
  return pid;
}

static void stop_gpsfake(pid_t pid)
{
  kill(-pid, SIGTERM);
  th_stop(pid, SIGTERM, 5);
}

static void open_rx(struct receiver *rx)
{
  char addr[64], err[256];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  char *argv[] = {"gpsd", addr, "stale=3"};
  struct drvconf c;
  ck_assert_int_eq(drvconf_parse(3, argv, &c, err, sizeof err), 0);
  ck_assert_msg(rx_open(rx, &c, err, sizeof err) == 0, "%s", err);
}

/* Polls (service time = wall time here) until the receiver is in time mode with its
 * satellites and leap seconds, or timeout_s. */
static int wait_time_fix(struct receiver *rx, double timeout_s)
{
  char err[256];
  double end = th_now() + th_hang(timeout_s);
  while (th_now() < end) {
    ck_assert_msg(rx_poll(rx, tu_wall_ns(), err, sizeof err) == 0, "%s", err);
    if (rx->state.fix == RX_FIX_TIME && rx->state.n_sats == 11 && rx->state.leap_seconds == 18)
      return 0;
    th_sleep(0.05);
  }
  return -1;
}

/* The time fix within 30 s, or the test fails with what the receiver had and gpsfake's log. */
static void assert_time_fix(struct receiver *rx)
{
  if (wait_time_fix(rx, 30) == 0)
    return;
  char log[512];
  snprintf(log, sizeof log, "%s/gpsfake.log", dir);
  show_log(log);
  ck_abort_msg("fix %s, %d satellites, leap %d", rx_fix_name(rx->state.fix), rx->state.n_sats,
               rx->state.leap_seconds);
}

static const struct rx_sat *find_sat(const struct rx_state *s, const char *gnss, int prn)
{
  for (int i = 0; i < s->n_sats; i++)
    if (!strcmp(s->sats[i].gnss, gnss) && s->sats[i].prn == prn)
      return &s->sats[i];
  return NULL;
}

START_TEST(test_gpsfake)
{
  struct receiver rx;
  char err[256];
  pid_t pid = start_gpsfake();
  open_rx(&rx);
  assert_time_fix(&rx);
  const struct rx_state *s = &rx.state;
  ck_assert_int_eq(s->sats_visible, 11);
  ck_assert_int_eq(s->sats_used, 8);
  const struct rx_sat *g15 = find_sat(s, "GPS", 15), *e36 = find_sat(s, "GAL", 36),
                      *r7 = find_sat(s, "GLO", 7), *c19 = find_sat(s, "BDS", 19);
  ck_assert(g15 && e36 && r7 && c19);
  ck_assert(g15->elevation == 78 && g15->azimuth == 310 && g15->snr == 47 && g15->used);
  ck_assert(e36->elevation == 6 && e36->snr == 28 && !e36->used);
  ck_assert(r7->used && !c19->used);
  ck_assert_msg(!strncmp(s->model, "u-blox", 6), "model '%s'", s->model);
  printf("through gpsd: %s, fix %s, %d of %d satellites used, GPS - UTC = %d s\n", s->model,
         rx_fix_name(s->fix), s->sats_used, s->sats_visible, s->leap_seconds);
  /* No PPS source under gpsfake: no qErr. */
  int64_t ps;
  ck_assert_int_eq(rx_qerr(&rx, tu_wall_ns() / NS_PER_S * NS_PER_S, &ps), 0);
  /* gpsd gone: poll fails within a few seconds (the site then reopens later). */
  stop_gpsfake(pid);
  int rc = 0;
  double end = th_now() + th_hang(10);
  while (rc == 0 && th_now() < end) {
    rc = rx_poll(&rx, tu_wall_ns(), err, sizeof err);
    th_sleep(0.05);
  }
  ck_assert_int_eq(rc, -1);
  printf("gpsd gone: %s\n", err);
  rx_close(&rx);
  /* gpsd back: opened again, reading again. */
  pid = start_gpsfake();
  open_rx(&rx);
  assert_time_fix(&rx);
  rx_close(&rx);
  stop_gpsfake(pid);
}
END_TEST

int main(void)
{
  const char *gpsd = getenv("GPSD");
  if (!gpsd || !*gpsd || access(gpsd, X_OK) != 0 || access(GPSFAKE, R_OK) != 0 ||
      access(PYTHON, X_OK) != 0) {
    printf("skipped: needs gpsd ($GPSD=%s), %s and %s\n", gpsd ? gpsd : "", GPSFAKE, PYTHON);
    return 77;
  }
  char home[512];
  snprintf(home, sizeof home, "%s", gpsd);
  setenv("GPSD_HOME", dirname(home), 1);
  dir = th_mkdtemp("gpsfake");
  port = th_free_port();
  Suite *s = suite_create("gpsfake");
  TCase *tc = tcase_create("gpsfake");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_gpsfake);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_NORMAL);
  th_rmtree(dir);
  free(dir);
  return rc;
}
