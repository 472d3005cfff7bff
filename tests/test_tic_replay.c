/* The replay driver, and tracks built from a replayed TIC log compared with the mean,
 * deviation and counts this file computes its own way.  The log
 * (tests/data/tic/53230a-1pps-two-slots.log) is a real 53230A 1PPS record with outliers,
 * gaps, duplicated and out-of-order seconds, garbage lines and a slot of readings near
 * 1 s; its header says what was added where. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/clock.h"
#include "core/drvconf.h"
#include "core/timeutil.h"
#include "tests/testutil.h"
#include "tic/tic.h"
#include "track/builder.h"

TCase *tic_replay_tcase(void);

#define S0 (1735689600LL * NS_PER_S) /* 2025-01-01T00:00:00Z, where the log starts */
#define MAXR 1300

static char log_path[512];

static const char *the_log(void)
{
  snprintf(log_path, sizeof log_path, "%s/tests/data/tic/53230a-1pps-two-slots.log",
           th_srcdir());
  return log_path;
}

/* This test's own reading of a log line: 1 with t and raw, 0 for a comment, -1 garbage. */
static int own_line(char *line, int64_t *t, double *raw)
{
  line[strcspn(line, "#\n")] = '\0';
  char a[64], b[64], c[8];
  int n = sscanf(line, "%63s %63s %7s", a, b, c);
  if (n <= 0)
    return 0;
  if (n != 2)
    return -1;
  struct tm tm = {0};
  char z;
  int used = 0;
  if (strspn(a, "0123456789") == strlen(a)) {
    *t = atoll(a) * NS_PER_S;
  } else if (sscanf(a, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &used) == 7 &&
             z == 'Z' && used == 20 && tm.tm_mon >= 1 && tm.tm_mon <= 12) {
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *t = (int64_t)timegm(&tm) * NS_PER_S;
  } else
    return -1;
  char *end;
  *raw = strtod(b, &end);
  return *end || !isfinite(*raw) ? -1 : 1;
}

struct own {
  long garbage, duplicates, out_of_order, wrapped;
  int n;
  int64_t t[MAXR];
  double ns[MAXR];
};

static void own_read(const char *path, struct own *o)
{
  memset(o, 0, sizeof *o);
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "cannot read %s", path);
  char line[512];
  int64_t last = 0, t;
  double raw;
  while (fgets(line, sizeof line, f)) {
    int rc = own_line(line, &t, &raw);
    if (rc < 0)
      o->garbage++;
    if (rc <= 0)
      continue;
    if (t == last) {
      o->duplicates++;
      continue;
    }
    if (t < last) {
      o->out_of_order++;
      continue;
    }
    last = t;
    o->wrapped += raw > 0.5;
    o->t[o->n] = t;
    o->ns[o->n++] = (raw > 0.5 ? raw - 1.0 : raw) * 1e9;
  }
  fclose(f);
}

static int cmp_d(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* This slot's track computed here: outliers are what lies more than 100 ns from the
 * median (the log's outliers are 250 and 300 ns off, its noise 0.1 ns wide); then a least
 * squares line in long double, its value at the slot's midpoint and the deviation of the
 * used samples about it. */
static void own_track(const struct own *o, int64_t slot, double *value, double *sigma,
                      int *used, int *rejected, int *missing)
{
  double y[MAXR], srt[MAXR];
  int64_t tt[MAXR];
  int m = 0;
  for (int i = 0; i < o->n; i++)
    if (o->t[i] >= slot && o->t[i] < slot + SLOT_NS) {
      tt[m] = o->t[i];
      srt[m] = y[m] = o->ns[i];
      m++;
    }
  qsort(srt, (size_t)m, sizeof *srt, cmp_d);
  double med = m % 2 ? srt[m / 2] : 0.5 * (srt[m / 2 - 1] + srt[m / 2]);
  long double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int k = 0;
  const int64_t mid = slot + SLOT_NS / 2;
  for (int i = 0; i < m; i++)
    if (fabs(y[i] - med) <= 100) {
      long double x = (long double)(tt[i] - mid) / 1e9L;
      sx += x, sy += y[i], sxx += x * x, sxy += x * y[i];
      k++;
    }
  long double b = (k * sxy - sx * sy) / (k * sxx - sx * sx), a = (sy - b * sx) / k, ss = 0;
  for (int i = 0; i < m; i++)
    if (fabs(y[i] - med) <= 100) {
      long double r = y[i] - (a + b * (long double)(tt[i] - mid) / 1e9L);
      ss += r * r;
    }
  *value = (double)a;
  *sigma = (double)sqrtl(ss / (k - 2));
  *used = k;
  *rejected = m - k;
  *missing = SLOT_S - m;
}

/* Replays path through tic_read into the track builder; returns the tracks taken. */
static int replay_tracks(const char *path, struct tic *t, struct track *out, int max)
{
  struct drvconf c = {.driver = "replay", .n_opts = 1, .key = {"pace"}, .val = {"fast"}};
  snprintf(c.device, sizeof c.device, "%s", path);
  char err[256];
  ck_assert_msg(tic_open(t, &c, err, sizeof err) == 0, "%s", err);
  struct tb_params p;
  tb_params_default(&p, "r1");
  struct track_builder *b = malloc(sizeof *b);
  tb_init(b, &p);
  struct tic_reading r;
  int rc;
  while ((rc = tic_read(t, &r, clk_now() + NS_PER_S, err, sizeof err)) == 1) {
    struct tb_sample s = {.t = r.t, .ns = r.ns, .true_x_ns = NAN, .fix = RX_FIX_TIME,
                          .sats_visible = 9, .sats_used = 8};
    tb_add(b, &s);
  }
  ck_assert_msg(rc == 0, "replay failed: %s", err);
  int n = 0;
  while (n < max && tb_take(b, &out[n]))
    n++;
  tb_free(b);
  free(b);
  return n;
}

static void check_tracks(const struct track *tr, int n, const struct own *o)
{
  ck_assert_int_eq(n, 2);
  static const int want_used[2] = {565, 597}, want_missing[2] = {30, 0};
  for (int i = 0; i < 2; i++) {
    double value, sigma;
    int used, rejected, missing;
    own_track(o, S0 + i * SLOT_NS, &value, &sigma, &used, &rejected, &missing);
    ck_assert_int_eq(tr[i].slot, S0 + i * SLOT_NS);
    ck_assert_int_eq(used, want_used[i]);
    ck_assert_int_eq(missing, want_missing[i]);
    ck_assert_int_eq(tr[i].n_used, used);
    ck_assert_int_eq(tr[i].n_rejected, rejected);
    ck_assert_int_eq(tr[i].n_missing, missing);
    ck_assert(!tr[i].low_count);
    ck_assert_msg(fabs(tr[i].value_ns - value) < 1e-6, "slot %d: value %.9f, here %.9f", i,
                  tr[i].value_ns, value);
    ck_assert_msg(fabs(tr[i].sigma_ns - sigma) < 1e-6 * sigma, "slot %d: sigma %.9g, here %.9g",
                  i, tr[i].sigma_ns, sigma);
  }
  /* The cable delay of the record, and 20 ns less in the second slot. */
  ck_assert(fabs(tr[0].value_ns - 10.12) < 0.02);
  ck_assert(fabs(tr[1].value_ns + 9.88) < 0.02);
  ck_assert(tr[0].sigma_ns > 0.005 && tr[0].sigma_ns < 0.05);
}

START_TEST(test_replay_tracks)
{
  struct own *o = malloc(sizeof *o);
  own_read(the_log(), o);
  ck_assert_int_eq(o->garbage, 7);
  ck_assert_int_eq(o->duplicates, 6);
  ck_assert_int_eq(o->out_of_order, 2);
  ck_assert_int_eq(o->wrapped, 605);
  struct tic t;
  struct track tr[4];
  int n = replay_tracks(the_log(), &t, tr, 4);
  ck_assert_int_eq(t.counts.garbage, o->garbage);
  ck_assert_int_eq(t.counts.duplicates, o->duplicates);
  ck_assert_int_eq(t.counts.out_of_order, o->out_of_order);
  ck_assert_int_eq(t.counts.wrapped, o->wrapped);
  ck_assert_int_eq(t.counts.readings, o->n);
  ck_assert_int_eq(t.counts.errors, 0);
  tic_close(&t);
  check_tracks(tr, n, o);
  free(o);
}
END_TEST

START_TEST(test_replay_gzip)
{
  /* The same log compressed, as logs are archived: the same tracks. */
  char *dir = th_mkdtemp("replay");
  char gz[600];
  snprintf(gz, sizeof gz, "%s/log.gz", dir);
  char *text = th_read_file(the_log());
  ck_assert_ptr_nonnull(text);
  gzFile f = gzopen(gz, "wb");
  ck_assert_int_eq(gzputs(f, text), (int)strlen(text));
  gzclose(f);
  free(text);
  struct own *o = malloc(sizeof *o);
  own_read(the_log(), o);
  struct tic t;
  struct track tr[4];
  int n = replay_tracks(gz, &t, tr, 4);
  ck_assert_int_eq(t.counts.garbage, 7);
  tic_close(&t);
  check_tracks(tr, n, o);
  free(o);
  th_rmtree(dir);
  free(dir);
}
END_TEST

/* A time field no int64_t nanoseconds can hold is garbage, not an overflow (issue 10). */
START_TEST(test_replay_time_out_of_range)
{
  char *dir = th_mkdtemp("replay-range");
  char path[200];
  snprintf(path, sizeof path, "%s/r.log", dir);
  th_write_file(path, "99999999999 0.5e-6\n-99999999999 0.5e-6\n9999-01-01T00:00:00Z 0.5e-6\n"
                      "1735689600 0.5e-6\n");
  struct tic t;
  struct tb_params p;
  tb_params_default(&p, "r1");
  struct drvconf c = {.driver = "replay", .n_opts = 1, .key = {"pace"}, .val = {"fast"}};
  snprintf(c.device, sizeof c.device, "%s", path);
  char err[256];
  ck_assert_msg(tic_open(&t, &c, err, sizeof err) == 0, "%s", err);
  struct tic_reading r;
  ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 1);
  ck_assert_int_eq(r.t, 1735689600LL * NS_PER_S);
  ck_assert_int_eq(t.counts.garbage, 3);
  tic_close(&t);
  th_rmtree(dir);
  free(dir);
}
END_TEST

static int open_replay(struct tic *t, const char *path, const char *pace)
{
  struct drvconf c = {.driver = "replay", .n_opts = 1, .key = {"pace"}};
  snprintf(c.device, sizeof c.device, "%s", path);
  snprintf(c.val[0], sizeof c.val[0], "%s", pace);
  char err[256];
  int rc = tic_open(t, &c, err, sizeof err);
  ck_assert_msg(rc == 0, "%s", err);
  return rc;
}

START_TEST(test_replay_paced_manual)
{
  /* A reading comes once the clock source has reached its second, and not before. */
  struct clk_conf cc = {.kind = CLK_MANUAL, .start = S0 + 5 * NS_PER_S + NS_PER_S / 2};
  clk_configure(&cc);
  struct tic t;
  open_replay(&t, the_log(), "clock");
  struct tic_reading r;
  char err[256];
  for (int i = 0; i <= 5; i++) {
    ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 1);
    ck_assert_int_eq(r.t, S0 + i * NS_PER_S);
  }
  ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 0);
  clk_set(S0 + 7 * NS_PER_S);
  ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 1);
  ck_assert_int_eq(r.t, S0 + 6 * NS_PER_S);
  ck_assert(fabs(r.ns - 10.099) < 1e-9);
  ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 1);
  ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 0);
  tic_close(&t);
}
END_TEST

START_TEST(test_replay_paced_sim)
{
  /* The whole log on a simulated clock that moves when the reader waits (a lockstep
   * clock with the test as its one participant): every reading on or after its second,
   * none lost, then nothing more once the log has ended. */
  char *dir = th_mkdtemp("replay-sim"), clock[1200];
  th_lockstep(dir, S0 - NS_PER_S, clock, sizeof clock);
  struct tic t;
  open_replay(&t, the_log(), "clock");
  struct tic_reading r;
  char err[256];
  long n = 0;
  while (clk_now() < S0 + 1210 * NS_PER_S) {
    int rc = tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err);
    ck_assert_int_ge(rc, 0);
    if (rc == 1) {
      ck_assert_msg(clk_now() >= r.t, "reading of %lld handed out %lld ns early",
                    (long long)r.t, (long long)(r.t - clk_now()));
      n++;
    }
  }
  ck_assert_int_eq(n, 1175);
  ck_assert_int_eq(tic_read(&t, &r, clk_now() + NS_PER_S, err, sizeof err), 0);
  tic_close(&t);
  clk_thread_leave();
  th_rmtree(dir);
  free(dir);
}
END_TEST

TCase *tic_replay_tcase(void)
{
  TCase *tc = tcase_create("replay");
  tcase_add_test(tc, test_replay_tracks);
  tcase_add_test(tc, test_replay_gzip);
  tcase_add_test(tc, test_replay_paced_manual);
  tcase_add_test(tc, test_replay_paced_sim);
  tcase_add_test(tc, test_replay_time_out_of_range);
  return tc;
}
