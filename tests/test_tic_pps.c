/* The Linux PPS driver on a real PPS device, where the machine has one: the first
 * /dev/ppsN is read as the GPS 1PPS against the system clock for up to 5 s; each reading
 * must be labelled with a whole second near its stamp and lie within half a second.
 * Linux PPS devices need the kernel's PPS line discipline or a PPS driver, which socat
 * cannot provide, so without one this test skips (exit 77); the driver's arithmetic is
 * tested in test_tic.c. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/drvconf.h"
#include "core/timeutil.h"
#include "tic/tic.h"
#include "tests/testutil.h"

static char device[32];

START_TEST(test_pps_device)
{
  struct drvconf c = {.driver = "pps"};
  snprintf(c.device, sizeof c.device, "%s", device);
  struct tic t;
  char err[300];
  ck_assert_msg(tic_open(&t, &c, err, sizeof err) == 0, "%s", err);
  int64_t end = clk_now() + 5 * NS_PER_S;
  int n = 0;
  while (clk_now() < end) {
    struct tic_reading r;
    int rc = tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err);
    ck_assert_msg(rc >= 0, "%s", err);
    if (rc == 0)
      continue;
    ck_assert_int_eq(r.t % NS_PER_S, 0);
    ck_assert(llabs(clk_now() - r.t) < 3 * NS_PER_S);
    ck_assert(fabs(r.raw_s) <= 0.5);
    n++;
  }
  tic_close(&t);
  if (n == 0)
    printf("%s gave no pulse in 5 s: nothing connected to it?\n", device);
}
END_TEST

int main(void)
{
  for (int i = 0; i < 10 && !device[0]; i++) {
    snprintf(device, sizeof device, "/dev/pps%d", i);
    if (access(device, R_OK | W_OK) != 0)
      device[0] = '\0';
  }
  if (!device[0]) {
    printf("no /dev/pps0../dev/pps9 here: the PPS device test skips\n");
    return 77;
  }
  Suite *s = suite_create("tic_pps");
  TCase *tc = tcase_create("device");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_pps_device);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
