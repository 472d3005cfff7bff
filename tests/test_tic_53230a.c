/* The 53230A driver against an emulated counter on a loopback TCP port
 * (tests/emu_53230a.c) speaking its SCPI: configuration checked through the error queue,
 * READ? once per reading, a garbled reply, a late one, pulses missing (the counter's
 * measurement timeout and its Not a Number), the stop edge before the start edge read as
 * nearly a whole second or as a negative interval, a refused setting and a dropped
 * connection.  Each reading must carry the value of the second it is labelled with
 * (ticemu.h).  The test and the emulator take part in one lockstep clock (tictest.h), so
 * every count below is exact on any machine, however loaded. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/drvconf.h"
#include "core/timeutil.h"
#include "tests/testutil.h"
#include "tests/tictest.h"
#include "tic/tic.h"

#define S (1893456000LL * NS_PER_S) /* 2030-01-01T00:00:00Z */
#define MAXR 64

static struct ticrun run;
static char where[64];

static void start_counter(int64_t offset_ps, const char *const *extra)
{
  int port = th_free_port();
  char p[16];
  snprintf(p, sizeof p, "%d", port);
  snprintf(where, sizeof where, "127.0.0.1:%d", port);
  ck_assert(tr_emulator(&run, "emu_53230a", p, offset_ps, extra) == 0);
  ck_assert_msg(th_wait_port(port, 10) == 0, "the emulated counter does not listen");
}

static int open_counter(struct tic *t, const char *opt, char *err, size_t errlen)
{
  struct drvconf c = {.driver = "53230a"};
  snprintf(c.device, sizeof c.device, "%s", where);
  if (opt) {
    const char *eq = strchr(opt, '=');
    snprintf(c.key[0], sizeof c.key[0], "%.*s", (int)(eq - opt), opt);
    snprintf(c.val[0], sizeof c.val[0], "%s", eq + 1);
    c.n_opts = 1;
  }
  return tic_open(t, &c, err, errlen);
}

static int has(const struct tic_reading *r, int n, int sec)
{
  for (int i = 0; i < n; i++)
    if (r[i].t == S + sec * NS_PER_S)
      return 1;
  return 0;
}

static void check_values(const struct tic_reading *r, int n, int64_t offset_ps)
{
  tr_check_values(r, n, S, offset_ps, 0.001);
}

START_TEST(test_53230a_faults)
{
  /* Local pulse 50 ns ahead.  The reply for second 4 is garbled, 6's comes 0.7 s late, and
   * seconds 8 to 11 have no pulses: the READ? sent after 7 ends in the counter's 3 s
   * timeout with 9.91E37, and the next one measures second 12. */
  tr_init(&run, "k53230a", S);
  const char *extra[] = {"--fault", "garbage@4", "--fault", "late@6:700", "--fault",
                         "nopulse@8:4", NULL};
  start_counter(50000, extra);
  struct tic t;
  char err[300];
  ck_assert_msg(open_counter(&t, "level2=0.8", err, sizeof err) == 0, "%s", err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 15 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 0, "driver failed: %s", err);
  check_values(r, n, 50000);
  static const int present[] = {1, 2, 3, 5, 7, 12, 13, 14}, absent[] = {4, 6, 8, 9, 10, 11};
  for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
    ck_assert_msg(has(r, n, present[i]), "no reading of second %d", present[i]);
  for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
    ck_assert_msg(!has(r, n, absent[i]), "a reading of second %d", absent[i]);
  ck_assert(r[0].raw_s > 0 && r[0].raw_s < 1e-6);
  /* The garbled and the late reply; the timeout is a missing second, not garbage. */
  ck_assert_int_eq(t.counts.garbage, 1);
  ck_assert_int_eq(t.counts.late, 1);
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_53230a_stop_first)
{
  /* The GPS pulse 30 ns before the local one.  The counter starts on the local edge and
   * stops on the next GPS edge: nearly 1 s, every other second, each labelled with the
   * second it started in. */
  tr_init(&run, "k53230a", S);
  start_counter(-30000, NULL);
  struct tic t;
  char err[300];
  ck_assert_msg(open_counter(&t, NULL, err, sizeof err) == 0, "%s", err);
  struct tic_reading r[MAXR];
  int n = tr_collect(&t, S + 9 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n == 4, "%d readings (%s)", n, n < 0 ? err : "");
  check_values(r, n, -30000);
  for (int i = 0; i < n; i++) {
    ck_assert_int_eq(r[i].t, S + (1 + 2 * i) * NS_PER_S);
    ck_assert(r[i].raw_s > 0.99999996 && r[i].raw_s < 1.0);
  }
  tic_close(&t);
  tr_stop(&run);
  /* A counter that reports the signed interval instead: -30 ns, every second. */
  const char *neg[] = {"--negative", NULL};
  start_counter(-30000, neg);
  ck_assert_msg(open_counter(&t, NULL, err, sizeof err) == 0, "%s", err);
  int64_t from = clk_now();
  n = tr_collect(&t, from + 5 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 4, "%d readings (%s)", n, n < 0 ? err : "");
  check_values(r, n, -30000);
  for (int i = 0; i < n; i++) {
    ck_assert(r[i].raw_s < 0);
    ck_assert(i == 0 || r[i].t == r[i - 1].t + NS_PER_S);
  }
  tic_close(&t);
  tr_done(&run);
}
END_TEST

START_TEST(test_53230a_refused_and_dropped)
{
  tr_init(&run, "k53230a", S);
  const char *extra[] = {"--fault", "reject@INP2:IMP", "--fault", "drop@5", NULL};
  start_counter(20000, extra);
  struct tic t;
  char err[300];
  /* The counter refuses a setting: the open fails with the counter's own error. */
  ck_assert_int_eq(open_counter(&t, NULL, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "after configuring the time interval the instrument reports "
                            "-221,\"Settings conflict\"") && strstr(err, where), "%s", err);
  tr_stop(&run);
  const char *drop[] = {"--fault", "drop@5", NULL};
  start_counter(20000, drop);
  ck_assert_msg(open_counter(&t, NULL, err, sizeof err) == 0, "%s", err);
  struct tic_reading r[MAXR];
  /* The counter drops the connection instead of answering for second 5. */
  int n = tr_collect(&t, S + 12 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n < 0, "no failure when the connection dropped");
  ck_assert_msg(strstr(err, where), "'%s' does not name the counter", err);
  n = -1 - n;
  ck_assert_int_ge(n, 3);
  check_values(r, n, 20000);
  tic_close(&t);
  /* The caller opens it again; readings go on. */
  ck_assert_msg(open_counter(&t, NULL, err, sizeof err) == 0, "%s", err);
  int64_t back = clk_now();
  n = tr_collect(&t, back + 4 * NS_PER_S, r, MAXR, err, sizeof err);
  ck_assert_msg(n >= 3, "%d readings after reconnecting (%s)", n, n < 0 ? err : "");
  check_values(r, n, 20000);
  tic_close(&t);
  /* Nothing listening: the open fails, naming the address. */
  tr_stop(&run);
  ck_assert_int_eq(open_counter(&t, NULL, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "cannot connect") && strstr(err, where), "%s", err);
  tr_done(&run);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("tic_53230a");
  TCase *tc = tcase_create("scpi");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_53230a_faults);
  tcase_add_test(tc, test_53230a_stop_first);
  tcase_add_test(tc, test_53230a_refused_and_dropped);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
