/* Gaps (issue 14): GRADEV on a small case worked by hand; a clean series with 5 % of its
 * values removed at random and in blocks gives every statistic with a 95 % interval (from
 * the terms used) that holds the clean series' value, with counts equal to an independent count of the terms that meet no
 * gap (phase and frequency data); and the reader's gaps: nan, empty fields, a marker, a
 * time column in seconds, MJD and ISO 8601 with missing times. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "stats/stats.h"
#include "tests/testutil.h"

/* Hand-checked (phase, tau0 1 s, x(2) missing):
 *   m = 1: of the five differences only x5 - 2x4 + x3 = 4 - 10 + 3 = -3 and
 *          x6 - 2x5 + x4 = 6 - 8 + 5 = 3 meet no gap: GRADEV = sqrt(18 / (2 * 2 * 1)).
 *   m = 2: of three, only x5 - 2x3 + x1 = 4 - 6 + 1 = -1: GRADEV = sqrt(1 / (2 * 1 * 4)). */
START_TEST(test_gradev_by_hand)
{
  double x[7] = {0, 1, NAN, 3, 5, 4, 6};
  struct st_data d;
  char err[256];
  ck_assert_int_eq(st_data_phase(&d, x, 7, 1.0, err, sizeof err), 0);
  size_t c;
  ck_assert_double_eq_tol(st_gradev(&d, 1, &c), sqrt(4.5), 1e-14);
  ck_assert_uint_eq(c, 2);
  ck_assert_double_eq_tol(st_gradev(&d, 2, &c), sqrt(0.125), 1e-14);
  ck_assert_uint_eq(c, 1);
  ck_assert_double_eq(st_gradev(&d, 3, &c), 0.0); /* x6 - 2x3 + x0 = 6 - 6 + 0 */
  ck_assert_uint_eq(c, 1);
  ck_assert(isnan(st_gradev(&d, 4, &c)));
  ck_assert_uint_eq(c, 0);
  st_data_free(&d);
}
END_TEST

enum { N = 20000 };

/* Removes 5 % of the points: 3.5 % at random and three blocks of 100. */
static void punch(double *v, size_t n, unsigned seed, unsigned char *miss)
{
  struct rng r;
  rng_seed(&r, seed, 5);
  memset(miss, 0, n);
  for (size_t i = 1; i + 1 < n; i++)
    if (rng_uniform(&r) < 0.035)
      miss[i] = 1;
  static const size_t at[3] = {3000, 9000, 15500};
  for (int b = 0; b < 3; b++)
    memset(miss + at[b], 1, 100);
  for (size_t i = 0; i < n; i++)
    if (miss[i])
      v[i] = NAN;
}

/* Independently: the terms of s at m that touch no missing point (phase data, miss[] by
 * phase point) or span no missing value (frequency data, miss[] by value), by prefix
 * counts of the missing. */
static size_t count_clean(enum st_stat s, const unsigned char *miss, size_t nmiss_len,
                          size_t n, size_t m, int freq)
{
  size_t *pre = calloc(nmiss_len + 1, sizeof *pre), c = 0;
  for (size_t i = 0; i < nmiss_len; i++)
    pre[i + 1] = pre[i] + miss[i];
#define PT(i) (miss[(i)] != 0)
#define SPAN(a, b) (pre[(b)] - pre[(a)] == 0) /* values a .. b-1 all there */
  size_t order = s == ST_HDEV || s == ST_OHDEV ? 3 : 2;
  size_t step = s == ST_ADEV || s == ST_HDEV ? m : 1;
  if (s == ST_MDEV) {
    for (size_t j = 0; j + 3 * m <= n; j++)
      c += freq ? SPAN(j, j + 3 * m - 1) : SPAN(j, j + 3 * m);
  } else if (s == ST_MTIE) { /* every point of the window */
    for (size_t i = 0; i + m < n; i++)
      c += freq ? SPAN(i, i + m) : SPAN(i, i + m + 1);
  } else if (s == ST_TIERMS) { /* x(i+m) - x(i) */
    for (size_t i = 0; i + m < n; i++)
      c += freq ? SPAN(i, i + m) : !PT(i) && !PT(i + m);
  } else {
    for (size_t i = 0; i + order * m < n; i += step) {
      int ok = 1;
      if (freq)
        ok = SPAN(i, i + order * m);
      else
        for (size_t k = 0; k <= order; k++)
          ok &= !PT(i + k * m);
      c += (size_t)ok;
    }
  }
#undef PT
#undef SPAN
  free(pre);
  return c;
}

static void check_within(const struct st_data *clean, const struct st_data *gapped,
                         const unsigned char *miss, size_t nmiss_len, int freq)
{
  static const enum st_stat stats[] = {ST_ADEV, ST_OADEV, ST_MDEV, ST_HDEV, ST_OHDEV,
                                       ST_TOTDEV, ST_GRADEV};
  size_t *afs, naf;
  int limited;
  char err[256];
  unsigned mask = 0;
  for (size_t k = 0; k < sizeof stats / sizeof stats[0]; k++)
    mask |= 1u << stats[k];
  ck_assert_int_eq(st_taus("octave", clean->n, 1.0, mask, &afs, &naf, &limited, err,
                           sizeof err), 0);
  struct st_result *rc = malloc(sizeof *rc * naf * ST_NSTATS);
  struct st_result *rg = malloc(sizeof *rg * naf * ST_NSTATS);
  st_analyze(clean, mask, afs, naf, limited, 0.95, 1, rc);
  st_analyze(gapped, mask, afs, naf, limited, 0.95, 1, rg);
  size_t compared = 0;
  for (size_t k = 0; k < naf; k++)
    for (size_t j = 0; j < sizeof stats / sizeof stats[0]; j++) {
      enum st_stat s = stats[j];
      const struct st_result *a = &rc[k * ST_NSTATS + s], *b = &rg[k * ST_NSTATS + s];
      if (isnan(a->dev) || b->count == 0)
        continue;
      if (s != ST_TOTDEV) {
        size_t want = count_clean(s == ST_GRADEV ? ST_OADEV : s, miss, nmiss_len, clean->n,
                                  afs[k], freq);
        ck_assert_msg(b->count == want, "%s m=%zu: %zu terms used, %zu by count",
                      st_stat_name(s), afs[k], b->count, want);
      }
      ck_assert_msg(b->count <= a->count, "%s m=%zu: more terms with gaps", st_stat_name(s),
                    afs[k]);
      if (isnan(b->lo))
        continue; /* no noise type from so few clean terms: no interval to hold it */
      ck_assert_msg(a->dev >= b->lo && a->dev <= b->hi,
                    "%s m=%zu: clean %.4e outside the gapped interval [%.4e, %.4e]",
                    st_stat_name(s), afs[k], a->dev, b->lo, b->hi);
      ck_assert_msg(b->count == a->count || (b->hi - b->lo) / b->dev >= (a->hi - a->lo) / a->dev,
                    "%s m=%zu: fewer terms, a narrower interval", st_stat_name(s), afs[k]);
      compared++;
    }
  ck_assert_uint_ge(compared, 40);
  /* TIE rms and MTIE have no interval: their counts, and MTIE no smaller than any window's
   * peak-to-peak it could see (it is a maximum over fewer windows: at most the clean one). */
  unsigned tmask = 1u << ST_TIERMS | 1u << ST_MTIE;
  st_analyze(clean, tmask, afs, naf, limited, 0.0, 0, rc);
  st_analyze(gapped, tmask, afs, naf, limited, 0.0, 0, rg);
  for (size_t k = 0; k < naf; k++)
    for (int s = ST_TIERMS; s <= ST_MTIE; s++) {
      const struct st_result *a = &rc[k * ST_NSTATS + s], *b = &rg[k * ST_NSTATS + s];
      if (isnan(a->dev))
        continue;
      size_t want = count_clean((enum st_stat)s, miss, nmiss_len, clean->n, afs[k], freq);
      ck_assert_msg(b->count == want, "%s m=%zu: %zu terms used, %zu by count",
                    st_stat_name((enum st_stat)s), afs[k], b->count, want);
      if (s == ST_MTIE && b->count)
        ck_assert(b->dev <= a->dev * (1.0 + 1e-9)); /* the same windows, rounded otherwise */
    }
  free(rc);
  free(rg);
  free(afs);
}

/* Phase: white FM plus random walk FM, a millisecond offset. */
START_TEST(test_phase_gaps_within_ci)
{
  double *x = malloc(sizeof *x * N), *xg = malloc(sizeof *xg * N);
  unsigned char *miss = malloc(N);
  struct rng r;
  rng_seed(&r, 14, 1);
  double y = 0.0;
  x[0] = 1e-3;
  for (size_t i = 1; i < N; i++) {
    y += 1e-14 * rng_normal(&r);
    x[i] = x[i - 1] + 1e-12 * rng_normal(&r) + y;
  }
  memcpy(xg, x, sizeof *x * N);
  punch(xg, N, 3, miss);
  struct st_data dc, dg;
  char err[256];
  ck_assert_int_eq(st_data_phase(&dc, x, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&dg, xg, N, 1.0, err, sizeof err), 0);
  size_t nmiss = 0;
  for (size_t i = 0; i < N; i++)
    nmiss += miss[i];
  ck_assert_uint_eq(dg.ngap, nmiss);
  check_within(&dc, &dg, miss, N, 0);
  st_data_free(&dc);
  st_data_free(&dg);
  free(x);
  free(xg);
  free(miss);
}
END_TEST

/* Frequency: white FM with a 2e-9 offset; no term spans a missing value. */
START_TEST(test_freq_gaps_within_ci)
{
  double *y = malloc(sizeof *y * N), *yg = malloc(sizeof *yg * N);
  unsigned char *miss = malloc(N);
  struct rng r;
  rng_seed(&r, 15, 1);
  for (size_t i = 0; i < N; i++)
    y[i] = 2e-9 + 1e-11 * rng_normal(&r);
  memcpy(yg, y, sizeof *y * N);
  punch(yg, N, 4, miss);
  struct st_data dc, dg;
  char err[256];
  ck_assert_int_eq(st_data_freq(&dc, y, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_freq(&dg, yg, N, 1.0, err, sizeof err), 0);
  check_within(&dc, &dg, miss, N, 1);
  st_data_free(&dc);
  st_data_free(&dg);
  free(y);
  free(yg);
  free(miss);
}
END_TEST

/* The reader: nan, empty fields and a marker are gaps; a time column in MJD with missing
 * times; ISO 8601; tau0 from the times. */
START_TEST(test_reader_gaps)
{
  char *dir = th_mkdtemp("gaps");
  char path[512], err[256];
  struct st_series s;
  struct st_load_opts o = {0};
  snprintf(path, sizeof path, "%s/a.csv", dir);
  th_write_file(path, "1,5\n2,nan\n3,\n4,0\n5,7\n,8\n6;9\n");
  o.column = 2;
  o.gap_marker = "0";
  ck_assert_int_eq(st_load_series(path, &o, &s, err, sizeof err), 0);
  ck_assert_uint_eq(s.n, 7);
  ck_assert_uint_eq(s.ngap, 3);
  ck_assert(isnan(s.v[1]) && isnan(s.v[2]) && isnan(s.v[3]) && s.v[5] == 8.0);
  ck_assert_uint_eq(s.first_gap_line, 2);
  st_series_free(&s);

  /* MJD at 10-minute steps with two slots missing, one repeated time refused. */
  snprintf(path, sizeof path, "%s/mjd.txt", dir);
  FILE *f = fopen(path, "w");
  for (int i = 0; i < 200; i++)
    if (i != 50 && i != 51 && i != 120)
      fprintf(f, "%.8f %g\n", 60676.0 + i / 144.0, 1e-9 * i);
  fclose(f);
  o = (struct st_load_opts){.column = 2, .time_column = 1};
  ck_assert_int_eq(st_load_series(path, &o, &s, err, sizeof err), 0);
  ck_assert_uint_eq(s.n, 200);
  ck_assert_uint_eq(s.nmissing, 3);
  ck_assert_uint_eq(s.ngap, 3);
  ck_assert_double_eq_tol(s.tau0, 600.0, 1e-3);
  ck_assert(isnan(s.v[50]) && isnan(s.v[51]) && isnan(s.v[120]) && s.v[199] == 199e-9);
  st_series_free(&s);

  snprintf(path, sizeof path, "%s/iso.txt", dir);
  th_write_file(path, "2025-01-01T00:00:00Z 1\n2025-01-01T00:00:01Z 2\n"
                      "2025-01-01T00:00:04.0000001Z 5\n2025-01-01T00:00:05Z 6\n");
  o = (struct st_load_opts){.column = 2, .time_column = 1, .tau0 = 1.0};
  ck_assert_int_eq(st_load_series(path, &o, &s, err, sizeof err), 0);
  ck_assert_uint_eq(s.n, 6);
  ck_assert_uint_eq(s.nmissing, 2);
  ck_assert_double_eq(s.t0, 1735689600.0);
  st_series_free(&s);

  /* TICC logs as written: interval mode, and TimeLab mode with second 12 missing. */
  o = (struct st_load_opts){0};
  snprintf(path, sizeof path, "%s/ti.log", dir);
  th_write_file(path, "# TICC\r\n1.2e-9 TI(A->B)\r\n1.3e-9 TI(A->B)\r\n");
  ck_assert_int_eq(st_load_series(path, &o, &s, err, sizeof err), 0);
  ck_assert_str_eq(s.format, "ticc interval");
  ck_assert_uint_eq(s.n, 2);
  ck_assert_double_eq(s.v[1], 1.3e-9);
  st_series_free(&s);
  snprintf(path, sizeof path, "%s/tl.log", dir);
  th_write_file(path, "10.25000000000 A\n10.25000000120 B\n0.00000000120 chC (B - A)\n"
                      "11.25000000000 A\n11.25000000130 B\n0.00000000130 chC (B - A)\n"
                      "12.25000000000 A\n"
                      "13.25000000000 A\n13.25000000110 B\n0.00000000110 chC (B - A)\n");
  ck_assert_int_eq(st_load_series(path, &o, &s, err, sizeof err), 0);
  ck_assert_str_eq(s.format, "ticc timelab");
  ck_assert_uint_eq(s.n, 4);
  ck_assert_uint_eq(s.nmissing, 1);
  ck_assert(isnan(s.v[2]) && s.v[3] == 1.1e-9);
  ck_assert_double_eq_tol(s.tau0, 1.0, 1e-9);
  st_series_free(&s);
  th_rmtree(dir);
  free(dir);
}
END_TEST

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* The factors shared among threads give the same doubles, counts and noise types as one
 * thread, with and without gaps, phase and frequency data; and the automatic choice too. */
START_TEST(test_threads_same)
{
  const size_t n = 120000;
  double *x = malloc(sizeof *x * n);
  unsigned char *miss = malloc(n);
  ck_assert(x && miss);
  struct rng r;
  rng_seed(&r, 21, 2);
  double y = 0.0;
  for (size_t i = 0; i < n; i++) {
    y += 1e-13 * rng_normal(&r);
    x[i] = (i ? x[i - 1] : 0.0) + y + 1e-11 * rng_normal(&r);
  }
  unsigned mask = ST_ALL_STATS & ~(1u << ST_MTIE);
  for (int kind = 0; kind < 3; kind++) {
    if (kind == 2)
      punch(x, N, 9, miss); /* the gaps in the first N points */
    struct st_data d;
    char err[256];
    ck_assert_int_eq(kind == 1 ? st_data_freq(&d, x, n, 1.0, err, sizeof err)
                               : st_data_phase(&d, x, n, 1.0, err, sizeof err),
                     0);
    size_t *afs, naf;
    int limited;
    ck_assert_int_eq(st_taus("octave", d.n, 1.0, mask, &afs, &naf, &limited, err, sizeof err),
                     0);
    struct st_result *res[4];
    static const unsigned threads[4] = {1, 2, 3, 0};
    for (int t = 0; t < 4; t++) {
      res[t] = malloc(sizeof **res * naf * ST_NSTATS);
      ck_assert_ptr_nonnull(res[t]);
      st_set_threads(threads[t]);
      st_analyze(&d, mask, afs, naf, limited, 0.683, 0, res[t]);
    }
    st_set_threads(0);
    size_t with_ci = 0;
    for (int t = 1; t < 4; t++)
      for (size_t j = 0; j < naf * ST_NSTATS; j++) {
        const struct st_result *a = &res[0][j], *b = &res[t][j];
        ck_assert_msg(same_bits(a->dev, b->dev) && a->count == b->count &&
                          a->alpha == b->alpha && same_bits(a->edf, b->edf) &&
                          same_bits(a->lo, b->lo) && same_bits(a->hi, b->hi),
                      "kind %d, %u threads, factor %zu stat %zu: %.17g against %.17g", kind,
                      threads[t], afs[j / ST_NSTATS], j % ST_NSTATS, b->dev, a->dev);
        with_ci += t == 1 && isfinite(a->lo);
      }
    ck_assert_uint_gt(with_ci, naf * 4); /* intervals were computed and compared */
    for (int t = 0; t < 4; t++)
      free(res[t]);
    free(afs);
    st_data_free(&d);
  }
  free(x);
  free(miss);
}
END_TEST

/* The reader sizes its array from the file's size and its first block's lines: a first
 * block of long comment lines makes that estimate 40 times short, and the array must then
 * grow with every value kept; a plain file is read the same. */
START_TEST(test_reader_reserve)
{
  char *dir = th_mkdtemp("reserve");
  char path[512], err[256];
  const size_t n = 300000;
  for (int comments = 0; comments < 2; comments++) {
    snprintf(path, sizeof path, "%s/r%d.txt", dir, comments);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int c = 0; comments && c < 1100; c++)
      fprintf(f, "# %0998d\n", c);
    for (size_t i = 0; i < n; i++)
      fprintf(f, "%zu\n", i * 7 % 1000);
    ck_assert_int_eq(fclose(f), 0);
    struct st_load_opts o = {0};
    struct st_series s;
    ck_assert_int_eq(st_load_series(path, &o, &s, err, sizeof err), 0);
    ck_assert_uint_eq(s.n, n);
    ck_assert_uint_eq(s.nlines, n + (comments ? 1100 : 0));
    double sum = 0.0, want = 0.0;
    for (size_t i = 0; i < n; i++) {
      sum += s.v[i];
      want += (double)(i * 7 % 1000);
    }
    ck_assert_double_eq(sum, want);
    ck_assert_double_eq(s.v[n - 1], (double)((n - 1) * 7 % 1000));
    st_series_free(&s);
  }
  th_rmtree(dir);
  free(dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("stats_gaps");
  TCase *tc = tcase_create("gaps");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_gradev_by_hand);
  tcase_add_test(tc, test_phase_gaps_within_ci);
  tcase_add_test(tc, test_freq_gaps_within_ci);
  tcase_add_test(tc, test_reader_gaps);
  tcase_add_test(tc, test_reader_reserve);
  tcase_add_test(tc, test_threads_same);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
