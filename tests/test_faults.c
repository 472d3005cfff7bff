/* Faults injected (issue 10), part one: the server and the sites killed with SIGKILL at
 * random points of a fixed-seed schedule, and the network cut for days.  Then the books:
 * no track lost or duplicated (each site's spool against the server's store), no phase
 * step made twice, every clock under 50 ns for good within 4 h of the last fault (6 h
 * after days of holdover).  The disk filled and the databases held locked are in
 * test_faults_disk.c.  Each test prints its figures. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/timeutil.h"
#include "sim/netcut.h"
#include "sim/rng.h"
#include "tests/cluster.h"
#include "tests/testutil.h"

#define KILL_SEED 20261202
#define KILL_TRIALS 60

static pid_t *pid_of(struct cluster *c, int who)
{
  return who < 0 ? &c->server : &c->site[who];
}

static void start_again(struct cluster *c, int who)
{
  if (who < 0)
    cl_start_server(c);
  else
    cl_start_site(c, who);
}

/* Every site's tracks at the server exactly once, no phase step made twice; the number of
 * tracks in all, and of phase steps made in *steps. */
static long long books(struct cluster *c, int *steps)
{
  long long n = 0;
  *steps = 0;
  for (int k = 0; k <= c->remotes; k++) {
    int twice;
    n += cl_check_exactly_once(c, k);
    *steps += cl_phase_steps(c, k, &twice);
    ck_assert_int_eq(twice, 0);
  }
  return n;
}

/* The hours after from_h at which remote k's true |x| was last 50 ns or more (0 if never). */
static double last_over_50(struct cluster *c, int k, double from_h)
{
  sqlite3 *db = cl_spool_db(c, k);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT coalesce(max(t), 0) FROM truth WHERE abs(x_ns) >= 50 AND t >= %lld",
           (long long)(c->start + (int64_t)(from_h * 3600e9)));
  long long t = cl_query_int(db, sql);
  sqlite3_close(db);
  return t > 0 ? (double)(t - c->start) / 3600e9 - from_h : 0;
}

/* Under 50 ns for good within `within` hours after from_h, up to to_h; LOCKED at the server. */
static void assert_relocked(struct cluster *c, double from_h, double within, double to_h)
{
  for (int k = 1; k <= c->remotes; k++) {
    double after = cl_max_true_x(c, k, from_h + within, to_h);
    ck_assert_msg(after < 50, "%s at %.1f ns from %.0f h after the fault on", cl_name(k), after,
                  within);
    fprintf(stderr, "%s: under 50 ns for good %.2f h after the last fault\n", cl_name(k),
            last_over_50(c, k, from_h));
  }
  sqlite3 *db = cl_server_db(c);
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM clocks WHERE state = 'LOCKED'");
  ck_assert_int_eq(cl_query_int(db, sql), c->remotes);
  sqlite3_close(db);
}

/* SIGKILL of the server or a site at a time drawn from a fixed seed: just after a slot's
 * end, when tracks are stored and sent, and a random few milliseconds of wall time into
 * that instant's work (the clock holds still meanwhile), so the kill lands within a write
 * or an exchange as often as between them; the victim is started again after up to half
 * an hour. */
START_TEST(test_sigkill_schedule)
{
  struct cluster c;
  cl_init(&c, "faultkill", 2, NULL);
  cl_start_all(&c);
  struct rng r;
  rng_seed(&r, KILL_SEED, 1);
  int count[CL_MAX + 1] = {0};
  double t = 1;
  for (int i = 0; i < KILL_TRIALS; i++) {
    t += 0.25 + rng_uniform(&r);
    double at = floor(t * 6) / 6 + (5 + 60 * rng_uniform(&r)) / 3600;
    int who = (int)(rng_uniform(&r) * (c.remotes + 2)) - 1;
    double down = 0.5 * rng_uniform(&r), wall_ms = 30 * rng_uniform(&r);
    cl_wait_hours(&c, at);
    th_sleep(wall_ms / 1000);
    pid_t *p = pid_of(&c, who);
    ck_assert_int_eq(kill(*p, SIGKILL), 0);
    ck_assert_int_eq(waitpid(*p, NULL, 0), *p);
    *p = 0;
    count[who + 1]++;
    t = at + down;
    cl_wait_hours(&c, t);
    start_again(&c, who);
  }
  double end = t + 8;
  cl_wait_hours(&c, end);
  cl_stop(&c);
  int steps;
  long long n = books(&c, &steps);
  assert_relocked(&c, t, 4, end);
  fprintf(stderr, "SIGKILL schedule (seed %d): %d trials over %.1f h (server %d, ref %d, r1 %d, "
          "r2 %d); %lld tracks at the server, lost 0, duplicated 0; %d phase steps, none made "
          "twice\n", KILL_SEED, KILL_TRIALS, t, count[0], count[1], count[2], count[3], n, steps);
  cl_cleanup(&c);
}
END_TEST

/* Both remotes cut off from the server for three simulated days: they hold over and keep
 * their tracks; mended, they send everything once and lock again. */
START_TEST(test_network_cut_for_days)
{
  struct cluster c;
  char err[256];
  cl_init(&c, "faultcut", 2, NULL);
  struct netcut *net = netcut_start(NULL, c.remotes, c.port, err, sizeof err);
  ck_assert_msg(net != NULL, "%s", err);
  for (int k = 1; k <= c.remotes; k++)
    c.nc.site_port[k] = netcut_port(net, k - 1);
  cl_start_all(&c);
  cl_wait_hours(&c, 8);
  for (int k = 0; k < c.remotes; k++)
    netcut_set(net, k, 1);
  cl_wait_hours(&c, 80);
  for (int k = 0; k < c.remotes; k++)
    netcut_set(net, k, 0);
  cl_wait_hours(&c, 92);
  cl_stop(&c);
  netcut_stop(net);
  int steps;
  long long n = books(&c, &steps);
  for (int k = 1; k <= c.remotes; k++) {
    char *log = cl_logs(&c, cl_name(k));
    ck_assert_msg(strstr(log, "holdover from") && strstr(log, "holdover ended"), "%s: %s",
                  cl_name(k), "no holdover said");
    free(log);
    fprintf(stderr, "%s: |x| at most %.1f ns in the 72 h cut\n", cl_name(k),
            cl_max_true_x(&c, k, 8, 80));
  }
  assert_relocked(&c, 80, 6, 92);
  fprintf(stderr, "network cut 72 h: %lld tracks at the server, lost 0, duplicated 0; %d phase "
          "steps, none made twice\n", n, steps);
  cl_cleanup(&c);
}
END_TEST

/* Samples the spool of site k holds from slots starting in [from_h, to_h). */
static long long samples_in(struct cluster *c, int k, double from_h, double to_h)
{
  sqlite3 *db = cl_spool_db(c, k);
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT coalesce(sum(json_extract(json, '$.n_used')), 0) FROM tracks "
           "WHERE slot >= %lld AND slot < %lld",
           (long long)(c->start + (int64_t)(from_h * 3600e9)),
           (long long)(c->start + (int64_t)(to_h * 3600e9)));
  long long n = cl_query_int(db, sql);
  sqlite3_close(db);
  return n;
}

/* r1's host clock an hour ahead for 2 h, r2's 30 s behind for 1 h, each from 05:03 into a
 * slot: the sites refuse the readings their clocks would label with the wrong second and
 * say so; no track of one time goes out as another's, readings come back as soon as the
 * clocks agree again, and the books and the locks hold. */
START_TEST(test_host_clock_steps)
{
  struct cluster c;
  cl_init(&c, "hostclock", 2,
          "host_clock_step 6.05 2 3600 r1\nhost_clock_step 6.05 1 -30 r2\n");
  cl_start_all(&c);
  cl_wait_hours(&c, 14);
  cl_stop(&c);
  int steps;
  long long n = books(&c, &steps);
  /* Slots wholly inside a step have no samples; each slot after it has most of its 600. */
  ck_assert_int_eq(samples_in(&c, 1, 6.1 + 1e-9, 8.0), 0);
  ck_assert_int_eq(samples_in(&c, 2, 6.1 + 1e-9, 7.0), 0);
  long long after1 = samples_in(&c, 1, 8.1 + 1e-9, 9.1), after2 = samples_in(&c, 2, 7.1 + 1e-9, 8.1);
  ck_assert_msg(after1 >= 6 * 590 && after2 >= 6 * 590,
                "samples in the hour after the clocks agree again: r1 %lld, r2 %lld of 3600",
                after1, after2);
  cl_assert_said(&c, "r1", "the host clock reads +3600.000 s from the receiver's UTC");
  cl_assert_said(&c, "r2", "the host clock reads -30.000 s from the receiver's UTC");
  cl_assert_said(&c, "r1", "the host clock agrees with the receiver's UTC again");
  assert_relocked(&c, 8.05, 4, 14);
  fprintf(stderr, "host clocks stepped (r1 +3600 s for 2 h, r2 -30 s for 1 h): no sample in a "
          "slot of the steps, r1 %lld and r2 %lld samples in the hour after; %lld tracks at "
          "the server, lost 0, duplicated 0; %d phase steps, none made twice\n",
          after1, after2, n, steps);
  cl_cleanup(&c);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("faults");
  TCase *tc = tcase_create("faults");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_sigkill_schedule);
  tcase_add_test(tc, test_network_cut_for_days);
  suite_add_tcase(s, tc);
  TCase *hc = tcase_create("hostclock");
  tcase_set_timeout(hc, 600);
  tcase_add_test(hc, test_host_clock_steps);
  suite_add_tcase(s, hc);
  return th_run_suite(s, CK_VERBOSE);
}
